"""End to end: a docstring pasted into a note as it is, its ``Example::`` over an indented
``>>>`` session, runs as a ``>>>`` transcript: verified, drift, update, turned off."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts

DOCSTRING = """\
# torch.add

Adds ``other``, scaled by ``alpha``, to ``input``.

.. math::

    \\text{out}_i = \\text{input}_i + \\text{alpha} \\times \\text{other}_i

Args:
    input (Tensor): the input tensor.
    other (Tensor or Number): the tensor or number to add to input.

Keyword arguments:
    alpha (Number): the multiplier for other.

Example::

    >>> import torch
    >>> a = torch.tensor([1, 2])
    >>> torch.add(a, 20)
    tensor([21, 22])

    >>> # xdoctest: +SKIP
    >>> torch.add(a, torch.ones(3))
    tensor([2., 3., 4.])

> Quoted::
>
>     # the sum
>     >>> print(a.sum())
>     tensor(3)
"""


def test_a_docstring_pasted_as_it_is_runs_its_examples(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DOCSTRING)
    result = pytester.runpytest("--torchnotes-transcripts=xdoctest")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 2}
    assert "TorchnotesWarning" not in result.stdout.str()


def test_drift_in_an_indented_session_fails_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DOCSTRING.replace("tensor([21, 22])", "tensor([21, 23])"))
    result = pytester.runpytest("--torchnotes-transcripts=xdoctest")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:20: >>> torch.add(a, 20)*", "+tensor(?21, 22?)"])


def test_update_rewrites_only_the_wants_and_keeps_their_indentation(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    drifted = DOCSTRING.replace("    tensor([21, 22])\n", "    old\n    lines\n").replace(
        ">     tensor(3)\n", ">     tensor(4)\n"
    )
    path = write_note(drifted)
    pytester.runpytest("--torchnotes-transcripts=xdoctest", "--torchnotes-update")
    assert path.read_text(encoding="utf-8") == DOCSTRING
    result = pytester.runpytest("--torchnotes-transcripts=xdoctest")
    result.assert_outcomes(passed=1)


def test_update_writes_the_missing_wants_with_the_session_s_indentation(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(
        "Ex::\n\n    >>> print(1)\n    >>> print('a\\n\\nb')\n\n> Quoted::\n>\n>     >>> print(2)\n"
    )
    pytester.runpytest("--torchnotes-update")
    assert path.read_text(encoding="utf-8") == (
        "Ex::\n\n    >>> print(1)\n    1\n    >>> print('a\\n\\nb')\n    a\n    <BLANKLINE>\n"
        "    b\n\n> Quoted::\n>\n>     >>> print(2)\n>     2\n"
    )
    assert block_counts(pytester.runpytest()) == {"verified": 2}


def test_a_directive_above_an_indented_session_applies_to_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        Example::

        <!-- torchnotes: skip prints 1, shows 2 -->
            >>> print(1)
            2

        <!-- torchnotes: compare numeric atol=0.1 -->

            >>> print(1.01)
            1.0
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1, "skipped": 1}


def test_indented_code_without_a_prompt_and_sessions_turned_off_do_not_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ---
        torchnotes:
          indented_sessions: false
        ---
        Example::

            >>> print(1)
            2

        Code::

            print(3)
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(skipped=1, warnings=1)
    result.stdout.fnmatch_lines(["*note.md:7: indented code `>>> print(1)`*turned off*"])


PRINTS_A_PROMPT = """\
```python
print('>>> 1')
print('In [7]: x')
```

Out:

    >>> 1
    In [7]: x
"""


@pytest.mark.parametrize("wrong", [False, True])
def test_indented_output_that_starts_with_a_prompt_is_the_block_s_output(
    pytester: pytest.Pytester, write_note: WriteNote, wrong: bool
) -> None:
    """Under --torchnotes-indented-output, the indented text after a block is its output,
    a ``>>>`` line first too (what update writes for a block that prints one): not also a
    session to run, whose region overlapped the block's and stopped the note's reading."""
    text = PRINTS_A_PROMPT.replace("    In [7]: x", "    WRONG") if wrong else PRINTS_A_PROMPT
    path = write_note(text)
    flags = ("--torchnotes-indented-output", "-p", "no:randomly")
    if wrong:
        pytester.runpytest(*flags).assert_outcomes(failed=1)
        pytester.runpytest("--torchnotes-update", *flags)
        assert path.read_text(encoding="utf-8") == PRINTS_A_PROMPT
    result = pytester.runpytest(*flags)
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}
