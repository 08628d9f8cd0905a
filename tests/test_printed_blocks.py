"""A ```` ```python ```` fence that holds what the block above printed, with no label between,
as *深入浅出PyTorch* (datawhalechina/thorough-pytorch, 2.4 模型初始化.md) writes every
output: it runs as code and raises, and its failure says what it is and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import WriteNote

SAMPLES = Path(__file__).parent / "samples"


def test_printed_output_run_as_code_is_named_as_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note((SAMPLES / "printed_python.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:10: block 2: the block raised NameError: name 'tensor' is not "
            "defined (exception)",
            "  the block reads as what code printed ('tensor([[0.3000, 0.3000, 0.3000, 0.3000,'), "
            "not as code: tag its fence ```output to compare it as the output of the "
            "block above, or put a label line such as 输出： or Output: above it",
        ]
    )
    assert not any("may be torch.tensor" in line for line in result.stdout.lines)


def test_following_the_message_compares_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (SAMPLES / "printed_python.md").read_text(encoding="utf-8")
    write_note(text.replace("```\n```python\ntensor", "```\n```output\ntensor"), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("printed", "first"),
    [
        ("[Parameter containing:\ntensor([0.5000, 0.5000])]", "[Parameter containing:"),
        ("[device(type='cpu'), device(type='cpu')]", "[device(type='cpu'), device(type='cpu')]"),
        ("True False", "True False"),
    ],
)
def test_a_printed_list_or_several_values_are_named_as_output(
    pytester: pytest.Pytester, write_note: WriteNote, printed: str, first: str
) -> None:
    # what print writes of a list of parameters or devices, or of print(a, b)
    write_note(f"```python\nx = 1\n```\n```python\n{printed}\n```\n", dedent=False)
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert (
        f"  the block reads as what code printed ({first[:40]!r}), not as code: tag its "
        "fence ```output to compare it as the output of the block above"
    ) in out
    assert f"```python after the block at line 1 looks like its output (`{first[:40]}`)" in out


def test_a_printed_list_of_parameters_is_compared_once_tagged_as_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (SAMPLES / "printed_lists.md").read_text(encoding="utf-8")
    write_note(text, dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "the block reads as what code printed ('[Parameter containing:')" in result.stdout.str()
    write_note(text.replace("```\n```python\n[", "```\n```output\n["), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
