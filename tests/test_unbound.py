"""A block that uses a name no block above binds: where the note binds it, if it does."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.run.followon import bound_names
from pytest_torchnotes.run.unbound import where_bound
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "unbound.md"


def test_a_fence_not_run_above_or_a_block_below() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    note = NoteParser().parse(text)
    items = note.items
    # the bare fence at line 5 binds weights; a block below binds values; nothing binds missing
    assert where_bound("weights", 8, note.lines, items, bound_names) == (
        "the fence at line 5 (``` without a language) binds 'weights', but it is not run: "
        "tag it ```python to run it, or define 'weights' in a setup comment"
    )
    assert where_bound("values", 15, note.lines, items, bound_names) == (
        "block 3 (line 20), below this one, binds 'values': the note uses it before it "
        "defines it; move that code up, or mark this block <!-- torchnotes: skip why -->"
    )
    assert where_bound("missing", 25, note.lines, items, bound_names) is None


@pytest.mark.parametrize("info", ["", "text", "py3k", "console"])
def test_any_fence_that_is_not_run(info: str) -> None:
    text = f"```{info}\nx = 1\n```\n\n```python\nprint(x)\n```\n"
    note = NoteParser().parse(text)
    found = where_bound("x", 4, note.lines, note.items, bound_names)
    assert found is not None
    assert found.startswith("the fence at line 1 (")


def test_the_messages_name_where_the_name_is_bound(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SAMPLE.read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:9: block 1 (*): the block raised NameError: name 'weights' is not "
            "defined (exception)",
            "  the fence at line 5 (``` without a language) binds 'weights', but it is not run:*",
            "*",
            "notes/note.md:16: block 2 (*): the block raised NameError: name 'values' is not "
            "defined (exception)",
            "  block 3 (line 20), below this one, binds 'values'*",
            "*",
            "notes/note.md:26: block 4 (*): the block raised NameError: name 'missing' is not "
            "defined (exception)",
            "  no block above binds 'missing'*",
        ]
    )
