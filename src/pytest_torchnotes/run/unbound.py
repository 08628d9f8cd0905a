"""Where a note binds a name that no block above the one that uses it binds.

Two layouts bind it where no block runs it first: a fence without a language (or with
another one) above, which the page shows as code but is not run (a course page that gives
its setup code in a bare fence), and a block further down (slides and tutorials that use a
result before the slide that computes it). The failing block's message names that place;
it is read only for a block that failed so, never on a passing note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.notelines import shown


def where_bound(
    name: str,
    line: int,
    lines: Sequence[str],
    items: Sequence[Block | SetupBlock],
    binds: Callable[[str], frozenset[str]],
) -> str | None:
    """What the message of the block at 0-based ``line`` that misses ``name`` says of where
    the note binds it: a fence above that is not run, else a block below. ``items`` are the
    note's blocks and setup code; ``binds`` gives the names code binds."""
    run = {item.first_line for item in items}
    fences = MarkdownLexer()("\n".join(lines)).fences if lines else ()
    above = [
        fence
        for fence in fences
        if fence.open_line < line
        and fence.open_line not in run
        and fence.close_line is not None
        and name in binds("\n".join(body.text for body in fence.body))
    ]
    if above:
        fence = above[-1]
        kind = fence.opening if fence.info or fence.tag else f"{fence.fence} without a language"
        return (
            f"the fence at line {shown(fence.open_line)} ({kind}) binds {name!r}, but it is "
            f"not run: tag it ```python to run it, or define {name!r} in a setup comment"
        )
    below = next(
        (item for item in items if item.first_line > line and name in binds(item.code)), None
    )
    if below is not None:
        return (
            f"{below.name} (line {shown(below.first_line)}), below this one, binds {name!r}: "
            "the note uses it "
            "before it defines it; move that code up, or mark this block "
            "<!-- torchnotes: skip why -->"
        )
    return None
