"""End to end: PyTorch's docstring examples of the modules round 6 read (torch.onnx's missing
modules, numpydoc sections, Sphinx's testcode, torch.cuda on a machine without CUDA, ...)."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import WriteNote

EXPORTER = """\
```python
def export():  # as torch.onnx.export does when onnx is not installed
    try:
        import onnx_not_installed_anywhere
    except ModuleNotFoundError as missing:
        raise RuntimeError("Module onnx is not installed!") from missing

export()
```

```pycon
>>> export()
```
"""


def test_a_module_missing_below_the_error_raised_names_its_directive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EXPORTER)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    fix = (
        "(raised from ModuleNotFoundError: No module named 'onnx_not_installed_anywhere'; "
        "install it, or mark the block <!-- torchnotes: requires module:"
        "onnx_not_installed_anywhere -->)"
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised RuntimeError: Module onnx is not "
            f"installed! {fix} (missing module)",
            f"notes/note.md:11: block 2: example at line 12: *{fix} (missing module)",
        ]
    )
    marked = "<!-- torchnotes: requires module:onnx_not_installed_anywhere -->\n"
    write_note(marked + EXPORTER.replace("```pycon", marked + "```pycon"))
    pytester.runpytest().assert_outcomes(skipped=1)


NUMPYDOC = """\
## torch.frobnicate

Parameters
----------
x : Tensor
    The input.

Examples
--------
>>> import torch
>>> x = torch.ones(2)
>>> x * 2
tensor([2., 2.])

Summed:

>>> (x * 3).sum()
tensor(6.)

Notes
-----
>>> see the figure above
"""


def test_numpydoc_examples_at_column_0_run_and_are_rewritten_in_place(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NUMPYDOC)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*2 blocks: 2 verified*"])
    result.stdout.fnmatch_lines(["*note.md:22: `>>> see the figure above` is a >>>*not run*"])
    drifted = NUMPYDOC.replace("tensor(6.)", "tensor(7.)")
    path = write_note(drifted)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["notes/note.md:17: >>> (x * 3).sum()", "-tensor(7.)", "+tensor(6.)"]
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == NUMPYDOC


SPHINX_DOCTEST = """\
# torch.arange

.. testsetup::

   import torch

.. testcode::

   print(torch.arange(3) * 2)

.. testoutput::

   tensor([0, 2, 4])

.. testcode::

    print(torch.arange(30))

.. testoutput::
   :hide:

   tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,
           ...])

.. doctest::

   >>> torch.arange(2)
   tensor([0, 1])
"""


def test_sphinx_testcode_runs_and_is_compared_with_its_testoutput(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SPHINX_DOCTEST)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*4 blocks: 3 verified (1 loosely: 1 text under ... not compared), 1 ran*"]
    )
    result.stdout.no_fnmatch_line("*not run*")
    # -ELLIPSIS: the ... is text, which the output does not hold
    path = write_note(SPHINX_DOCTEST.replace(":hide:", ":hide:\n   :options: -ELLIPSIS"))
    pytester.runpytest().assert_outcomes(failed=1)
    drifted = SPHINX_DOCTEST.replace("tensor([0, 2, 4])", "tensor([0, 2, 5])")
    path = write_note(drifted)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:9: block 2 ('torch.arange'): value drift*",
            "*notes/note.md:13: expected 5, got 4*",
        ]
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == SPHINX_DOCTEST


NOT_PYTHON = """\
```pycon
>>> import os
>>> $ nvprof --profile-from-start off -o trace_name.prof -- python cudart_test.py
```

```pycon
>>> def hook(bucket: int): -> int
>>>     return bucket
>>> hook(1)
1
```
"""


def test_an_example_that_is_not_python_names_the_directive_that_leaves_it_unrun(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOT_PYTHON)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    fix = (
        "  the example is not valid Python: leave it unrun with '# xdoctest: +SKIP' at the end "
        "of its line, or with '>>> # xdoctest: +SKIP' on a line of its own above it (the "
        "examples below it too, up to '>>> # xdoctest: -SKIP'), or mark the block <!-- "
        "torchnotes: skip not valid Python (invalid syntax): pseudo-code or another tool's "
        "transcript --> on the line above it"
    )
    result.stdout.fnmatch_lines(
        ["notes/note.md:1: *example at line 3: the block raised SyntaxError*", fix]
    )
    result.stdout.fnmatch_lines(["notes/note.md:6: *example at line 7: *SyntaxError*", fix])
    skipped = NOT_PYTHON.replace("cudart_test.py", "cudart_test.py  # xdoctest: +SKIP")
    write_note(skipped.replace(">>> def hook", ">>> # xdoctest: +SKIP\n>>> def hook"))
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*2 blocks: 1 ran, 1 skipped*"])


DEVICES = """\
```pycon
>>> import torch
>>> s = torch.cuda.Stream()
>>> g = torch.Generator(device='cuda')
```

```python
import torch
torch.xpu.synchronize()
```

```python
import torch
torch.mps.synchronize()
```
"""


@pytest.mark.skipif(
    torch.cuda.is_available() or torch.backends.mps.is_available() or torch.xpu.is_available(),
    reason="needs a build of torch without a GPU",
)
def test_a_block_for_a_device_this_run_has_not_names_its_requirement(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DEVICES)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            # a CPU build's words, or the CUDA runtime's where a CUDA build finds no GPU
            "notes/note.md:1: *the block raised *Error: *",
            "  the block needs CUDA, which this run has not: mark it <!-- torchnotes: requires"
            " cuda -->*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:7: *Torch not compiled with XPU enabled*",
            "  the block needs an XPU device (Intel GPU), which this run has not: mark it "
            "<!-- torchnotes: requires xpu -->",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:12: *without MPS backend*",
            "  the block needs an MPS device (Apple GPU), which this run has not: mark it "
            "<!-- torchnotes: requires mps -->",
        ]
    )
    marked = DEVICES.replace("```pycon", "<!-- torchnotes: requires cuda -->\n```pycon")
    marked = marked.replace(
        "```python\nimport torch\ntorch.xpu",
        "<!-- torchnotes: requires xpu -->\n```python\nimport torch\ntorch.xpu",
    )
    marked = marked.replace(
        "```python\nimport torch\ntorch.mps",
        "<!-- torchnotes: requires mps -->\n```python\nimport torch\ntorch.mps",
    )
    write_note(marked)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*requires xpu: no XPU device*"])


CUDA_QUERIES = """\
```pycon
>>> import torch
>>> torch.cuda.is_available()
True
>>> torch.cuda.device_count()
2
```

```python
import torch
print(torch.cuda.get_device_capability(0) if torch.cuda.device_count() else "")
```

```output
(9, 0)
```
"""


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_output_of_a_question_about_cuda_is_no_drift_to_accept(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(CUDA_QUERIES)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    hint = (
        "  the block asks torch about a CUDA device, and this run has none: its output is that"
        " of a machine with one; mark it <!-- torchnotes: requires cuda --> rather than accept"
        " this output"
    )
    result.stdout.fnmatch_lines(["notes/note.md:3: >>> torch.cuda.is_available()", "*", hint])
    result.stdout.fnmatch_lines(["notes/note.md:9: block 2: text drift*", "*", hint])
    result.stdout.fnmatch_lines(["*Not updated: line 3: it asks torch about a CUDA device*"])
    assert path.read_text() == CUDA_QUERIES  # the CUDA machine's output is kept
    write_note(CUDA_QUERIES.replace("```p", "<!-- torchnotes: requires cuda -->\n```p"))
    pytester.runpytest().assert_outcomes(skipped=1)


REFERENCE_PAGE = """\
## torch.autograd.functional.hessian

```pycon
>>> def pow_reducer(x):
...     return x.pow(3).sum()
>>> hessian(pow_reducer, torch.ones(2)).shape
torch.Size([2, 2])
```

## torch.distributed.all_reduce

```pycon
>>> tensor = torch.ones(2)
>>> dist.all_reduce(tensor)
```

## torch.load

```pycon
>>> torch.load("tensors.pt", weights_only=True)
```
"""


def test_reference_examples_that_cannot_run_here_name_what_fixes_them(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(REFERENCE_PAGE)
    setup = ["--torchnotes-setup", "import torch\nimport torch.distributed as dist"]
    result = pytester.runpytest(*setup)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*name 'hessian' is not defined*",
            "  'hessian' may be torch.autograd.functional.hessian (PyTorch's docstrings run in"
            " the namespace of their module): add 'from torch.autograd.functional import "
            "hessian' to the note*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*Default process group has not been initialized*",
            "  the block needs torch.distributed's process group, which nothing in this run "
            "initialised*<!-- torchnotes: skip needs an initialised process group -->*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*'tensors.pt'*", "*or mark the block <!-- torchnotes: skip needs 'tensors.pt' -->"]
    )
    fixed = REFERENCE_PAGE.replace(
        "```pycon\n>>> tensor",
        "<!-- torchnotes: skip needs an initialised process group -->\n```pycon\n>>> tensor",
    ).replace(
        "```pycon\n>>> torch.load",
        "<!-- torchnotes: skip needs 'tensors.pt' -->\n```pycon\n>>> torch.load",
    )
    write_note(fixed)
    setup[1] += "\nfrom torch.autograd.functional import hessian"
    result = pytester.runpytest("-rA", *setup)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*3 blocks: 1 verified, 2 skipped*"])


RAISES_ANOTHER = """\
Examples
--------
>>> import torch
>>> assert int(np.ones(1)[0]) == 2, "not two"
Traceback (most recent call last):
    ...
AssertionError: not two
"""


def test_an_example_that_raised_another_error_for_a_missing_name_names_its_import(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(RAISES_ANOTHER)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*got NameError: name 'np' is not defined",
            "  'np' is the name notes give a module: add 'import numpy as np' to the note*",
        ]
    )
    write_note(
        RAISES_ANOTHER.replace(">>> import torch", ">>> import torch\n>>> import numpy as np")
    )
    pytester.runpytest().assert_outcomes(passed=1)


TUTORIAL_CELL = """\
```python
import torch
print(torch.arange(3) * 2)
```
"""

#: What a tutorial's cell printed, as sphinx-gallery's page holds it, turned into Markdown.
GALLERY_OUTPUTS = [
    "```none\ntensor([0, 2, 4])\n```\n",
    "``` {.sourceCode .none}\ntensor([0, 2, 4])\n```\n",
    "::: {.sphx-glr-script-out}\n```none\ntensor([0, 2, 4])\n```\n:::\n",
    '<div class="sphx-glr-script-out">\n\n```none\ntensor([0, 2, 4])\n```\n\n</div>\n',
    "::: {.sphx-glr-script-out}\n```\ntensor([0, 2, 4])\n```\n:::\n",
    "Out:\n\n```\ntensor([0, 2, 4])\n```\n",
]


@pytest.mark.parametrize("output", GALLERY_OUTPUTS)
def test_a_tutorial_s_output_as_pytorch_org_shows_it_is_read(
    pytester: pytest.Pytester, write_note: WriteNote, output: str
) -> None:
    text = f"# Tensors\n\nSome prose.\n\n{TUTORIAL_CELL}\n{output}\nMore prose.\n"
    write_note(text)
    result = pytester.runpytest("-rA")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 block: 1 verified*"])
    path = write_note(text.replace("tensor([0, 2, 4])", "tensor([0, 2, 5])"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*value drift*expected 5, got 4*"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == text


SAYS_IT_RAISES = """\
```pycon
>>> import torch
>>> x = torch.ones(2)
>>> # This will throw an exception: the shapes do not match
>>> x.view(3)
```
"""


def test_an_example_under_a_comment_that_says_it_raises_names_how_to_check_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SAYS_IT_RAISES)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: example at line 5: the block raised RuntimeError*",
            "  the comment above it says it raises: write what it raises under it, as doctest"
            " reads it ('Traceback (most recent call last):', '...', then 'RuntimeError: ...'),"
            " or leave it unrun with '# xdoctest: +SKIP' at the end of its line",
        ]
    )
    traceback = "Traceback (most recent call last):\n    ...\nRuntimeError: shape '[3]' is invalid"
    write_note(
        SAYS_IT_RAISES.replace("x.view(3)\n", f"x.view(3)\n{traceback} for input of size 2\n")
    )
    pytester.runpytest().assert_outcomes(passed=1)
