"""End to end: output that differs from the note's fails, and the failure says what differs."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote


def test_the_failure_quotes_the_text_that_differs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        import torch
        print("weights:")
        print(torch.ones(2, dtype=torch.float64))

        ======== output ==========
        weights:
        tensor([1., 1.])
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: text drift: the output says something else",
            "  notes/note.md:8: printed ', dtype=torch.float64' where the note has nothing",
            "-tensor([1., 1.])",
            "+tensor([1., 1.], dtype=torch.float64)",
        ]
    )


def test_neighbouring_floats_fail(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        print(0.1 + 0.2 == 0.3, 0.3)

        ======== output ==========
        False 0.30000000000000004
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: format drift: numbers printed with fewer digits *",
            "  notes/note.md:5: expected 0.30000000000000004, got 0.3: printed with fewer digits"
            " than the note wrote, so it cannot show the same value",
        ]
    )


def test_a_line_break_after_an_open_bracket_counts(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        print("results (see below:", "acc 0.5")

        ======== output ==========
        results (see below:
        acc 0.5
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: text drift: the output says something else",
            "  notes/note.md:5: expected '\\n', printed nothing there",
        ]
    )
