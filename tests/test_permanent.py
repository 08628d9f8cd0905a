"""Audit hooks and at-fork functions: a note's own are inert after it, a library's stay."""

from __future__ import annotations

import os
import sys

import pytest

from pytest_torchnotes.run.permanent import PermanentHooks

NOTE = "notes/note.md"


def _fork() -> None:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="needs os.register_at_fork")
def test_a_note_s_at_fork_function_runs_until_the_note_ends_and_a_library_s_stays() -> None:
    calls: list[str] = []
    hooks = PermanentHooks(NOTE)
    hooks.start()
    try:
        code = "\n\nos.register_at_fork(before=lambda: calls.append('note'))"
        exec(compile(code, NOTE, "exec"), {"os": os, "calls": calls})
        os.register_at_fork(before=lambda: calls.append("library"))  # not the note's code
        _fork()
    finally:
        registered = hooks.stop()
    _fork()
    assert registered == ["os.register_at_fork (line 3)"]
    # Python calls the "before" functions last registered first.
    assert calls == ["library", "note", "library"]


def test_the_functions_are_put_back() -> None:
    add_audit_hook, register_at_fork = sys.addaudithook, getattr(os, "register_at_fork", None)
    hooks = PermanentHooks(NOTE)
    hooks.start()
    assert sys.addaudithook is not add_audit_hook
    assert hooks.stop() == []
    assert (sys.addaudithook, getattr(os, "register_at_fork", None)) == (
        add_audit_hook,
        register_at_fork,
    )
