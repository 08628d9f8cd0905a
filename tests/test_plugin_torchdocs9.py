"""End to end: PyTorch's docstring examples of round 9 (torch.utils.data, torch.jit,
torch.nn.utils, torch.func, torch.ao pasted into notes)."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import WriteNote

REGISTRY = """\
## torch.utils.data._utils.collate.collate

```pycon
>>> import torch
>>> torch.Tensor in default_collate_fn_map  # the docstring updates it in place
True
```
"""


def test_a_registry_of_the_headings_module_is_named_as_its_import(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(REGISTRY)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*'default_collate_fn_map' may be torch.utils.data._utils.collate."
            "default_collate_fn_map*add 'from torch.utils.data._utils.collate import "
            "default_collate_fn_map' to the note*"
        ]
    )
    write_note(
        REGISTRY.replace(
            "```pycon\n",
            "<!-- torchnotes: setup\nfrom torch.utils.data._utils.collate import"
            " default_collate_fn_map\n-->\n```pycon\n",
        )
    )
    pytester.runpytest().assert_outcomes(passed=1)


PROFILE_DIRECTED = """\
## torch.jit.script

```python
import torch

def test_sum(a, b):
    return a + b

scripted_fn = torch.jit.script(test_sum, example_inputs=[(3, 4)])
print(scripted_fn(20, 100))
```

Output:

```text
120
```
"""


@pytest.mark.skipif(
    importlib.util.find_spec("monkeytype") is not None, reason="MonkeyType is installed"
)
def test_a_block_that_fails_after_a_library_warned_of_a_missing_package_names_the_directive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PROFILE_DIRECTED)
    result = pytester.runpytest("-W", "ignore::DeprecationWarning")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:9 warned that the module monkeytype is not installed: install it,"
            " or mark the block <!-- torchnotes: requires module:monkeytype -->*"
        ]
    )
    write_note(
        PROFILE_DIRECTED.replace(
            "```python", "<!-- torchnotes: requires module:monkeytype -->\n```python"
        )
    )
    result = pytester.runpytest("-W", "ignore::DeprecationWarning")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*1 block: 1 skipped*", "*module 'monkeytype' is not installed*"])


def test_a_warning_of_a_package_that_is_installed_names_nothing() -> None:
    from pytest_torchnotes.run.errors import WarningInfo
    from pytest_torchnotes.run.packagenames import warned_missing_hint

    warned = WarningInfo("UserWarning", "numpy is not installed", "lib.py", 1, "n.md", 2)
    assert warned_missing_hint([warned]) is None
    other = WarningInfo("UserWarning", "please install a newer driver", "lib.py", 1)
    assert warned_missing_hint([other]) is None


NOT_IMPORTED = """\
## torch.ao.quantization.backend_config.backend_config.DTypeConfig

```pycon
>>> import torch
>>> config = DTypeConfig(input_dtype=torch.quint8, output_dtype=torch.quint8)
>>> config.input_dtype
torch.quint8
```
"""


def test_a_name_of_a_module_no_note_imported_is_named_as_its_import(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOT_IMPORTED)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*add 'from torch.ao.quantization.backend_config.backend_config import"
            " DTypeConfig' to the note*"
        ]
    )


#: A docstring pasted as in its source (indented: one indented code block to CommonMark):
#: sessions in turn under sentences, one wrapped onto a word that parses (``Hessians``), as
#: torch.func.jacrev writes them.
SESSIONS_IN_TURN = """\
## torch.func.jacrev


    Computes the Jacobian.

    A basic usage gives a diagonal array

        >>> import torch
        >>> torch.ones(2).sum()
        tensor(2.)

    Additionally, it can be composed with itself to produce
    Hessians

        >>> torch.ones(3).shape
        torch.Size([3])

    If you would like the output as well, use the flag:

        >>> x = torch.zeros(3)
        >>> x.shape
        torch.Size([3])
"""

#: A diagram in the docstring's text that parses as Python (torch.ao's DTypeConfig), then
#: prose, then the example.
DIAGRAM = """\
## torch.ao.quantization.DTypeConfig


    Consider the following reference model:

      quant1 - [dequant1 - fp32_linear - quant2] - dequant2

    The pattern in the square brackets is the reference pattern.

    Example usage::

        >>> import torch
        >>> torch.tensor([1, 2]).dtype
        torch.int64
"""


@pytest.mark.parametrize(
    ("note", "examples"), [(SESSIONS_IN_TURN, 3), (DIAGRAM, 1)], ids=["in-turn", "diagram"]
)
def test_sessions_of_a_docstring_pasted_as_in_its_source_run(
    pytester: pytest.Pytester, write_note: WriteNote, note: str, examples: int
) -> None:
    write_note(note)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{examples} block* {examples} verified*"])
    result.stdout.no_fnmatch_line("*is not run*")


#: A docstring with no blank line in it, pasted as in its source (its first line at column
#: 0, the rest indented): torch.random.thread_safe_generator.
NO_BLANK_LINE = """\
## torch.random.thread_safe_generator

Returns a thread-safe random number generator.
    When called in the main process, returns ``None``.
    Example::
        >>> import torch
        >>> torch.ones(2).sum()
        tensor(2.)
    Example with transforms::
        >>> torch.zeros(1)
        tensor([0.])
"""


def test_the_sessions_of_a_docstring_with_no_blank_line_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NO_BLANK_LINE)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*2 blocks: 2 verified*"])
