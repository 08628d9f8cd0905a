"""End to end: a block may write to a device file but not remove, replace or change it.

What the blocks try would change nothing if let through (``/dev/null`` keeps its mode, a
rename onto itself does nothing, the device removed is the test's own), so that a
regression cannot break the machine.
"""

from __future__ import annotations

import os

import pytest

from pytest_torchnotes.run import devices
from tests.conftest import WriteNote

NOTE = """\
```python
import os, shutil, stat
with open("/dev/null", "w") as null:
    print(null.write("x"))
=== output ===
1
```

```python
os.chmod("/dev/null", 0o666)
```

```python
os.replace("/dev/null", "/dev/null")
```
"""

AS_ROOT = """
```python
os.mknod("twin", stat.S_IFCHR | 0o666, os.makedev(1, 3))
os.symlink("twin", "link")
os.remove("link")  # the link, not the device
os.mkdir("folder")
os.mknod("folder/twin", stat.S_IFCHR | 0o666, os.makedev(1, 3))
print("made")
=== output ===
made
```

```python
os.remove("twin")
```

```python
shutil.rmtree("folder")
```
"""


def test_a_block_that_changes_a_device_file_fails_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Run as root, nothing stopped a block from replacing /dev/null with a regular file
    # (an atomic write given it as its target) or changing its mode, for every program of
    # the machine.
    root = os.geteuid() == 0
    write_note(NOTE + (AS_ROOT if root else ""), "a.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    refused = (
        "the block raised PermissionError: [[]Errno 1[]] refused: a device file is shared by "
        "every program of the machine; a block may write to it, not remove, replace, rename "
        "or change it: '{}'"
    )
    lines = [
        f"  notes/a.md:9: {refused.format('/dev/null')}",
        f"  notes/a.md:13: {refused.format('/dev/null')}",
    ]
    if root:
        # shutil.rmtree over a device node: Python 3.13 names the folder it empties
        lines += [
            f"  notes/a.md:28: {refused.format('twin')}",
            "  notes/a.md:32: *refused: a device file is shared by every program *",
        ]
    result.stdout.fnmatch_lines([f"{3 + 3 * root} blocks: {2 + 2 * root} failed:", *lines])


def test_a_device_is_told_from_a_file_and_a_link_to_a_device_from_a_device() -> None:
    assert devices.names_device("os.remove", "/dev/null")
    assert not devices.names_device("os.remove", "/etc/hostname")
    assert not devices.names_device("os.remove", 3)
    assert not devices.names_device("os.remove", "/no/such/file")
    if os.path.islink("/dev/stdout") and os.path.exists("/dev/stdout"):
        # a link: removing it removes the link, changing its mode changes what it names
        assert not devices.names_device("os.remove", "/dev/stdout")
