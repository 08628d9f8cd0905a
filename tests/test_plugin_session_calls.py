"""End to end: a note that replaces a function the session itself calls (between blocks, at
the note's close, or while a block writes) fails only where its own code breaks; the
session uses the functions it had, and the next note runs as usual."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WriteNote

#: Functions the session calls between blocks or at a note's close (and, for the ``os``
#: ones, while a block prints), and functions the standard library calls in turn.
REPLACED = [
    "time.perf_counter",
    "time.monotonic",
    "os.dup2",
    "os.stat",
    "os.lseek",
    "os.getcwd",
    "os.chdir",
    "os.path.exists",
    "signal.signal",
    "signal.setitimer",
    "threading.get_native_id",
    "threading.get_ident",
    "threading.enumerate",
    "sys.getrecursionlimit",
    "shutil.rmtree",
    "gc.collect",
    "torch.get_default_dtype",
    "sys._getframe",
]

PATCHING_NOTE = """\
```python
import gc, os, os.path, shutil, signal, sys, threading, time, torch, warnings
{name} = None
warnings.warn("patched")
print("patched")
=== output ===
patched
```

```python
print({name} is None)
=== output ===
True
```

```python
{name}()
```
"""

NEXT_NOTE = """\
```python
import gc, os, os.path, shutil, signal, sys, threading, time, torch, warnings
print(callable({name}))
=== output ===
True
```
"""


@pytest.mark.parametrize("name", REPLACED)
def test_a_note_that_replaces_what_the_session_calls(
    pytester: pytest.Pytester, write_note: WriteNote, name: str
) -> None:
    write_note(PATCHING_NOTE.format(name=name), "a_patch.md")
    write_note(NEXT_NOTE.format(name=name), "b_next.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=1, failed=1)
    # Only the third block fails, with the note's own error at its own line.
    result.stdout.fnmatch_lines(
        [
            "*notes/a_patch.md:16: block 3: the block raised TypeError:"
            " 'NoneType' object is not callable*",
            '  File "notes/a_patch.md", line 17, in <module>',
        ]
    )
    result.stdout.no_fnmatch_line("*a_patch.md:1: *")
    result.stdout.no_fnmatch_line("*a_patch.md:9: *")
    result.stdout.no_fnmatch_line("*pytest_torchnotes*")
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    restored = {note["path"]: note["restored"] for note in notes}
    module, _, attribute = name.rpartition(".")
    assert restored["notes/a_patch.md"] == [
        f"{'posixpath' if module == 'os.path' else module}.{attribute}"
    ]
    assert restored["notes/b_next.md"] == []


#: Functions the time limit calls while a block runs past it (in its signal handler).
TIMER_CALLS = ["time.monotonic", "signal.setitimer", "signal.signal", "signal.getsignal"]

SLOW_NOTE = """\
```python
import signal, time
{name} = None
```

<!-- torchnotes: timeout 0.3 -->
```python
while True:
    pass
```

```python
print("after")
=== output ===
after
```
"""


@pytest.mark.parametrize("name", TIMER_CALLS)
def test_a_block_that_replaces_what_the_time_limit_calls_still_times_out(
    pytester: pytest.Pytester, write_note: WriteNote, name: str
) -> None:
    write_note(SLOW_NOTE.format(name=name), "slow.md")
    write_note(NEXT_NOTE.format(name=name), "next.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/slow.md:7: block 2: the block did not finish within 0.3 s*(timeout)*"]
    )
    result.stdout.no_fnmatch_line("*TypeError*")
    result.stdout.no_fnmatch_line("*slow.md:13*")
