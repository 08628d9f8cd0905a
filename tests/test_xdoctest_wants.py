"""Under xdoctest's rules an example's output may show what it printed, or its value's repr,
alone, as xdoctest's checker accepts (nn.Module.apply's docstring shows the modules it
printed, not the module it returned); under doctest's, the failure names the rules."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

APPLY = """\
```python
>>> import torch
>>> from torch import nn
>>> def show(m):
...     print(type(m).__name__)
>>> net = nn.Sequential(nn.Linear(2, 2), nn.ReLU())
>>> net.apply(show)
{want}
```
"""

PRINTED = "Linear\nReLU\nSequential"
REPR = "Sequential(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n  (1): ReLU()\n)"
XDOCTEST = "--torchnotes-transcripts=xdoctest"


@pytest.mark.parametrize(
    ("want", "passes"),
    [
        (PRINTED, True),  # what it printed alone
        (REPR, True),  # its value's repr alone
        (f"{PRINTED}\n{REPR}", True),  # both, as doctest reads it
        ("Linear\n...", True),  # xdoctest's +ELLIPSIS, on what it printed
        ("Linear\nSequential", False),  # neither
        (f"{PRINTED}\n{REPR}\nmore", False),
    ],
)
def test_xdoctest_compares_what_was_printed_and_the_repr_apart(
    pytester: pytest.Pytester, write_note: WriteNote, want: str, passes: bool
) -> None:
    write_note(APPLY.format(want=want), dedent=False)
    result = pytester.runpytest("-p", "no:randomly", XDOCTEST)
    result.assert_outcomes(**({"passed": 1} if passes else {"failed": 1}))


@pytest.mark.parametrize("want", [PRINTED, "Linear\n...\nSequential"])
def test_doctest_rules_name_xdoctests_for_a_printed_only_want(
    pytester: pytest.Pytester, write_note: WriteNote, want: str
) -> None:
    note = APPLY.format(want=want).replace("(show)\n", "(show)  # doctest: +ELLIPSIS\n")
    write_note(note, dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "  the output shows what the example printed without the repr of the value it "
            "returned: xdoctest passes it (--torchnotes-transcripts=xdoctest*"
        ]
    )


def test_no_such_hint_for_a_statement_or_another_drift(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(APPLY.format(want="Linear\nTanh"), dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    assert "xdoctest passes it" not in result.stdout.str()


def test_a_displayhook_the_note_sets_is_kept(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\n>>> import sys\n>>> sys.displayhook = lambda value: print('<', value, '>')"
        "\n>>> 3\n< 3 >\n>>> sys.displayhook = sys.__displayhook__\n>>> 4\n4\n```\n",
        dedent=False,
    )
    pytester.runpytest("-p", "no:randomly", XDOCTEST).assert_outcomes(passed=1)
