"""A block quote on a list item's own line (``- > ```python``) holds a fence that runs."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.lexers import MarkdownLexer
from tests.conftest import WriteNote

NOTE = """\
- > ```python
  > print(1)
  > ```
  >
  > ```output
  > 2
  > ```

1. > ```python
   > >>> 1 + 1
   > 3
   > ```
"""


def test_the_fences_and_their_prefixes() -> None:
    found = MarkdownLexer()(NOTE)
    assert [(f.open_line, f.close_line, f.prefix, f.quote_depth) for f in found.fences] == [
        (0, 2, "- > ", 1),
        (4, 6, "  > ", 1),
        (8, 11, "1. > ", 1),
    ]
    assert [(line.line, line.prefix, line.text) for line in found.fences[2].body] == [
        (9, "   > ", ">>> 1 + 1"),
        (10, "   > ", "3"),
    ]
    assert found.problems == []


def test_they_run_and_update_rewrites_only_their_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(NOTE)
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == NOTE.replace("  > 2\n", "  > 1\n").replace(
        "   > 3\n", "   > 2\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)
