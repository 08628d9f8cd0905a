"""Quarto's ``#| error: true``: the cell is expected to raise, as with the raises directive
and any exception."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.cellopts import expected_error
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts


@pytest.mark.parametrize(
    ("options", "line"),
    [
        ("#| error: true\n", 1),
        ("#| echo: false\n#|  error : yes\n", 2),
        ("#| error: false\n", None),
        ("#| eval: true\n", None),
        ("x = 1\n#| error: true\n", None),  # options stand at the top of the cell
        ("# | error: true\n", None),
    ],
)
def test_the_option_at_the_top_of_a_cell(options: str, line: int | None) -> None:
    block = NoteParser().parse(f"```{{python}}\n{options}raise ValueError\n```\n").blocks[0]
    found = expected_error(block.fence)
    assert (found and found.line) == line
    if found is not None:
        assert found.exception == "Exception"
        assert found.pattern is None


NOTE = """\
```{python}
#| error: true
raise ValueError("boom")
```

```{python}
#| error: true
print("fine")
```

<!-- torchnotes: raises KeyError -->
```{python}
#| error: true
raise ValueError("x")
```

```{python}
#| error: true
raise KeyboardInterrupt
```
"""


def test_a_cell_with_error_true_must_raise(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    result = pytester.runpytest("-p", "no:randomly")
    assert block_counts(result) == {"verified": 1, "failed": 3}
    result.stdout.fnmatch_lines_random(
        [
            "notes/note.md:6: block 2: expected an exception (its cell option `#| error: true`),"
            " but the block finished without raising (exception)",
            "notes/note.md:12: block 3: expected KeyError, but it raised ValueError: x (exception)",
            "notes/note.md:17: block 4: expected an exception (its cell option `#| error: true`),"
            " but it raised KeyboardInterrupt*",
        ]
    )


MYST = """\
```{code-cell} ipython3
:tags: [raises-exception]

prices = {"apple": 1.2}
prices["quince"]
```

```{code-cell} ipython3
:tags: [raises-exception]

prices["apple"]
```
"""


def test_a_myst_cell_tagged_raises_exception_must_raise(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """It ran nowhere before: a cell that no longer raises went unseen."""
    write_note(MYST)
    result = pytester.runpytest("-p", "no:randomly")
    assert block_counts(result) == {"verified": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: block 2: expected an exception (its cell option `tags: "
            "[raises-exception]`), but the block finished without raising (exception)",
        ]
    )
