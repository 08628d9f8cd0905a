"""End to end: a block that deletes builtins meets the errors a script would, no others."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

NOTE = """\
```python
import builtins, sys
show = builtins.print
for name in ["isinstance", "str", "repr", "len", "type"]:
    delattr(builtins, name)
show("printed")
print("to stderr", file=sys.stderr)
[1, 2]
=== output ===
printed
[1, 2]
```

```python
len("ab")
```
"""


def test_a_block_that_deletes_builtins_prints_and_shows_its_last_expression(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The capture of print and the display of the last expression called isinstance and
    # repr from builtins: the block failed with NameError in the plugin's own frames.
    write_note(NOTE, "a.md")
    write_note("```python\nprint(len('abc'))\n=== output ===\n3\n```\n", "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["notes/a.md:14: block 2: the block raised NameError: name 'len' is not defined *"]
    )
    assert "block 1:" not in result.stdout.str()
