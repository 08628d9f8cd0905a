"""Code that static site pages hold in template tags rather than in fences: Jekyll's Liquid
``{% highlight python %}`` ... ``{% endhighlight %}`` and Hugo's ``{{< highlight python >}}``
... ``{{< /highlight >}}``. It is not run, and reported so that nothing is lost."""

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


def highlight_blocks(note: NoteContext) -> None:
    """Warn of each highlight block of Python outside fences and HTML comments."""
    if "highlight" not in note.text:
        return  # most notes: not read line by line
    hidden = set(note.comment_lines)
    for fence in note.lexemes.fences:
        hidden.update(range(fence.open_line, fence.last_line + 1))
    for index, line in enumerate(note.lines):
        opening = HIGHLIGHT.match(line) if "highlight" in line else None
        if opening is None or index in hidden:
            continue
        language = opening.group("language").lower()
        if language in note.format.languages or PYTHON_LOOKING.match(language):
            note.problem(
                index,
                f"{cut(line.strip())} is a highlight block of a static site, which is not run: "
                f"write it as a ```{language} fence (ending in ```) to run it",
                "warning",
            )
