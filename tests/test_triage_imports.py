"""Triage of a docstring example that uses a module, or a name of its torch namespace, that
the note never imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.commands import triage as t
from pytest_torchnotes.comparison.missing import import_for
from tests.test_triage import classify, record

UNDEFINED = "example at line 2: the block raised NameError: name '{}' is not defined"


@pytest.mark.parametrize(
    ("name", "statement"),
    [
        ("math", "import math"),  # torch.exp's example: math.log(2.)
        ("numpy", "import numpy"),  # torch.from_numpy's example
        ("linalg", "from torch import linalg"),  # torch.linalg.vecdot's example
        ("Bernoulli", "from torch.distributions import Bernoulli"),
    ],
)
def test_the_import_a_docstring_example_takes_as_done(
    name: str, statement: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``torch.exp``, ``torch.from_numpy`` and ``torch.linalg.vecdot`` use ``math``,
    ``numpy`` and ``linalg`` without importing them."""
    import torch.distributions  # noqa: F401  (the namespace is looked up where imported)

    assert import_for(name) == statement
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        f"```python\n>>> {name}\n```\n",
        record(1, "exception", UNDEFINED.format(name)),
    )
    assert (finding.cause, finding.setup) == (t.MISSING_IMPORT, (statement,))


def test_a_name_no_import_gives_stays_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``torch.Tensor.requires_grad``'s example calls a ``preprocess`` it never defines."""
    assert import_for("preprocess") is None
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        "```python\n>>> preprocess(w)\n```\n",
        record(1, "exception", UNDEFINED.format("preprocess")),
    )
    assert finding.cause == t.DRIFT
