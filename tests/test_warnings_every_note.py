"""A warning shown once per process (torch's TORCH_WARN_ONCE, Python's "once" and "default"
filters) is reported for every note that triggers it, whatever ran before: strict warnings
do not depend on the order of the notes."""

from __future__ import annotations

import warnings

import numpy
import pytest
import torch

from tests.conftest import WriteNote

HELPER = """\
import warnings


def old_api():
    warnings.warn("old_api is going away", UserWarning)


def raw():
    warnings.warn_explicit("raw warning", UserWarning, "helper.py", 1)  # no registry
"""

#: How a note triggers the warning, the warning, and pytest's -W filter for it.
KINDS = {
    "torch warn once": (
        "import numpy, torch\n"
        "array = numpy.ones(2)\n"
        "array.flags.writeable = False\n"
        "torch.from_numpy(array)\n",
        "UserWarning: The given NumPy array is not writable*",
        None,
    ),
    "python once filter": (
        "import helper\nhelper.old_api()\n",
        "UserWarning: old_api is going away",
        "once::UserWarning",
    ),
    "python default filter": (
        "import helper\nhelper.old_api()\n",
        "UserWarning: old_api is going away",
        "default::UserWarning",
    ),
    "python once filter without a registry": (
        "import helper\nhelper.raw()\n",
        "UserWarning: raw warning",
        "once::UserWarning",
    ),
    "python module filter": (
        "import helper\nhelper.old_api()\n",
        "UserWarning: old_api is going away",
        "module::UserWarning",
    ),
}


def _prime_torch_warn_once() -> None:
    """Trigger the warning in this process first, as an earlier note or test would."""
    array = numpy.ones(2)
    array.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.from_numpy(array)


@pytest.mark.parametrize("plugin", ["warnings", "no:warnings"])
@pytest.mark.parametrize("notes", [2, 5])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_note_that_triggers_a_warning_reports_it(
    pytester: pytest.Pytester, write_note: WriteNote, kind: str, notes: int, plugin: str
) -> None:
    """With pytest's warnings plugin, or without it (no filters reset between tests)."""
    code, warning, filter_ = KINDS[kind]
    _prime_torch_warn_once()
    write_note(HELPER, "helper.py")
    for index in range(notes):
        write_note(f"# Note {index}\n\n```python\n{code}```\n", f"n{index}.md")
    args = ["-p", "no:randomly", "-p", plugin, "--torchnotes-strict-warnings"]
    with warnings.catch_warnings():
        if filter_ is not None:
            if plugin == "warnings":
                args += ["-W", filter_]
            else:  # the process's own filter, which no test resets
                warnings.simplefilter(filter_.split(":")[0], UserWarning)  # type: ignore[call-overload]
        result = pytester.runpytest(*args)
    result.assert_outcomes(failed=notes)
    result.stdout.fnmatch_lines(
        [f"warning: notes/n{index}.md:*: {warning}" for index in range(notes)]
    )
    assert not torch.is_warn_always_enabled()


def test_warn_always_is_put_back_as_it_was(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport torch\nprint(torch.is_warn_always_enabled())\n```\n")
    torch.set_warn_always(True)
    try:
        result = pytester.runpytest("-s")
        result.assert_outcomes(passed=1)
        assert torch.is_warn_always_enabled()
    finally:
        torch.set_warn_always(False)
    pytester.runpytest().assert_outcomes(passed=1)
    assert not torch.is_warn_always_enabled()
