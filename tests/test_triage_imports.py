"""Triage of a docstring example that uses a module, or a name of its torch namespace, that
the note never imports."""

from __future__ import annotations

import subprocess
import sys
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
        # functions of a namespace narrower than torch's own (torch.nn.utils.prune.remove's
        # and torch.nn.utils.spectral_norm's examples)
        ("random_unstructured", "from torch.nn.utils.prune import random_unstructured"),
        ("spectral_norm", "from torch.nn.utils import spectral_norm"),
        # modules torch's namespaces import under the names notes give them
        ("np", "import numpy as np"),
        ("F", "import torch.nn.functional as F"),
    ],
)
def test_the_import_a_docstring_example_takes_as_done(
    name: str, statement: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``torch.exp``, ``torch.from_numpy`` and ``torch.linalg.vecdot`` use ``math``,
    ``numpy`` and ``linalg`` without importing them."""
    # the namespaces are looked up where they are imported
    import torch.distributions
    import torch.nn.functional
    import torch.nn.utils.parametrizations
    import torch.nn.utils.prune  # noqa: F401

    assert import_for(name) == statement
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        f"```python\n>>> {name}\n```\n",
        record(1, "exception", UNDEFINED.format(name)),
    )
    assert (finding.cause, finding.setup) == (t.MISSING_IMPORT, (statement,))


def test_a_variable_named_as_a_torch_function_is_no_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``torch.fft.ihfft2``'s example uses a ``t`` it never defines: not ``torch.t``."""
    assert import_for("t") == "from torch import t"
    assert import_for("t", functions=False) is None
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        "```python\n>>> t = torch.fft.ihfft2(t)\n```\n",
        record(1, "exception", UNDEFINED.format("t")),
    )
    assert finding.cause == t.DRIFT


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


def test_triage_finds_a_torch_name_in_a_process_that_ran_no_note() -> None:
    """``torchnotes triage`` runs the notes in pytest processes of their own: its own
    process has not imported ``torch.linalg`` when it reads ``linalg``'s ``NameError``."""
    code = (
        "import sys\n"
        "from pytest_torchnotes.comparison.missing import import_for\n"
        "assert 'torch' not in sys.modules\n"
        "print(import_for('linalg'), import_for('linalg', load=True))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["None", "from", "torch", "import", "linalg"]


@pytest.mark.parametrize(
    ("name", "heading", "statement"),
    [
        # torch.func holds functions of the same names: the heading's module is the example's
        ("vjp", "torch.autograd.functional.vjp", "from torch.autograd.functional import vjp"),
        ("jvp", "torch.autograd.functional.jvp", "from torch.autograd.functional import jvp"),
        (
            "hessian",
            "torch.autograd.functional.hessian",
            "from torch.autograd.functional import hessian",
        ),
        # a heading that names no module: the first namespace that holds the name
        ("vjp", "Vector-Jacobian products", "from torch.func import vjp"),
    ],
)
def test_the_import_triage_writes_is_the_one_the_heading_s_module_holds(
    name: str, heading: str, statement: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setup comment triage writes imports what the run's own hint names."""
    import torch.autograd.functional  # noqa: F401

    (finding,) = classify(
        tmp_path,
        monkeypatch,
        f"# {heading}\n\n```python\n>>> {name}\n```\n",
        record(3, "exception", UNDEFINED.format(name)),
    )
    assert (finding.cause, finding.setup) == (t.MISSING_IMPORT, (statement,))
