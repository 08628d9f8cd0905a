from __future__ import annotations

import pytest

from pytest_torchnotes.run.followon import bound_names
from pytest_torchnotes.run.transcriptcode import examples_code


@pytest.mark.parametrize(
    ("text", "examples"),
    [
        (">>> x = 1\n>>> x\n1\n", ["x = 1", "x"]),
        (">>> def f():\n...     return 1\n...\n>>> f()\n1", ["def f():\n    return 1\n", "f()"]),
        # an output line that reads "..." after output is output, not a continuation
        (">>> print('a')\na\n...\n>>> y = 2", ["print('a')", "y = 2"]),
        ("    >>> z = 3\n    >>> z\n    3", ["z = 3", "z"]),
        (">>>\n>>> w = 4", ["", "w = 4"]),
        ("no prompt here", []),
    ],
)
def test_the_code_of_each_example_of_a_transcript(text: str, examples: list[str]) -> None:
    assert examples_code(text) == examples


def test_the_names_a_transcript_binds_are_those_of_its_examples() -> None:
    text = (
        ">>> class Color(Enum):\n...     RED = 1\n>>> Color.RED\n<Color.RED: 1>\n"
        ">>> import torch as t, os.path\n>>> a, b = (1, 2)\n>>> print(1\n"  # the last: no code
    )
    assert bound_names(text) == {"Color", "t", "os", "a", "b"}
    assert bound_names("print(>>> 1)") == frozenset()  # neither Python nor a transcript
