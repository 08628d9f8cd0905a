"""End to end: a note's code that never returns where the session runs it outside a block.

Each runs in a subprocess with a timeout, so that a regression cannot hang the test session.
"""

from __future__ import annotations

import pytest

from pytest_torchnotes.run.unprintable import chain
from tests.conftest import WriteNote

NEXT_NOTE = "```python\nprint('next note')\n=== output ===\nnext note\n```\n"


def test_a_finalizer_that_never_returns_is_interrupted_and_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The note's objects were freed after its last block with no time limit: the
    # session hung there for good.
    write_note(
        "```python\nclass Stuck:\n    def __del__(self):\n        while True:\n"
        "            pass\n\nkept = Stuck()\nprint('made')\n=== output ===\nmade\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess(
        "--torchnotes-timeout=0.5", "-p", "no:randomly", timeout=60
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*notes/a.md: freeing the note's objects did not finish within 0.5 s "
            "(a __del__ or weakref finalizer that does not return): it was interrupted"
        ]
    )
    assert "BlockTimeout" not in result.stdout.str()


def test_an_exception_whose_str_never_returns_fails_its_block_and_the_note_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Its text was read after the block, with no time limit: the watchdog ended the
    # process, with no report of any note.
    write_note(
        "```python\nclass Stuck(Exception):\n    def __str__(self):\n        while True:\n"
        "            pass\n\nraise ValueError('outer') from Stuck()\n```\n\n"
        "```python\nprint('after')\n=== output ===\nafter\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess(
        "--torchnotes-timeout=0.5", "-p", "no:randomly", timeout=60
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/a.md:1: block 1: the block raised ValueError: "
            "<the str() of Stuck did not return within 0.5 s> (exception)",
            '  File "notes/a.md", line 7, in <module>',
            "ValueError: <the str() of Stuck did not return within 0.5 s>",
        ]
    )
    assert "block 2" not in result.stdout.str()  # the block after it passed


def test_the_chain_of_an_exception_lists_each_once() -> None:
    first, second = ValueError("first"), KeyError("second")
    second.__context__ = first
    first.__cause__ = second  # a loop, as a handler can make one
    assert chain(second) == [second, first]
    assert chain(first) == [first, second]
