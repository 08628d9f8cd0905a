"""``logging.captureWarnings(True)`` in a note: the warnings module's ``showwarning`` and
the one logging keeps to put back (``logging._warnings_showwarning``) are put back with the
note's other state, so the next note, and the session after the notes, find them as a fresh
interpreter has them."""

from __future__ import annotations

import json
import logging
import warnings

import pytest

from tests.conftest import WriteNote
from tests.test_hostile_round15 import _leave_then_check

#: Whether ``captureWarnings(True)`` routes warnings to logging, as on a fresh interpreter:
#: with logging's saved ``showwarning`` left behind, it did nothing.
CAPTURES = (
    "import logging, warnings\nlogging.captureWarnings(True)\n"
    "print(warnings.showwarning is logging._showwarning)\nlogging.captureWarnings(False)"
)


@pytest.mark.parametrize(
    "leave",
    [
        "logging.captureWarnings(True)",
        # what logging keeps alone: the next captureWarnings(False) put back a dead note's
        "logging.captureWarnings(True)\nimport warnings\nwarnings.showwarning = "
        "logging._warnings_showwarning",
    ],
)
def test_captured_warnings_are_put_back_for_the_next_note_and_the_session(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str
) -> None:
    shown_before = warnings.showwarning
    report = _leave_then_check(pytester, write_note, leave, CAPTURES, "True")
    assert warnings.showwarning is shown_before
    assert logging._warnings_showwarning is None  # type: ignore[attr-defined]
    assert "logging.captureWarnings" in json.loads(report)["notes"][0]["restored"]
