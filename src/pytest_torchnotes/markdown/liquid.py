"""Code that static site pages hold in template tags rather than in fences: Jekyll's Liquid
``{% highlight python %}`` ... ``{% endhighlight %}``, Hugo's ``{{< highlight python >}}``
... ``{{< /highlight >}}``, and Hexo's (and Octopress') ``{% codeblock lang:python %}`` ...
``{% endcodeblock %}``. It is not run, and reported so that nothing is lost: one warning per
note, which names the blocks that hold a block's output apart from those of code."""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.bare_python import reads_as_python
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.hints import holds
from pytest_torchnotes.markdown.layout import LABEL_LENGTH, OUTPUT_LABEL, PRINTED_REPR
from pytest_torchnotes.markdown.notpython import PYTHON_LOOKING
from pytest_torchnotes.notelines import shown_lines
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.words import and_more

#: The opening tag of a highlight block: Jekyll's ``{% highlight python linenos %}``, Hugo's
#: ``{{< highlight python "linenos=table" >}}`` (or ``{{% ... %}}``).
HIGHLIGHT = re.compile(
    r"^[ \t]*(?:\{%-?|\{\{[<%])[ \t]*highlight[ \t]+(?P<language>[\w+.-]+)"
    r"[^%>]*(?:-?%\}|[>%]\}\})[ \t]*$"
)

#: The opening tag of a code block of Hexo and Octopress: ``{% codeblock lang:python %}``,
#: ``{% codeblock train.py lang:python http://example.com %}``, ``{% code lang:python %}``. Its
#: language is its ``lang:`` option; one without the option names none.
CODEBLOCK = re.compile(r"^[ \t]*\{%-?[ \t]*code(?:block)?[ \t](?P<arguments>[^%]*)%\}[ \t]*$")

#: The ``lang:`` option among a codeblock tag's arguments.
LANG_OPTION = re.compile(r"(?:^|[ \t])lang:(?P<language>[\w+.-]+)")

#: What each kind of tag is called in a warning.
TAGS = ((HIGHLIGHT, "highlight", "a highlight block"), (CODEBLOCK, "code", "a codeblock tag"))


#: The closing tag of a highlight block or codeblock tag.
CLOSING = re.compile(
    r"^[ \t]*(?:\{%-?[ \t]*end(?:highlight|codeblock|code)\b[^%]*%\}"
    r"|\{\{[<%][ \t]*/highlight[ \t]*[>%]\}\})[ \t]*$"
)


def highlight_blocks(note: NoteContext) -> None:
    """Warn of the highlight blocks and codeblock tags of Python outside fences and HTML
    comments: one warning per note, at the first that holds code, naming the others, and
    those that hold a block's output (under a label line, or what Python printed) apart."""
    if "highlight" not in note.text and not holds(note.text, "{%"):
        return  # most notes: not read line by line
    hidden = set(note.comment_lines)
    for fence in note.lexemes.fences:
        hidden.update(range(fence.open_line, fence.last_line + 1))
    code: list[tuple[int, str, str]] = []
    output: list[int] = []
    for index, line in enumerate(note.lines):
        found = _opening(line)
        if found is None or index in hidden:
            continue
        language, kind = found[0].lower(), found[1]
        if language in note.format.languages or PYTHON_LOOKING.match(language):
            if _holds_output(note, index):
                output.append(index)
            else:
                code.append((index, language, kind))
    if not code and not output:
        return
    first = code[0] if code else None
    at = first[0] if first is not None else output[0]
    tag = cut(note.lines[at].strip())
    if first is not None:
        _, language, kind = first
        message = (
            f"{tag} is {kind} of a static site, which is not run: write it as a ```{language} "
            "fence (ending in ```) to run it"
        )
    else:
        message = f"{tag} is a highlight block of a static site, which is not read"
    others = [index for index, _, _ in code[1:]]
    message += and_more(
        len(code), "such block", where=f" of code in this note: {shown_lines(others)}"
    )
    if output:
        message += (
            f"; {len(output)} such block{'s' * (len(output) > 1)} hold{'s' * (len(output) == 1)}"
            f" output ({shown_lines(output)}): write {'it' if len(output) == 1 else 'each'} as a "
            "```output fence after its block to compare it"
        )
    note.problem(at, message, "warning")


def _holds_output(note: NoteContext, opening: int) -> bool:
    """Whether the block that opens at ``opening`` holds what a block printed rather than
    code: text that is no Python that does more than show a value, under a label line
    (``結果：``, ``Output:``) or reading as a printed value."""
    body: list[str] = []
    for line in note.lines[opening + 1 :]:
        if CLOSING.match(line):
            break
        body.append(line)
    text = "\n".join(body)
    if reads_as_python(text):
        return False
    first = next((line.strip() for line in body if line.strip()), "")
    above = next((line.strip() for line in reversed(note.lines[:opening]) if line.strip()), "")
    label = note.format.output_label or OUTPUT_LABEL
    labeled = len(above) <= LABEL_LENGTH and label.match(above) is not None
    return labeled or PRINTED_REPR.match(first) is not None


def _opening(line: str) -> tuple[str, str] | None:
    """The language of the highlight block or codeblock tag that ``line`` opens, and its kind.

    >>> _opening("{% codeblock train.py lang:python %}"), _opening("{% codeblock 输出 %}")
    (('python', 'a codeblock tag'), None)
    """
    for tag, word, kind in TAGS:
        opening = tag.match(line) if word in line else None
        if opening is None:
            continue
        if tag is HIGHLIGHT:
            return opening.group("language"), kind
        option = LANG_OPTION.search(opening.group("arguments"))
        return (option.group("language"), kind) if option is not None else None
    return None
