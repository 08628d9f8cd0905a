"""A module prints what its import prints once a process: a later note that only imports
it prints nothing, and its failure says why and what prints it again."""

from __future__ import annotations

import contextlib
import io

import pytest

from pytest_torchnotes.run.cachedimports import cached_import_hint, imported_modules
from tests.conftest import WriteNote

with contextlib.redirect_stdout(io.StringIO()) as _zen:
    import this  # noqa: F401  (the session imported it: every note after prints nothing)
ZEN = _zen.getvalue() or "The Zen of Python, by Tim Peters\n"

HINT = "*the code only imports this, which this process had imported already*"


@pytest.mark.parametrize(
    "block",
    [
        "```python\nimport this\n```\n\n```output\n{zen}```\n",
        "```python\nimport this\n=== output ===\n{zen}```\n",
        "```python\n>>> import this\n{zen}```\n",
        "```python\nfrom this import s\n```\n\n```output\n{zen}```\n",
    ],
)
def test_a_second_import_prints_nothing_and_says_why(
    pytester: pytest.Pytester, write_note: WriteNote, block: str
) -> None:
    write_note(block.format(zen=ZEN), "b.md", dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([HINT])
    # what it says prints it again
    if ">>>" not in block:
        fixed = block.replace(
            "import this\n", "import this\nimport importlib\n_ = importlib.reload(this)\n"
        )
        fixed = fixed.replace(
            "from this import s\n", "import this\nimport importlib\n_ = importlib.reload(this)\n"
        )
        write_note(fixed.format(zen=ZEN), "b.md", dedent=False)
        pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("source", "want", "printed"),
    [
        ("import this\nprint(1)", "Zen", ""),  # more than imports
        ("import this", "Zen", "something"),  # printed something
        ("import this", "", ""),  # expects nothing
        ("import no_such_module_xyz", "Zen", ""),  # not imported before
        ("from . import this", "Zen", ""),
    ],
)
def test_no_hint(source: str, want: str, printed: str) -> None:
    assert cached_import_hint(source, want, printed) is None


def test_imported_modules() -> None:
    assert imported_modules("import a.b as c, d\nfrom e.f import g") == ("a.b", "d", "e.f")
    assert imported_modules("x = 1") is None
    assert imported_modules("import (") is None
