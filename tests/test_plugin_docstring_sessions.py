"""End to end: the sessions of a docstring pasted as it is that CommonMark shows as text or
as another block's code (Google style's ``Example:`` right over them, reStructuredText's
``.. note::`` around them) run, fail at their line, and are rewritten in place; a prompt
under Python is warned of with the line of that Python."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts

DOCSTRING = """\
# torch.nn.utils.rnn.pack_sequence

Packs a list of variable length Tensors.

Example:
    >>> import torch
    >>> a = torch.tensor([1, 2, 3])
    >>> a.flip(0)
    tensor([3, 2, 1])

.. note::
    The packed data keeps the order of the batch.

    Example::

        >>> a.sum()
        tensor(6)

.. warning::

    .. code-block:: python

        >>> print(a.tolist())
        [1, 2, 3]
"""


def test_the_sessions_run_and_are_verified(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DOCSTRING)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 3}
    assert "TorchnotesWarning" not in result.stdout.str()


def test_drift_in_a_nested_session_fails_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(DOCSTRING.replace("tensor(6)", "tensor(7)"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:16: >>> a.sum()*", "+tensor(6)"])


def test_update_rewrites_only_the_wants_and_keeps_their_indentation(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    drifted = DOCSTRING.replace("    tensor([3, 2, 1])\n", "    old\n").replace(
        "        [1, 2, 3]\n", "        [0]\n        [1]\n"
    )
    path = write_note(drifted)
    pytester.runpytest("--torchnotes-update")
    assert path.read_text(encoding="utf-8") == DOCSTRING
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_prompt_under_python_is_warned_of_not_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# f\n\n.. note::\n\n    x = 1\n\n    >>> print(x)\n    1\n\n```python\nprint(2)\n```\n"
    )
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*note.md:7: *`>>> print(x)`*not run*line 5*`x = 1`*```python fence*"]
    )


def test_a_transcript_s_function_reads_its_own_source(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """``torch.jit.script`` reads back the source of what an example defines, as
    ``inspect.getsource`` does: the lines it finds are the code, not the prompts (it raised
    SyntaxError on the note's ``>>> class`` line)."""
    write_note(
        "```python\n"
        ">>> import inspect, torch\n"
        ">>> class Plus(torch.nn.Module):\n"
        "...     def forward(self, x):\n"
        "...         return x + 10\n"
        ">>> print(inspect.getsource(Plus.forward).strip())\n"
        "def forward(self, x):\n"
        "        return x + 10\n"
        ">>> torch.jit.script(Plus())(torch.zeros(1))\n"
        "tensor([10.])\n"
        "```\n\n"
        "Example:\n"
        "    >>> def twice(x):\n"
        "    ...     return 2 * x\n"
        "    >>> torch.jit.script(twice)(torch.ones(1))\n"
        "    tensor([2.])\n"
        "    >>> 1 / 0\n"
        "    0\n"
    )
    result = pytester.runpytest("-W", "ignore::DeprecationWarning")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    # a traceback still shows the note's line: its code
    result.stdout.fnmatch_lines(
        ['  File "notes/note.md", line 18, in <module>', "    1 / 0", "ZeroDivisionError: *"]
    )


TESTCODE = """\
# torch.jit.script

.. testcode::

    import torch
    print(torch.ones(2))

.. testoutput::

    tensor([1., 1.])
"""


def test_a_testcode_body_runs_and_is_compared_with_its_testoutput(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(TESTCODE)
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*is the body of `.. testcode::`*")
    assert block_counts(result) == {"verified": 1}
