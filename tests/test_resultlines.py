"""What code gives, written after an arrow on a line of a block: named where the block
raised on that line."""

from __future__ import annotations

import pytest

from pytest_torchnotes.comparison.resultlines import result_line_hint


@pytest.mark.parametrize(
    "line",
    [
        ">> a = [0,1,0]",
        "  >> a[0,2] = # 0th row and 2nd column element",
        ">>tensor([1, 2])",
        "=> torch.Size([2, 3])",
        "-> 3.0",
        "→ tensor(1.)",
        "print(F.sigmoid(torch.tensor([0])))  >> tensor([0.500])",
        "x.shape => torch.Size([2])",
        "y.sum() → tensor(6.)",
    ],
)
def test_a_value_after_an_arrow_is_named(line: str) -> None:
    hint = result_line_hint(line, 7)
    assert hint is not None
    assert hint.startswith(f"line 7 writes what the code gives after an arrow (`{line.strip()}`)")
    assert "put # before the arrow" in hint
    assert "output fence (```output)" in hint


@pytest.mark.parametrize(
    "line",
    [
        ">>> x = 1",  # a prompt
        "y = x >> 2",  # a shift
        "mask = bits >> offset",
        "f = lambda: print(x)",
        "print(x)  >> log",  # a shift into a name, not a value
        "",
    ],
)
def test_python_is_not_taken_for_a_value_after_an_arrow(line: str) -> None:
    assert result_line_hint(line, 1) is None


def test_a_name_error_is_the_values_only_when_the_value_names_it() -> None:
    line = "print(F.sigmoid(torch.tensor([0])))  >> tensor([0.500])"
    assert result_line_hint(line, 2, "tensor") is not None
    # `torch` was never imported: that is what the block lacks, not the arrow
    assert result_line_hint(line, 2, "torch") is None
    assert result_line_hint(">> a = [0,1,0]", 2, "a") is not None
