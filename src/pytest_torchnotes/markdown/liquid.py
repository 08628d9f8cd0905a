"""Template tags of code that are never closed: Jekyll's ``{% highlight python %}``, Hugo's
``{{< highlight python >}}``, Hexo's ``{% codeblock lang:python %}`` with no closing tag
after them. A closed one is a fence (:mod:`.lexing.template_tags`) and runs; one never
closed is not read as code, and reported so that nothing is lost: one warning per note."""

from __future__ import annotations

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.lexing.info import language as info_language
from pytest_torchnotes.markdown.lexing.template_tags import (
    CODEBLOCK as CODEBLOCK,
)
from pytest_torchnotes.markdown.lexing.template_tags import (
    HIGHLIGHT as HIGHLIGHT,
)
from pytest_torchnotes.markdown.lexing.template_tags import (
    LANG_OPTION as LANG_OPTION,
)
from pytest_torchnotes.markdown.lexing.template_tags import may_hold_tags, opening_info
from pytest_torchnotes.markdown.notpython import PYTHON_LOOKING
from pytest_torchnotes.notelines import shown_lines
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.words import and_more


def highlight_blocks(note: NoteContext) -> None:
    """Warn of the template tags of Python outside fences and HTML comments that no closing
    tag ends: one warning per note, at the first, naming the others."""
    if not may_hold_tags(note.text):
        return  # most notes: not read line by line
    hidden = set(note.comment_lines)
    for fence in note.lexemes.fences:
        hidden.update(range(fence.open_line, fence.last_line + 1))
    unclosed: list[int] = []
    for index, line in enumerate(note.lines):
        info = opening_info(line) if "{" in line and index not in hidden else None
        if info is None:
            continue
        language = info_language(info)
        if language in note.format.languages or PYTHON_LOOKING.match(language):
            unclosed.append(index)
    if not unclosed:
        return
    at = unclosed[0]
    tag = cut(note.lines[at].strip())
    message = (
        f"{tag} opens a block of code of a static site that no closing tag ends, which is not"
        " run: end it with {% endhighlight %} ({{< /highlight >}} on Hugo, "
        "{% endcodeblock %} on Hexo) to run it"
    )
    message += and_more(
        len(unclosed), "such tag", where=f" in this note: {shown_lines(unclosed[1:])}"
    )
    note.problem(at, message, "warning")
