"""Under ``compare ellipsis`` a ``...`` of the note stands for printed text that is not
compared. A block where it did is verified loosely, as one under ``compare structure`` is;
a block whose expected output is nothing but ``...`` compares nothing and is not verified."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.ellipsis import only_ellipsis
from tests.conftest import WriteNote, block_counts

ELLIPSIS = Comparator(CompareOptions("ellipsis"))


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("...", "anything at all"),
        ("loading ... files", "loading 12 files"),
        ("tensor(...)", "tensor([0., 0., 0.])"),
        ("Model() <class ...Model'>", "Model() <class '__main__.Model'>"),  # inside a word
    ],
)
def test_a_dot_dot_dot_that_stood_for_printed_text_elided_it(expected: str, actual: str) -> None:
    comparison = ELLIPSIS.compare(expected, actual)
    assert comparison.matched
    assert comparison.elided


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("tensor([0, 1, 2,  ..., 7, 8, 9])", "tensor([0, 1, 2, ..., 7, 8, 9])"),  # torch's own
        ("tensor([0.5000, 1.0000])", "tensor([0.5, 1.])"),
        ("loading... done", "loading... done\n"),
    ],
)
def test_a_dot_dot_dot_the_block_printed_too_elided_nothing(expected: str, actual: str) -> None:
    comparison = ELLIPSIS.compare(expected, actual)
    assert comparison.matched
    assert not comparison.elided


words = st.text(st.sampled_from("ab1.2 -[]\n"), max_size=20)


@given(words, words)
def test_without_a_dot_dot_dot_ellipsis_compares_as_numeric(expected: str, actual: str) -> None:
    expected = expected.replace("..", ".")
    numeric = Comparator(CompareOptions()).compare(expected, actual)
    ellipsis = ELLIPSIS.compare(expected, actual)
    assert ellipsis.matched == numeric.matched
    assert not ellipsis.elided
    assert not numeric.elided


@pytest.mark.parametrize(
    ("text", "only"), [("...", True), ("\n...\n\n...  \n", True), ("... 1", False), ("", False)]
)
def test_only_ellipsis(text: str, only: bool) -> None:
    assert only_ellipsis(text) is only


NOTE = """\
<!-- torchnotes: compare ellipsis -->
```python
print("anything at all")

=== output ===
...
```

<!-- torchnotes: compare ellipsis -->
```python
print("loading 12 files")

=== output ===
loading ... files
```

<!-- torchnotes: compare ellipsis -->
```python
print("loading... done")

=== output ===
loading... done
```
"""


def test_what_ellipsis_left_out_is_counted(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "--torchnotes-report=r.json")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 2, "not_compared": 1}
    result.stdout.fnmatch_lines(
        ["*3 blocks: 2 verified (1 loosely: 1 text under ... not compared), 1 not compared*"]
    )
    verified = [line for line in result.stdout.lines if "::note VERIFIED" in line]
    assert [line.split("[")[0].split(" line ")[1].rstrip() for line in verified] == [
        "10 (compare ellipsis: text under ... not compared)",
        "18 (compare ellipsis)",
    ]
    report = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))
    blocks = report["notes"][0]["blocks"]
    assert [(block["status"], block.get("loosely")) for block in blocks] == [
        ("not compared", None),
        ("verified", "text under ... not compared"),
        ("verified", None),
    ]
