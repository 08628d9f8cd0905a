"""End to end: what a note sets in ``multiprocessing``, in how the interpreter loads modules
and in the process (memory tracing, CPUs, the signal wakeup fd) is back for the next note."""

from __future__ import annotations

import json
import os
import signal
import sys
import tracemalloc

import pytest

from tests.conftest import WriteNote


def test_the_start_method_and_executable_a_note_sets_are_back_for_the_next(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The start method a note forced started every later note's processes the spawn
    # way, and one a note only read was fixed: a later set_start_method failed with
    # "context has already been set", as it does not in a script.
    write_note(
        "```python\nimport multiprocessing as mp\nmp.set_start_method('forkserver', force=True)\n"
        "mp.set_executable('/bin/false')\nprint(mp.get_start_method())\n"
        "=== output ===\nforkserver\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport multiprocessing as mp, multiprocessing.spawn as spawn\n"
        "print(mp.get_start_method(allow_none=True), spawn.get_executable() != '/bin/false')\n"
        "print(mp.get_start_method() == mp.get_all_start_methods()[0])  # the default\n"
        "=== output ===\nNone True\nTrue\n```\n",
        "b.md",
    )
    write_note(
        "```python\nimport multiprocessing as mp\nmp.set_start_method('spawn')\n"
        "print(mp.get_start_method())\n=== output ===\nspawn\n```\n",
        "c.md",
    )
    report = pytester.path / "report.json"
    result = pytester.runpytest("-p", "no:randomly", f"--torchnotes-report={report}")
    result.assert_outcomes(passed=3)
    notes = {note["path"]: note for note in json.loads(report.read_text())["notes"]}
    assert {"multiprocessing start method", "multiprocessing executable"} <= set(
        notes["notes/a.md"]["restored"]
    )


def test_how_the_interpreter_loads_modules_is_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Both stayed as the note set them: every later import of a C extension loaded its
    # symbols globally, and no later module was cached.
    write_note(
        "```python\nimport os, sys\nsys.setdlopenflags(os.RTLD_LAZY | os.RTLD_GLOBAL)\n"
        "sys.dont_write_bytecode = not sys.dont_write_bytecode\n```\n",
        "a.md",
    )
    expected = f"{sys.getdlopenflags()} {sys.dont_write_bytecode}"
    write_note(
        "```python\nimport sys\nprint(sys.getdlopenflags(), sys.dont_write_bytecode)\n"
        f"=== output ===\n{expected}\n```\n",
        "b.md",
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_memory_tracing_cpus_and_the_wakeup_fd_are_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # All three stayed: tracing made every later note several times slower, the affinity
    # kept later notes on one CPU, and the wakeup fd named a descriptor closed after the
    # note, whose number the session's next file took.
    write_note(
        "```python\nimport os, signal, tracemalloc\ntracemalloc.start(5)\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "r, w = os.pipe()\nos.set_blocking(w, False)\nsignal.set_wakeup_fd(w)\n```\n",
        "a.md",
    )
    cpus = sorted(os.sched_getaffinity(0))
    wakeup = signal.set_wakeup_fd(-1)
    if wakeup != -1:
        signal.set_wakeup_fd(wakeup)
    write_note(
        "```python\nimport os, signal, tracemalloc\n"
        "fd = signal.set_wakeup_fd(-1); signal.set_wakeup_fd(fd) if fd != -1 else None\n"
        "print(tracemalloc.is_tracing(), sorted(os.sched_getaffinity(0)), fd)\n"
        f"=== output ===\n{tracemalloc.is_tracing()} {cpus} {wakeup}\n```\n",
        "b.md",
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_attributes_a_note_sets_on_modules_it_names_are_gone_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Modules that the session does not call itself (json, collections) kept what a note
    # set on them, a tensor too, for every later note.
    write_note(
        "```python\nimport json, collections, json as j\njson._kept = 1\n"
        "collections.kept = 2\nsetattr(j, 'kept', 3)\ndel json.dumps\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport json, collections\n"
        "print(hasattr(json, '_kept'), hasattr(collections, 'kept'), "
        "hasattr(json, 'kept'), json.dumps([1]))\n"
        "=== output ===\nFalse False False [1]\n```\n",
        "b.md",
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
