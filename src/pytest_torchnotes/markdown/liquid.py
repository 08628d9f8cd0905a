"""Code that static site pages hold in template tags rather than in fences: Jekyll's Liquid
``{% highlight python %}`` ... ``{% endhighlight %}``, Hugo's ``{{< highlight python >}}``
... ``{{< /highlight >}}``, and Hexo's (and Octopress') ``{% codeblock lang:python %}`` ...
``{% endcodeblock %}``. It is not run, and reported so that nothing is lost."""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.notpython import PYTHON_LOOKING
from pytest_torchnotes.quoting import cut

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


def highlight_blocks(note: NoteContext) -> None:
    """Warn of each highlight block or codeblock tag of Python outside fences and HTML
    comments."""
    if "highlight" not in note.text and "{%" not in note.text:
        return  # most notes: not read line by line
    hidden = set(note.comment_lines)
    for fence in note.lexemes.fences:
        hidden.update(range(fence.open_line, fence.last_line + 1))
    for index, line in enumerate(note.lines):
        found = _opening(line)
        if found is None or index in hidden:
            continue
        language, kind = found[0].lower(), found[1]
        if language in note.format.languages or PYTHON_LOOKING.match(language):
            note.problem(
                index,
                f"{cut(line.strip())} is {kind} of a static site, which is not run: "
                f"write it as a ```{language} fence (ending in ```) to run it",
                "warning",
            )


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
