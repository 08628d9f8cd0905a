"""Output pasted under a block's code with no output marker: triage proposes the marker line
above the pasted text (so that the output is compared, and the block keeps defining what
later blocks use), never a skip, which would leave the output unread and the later blocks
without the block's imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.commands import triage as t
from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.commands.triage.findings import PASTED_OUTPUT
from pytest_torchnotes.commands.triage.pasted import printed_tail
from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord


@pytest.mark.parametrize(
    ("code", "start"),
    [
        ("import torch\nprint(torch.ones(2))\ntensor([1., 1.])", 2),
        ("import torch\nprint(torch.ones(2))\n\ntensor([1., 1.])", 3),
        (
            "x = torch.ones(2, requires_grad=True)\nprint(x * 2)\n"
            "tensor([2., 2.], grad_fn=<MulBackward0>)",
            2,
        ),
        ("x = torch.ones(2, 3)\nx.shape\ntorch.Size([2, 3])", 2),
        ("w = torch.eye(2)\nprint(w)\ntensor([[1., 0.],\n        [0., 1.]])", 2),
        ("import torch\nprint(torch.ones(2).dtype)\ntorch.float32", 2),
    ],
)
def test_the_pasted_text_is_found(code: str, start: int) -> None:
    assert printed_tail(code) == start


@pytest.mark.parametrize(
    "code",
    [
        "x = torch.ones(2)\ny = tensor([1.])",  # code all along
        "x = torch.ones(2)\ntensor([1., 1.])",  # nothing above prints
        "print(x)\n\n1",  # a number alone is code too
        "print(x)\nfor i in range(2):\n    print(i)",
    ],
)
def test_code_is_not_pasted_output(code: str) -> None:
    assert printed_tail(code) is None


def _classify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, reason: str) -> t.Finding:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(text, encoding="utf-8")
    record = BlockRecord("block", 1, 1, None, "failed", "exception", reason, None, "", "")
    (finding,) = t.classify_note(NoteRecord("n.md", "failed", None, [record]), None)
    return finding


@pytest.mark.parametrize(
    ("body", "reason", "marker_above"),
    [
        (
            "import torch\nprint(torch.ones(2))\ntensor([1., 1.])",
            "the block raised NameError: name 'tensor' is not defined",
            4,
        ),
        (
            "import torch\nx = torch.ones(2, requires_grad=True)\nprint(x * 2)\n"
            "tensor([2., 2.], grad_fn=<MulBackward0>)",
            "the block raised SyntaxError: invalid syntax (<block>, line 4)",
            5,
        ),
    ],
)
def test_triage_proposes_the_marker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, reason: str, marker_above: int
) -> None:
    finding = _classify(tmp_path, monkeypatch, f"```python\n{body}\n```\n", reason)
    assert (finding.cause, finding.directive, finding.marker_above) == (
        PASTED_OUTPUT,
        None,
        marker_above,
    )
    assert finding.proposed
    assert not finding.skips


def test_a_name_of_the_code_is_no_pasted_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "```python\nprint(y)\ntensor([1., 1.])\n```\n"
    finding = _classify(
        tmp_path, monkeypatch, text, "the block raised NameError: name 'y' is not defined"
    )
    assert finding.cause != PASTED_OUTPUT


NOTE = """\
# Pasted

- In a list:

  ```python
  import torch
  x = torch.ones(2, requires_grad=True)
  print(x * 2)
  tensor([2., 2.], grad_fn=<MulBackward0>)
  ```

```python
import torch
y = torch.zeros(2)
print(y + 1)

tensor([1., 1.])
```

```python
print(torch.ones(1), x.sum(), y.sum())
```
"""


def test_written_the_note_passes_with_its_pasted_output_compared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes").mkdir()
    note = tmp_path / "notes" / "pasted.md"
    note.write_text(NOTE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["triage", "--write", "notes"]) == 1
    out = capsys.readouterr().out
    assert "notes/pasted.md:5: pasted output: output pasted under the code at line 9" in out
    assert "skip" not in out
    text = note.read_text(encoding="utf-8")
    assert "  print(x * 2)\n  ======== output ==========\n  tensor([2., 2.], grad_fn" in text
    assert "print(y + 1)\n\n======== output ==========\ntensor([1., 1.])" in text
    # outside the two marker lines (and a setup comment, if any), not a byte changed
    kept = [line for line in text.split("\n") if line.strip() != "======== output =========="]
    assert "\n".join(kept).replace("<!-- torchnotes: setup\nimport torch\n-->\n", "") == NOTE
    assert main(["triage", "notes"]) == 0  # nothing fails any more
