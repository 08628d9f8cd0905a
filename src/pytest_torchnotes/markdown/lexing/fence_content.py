"""Where a fence's content starts and ends, and how a fence is marked as output: the same
for a fence and for a block in a static site's template tags (:mod:`.template_tags`), whose
``{% raw %}`` lines at either end are neither code nor output, and whose language is an
argument of its tag."""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.lexing.fences import FenceLexeme

#: The language of a template tag of code: ``highlight python``, ``lang:python``.
TAG_LANGUAGE = re.compile(r"(?P<word>highlight[ \t]+|lang:)[\w+.-]+")
#: The end of a template tag, where a language it lacks goes.
TAG_END = re.compile(r"(?P<end>[ \t]*-?%\})$")


def content_start(fence: FenceLexeme) -> int:
    """0-based line where new content goes at the top: after the opening line, and after a
    template tag's ``{% raw %}`` lines (all prefix, no text)."""
    start = fence.open_line + 1
    if fence.tag:
        for line in fence.body:
            if line.text or not line.prefix.strip():
                break
            start = line.line + 1
    return start


def content_end(fence: FenceLexeme) -> int:
    """0-based line that ends the content of the closed ``fence``: its closing line, or a
    template tag's first ``{% endraw %}`` line of those right above it.

    >>> from pytest_torchnotes.markdown.lexing.lines import BodyLine
    >>> body = (BodyLine(1, "{% raw %}", ""), BodyLine(2, "", "1"),
    ...         BodyLine(3, "{% endraw %}", ""))
    >>> fence = FenceLexeme(0, 4, "text", "", "{% endhighlight %}", 0, body, tag="{% x %}")
    >>> content_start(fence), content_end(fence)
    (2, 3)
    """
    assert fence.close_line is not None
    end = fence.close_line
    if fence.tag:
        start = content_start(fence)
        for line in reversed(fence.body):
            if line.text or not line.prefix.strip() or line.line < start:
                break
            end = line.line
    return end


def as_output(fence: FenceLexeme) -> str:
    """The opening that marks ``fence`` as output: ```` ```output ````, or for a template
    tag the tag with the language ``text``.

    >>> as_output(FenceLexeme(0, 2, "python", "", "~~~", 0, ()))
    '~~~output'
    >>> as_output(FenceLexeme(0, 2, "python", "", "{{< /highlight >}}", 0, (),
    ...                       tag="{{< highlight python >}}"))
    '{{< highlight text >}}'
    >>> as_output(FenceLexeme(0, 2, "", "", "{% endcodeblock %}", 0, (), tag="{% codeblock %}"))
    '{% codeblock lang:text %}'
    """
    if not fence.tag:
        return fence.fence + "output"
    if TAG_LANGUAGE.search(fence.tag):
        return TAG_LANGUAGE.sub(r"\g<word>text", fence.tag, count=1)
    return TAG_END.sub(r" lang:text\g<end>", fence.tag, count=1)
