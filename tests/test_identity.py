"""End to end: a block cannot change who the session's process is or what it sees as ``/``.

In a subprocess: run as root, a regression would leave the test session itself in a chroot.
"""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

NOTE = """\
```python
import os
os.setuid(os.getuid())
os.setegid(os.getegid())
print("unchanged")
=== output ===
unchanged
```

```python
os.chroot(".")
```

```python
os.seteuid(os.geteuid() + 1)
```

```python
print(os.getuid() == os.geteuid(), os.getcwd() != "/")
=== output ===
True True
```
"""


def test_a_block_that_changes_the_process_s_user_or_root_fails_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # As root, os.setuid dropped the session's privilege for good (it could no longer
    # read its own folders) and os.chroot ended it with an internal error, no report.
    write_note(NOTE, "a.md")
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/a.md:10: block 2: the block raised PermissionError: [[]Errno 1[]] refused: "
            "os.chroot would change the root directory of the session's whole process for "
            "good *",
            '  File "notes/a.md", line 11, in <module>',
            "notes/a.md:14: block 3: the block raised PermissionError: [[]Errno 1[]] refused: "
            "os.seteuid would change the users and groups *",
        ]
    )
    assert "block 1:" not in result.stdout.str()
    assert "block 4:" not in result.stdout.str()
