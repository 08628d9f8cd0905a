"""End to end: a lone surrogate in what a note raised, warned or wrote to stderr reaches the
terminal and the run report from an xdist worker too (execnet sends only UTF-8: the note's
report failed to be sent, and its blocks' results were lost)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WriteNote, block_counts

NOTE = """\
```python
import sys, warnings
sys.stderr.write("err\\udc80\\n")
warnings.warn("w\\udc80")
raise ValueError("v\\udc80")
```

```python
print("next")
=== output ===
next
```
"""


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "1"]], ids=["serial", "xdist"])
def test_a_lone_surrogate_of_a_note_is_reported(
    pytester: pytest.Pytester, write_note: WriteNote, workers: list[str]
) -> None:
    if workers:
        pytest.importorskip("xdist")
    write_note(NOTE)
    result = pytester.runpytest("-p", "no:cacheprovider", "--torchnotes-report=r.json", *workers)
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    assert "DumpError" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        ["notes/note.md:1: block 1: the block raised ValueError: v* (exception)"]
    )
    report = json.loads((pytester.path / "r.json").read_text())
    (note,) = report["notes"]
    assert [block["status"] for block in note["blocks"]] == ["failed", "verified"]
