"""A thread one note leaves running never writes into a later note's output: what it
writes while the later note runs is late output, reported with the note that started it,
through the later note's streams or a stream it kept from its own note; what it writes to
file descriptor 1, which cannot tell writers apart, is named at the block it shares."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.conftest import WriteNote

#: Runs in the first note: a thread that writes with ``write`` until the session is over
#: (or for 30 s), however slow the machine.
WRITER = """\
```python
import os, sys, threading, time
kept = sys.stdout
def spam(exists=os.path.exists, now=time.monotonic, sleep=time.sleep, os=os, sys=sys, kept=kept):
    end = now() + 30
    while not exists({stop!r}) and now() < end:
        {write}
        sleep(0.01)
threading.Thread(target=spam, name='spammer', daemon=True).start()
```
"""

LATER = "```python\nimport time\ntime.sleep(0.3)\nprint('b')\n=== output ===\nb\n```\n"


def _run(pytester: pytest.Pytester, write_note: WriteNote, write: str, later: str = LATER):
    stop: Path = pytester.path / "stop"
    write_note(WRITER.format(stop=str(stop), write=write), "a.md")
    write_note(later, "b.md")
    try:
        return pytester.runpytest("-p", "no:randomly", "-W", "default")
    finally:
        _stop(stop)


def _stop(stop: Path) -> None:
    """End the writer: in this process, a write of its after the test went on would be
    late output of the next test's own thread of that name."""
    stop.touch()
    for thread in threading.enumerate():
        if thread.name == "spammer":
            thread.join(10)


@pytest.mark.parametrize(
    ("write", "stream"),
    [
        ("print('spam')", "stdout"),
        ("sys.stderr.write('spam\\n')", "stderr"),
        ("print('spam', file=kept)", "stdout"),  # the stream of its own note's block
        ("kept.write('spam\\n')", "stdout"),
    ],
    ids=["print", "stderr", "print-kept", "write-kept"],
)
def test_what_a_thread_of_an_earlier_note_writes_is_late_and_names_that_note(
    pytester: pytest.Pytester, write_note: WriteNote, write: str, stream: str
) -> None:
    result = _run(pytester, write_note, write)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/b.md: output that came after the block it belongs to "
            "had ended was not compared*thread 'spammer' (started by the code at line 2 of "
            f"notes/a.md, an earlier note) wrote to {stream} while the code at line 2 ran: "
            "'spam*"
        ]
    )


def test_the_running_blocks_own_writes_to_a_stream_kept_from_an_earlier_note_are_its_output() -> (
    None
):
    """What the running block's thread writes to a stream an earlier note's block held
    (a handler that outlived the note's isolation) is the running block's output; a
    thread of the earlier note writing there is late."""
    import threading

    from pytest_torchnotes.run.capture import BlockCapture
    from pytest_torchnotes.run.routing import Router

    earlier, later = Router("notes/a.md"), Router("notes/b.md")
    first = BlockCapture()
    earlier.begin(first, "line 2")
    kept = first.stdout
    go, done = threading.Event(), threading.Event()

    def spam() -> None:
        go.wait()
        kept.write("spam\n")
        done.set()

    thread = threading.Thread(target=spam, name="spammer", daemon=True)
    thread.start()
    earlier.end()
    assert earlier.close() == []
    second = BlockCapture()
    later.begin(second, "line 4")
    kept.write("here\n")
    go.set()
    done.wait(10)
    later.end()
    thread.join(10)
    assert second.out == "here\n"
    assert [late.describe() for late in later.close()] == [
        "thread 'spammer' (started by the code at line 2 of notes/a.md, an earlier note) "
        "wrote to stdout while the code at line 4 ran: 'spam\\n'"
    ]


def test_a_thread_of_an_earlier_note_writing_to_fd_1_is_named_at_the_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    result = _run(pytester, write_note, "os.write(1, b'spam\\n')")
    result.stdout.fnmatch_lines(
        [
            "warning: notes/b.md:1: EarlierNoteThread: thread 'spammer' (started by the code"
            " at line 2 of notes/a.md, an earlier note) ran while the block wrote to file"
            " descriptor 1 (C code, os.write), and fd 1 cannot tell one writer from another:"
            " part of the output compared may be the thread's. End the thread in its own note*"
        ]
    )


def test_a_waiting_thread_of_an_earlier_note_is_not_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A thread that an earlier note left waiting does not run: the later block's own
    writes to fd 1 are its output, with no warning."""
    write_note(
        "```python\nimport threading\nevent = threading.Event()\n"
        "threading.Thread(target=event.wait, args=(30,), daemon=True).start()\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport os, time\ntime.sleep(0.2)\n_ = os.write(1, b'from fd 1\\n')\n"
        "=== output ===\nfrom fd 1\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly", "-W", "default")
    result.assert_outcomes(passed=2)
    assert "EarlierNoteThread" not in result.stdout.str()
    assert "TorchnotesWarning" not in result.stdout.str()


def test_update_does_not_write_what_a_thread_of_an_earlier_note_wrote_to_fd_1(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Only a warning said that part of the block's fd 1 output might be the thread's: update
    # mode wrote the thread's text into the later note as the block's output.
    stop: Path = pytester.path / "stop"
    write_note(WRITER.format(stop=str(stop), write="os.write(1, b'spam\\n')"), "a.md")
    later = write_note(
        "```python\nimport os, time\ntime.sleep(0.3)\n_ = os.write(1, b'b2\\n')\n"
        "=== output ===\nb\n```\n",
        "b.md",
    )
    before = later.read_bytes()
    try:
        result = pytester.runpytest("-p", "no:randomly", "--torchnotes-update")
    finally:
        _stop(stop)
    assert later.read_bytes() == before
    result.stdout.fnmatch_lines(
        [
            "*notes/b.md:1: not written: thread 'spammer' (started by the code at line 2 of"
            " notes/a.md, an earlier note) ran while the block wrote to file descriptor 1*"
        ]
    )
