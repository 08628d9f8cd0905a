"""Failures that follow from a block that failed to define a name."""

from __future__ import annotations

import keyword
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.followon import bound_names, star_imports
from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples"

NAMES = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
)

#: Statements that bind ``{n}`` at the top level of a block.
BINDERS = [
    "{n} = 1",
    "{n}: int = 1",
    "{n} += 1",
    "a, ({n}, b) = 1, (2, 3)",
    "[*{n}] = [1]",
    "import {n}",
    "import {n}.sub",
    "import os as {n}",
    "from os import path as {n}",
    "from os import {n}",
    "def {n}(): pass",
    "async def {n}(): pass",
    "class {n}: pass",
    "for {n} in []: pass",
    "with open('x') as {n}: pass",
    "if ({n} := 1): pass",
    "try:\n    pass\nexcept Exception as {n}:\n    pass",
    "if True:\n    {n} = 1",
    "@decorator\ndef {n}(): pass",
    "match 1:\n    case [*{n}]:\n        pass",
    "match 1:\n    case {{**{n}}}:\n        pass",
    "match 1:\n    case int() as {n}:\n        pass",
]

#: Statements that use ``{n}`` or bind it only in an inner scope.
NON_BINDERS = [
    "print({n})",
    "def outer_function():\n    {n} = 1",
    "class OuterClass:\n    {n} = 1",
    "lambda {n}: {n}",
    "def outer_function({n}=1): pass",
    "{n}.attribute = 1",
    "{n}[0] = 1",
]


@given(NAMES, st.sampled_from(BINDERS))
def test_every_way_to_bind_a_name_is_found(name: str, template: str) -> None:
    assert name in bound_names(template.format(n=name))


@given(NAMES, st.sampled_from(NON_BINDERS))
def test_uses_and_inner_scopes_bind_nothing(name: str, template: str) -> None:
    assert name not in bound_names(template.format(n=name))


def test_code_that_does_not_parse_binds_nothing() -> None:
    assert bound_names("x = (") == frozenset()


@pytest.mark.parametrize(
    ("error", "first"),
    [
        ("import numpyy as np\nx = 1", "ModuleNotFoundError"),
        ("from os import nothing_here\nx = 1", "ImportError"),
        ("y = undefined_name\nx = 1\nnp = 2", "NameError"),
        # a block that does not compile defines nothing: the names its lines assign
        ("x = 1\nz = y _ y _ 3", "SyntaxError"),
        ("y.add\\_(1)\nx = 2", "SyntaxError"),
        ("x = 1\n  y = 2", "IndentationError"),
    ],
)
def test_failures_that_follow_from_a_block_are_counted_apart(
    pytester: pytest.Pytester, write_note: WriteNote, error: str, first: str
) -> None:
    write_note(
        f"```python\n{error}\n```\n\n"
        "```python\nprint(x)\n```\n\n"  # follows
        "```python\nprint(1)\n=== output ===\n2\n```\n\n"  # its own drift
        "```python\nprint(other_name)\n```\n\n"  # not bound by block 1
        "```python\nx = 5\n```\n\n"  # defines x again
        "```python\nprint(x)\n=== output ===\n5\n```\n"  # passes
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "ran": 1, "failed": 3, "follow-on": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:*: block 2: the block raised NameError: name 'x' is not defined*",
            "  follows from block 1 (line 1), which failed before it defined 'x'",
            f"*notes/note.md:1: *{first}*",
            "  notes/note.md:*: follows from block 1 (line 1): the block raised NameError*",
        ]
    )
    assert "follows from" not in "".join(
        line for line in result.stdout.lines if "other_name" in line
    )


def test_a_chain_points_at_the_first_cause(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport numpyy as np\n```\n\n"
        "```python\na = np.zeros(2)\n```\n\n"
        "```python\nprint(a)\n```\n"
    )
    result = pytester.runpytest("--torchnotes-report=report.md")
    assert block_counts(result) == {"failed": 1, "follow-on": 2}
    result.stdout.fnmatch_lines(["*line 9: follows from block 1 (line 1)*"])
    report = (pytester.path / "report.md").read_text(encoding="utf-8")
    assert "| follow-on | 2 |" in report.splitlines()


def test_a_block_with_magics_binds_what_it_binds_as_it_runs() -> None:
    assert bound_names("%matplotlib inline\nimport numpy as np\n!pip list\nx = 1") == {"np", "x"}


D2L = """\
```{.python .input}
%load_ext d2lbook.tab
tab.interact_select('mxnet', 'pytorch')
```

```{.python .input}
%%tab mxnet
from mxnet import np
```

```{.python .input}
%%tab pytorch
import torch
x = torch.arange(3)
```

```{.python .input}
%%tab all
if tab.selected('pytorch'):
    print(x)
```

```{.python .input}
%%tab pytorch
print(np.ones(2))
```
"""


def test_a_name_of_a_block_not_run_is_a_follow_on_of_that_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """d2l 1.0: ``tab`` comes from the extension the first block loads, which is not run."""
    write_note(D2L)
    result = pytester.runpytest()
    assert block_counts(result) == {"ran": 1, "follow-on": 2}
    result.stdout.fnmatch_lines(
        [
            "*block 2: the block raised NameError: name 'tab' is not defined*",
            "  follows from the block not run (line 1), which is not run: it sets up the "
            "framework tabs of d2lbook (%load_ext d2lbook.tab)*; it would have defined 'tab'",
            "*block 3: the block raised NameError: name 'np' is not defined*",
            "  follows from the block not run (line 6), which is not run: its tab line "
            "`%%tab mxnet` names another framework*; it would have defined 'np'",
        ]
    )


def test_a_name_of_a_skipped_block_is_a_follow_on_of_that_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "<!-- torchnotes: skip needs a GPU -->\n```python\nmodel = 1\n```\n\n"
        "```python\nprint(model)\n```\n\n"
        "```python\nout = model + 1\n```\n\n"
        "```python\nprint(out)\n```\n"
    )
    result = pytester.runpytest("-rA")
    assert block_counts(result) == {"skipped": 1, "follow-on": 3}
    result.stdout.fnmatch_lines(
        [
            "  follows from block 1 (line 2), which was skipped: needs a GPU; it would have "
            "defined 'model'",
            "*",
            "  follows from block 1 (line 2), which was skipped: needs a GPU; it would have "
            "defined 'out'",
        ]
    )


@pytest.mark.parametrize(
    "refused",
    [
        # an IPython statement continued without its ...: prompt
        "```python\nIn [1]: import torch\nIn [2]: t = torch.tensor([[1],\n          [2]])\n```\n",
        # a >>> statement continued without ... (as IDLE writes it)
        "```python\n>>> import torch\n>>> def f(x):\n  return x\n```\n",
    ],
)
def test_a_name_of_a_block_that_cannot_run_as_written_is_a_follow_on_of_that_block(
    pytester: pytest.Pytester, write_note: WriteNote, refused: str
) -> None:
    """A transcript refused as written runs none of its code: a later block's NameError
    for what it imports follows from it. It read as a failure of its own, told to import
    what the note imports."""
    write_note(f"{refused}\n```python\nprint(torch.ones(1))\n```\n")
    result = pytester.runpytest("-rA")
    assert block_counts(result) == {"failed": 1, "follow-on": 1}
    result.stdout.fnmatch_lines(
        [
            "  follows from block 1 (line 1), which is not run as written (its own failure says "
            "why); it would have defined 'torch'",
        ]
    )


def test_a_block_that_defines_the_name_again_ends_the_follow_ons(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "<!-- torchnotes: skip old API -->\n```python\nmodel = 1\n```\n\n"
        "```python\nmodel = 2\n```\n\n"
        "```python\nprint(modell)\n```\n\n"
        "```python\nprint(model)\n=== output ===\n2\n```\n"
    )
    result = pytester.runpytest()
    assert block_counts(result) == {"skipped": 1, "ran": 1, "failed": 1, "verified": 1}
    assert "follows from" not in result.stdout.str()


def test_a_star_import_binds_only_what_running_it_tells() -> None:
    code = "import torch\nfrom fastai.vision.all import *\nif True:\n    from os import *\n"
    assert star_imports(code) == ("fastai.vision.all",)
    assert "*" not in bound_names(code)
    assert star_imports("x = (") == ()


def test_names_a_failed_star_import_would_have_bound_follow_from_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A Jupytext notebook of a fastai/nbdev project (after EmbraceLife/fastdebug,
    mds/2022part1/Untitled.md) starts with ``from fastdebug.utils import *``: where the
    module is missing, the names later cells use are follow-ons of that cell, until a star
    import that runs."""
    write_note((SAMPLES / "star_import.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest("-v")
    result.stdout.fnmatch_lines(
        [
            "*FAILED block 2, line 18*",
            "*FOLLOW-ON block 3, line 23*",
            "*FOLLOW-ON block 4, line 27*",
            "*FOLLOW-ON block 5, line 31*",
            "*RAN block 6, line 35*",
            "*FOLLOW-ON block 7, line 39*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "  follows from block 2 (line 18), which failed before its "
            "`from fastdebug_not_installed.utils import *` could define 'nb_name'",
        ]
    )
    # any name may be one the import binds: a typo too (block 5), and another module's
    # star import (block 6) does not tell which
    assert block_counts(result) == {"ran": 2, "failed": 1, "follow-on": 4}


def test_a_name_no_block_above_binds_is_said_so(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """torchinfo's README (TylerYep/torchinfo; its first block, without the import) makes a
    ``ConvNet()``, a model it never defines: the failure says that no block above binds it,
    and what to do. A name a skipped block binds, or a module's, is not said so."""
    write_note((SAMPLES / "placeholder.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest()
    hint = (
        "  no block above binds {!r}: define it in an earlier block or a setup comment, or, if "
        "the block is an outline, mark it <!-- torchnotes: skip why -->"
    )
    assert hint.format("ConvNet") in result.stdout.lines
    assert hint.format("x") not in result.stdout.lines
    assert hint.format("math") not in result.stdout.lines
    assert "  'math' is a module: import math in the note, or in torchnotes_setup" in "\n".join(
        result.stdout.lines
    )
