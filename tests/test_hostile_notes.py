"""End to end: notes that misbehave in ways a reader's note can, run in a real session."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import WriteNote, block_counts

#: A note whose object does something when it is freed, which is when the note ends.
FREED_AT_THE_END = """\
```python
class Finalized:
    def __del__(self):
        {action}

kept = Finalized()
print("made")
=== output ===
made
```
"""


def test_a_finalizer_that_calls_os_exit_does_not_end_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The note's namespace was cleared after os._exit was put back, so the finalizer ended
    # pytest with status 9 and no report. A subprocess, so that a regression cannot end
    # the test session itself.
    write_note(FREED_AT_THE_END.format(action="import os; os._exit(9)"), "a.md")
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*Exception ignored in: <function Finalized.__del__*"])


def test_a_finalizer_writes_into_the_scratch_copy(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The working directory was put back before the namespace was cleared, so a relative
    # write in a finalizer landed in the folder pytest was started from.
    write_note(FREED_AT_THE_END.format(action="open('from_del.txt', 'w').write('x')"))
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    assert not list(pytester.path.rglob("from_del.txt"))


def test_a_module_a_note_puts_into_sys_modules_is_gone_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Entries a note replaced were put back, but a new stand-in stayed for every later note.
    write_note(
        "```python\nimport sys, types\nsys.modules['stand_in'] = types.ModuleType('stand_in')\n"
        "sys.modules.setdefault('other_stand_in', types.ModuleType('other'))\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport importlib.util\n"
        "print(importlib.util.find_spec('stand_in'), importlib.util.find_spec('other_stand_in'))\n"
        "=== output ===\nNone None\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    report = (pytester.path / "report.json").read_text()
    assert "sys.modules['stand_in']" in report


#: A note that leaves work for the end of the process.
AT_EXIT = """\
```python
import atexit

@atexit.register
def goodbye():
    open("written_at_exit.txt", "w").write("x")

atexit.register(lambda: __import__("os")._exit(0))
```
"""


def test_functions_a_note_registers_at_exit_are_taken_off_and_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # They ran when pytest exited: in the folder it was started from, and os._exit(0)
    # turned a failed session into exit status 0.
    write_note(AT_EXIT, "a.md")
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert not list(pytester.path.rglob("written_at_exit.txt"))
    # The line of a call made by a decorator is the decorator's from Python 3.11, the def's
    # before: goodbye is registered at line 4 or 5.
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/a.md: the note registered functions to run at exit: "
            "goodbye (line [45]), <lambda> (line 8); they were taken off and do not run*"
        ]
    )


def test_a_function_a_note_registers_for_threading_s_shutdown_is_taken_off_and_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # threading._register_atexit, where concurrent.futures joins its workers: the note's
    # os._exit(0) there turned a failed session into exit status 0.
    write_note(
        "```python\nimport threading\n"
        "threading._register_atexit(lambda: __import__('os')._exit(0))\n```\n",
        "a.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/a.md: the note registered functions to run at exit: "
            "<lambda> (threading._register_atexit, line 3); they were taken off*"
        ]
    )


def test_what_a_library_registers_at_exit_stays(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    (pytester.path / "notes" / "library.py").write_text(
        "import atexit\n\n@atexit.register\ndef goodbye():\n    print('library goodbye')\n"
    )
    write_note(
        "```python\nimport atexit, library\natexit.register(print, 'note goodbye')\n"
        "atexit.register(print, 'note goodbye again')\natexit.unregister(print)\n"
        "atexit.register(print, 'note goodbye at last')\n```\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-s")
    result.assert_outcomes(passed=1)
    assert result.stdout.lines[-1] == "library goodbye"
    assert "note goodbye" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*run at exit: print (line 6); they were taken off*"])


#: A torch.compile note that falls back to eager mode, and a later note that reads it.
COMPILE_CONFIG = (
    "```python\nimport torch._dynamo\ntorch._dynamo.config.suppress_errors = True\n```\n",
    "```python\nimport torch._dynamo\nprint(torch._dynamo.config.suppress_errors)\n"
    "=== output ===\nFalse\n```\n",
)


@pytest.mark.parametrize("run", ["in_process", "subprocess"])
def test_a_torch_config_a_note_sets_is_put_back(
    pytester: pytest.Pytester, write_note: WriteNote, run: str
) -> None:
    # In a subprocess, the first note imports torch._dynamo: its config goes back to its
    # defaults. In this process torch._dynamo is loaded already: its config is put back.
    write_note(COMPILE_CONFIG[0], "a.md")
    write_note(COMPILE_CONFIG[1], "b.md")
    arguments = ("-p", "no:randomly", "--torchnotes-report=report.json")
    if run == "subprocess":
        result = pytester.runpytest_subprocess(*arguments)
    else:
        result = pytester.runpytest(*arguments)
    result.assert_outcomes(passed=2)
    assert "torch._dynamo.config.suppress_errors" in (pytester.path / "report.json").read_text()


#: An example as PyTorch's docstrings write it: ``torch`` and ``F`` are imported already.
DOCSTRING_EXAMPLE = """\
```python
>>> F.relu(torch.tensor([-1.0, 2.0]))
tensor([0., 2.])
```
"""


def test_a_docstring_example_without_its_imports_names_the_setup_option(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DOCSTRING_EXAMPLE)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the block raised NameError: name 'F' is not defined*",
            "  import it in the note, or set torchnotes_setup (--torchnotes-setup) to the imports"
            " the notes take as done (PyTorch's docstring examples take `import torch`*",
        ]
    )
    setup = "import torch; from torch import nn; import torch.nn.functional as F"
    pytester.runpytest(f"--torchnotes-setup={setup}").assert_outcomes(passed=1)


def test_a_note_that_removes_its_working_directory_leaves_the_next_notes_alone(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The working directory could not be read after the note, so it was not put back: every
    # later note of the session failed with FileNotFoundError before its first block.
    write_note("```python\nimport os, shutil\nshutil.rmtree(os.getcwd())\n```\n", "a.md")
    (pytester.path / "notes" / "data.txt").write_text("data\n")
    write_note("```python\nprint(open('data.txt').read())\n=== output ===\ndata\n```\n", "b.md")
    write_note("```python\nprint('elsewhere')\n=== output ===\nelsewhere\n```\n", "more/c.md")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_setup_code_that_exits_says_so(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    # The message ended at "setup code from the note's front matter raised:", with nothing.
    write_note("---\ntorchnotes:\n  setup: import os; os._exit(1)\n---\n```python\nprint(1)\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:5: block 1: not run: setup code from the note's front matter raised:",
            "os._exit: the block called os._exit(1); the session was kept alive",
        ]
    )


@pytest.mark.parametrize(("compare", "outcome"), [("numeric", "passed"), ("exact", "failed")])
def test_negative_zero_matches_zero_unless_compared_exactly(
    pytester: pytest.Pytester, write_note: WriteNote, compare: str, outcome: str
) -> None:
    write_note(
        f"<!-- torchnotes: compare {compare} -->\n```python\nimport torch\n"
        "print(torch.tensor([-0.0, 1.0]))\n=== output ===\ntensor([0., 1.])\n```\n"
    )
    pytester.runpytest().assert_outcomes(**{outcome: 1})


#: A limit a script could live with, 15 frames above where the block runs.
LOWERED_LIMIT = """\
```python
import sys
frame, depth = sys._getframe(), 0
while frame is not None:
    frame, depth = frame.f_back, depth + 1
sys.setrecursionlimit(depth + 15)
```

```python
print(sys.getrecursionlimit() > depth + 15)
=== output ===
True
```
"""


def test_a_block_that_lowers_the_recursion_limit_too_far_fails_and_the_note_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # A limit of 50 left the session no room after the block: pytest's own RecursionError
    # ended the note with an internal traceback.
    write_note(LOWERED_LIMIT)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised RecursionError: the block set the"
            " recursion limit to *, but it runs * frames deep under pytest, which leaves the"
            " session too little to report it: the limit was put back to * (set it to at least *)*"
        ]
    )


def test_a_block_may_lower_the_recursion_limit_to_show_a_recursion_error(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport sys\nsys.setrecursionlimit(400)\ndef down(n):\n    return down(n + 1)\n"
        "try:\n    down(0)\nexcept RecursionError as error:\n    print(error)\n"
        "=== output ===\nmaximum recursion depth exceeded\n```\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_note_that_patches_os_getpid_does_not_end_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # After the block the session compared os.getpid() with its own pid, took itself for a
    # process the block had forked, and ended. A subprocess: a regression ends it.
    write_note(
        "```python\nimport os\nos.getpid = lambda: 1\n```\n\n"
        "```python\nprint('second block')\n=== output ===\nsecond block\n```\n",
        "a.md",
    )
    write_note("```python\nimport os\nprint(os.getpid() > 1)\n=== output ===\nTrue\n```\n", "b.md")
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_note_that_replaces_open_runs_its_next_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The session read /proc through builtins.open after each block: the note ended with
    # TypeError: 'NoneType' object is not callable, from the session's own code.
    write_note(
        "```python\nimport builtins\nbuiltins.open = None\n```\n\n"
        "```python\nprint('second block')\n=== output ===\nsecond block\n```\n",
        "a.md",
    )
    write_note("```python\nprint(open is not None)\n=== output ===\nTrue\n```\n", "b.md")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("patch", "check", "expected"),
    [
        (
            "import threading\nthreading.enumerate = lambda: []",
            "import threading\nprint(len(threading.enumerate()) > 0)",
            "True",
        ),
        ("import re\nre.escape = str.upper", "import re\nprint(re.escape('a'))", "a"),
        (
            "import traceback\ntraceback.format_exc = lambda: ''",
            "import traceback\nprint(traceback.format_exc().strip())",
            "NoneType: None",
        ),
    ],
)
def test_a_standard_module_the_session_uses_is_put_back_after_a_note(
    pytester: pytest.Pytester, write_note: WriteNote, patch: str, check: str, expected: str
) -> None:
    # Only builtins, math, random, os, os.path and time were watched among the standard
    # modules: threading.current_thread = None broke every later note of the session.
    write_note(f"```python\n{patch}\n```\n", "a.md")
    write_note(f"```python\n{check}\n=== output ===\n{expected}\n```\n", "b.md")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_a_note_reads_changes_and_removes_its_own_file_in_the_copy(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The note's own file was left out of its scratch copy even when its code named it:
    # reading it failed with a hint about files other notes write.
    note = write_note(
        """\
        # Own file

        ```python
        import os
        print(open("own.md").readline().strip())
        os.chmod("own.md", 0o600)
        os.remove("own.md")
        print(os.path.exists("own.md"))
        ```

        ```output
        # Own file
        False
        ```
        """,
        "own.md",
    )
    before = note.read_bytes(), note.stat().st_mode
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    assert (note.read_bytes(), note.stat().st_mode) == before


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd (Linux)")
def test_bare_file_descriptors_a_note_leaves_open_are_closed_and_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Nothing owns a number os.open gives: they stayed open for the rest of the session.
    write_note(
        """\
        ```python
        import os
        kept = [os.open(os.devnull, os.O_RDONLY) for _ in range(50)]
        read, write = os.pipe()
        closed = os.open(os.devnull, os.O_RDONLY)
        os.close(closed)
        ```
        """,
        "a.md",
    )
    before = len(os.listdir("/proc/self/fd"))
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    assert len(os.listdir("/proc/self/fd")) < before + 10
    (note,) = json.loads((pytester.path / "report.json").read_text())["notes"]
    closed = [name for name in note["restored"] if name.startswith("file descriptor")]
    assert len(closed) == 52
    assert sum("(os.pipe at line 4)" in name for name in closed) == 2


@pytest.mark.parametrize(
    ("send", "name"),
    [
        ("os.kill(os.getpid(), signal.SIGUSR1)", "SIGUSR1"),
        ("signal.raise_signal(signal.SIGTERM)", "SIGTERM"),
        ("os.kill(os.getpid(), signal.SIGKILL)", "SIGKILL"),
        ("signal.pthread_kill(threading.main_thread().ident, signal.SIGHUP)", "SIGHUP"),
    ],
)
def test_a_block_that_signals_its_own_process_to_end_fails_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote, send: str, name: str
) -> None:
    # The signal ended the session: no later note ran, no report was written. A subprocess,
    # so that a regression cannot end the test session itself.
    import signal

    write_note(f"```python\nimport os, signal, threading\n{send}\nprint('sent')\n```\n", "a.md")
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    # A signal the session ignores ends nothing and is rightly sent; a session started under
    # `nohup` ignores SIGHUP, and its child inherits that: the child starts with the default.
    kept = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        result = pytester.runpytest_subprocess("-p", "no:randomly")
    finally:
        signal.signal(signal.SIGHUP, kept)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [f"notes/a.md:1: block 1: the block raised *SignalledItself: the block sent {name} to *"]
    )
    assert "selfsignal.py" not in result.stdout.str()


def test_a_signal_the_block_handles_is_sent(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        import os, signal
        signal.signal(signal.SIGUSR1, lambda signum, frame: print("handled"))
        os.kill(os.getpid(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGCHLD)  # ignored unless handled: sent
        === output ===
        handled
        ```
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_signal_to_the_session_s_process_group_is_not_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Checked without sending: the group holds the process running these tests."""
    import signal

    from pytest_torchnotes.run import selfsignal

    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(selfsignal, "KILLPG", lambda group, signum: sent.append((group, signum)))
    monkeypatch.setattr(selfsignal, "KILL", lambda pid, signum: sent.append((pid, signum)))
    watched = selfsignal.SelfSent(os.getpid())
    for send in (
        lambda: watched.killpg(0, signal.SIGUSR2),
        lambda: watched.kill(0, signal.SIGTERM),
    ):
        with pytest.raises(selfsignal.SignalledItself, match="to the session's own process group"):
            send()
    watched.killpg(0, signal.SIGCHLD)
    watched.kill(12345, signal.SIGTERM)  # another process
    assert sent == [(0, signal.SIGCHLD), (12345, signal.SIGTERM)]


def test_a_thread_that_keeps_logging_s_lock_does_not_hang_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The next note's start waited for the lock for good. A subprocess with a time limit,
    # so that a regression fails this test instead of hanging the test session.
    write_note(
        """\
        ```python
        import logging, threading, time
        def hold():
            logging._acquireLock() if hasattr(logging, "_acquireLock") else logging._lock.acquire()
            time.sleep(3600)
        threading.Thread(target=hold, daemon=True).start()
        time.sleep(0.2)
        ```
        """,
        "a.md",
    )
    write_note(
        "```python\nimport logging\nlogging.getLogger('x').warning('logged')\nprint('next')\n"
        "=== output ===\nnext\n```\n",
        "b.md",
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "--torchnotes-report=report.json", timeout=120
    )
    result.assert_outcomes(passed=2)
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    assert any("logging's module lock" in name for name in notes[0]["restored"])


@pytest.mark.parametrize(
    ("name", "action"), [("SIGTERM", "end"), ("SIGTSTP", "stop"), ("SIGSTOP", "stop")]
)
def test_a_signal_that_would_end_or_stop_the_session_is_not_sent(
    monkeypatch: pytest.MonkeyPatch, name: str, action: str
) -> None:
    import signal

    from pytest_torchnotes.run import selfsignal

    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(selfsignal, "KILL", lambda pid, signum: sent.append((pid, signum)))
    monkeypatch.setattr(signal, "getsignal", lambda signum: signal.SIG_DFL)
    with pytest.raises(selfsignal.SignalledItself, match=f"sent {name} to .* would {action} it"):
        selfsignal.SelfSent(os.getpid()).kill(os.getpid(), getattr(signal, name))
    assert sent == []


def test_a_thread_that_calls_os_exit_fails_the_block_that_runs_then(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # os._exit in a thread ended only that thread: the block passed on output that a run of
    # the note would never have printed, since the process ends there.
    write_note(
        "```python\nimport os, threading\n"
        "t = threading.Thread(target=lambda: os._exit(4), name='quitter')\n"
        "t.start(); t.join()\nprint('done')\n=== output ===\ndone\n```\n\n"
        "```python\nprint('next')\n=== output ===\nnext\n```\n"
    )
    result = pytester.runpytest(
        "-p", "no:randomly", "-W", "ignore::pytest.PytestUnhandledThreadExceptionWarning"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised os._exit: thread 'quitter' called "
            "os._exit(4) while the block ran: the process would have ended there; the session "
            "was kept alive*"
        ]
    )
    assert block_counts(result) == {"verified": 1, "failed": 1}


def test_a_note_that_replaces_sybil_s_evaluate_has_its_next_block_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The replaced Example.evaluate stayed on while the runner evaluated the next block:
    # it returned None, the block was never run nor reported, and the note passed.
    # (The plugin's own classes are taken off between blocks the same way.)
    write_note(
        "```python\nimport sybil.example\nsybil.example.Example.evaluate = lambda self: None\n"
        "print('x')\n=== output ===\nx\n```\n\n"
        "```python\nprint('y')\n=== output ===\nnot y\n```\n",
        "a.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n", "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=2)
    assert block_counts(result) == {"verified": 1, "failed": 2}
    result.stdout.fnmatch_lines(["*notes/a.md:9: block 2: text drift*", "*notes/b.md:1: block 1*"])


def test_a_block_that_never_reaches_the_run_fails_as_not_evaluated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # What no guard puts back (an attribute of the running note's own objects) must not
    # pass a block unrun either.
    write_note(
        "```python\nimport gc, pytest_torchnotes.run.noterun as noterun\n"
        "runs = [o for o in gc.get_objects() if type(o) is noterun.NoteRun]\n"
        "for run in runs:\n    run.answer = lambda example, kind: None\n"
        "print('x')\n=== output ===\nx\n```\n\n"
        "```python\nprint('y')\n=== output ===\nnot y\n```\n",
        "a.md",
    )
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    assert block_counts(result) == {"verified": 2, "failed": 1}
    result.stdout.fnmatch_lines(
        ["*notes/a.md:11: block 2: not run: the note's code replaced what evaluates its blocks*"]
    )


def test_a_note_that_replaces_the_comparison_has_its_next_block_compared_as_usual(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Comparator.compare replaced by the note compared the block's output with itself, and
    # every later block of the note passed whatever it printed.
    write_note(
        "```python\nimport pytest_torchnotes.comparison.compare as compare\n"
        "real = compare.Comparator.compare\n"
        "compare.Comparator.compare = lambda self, want, got: real(self, got, got)\n```\n\n"
        "```python\nprint('y')\n=== output ===\nnot y\n```\n",
        "a.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"ran": 1, "failed": 1}
    result.stdout.fnmatch_lines(["*notes/a.md:7: block 2: text drift*"])


def test_a_note_s_audit_hook_that_refuses_open_fails_only_its_own_blocks(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The hook ran while the session worked between blocks: its RuntimeError came out of
    # the session's own reading of /proc, and the note failed with pytest's traceback,
    # without a verdict for any of its blocks.
    write_note(
        "```python\nimport sys\ndef refuse(event, args):\n    if event == 'open':\n"
        "        raise RuntimeError('no open')\nsys.addaudithook(refuse)\nprint('x')\n"
        "=== output ===\nx\n```\n\n"
        "```python\nprint('y')\n=== output ===\ny\n```\n\n"
        "```python\nopen('written.txt', 'w')\n```\n",
        "a.md",
    )
    write_note(
        "```python\nwith open('new.txt', 'w') as f:\n    f.write('ok')\n"
        "print(open('new.txt').read())\n=== output ===\nok\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    assert block_counts(result) == {"verified": 3, "failed": 1}
    result.stdout.fnmatch_lines(
        ["*notes/a.md:18: block 3: the block raised RuntimeError: no open*"]
    )


@pytest.mark.parametrize(
    "action",
    [
        "os.kill(os.getpid(), signal.SIGINT)",
        "_thread.interrupt_main()",
        "os._exit(0)",
    ],
    ids=["sigint", "interrupt_main", "os_exit"],
)
def test_a_thread_an_earlier_note_left_does_not_fail_or_stop_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, action: str
) -> None:
    # The later note's block was blamed: it failed with KeyboardInterrupt or os._exit, or
    # the session stopped as for Ctrl-C. A subprocess, as a regression would interrupt the
    # test session itself.
    write_note(
        "```python\nimport threading\n\ndef later():\n"
        "    import _thread, os, signal, time\n    time.sleep(0.3)\n"
        f"    {action}\n\nthreading.Thread(target=later, daemon=True).start()\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport time\ntime.sleep(0.9)\nprint('slept')\n=== output ===\nslept\n```\n",
        "b.md",
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=60)
    result.assert_outcomes(passed=2, warnings=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*Exception in thread Thread-1 (later)*"])
