"""The import lock of a module that a thread of a note was still importing after it."""

from __future__ import annotations

import importlib
import json
import sys
import threading
from pathlib import Path

import pytest

from pytest_torchnotes.run import heldlocks
from tests.conftest import WriteNote

#: A module whose code, run in any thread but the main one, waits until it is let go.
WAITING_MODULE = """\
import threading
if threading.current_thread() is not threading.main_thread():
    import builtins
    builtins.{event}.wait(30)
"""


def test_a_module_a_thread_is_still_importing_is_freed_and_imported_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    let_go = threading.Event()
    monkeypatch.setattr(builtins, "torchnotes_let_go", let_go, raising=False)
    (tmp_path / "half_made.py").write_text(WAITING_MODULE.format(event="torchnotes_let_go"))
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(threading.enumerate())
    importing = threading.Thread(target=importlib.import_module, args=("half_made",), daemon=True)
    importing.start()
    try:
        while "half_made" not in sys.modules:  # the thread is inside the module's code
            importing.join(0.01)
        assert heldlocks.free_import_locks(before, str(tmp_path / "elsewhere"), wait=0.05) == []
        freed = heldlocks.free_import_locks(before, str(tmp_path), wait=0.05)
        assert freed == [
            "the import of 'half_made' (a thread of the note was still importing it and held"
            " its import lock: the next import of it starts afresh)"
        ]
        assert "half_made" not in sys.modules
        let_go_later = threading.Timer(5, let_go.set)  # a regression waits, then fails
        let_go_later.start()
        module = importlib.import_module("half_made")
        let_go_later.cancel()
        assert not let_go.is_set(), "the next import waited for the thread's lock"
        assert sys.modules["half_made"] is module
    finally:
        let_go.set()
        importing.join(10)
        sys.modules.pop("half_made", None)


def test_nothing_is_freed_when_no_thread_of_the_note_is_importing() -> None:
    assert heldlocks.free_import_locks(set(threading.enumerate()), "/", wait=0.05) == []


def test_a_note_whose_thread_never_finishes_an_import_does_not_hang_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The next note that imported the module waited for the thread's import lock until its
    # time limit. The limit here is short so that a regression fails instead of waiting.
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_timeout = 20\n")
    (pytester.path / "notes" / "stuck_import.py").write_text(
        "import threading, time\n"
        "if threading.current_thread() is not threading.main_thread():\n"
        "    time.sleep(3600)\n"
    )
    write_note(
        "```python\nimport sys, threading, time\n"
        "threading.Thread(target=__import__, args=('stuck_import',), daemon=True).start()\n"
        "while 'stuck_import' not in sys.modules:\n    time.sleep(0.01)\n"
        "print('started')\n=== output ===\nstarted\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport stuck_import\nprint('imported')\n=== output ===\nimported\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    report = json.loads((pytester.path / "report.json").read_text())
    assert any("the import of 'stuck_import'" in name for name in report["notes"][0]["restored"])
