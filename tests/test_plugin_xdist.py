"""Under pytest-xdist every note runs whole on one worker and results equal the serial run."""

from __future__ import annotations

import re

import pytest

from tests.conftest import WriteNote, block_counts

pytest.importorskip("xdist")

NOTES = {
    "a.md": "```python\nx = 1\n```\n\n```python\nprint(x + 1)\n=== output ===\n2\n```\n",
    "b.md": "<!-- torchnotes: skip not here -->\n```python\n1/0\n```\n```python\nprint(3)\n```\n",
    "c.md": "```python\nimport torch\nprint(torch.ones(2))\n=== output ===\n"
    "tensor([1., 2.])\n```\n",
    "d.md": "<!-- torchnotes: xfail known -->\n```python\nraise ValueError\n```\n",
    "e.md": "```python\nimport torch\ntorch.set_default_dtype(torch.float64)\n```\n",
    "f.md": "```python\nimport torch\nprint(torch.get_default_dtype())\n=== output ===\n"
    "torch.float32\n```\n",
}


def summary(result: pytest.RunResult) -> list[str]:
    """The failure and skip lines of a run, without worker prefixes, sorted."""
    lines = [
        re.sub(r"^\[gw\d\] ", "", line)
        for line in result.stdout.lines
        if line.startswith(("SKIPPED", "XFAIL", "FAILED", "notes/")) or "drift" in line
    ]
    return sorted(line for line in lines if not line.startswith("notes/") or ":" in line)


def test_xdist_gives_the_serial_result(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    for name, text in NOTES.items():
        write_note(text, name)
    serial = pytester.runpytest("-rsxf")
    parallel = pytester.runpytest("-rsxf", "-n", "2")
    serial.assert_outcomes(passed=5, failed=1)
    parallel.assert_outcomes(passed=5, failed=1)
    blocks = {"verified": 2, "ran": 3, "failed": 1, "skipped": 1, "xfailed": 1}
    assert block_counts(serial) == block_counts(parallel) == blocks
    assert len(summary(serial)) >= 4
    assert summary(parallel) == summary(serial)
    parallel.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]1[]] notes/b.md:2: not here",
            "XFAIL notes/d.md::note - known",
            "notes/c.md:1: block 1: value drift: the same text now holds other numbers",
        ]
    )


def test_xdist_verbose_names_blocks(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(NOTES["a.md"], "a.md")
    result = pytester.runpytest("-v", "-n", "2")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines_random(["*RAN block 1, line 1*", "*VERIFIED block 2, line 5*"])
