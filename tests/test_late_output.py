"""Output of threads, timers and processes that outlive their block is never counted in
another block or another note, never written by update, and is reported."""

from __future__ import annotations

import pytest

from pytest_torchnotes.run.routing import LateOutput, merge_late
from tests.conftest import WriteNote

#: A thread started in the first block prints while the second block runs.
THREAD = """\
```python
import threading, time
started = threading.Event()
go = threading.Event()
def tick():
    started.set()
    go.wait()
    print("tick from the worker")
    sys.stderr.write("worker error\\n")
    {done}
import sys
worker = threading.{kind}
worker.start()
started.wait()
```

```python
go.set()
time.sleep(0.3)
print("second block")
=== output ===
second block
```
"""

KINDS = {
    "thread": ("Thread(target=tick, name='ticker')", "pass"),
    "daemon": ("Thread(target=tick, name='ticker', daemon=True)", "pass"),
    "timer": ("Timer(0, tick)", "pass"),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_thread_of_an_earlier_block_is_not_counted_in_a_later_one(
    pytester: pytest.Pytester, write_note: WriteNote, kind: str
) -> None:
    start, done = KINDS[kind]
    write_note(THREAD.format(kind=start, done=done))
    result = pytester.runpytest("-p", "no:randomly", "-W", "default")
    result.assert_outcomes(passed=1)
    name = "ticker" if kind != "timer" else "Thread-*"
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md: output that came after the block it belongs to "
            f"had ended was not compared (nor written by --torchnotes-update): thread '{name}' "
            "(started by the code at line 2) wrote to stdout while the code at line 18 ran: "
            "'tick from the worker\\n'; thread '*' (started by the code at line 2) wrote to "
            "stderr while the code at line 18 ran: 'worker error\\n'"
        ]
    )


def test_update_never_writes_output_of_an_earlier_blocks_thread(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = THREAD.format(kind=KINDS["thread"][0], done="pass").replace("second block\n```", "```")
    text = text.replace("=== output ===\n", "=== output ===\nstale\n")
    note = write_note(text)
    pytester.runpytest("--torchnotes-update", "-p", "no:randomly").assert_outcomes(passed=1)
    assert note.read_text() == text.replace(
        "=== output ===\nstale\n", "=== output ===\nsecond block\n"
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_thread_started_by_the_block_itself_counts_for_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport threading\n"
        "def work():\n    print('from the worker')\n"
        "worker = threading.Thread(target=work)\nworker.start()\nworker.join()\n"
        "=== output ===\nfrom the worker\n```\n"
    )
    result = pytester.runpytest("-W", "error::pytest_torchnotes.plugin.TorchnotesWarning")
    result.assert_outcomes(passed=1)


def test_a_thread_left_by_one_note_is_not_counted_in_the_next(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The thread writes until the session is over (or for 30 s), however slow the machine.
    stop = pytester.path / "stop"
    write_note(
        "```python\nimport os, threading, time\n"
        "def spam(print=print, sleep=time.sleep, exists=os.path.exists, now=time.monotonic):\n"
        f"    end = now() + 30\n    while not exists({str(stop)!r}) and now() < end:\n"
        "        print('spam')\n        sleep(0.01)\n"
        "threading.Thread(target=spam, name='spammer', daemon=True).start()\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport time\ntime.sleep(0.2)\nprint('b')\n=== output ===\nb\n```\n", "b.md"
    )
    try:
        result = pytester.runpytest("-p", "no:randomly", "-W", "default")
    finally:
        stop.touch()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/b.md: output that came after the block it belongs to "
            "had ended was not compared*thread 'spammer' (started by the code at line 2 of "
            "notes/a.md, an earlier note) wrote to stdout while the code at line 2 ran: 'spam*"
        ]
    )


def test_a_stream_kept_from_an_earlier_block_writes_into_the_running_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A logging handler made in one block keeps that block's sys.stderr; what the next
    block logs through it is the next block's output."""
    write_note(
        "```python\nimport sys\nkept = sys.stdout\n```\n\n"
        "```python\n_ = kept.write('written later\\n')\n=== output ===\nwritten later\n```\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_block_that_wraps_sys_stdout_write_prints_through_its_wrapper(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A wrapper that calls the ``write`` it replaced (a tee, a prefix) sends its text to
    the block's output once."""
    write_note(
        "```python\nimport sys\nplain = sys.stdout.write\n"
        "sys.stdout.write = lambda text: plain(text.upper())\nprint('shouted')\n"
        "=== output ===\nSHOUTED\n```\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize("seconds", [0.0, 3600.0])
def test_a_blocks_streams_are_freed_without_the_garbage_collector(
    seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streams of a finished block outlive it by the next RETAINED_BLOCKS - 1 blocks
    and by RETAINED_SECONDS (a thread's ``print`` may still hold one, borrowed), then go
    without a collection: the end of the block breaks the cycle between a stream and its
    write."""
    import gc
    import weakref

    from pytest_torchnotes.run import routing
    from pytest_torchnotes.run.capture import BlockCapture
    from pytest_torchnotes.run.routing import RETAINED_BLOCKS, Router

    monkeypatch.setattr(routing, "RETAINED_SECONDS", seconds)
    monkeypatch.setattr(routing, "_retired", type(routing._retired)())

    router = Router()
    enabled = gc.isenabled()
    gc.disable()
    try:
        capture = BlockCapture()
        router.begin(capture, "line 1")
        capture.stdout.write("text\n")
        capture.stderr.write("error\n")
        router.end()
        assert (capture.out, capture.err) == ("text\n", "error\n")
        streams = [weakref.ref(capture.stdout), weakref.ref(capture.stderr)]
        del capture
        for later in range(RETAINED_BLOCKS):
            assert [stream() is not None for stream in streams] == [True, True], later
            router.begin(BlockCapture(), f"line {later + 2}")
            router.end()
        if seconds:  # the blocks were quicker than that: the streams stay
            assert [stream() is not None for stream in streams] == [True, True]
        else:
            assert [stream() for stream in streams] == [None, None]
    finally:
        if enabled:
            gc.enable()
    assert router.close() == []


def test_threads_printing_while_many_blocks_end_do_not_crash_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """``print`` in another thread may hold a block's stream, borrowed, between its writes
    while the block ends: a stream freed then crashed CPython 3.10 in about a third of the
    runs of this note (the streams are kept for the blocks after theirs, see routing.py)."""
    spam = (
        "```python\nimport threading\ndef spam(print=print):\n"
        "    for _ in range(200000):\n        print('spam', 'x')\n"
        "for _ in range(4):\n    threading.Thread(target=spam, daemon=True).start()\n```\n"
    )
    blocks = [f"```python\nprint({n})\n=== output ===\n{n}\n```\n" for n in range(300)]
    write_note("\n".join([spam, *blocks]), dedent=False)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-W", "ignore")
    result.assert_outcomes(passed=1)
    assert result.ret == 0


def test_a_stream_written_after_its_block_still_routes_every_write() -> None:
    """A thread that kept a finished block's stream writes into the running block when
    the block's own thread made it, is late otherwise, and is refused bytes as before."""
    import threading

    from pytest_torchnotes.run.capture import BlockCapture
    from pytest_torchnotes.run.routing import Router

    router = Router()
    first = BlockCapture()
    router.begin(first, "line 1")
    kept_out, kept_err = first.stdout, first.stderr
    router.end()
    with pytest.raises(TypeError, match="string argument expected, got 'bytes'"):
        kept_out.write(b"bytes")  # type: ignore[arg-type]
    go = threading.Event()
    earlier = threading.Thread(target=lambda: go.wait() and kept_out.write("late\n"))
    earlier.start()  # before the next block: its writes are not the next block's
    second = BlockCapture()
    router.begin(second, "line 9")
    kept_out.write("into the running block\n")
    kept_err.write("its error\n")
    go.set()
    earlier.join()
    router.end()
    kept_out.write("between blocks\n")
    assert (second.out, second.err) == ("into the running block\n", "its error\n")
    assert first.out == ""
    late = router.close()
    assert [(item.text, item.during) for item in late] == [
        ("late\n", "line 9"),
        ("between blocks\n", ""),
    ]


@pytest.mark.parametrize("how", ["popen", "multiprocessing"])
def test_a_child_process_of_an_earlier_block_is_not_counted_in_a_later_one(
    pytester: pytest.Pytester, write_note: WriteNote, how: str
) -> None:
    start = {
        "popen": (
            "import subprocess, sys\n"
            "child = subprocess.Popen([sys.executable, '-c', "
            "'import time; time.sleep(0.4); print(\"late child\", flush=True)'])"
        ),
        "multiprocessing": (
            "import multiprocessing, os, time\n"
            "def late():\n    time.sleep(0.4)\n    os.write(1, b'late child\\n')\n"
            "child = multiprocessing.get_context('fork').Process(target=late)\nchild.start()"
        ),
    }[how]
    write_note(
        f"```python\n{start}\n```\n\n"
        "```python\nimport time\ntime.sleep(0.8)\nprint('second block')\n"
        "=== output ===\nsecond block\n```\n\n"
        "```python\nchild.join() if hasattr(child, 'join') else child.wait()\n```\n"
    )
    result = pytester.runpytest("-p", "no:randomly", "-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md: output that came after the block it belongs to "
            "had ended was not compared*process * (started by the code at line 2) wrote to "
            "fd 1 between blocks: 'late child\\n'"
        ]
    )


def test_merge_late_joins_the_writes_of_one_writer() -> None:
    late = [
        LateOutput("thread 'a'", "stdout", "x", "line 1", "line 5"),
        LateOutput("thread 'a'", "stdout", "\n", "line 1", "line 5"),
        LateOutput("thread 'a'", "stderr", "e", "line 1", "line 5"),
        LateOutput("thread 'a'", "stdout", "y", "line 1", "line 9"),
    ]
    assert [item.text for item in merge_late(late)] == ["x\n", "e", "y"]
    assert LateOutput("thread 'a'", "stdout", "z" * 500).describe() == (
        "thread 'a' wrote to stdout between blocks: '" + "z" * 200 + "... (300 more)'"
    )


def test_a_child_process_left_by_one_note_is_not_counted_in_the_next(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import time; time.sleep(0.5); print(\"late child\", flush=True)'])\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport time\ntime.sleep(1.0)\nprint('b')\n=== output ===\nb\n```\n", "b.md"
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_a_thread_not_started_through_threading_counts_for_the_running_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """Like a C++ thread calling back into Python (autograd's device threads run hooks)."""
    write_note(
        "```python\nimport _thread, threading, time\n"
        "go, done = threading.Event(), threading.Event()\n"
        "def hook():\n    threading.current_thread()\n    go.wait()\n    print('from a hook')\n"
        "    done.set()\n_thread.start_new_thread(hook, ())\ntime.sleep(0.05)\n```\n\n"
        "```python\ngo.set()\ndone.wait();\n=== output ===\nfrom a hook\n```\n"
    )
    result = pytester.runpytest("-W", "error::pytest_torchnotes.plugin.TorchnotesWarning")
    result.assert_outcomes(passed=1)


def test_the_sessions_own_child_is_not_a_process_left_by_a_block() -> None:
    # The session's watcher is a child of the main thread: counted as a block's child, it
    # made every block switch fd 1 to a new file and keep the old one.
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from pytest_torchnotes.run.routing import live_children

    # Children that earlier tests of this process left (unreaped, or still running) are the
    # session's own too.
    children = f"/proc/self/task/{threading.get_native_id()}/children"
    earlier = {int(pid) for pid in Path(children).read_text().split()}
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    ours = frozenset({child.pid, *earlier})
    try:
        assert live_children() != []  # a child of the block, as far as it can tell
        assert live_children(ours) == []
    finally:
        child.kill()
        child.wait()
    assert live_children(ours) == []


def test_a_write_that_outlived_its_stream_refuses_bytes_as_a_stream_does() -> None:
    from pytest_torchnotes.run.capture import BlockCapture, FileDescriptorCapture
    from pytest_torchnotes.run.routing import Router

    router = Router()
    fd = FileDescriptorCapture()
    capture = BlockCapture(fd)
    router.begin(capture, "line 1")
    kept = capture.stdout.write
    with pytest.raises(TypeError, match="string argument expected"):
        kept(b"bytes")
    router.end()
    del capture
    with pytest.raises(TypeError, match="string argument expected"):
        kept(b"bytes")
    assert kept("late text") == len("late text")
    assert [late.text for late in router.close()] == ["late text"]
    fd.close()
