"""Code that static site pages hold in template tags rather than in fences, read as fences.

Jekyll's Liquid ``{% highlight python linenos %}`` ... ``{% endhighlight %}``, Hugo's
``{{< highlight python "linenos=table" >}}`` ... ``{{< /highlight >}}`` and Hexo's (and
Octopress') ``{% codeblock train.py lang:python %}`` ... ``{% endcodeblock %}`` open and
close a block of code as a fence does: each becomes a :class:`~.fences.FenceLexeme` whose
``fence`` is its closing tag and ``tag`` its opening one, so that it runs in order with the
fences, and the next one (``{% highlight text %}``, a bare fence) is its output as a fence's
would be. The site's template engine reads the tags before Markdown does: the scan
(:mod:`.scan`) takes a block's lines at its opening tag, so that nothing in it (a Python
comment, a ```` ``` ```` in a string) is read as Markdown.

kramdown's attribute list after a fence without language (``{: .language-python}``) names
its language: the fence gets it as its info string.

Most notes hold neither: three substring searches find that, and the scan looks at no
more lines.
"""

from __future__ import annotations

import re
from dataclasses import replace

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme
from pytest_torchnotes.markdown.lexing.lines import BodyLine, strip_columns, width

#: The opening tag of a highlight block: Jekyll's ``{% highlight python linenos %}``, Hugo's
#: ``{{< highlight python "linenos=table" >}}`` (or ``{{% ... %}}``).
HIGHLIGHT = re.compile(
    r"^[ \t]*(?:\{%-?|\{\{[<%])[ \t]*highlight[ \t]+(?P<language>[\w+.-]+)"
    r"(?P<options>[^%>]*?)[ \t]*(?:-?%\}|[>%]\}\})[ \t]*$"
)

#: The opening tag of a code block of Hexo and Octopress: ``{% codeblock lang:python %}``,
#: ``{% codeblock train.py lang:python http://example.com %}``, ``{% code lang:python %}``. Its
#: language is its ``lang:`` option; one without the option names none.
CODEBLOCK = re.compile(r"^[ \t]*\{%-?[ \t]*code(?:block)?[ \t](?P<arguments>[^%]*?)-?%\}[ \t]*$")

#: The ``lang:`` option among a codeblock tag's arguments.
LANG_OPTION = re.compile(r"(?:^|[ \t])lang:(?P<language>[\w+.-]+)")

#: The closing tag of a highlight block or codeblock tag.
CLOSING = re.compile(
    r"^[ \t]*(?:\{%-?[ \t]*end(?:highlight|codeblock|code)\b[^%]*%\}"
    r"|\{\{[<%][ \t]*/[ \t]*highlight[ \t]*[>%]\}\})[ \t]*$"
)

#: Liquid's ``{% raw %}`` and ``{% endraw %}``, which keep ``{{`` in code from the template
#: engine: inside a block they are no line of its code.
RAW = re.compile(r"^[ \t]*\{%-?[ \t]*(?:end)?raw[ \t]*-?%\}[ \t]*$")

#: kramdown's attribute list that names a code block's language, on the line after it.
LANGUAGE_IAL = re.compile(r"^[ \t]{0,3}\{:[ \t]*\.language-(?P<language>[\w+.-]+)[^}]*\}[ \t]*$")

#: The languages a highlight tag names for text shown as it is: the tag must name one where
#: a fence may name none, so right after a block such a tag is its output, as a bare fence is.
PLAIN_LANGUAGES = frozenset({"text", "plaintext", "plain", "txt", "console", "output", "none"})

#: What a note that holds a tag of code holds; the attribute list's start.
TRIGGERS = ("highlight", "{% code")
IAL_TRIGGER = "{:"


def may_hold_tags(text: str) -> bool:
    """Whether ``text`` may hold a template tag of code: two substring searches.

    >>> may_hold_tags("{% highlight python %}"), may_hold_tags("```python")
    (True, False)
    """
    return any(trigger in text for trigger in TRIGGERS)


def block(lines: list[str], index: int) -> FenceLexeme | None:
    """The block of code whose opening tag is line ``index``, as a fence; ``None`` when the
    line opens none, or no closing tag ends it (the parser names it, :mod:`..liquid`).

    >>> lines = ["{% highlight py linenos %}", "{% raw %}", "x = 1", "{% endraw %}",
    ...          "{% endhighlight %}"]
    >>> found = block(lines, 0)
    >>> found.info, found.fence, found.tag, [line.text for line in found.body]
    ('py linenos', '{% endhighlight %}', '{% highlight py linenos %}', ['', 'x = 1', ''])
    """
    line = lines[index]
    info = opening_info(line)
    if info is None:
        return None
    close = next(
        (number for number in range(index + 1, len(lines)) if CLOSING.match(lines[number])), None
    )
    if close is None:
        return None
    inner = next((text.strip() for text in lines[index + 1 : close] if text.strip()), "")
    if inner.startswith(("```", "~~~")):
        return None  # GitBook's {% code title="x" %} around a fence: a container, not code
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    columns = width(indent)
    body = tuple(_body_line(number, lines[number], columns) for number in range(index + 1, close))
    return FenceLexeme(index, close, info, indent, lines[close].strip(), 0, body, tag=line.strip())


def _body_line(number: int, line: str, columns: int) -> BodyLine:
    """A line of a block: the tag's indentation is its prefix; a ``{% raw %}`` line is all
    prefix, a blank line of the code, so that the code keeps the note's line numbers."""
    if RAW.match(line):
        return BodyLine(number, line, "")
    prefix, rest = strip_columns(line, columns)
    return BodyLine(number, prefix, rest)


def opening_info(line: str) -> str | None:
    """The info string of the block that ``line`` opens (``python linenos``, ``python
    title="train.py"`` for Hexo's file name, ``""`` for a codeblock with no language), or
    ``None`` when it opens none.

    >>> opening_info("{% codeblock train.py lang:python %}"), opening_info("{% codeblock 输出 %}")
    ('python title="train.py"', 'title="输出"')
    >>> opening_info('{{< highlight python "linenos=table" >}}'), opening_info("{% endhighlight %}")
    ('python "linenos=table"', None)
    """
    if "highlight" in line:
        highlight = HIGHLIGHT.match(line)
        if highlight is not None:
            options = highlight.group("options").strip()
            return f"{highlight.group('language')} {options}".strip()
    if "code" not in line:
        return None
    codeblock = CODEBLOCK.match(line)
    if codeblock is None:
        return None
    arguments = codeblock.group("arguments")
    option = LANG_OPTION.search(arguments)
    language = option.group("language") if option is not None else ""
    title = " ".join(
        word for word in arguments.split() if not word.startswith("lang:") and "://" not in word
    )
    titled = f'title="{title}"' if title and '"' not in title else ""
    return f"{language} {titled}".strip()


def languages_from_attributes(lines: list[str], fences: list[FenceLexeme]) -> None:
    """Give each closed fence without language the one the kramdown attribute list on the
    line after it names (``{: .language-python}``)."""
    for position, fence in enumerate(fences):
        after = fence.close_line + 1 if fence.close_line is not None else len(lines)
        if fence.info or after >= len(lines) or "{:" not in lines[after]:
            continue
        named = LANGUAGE_IAL.match(lines[after])
        if named is not None:
            fences[position] = replace(fence, info=named.group("language"))
