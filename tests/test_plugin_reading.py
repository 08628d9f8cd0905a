"""End to end: what the plugin reads of hostile and unusual notes, and what it says of them."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts


def test_a_tab_indented_python_fence_is_not_run_and_named_with_its_fix(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# Note\n\n\t```python\n\tprint(1)\n\t```\n\n```python\nprint(2)\n```\n", dedent=False
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 1}
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:3: ```python is indented four columns or more*"
            "remove the tab*"
        ]
    )
