"""Diffs show what a terminal hides, and are coloured when pytest colours its output."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison import visible
from pytest_torchnotes.comparison.display import diff_markup, output_diff
from pytest_torchnotes.comparison.failures import FailureContext
from tests.conftest import WriteNote

CONTEXT = FailureContext("notes/x.md", "2.13.0")

#: Characters that look like nothing, or like a plain space, in a terminal.
HIDDEN = st.sampled_from(
    [
        "\u00a0",  # no-break space
        "\u200b",  # zero-width space
        "\u200c",  # zero-width non-joiner
        "\u200d",  # zero-width joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u3000",  # ideographic space
        "\u2009",  # thin space
        "\x00",
        "\x07",
        "\x7f",
    ]
)
TEXT = st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=1, max_size=8)


@given(TEXT, TEXT, HIDDEN)
def test_a_hidden_character_that_is_the_only_difference_is_shown(
    left: str, right: str, hidden: str
) -> None:
    expected = f"{left} {right}"
    actual = f"{left}{hidden}{right}" if hidden != "\u00a0" else f"{left}\u00a0{right}"
    lines = output_diff(expected, actual, CONTEXT, 3)
    mark = visible.mark(hidden)
    assert f"+{left}{mark}{right}" in lines
    assert any(line.startswith("  invisible characters are shown as <U+XXXX>") for line in lines)
    assert any(visible.describe(hidden) in line for line in lines)


@given(TEXT, TEXT)
def test_tabs_are_shown_when_tabs_and_spaces_are_all_that_differs(left: str, right: str) -> None:
    lines = output_diff(f"{left}    {right}", f"{left}\t{right}", CONTEXT, 3)
    assert f"+{left}<TAB>{right}" in lines
    assert "  the outputs differ only in tabs and spaces: tabs are shown as <TAB>" in lines
    other = output_diff(f"{left}\t{right}", f"{left}\tx{right}", CONTEXT, 3)
    assert not any("<TAB>" in line for line in other)


@given(st.text(st.sampled_from("éüñÅçàô"), min_size=1, max_size=6))
def test_outputs_that_differ_only_in_normalisation_say_so(word: str) -> None:
    composed = unicodedata.normalize("NFC", word)
    decomposed = unicodedata.normalize("NFD", word)
    lines = output_diff(composed, decomposed, CONTEXT, 3)
    assert any("differ only in Unicode normalisation" in line for line in lines)
    assert not any(
        "normalisation" in line for line in output_diff(composed, composed + "x", CONTEXT, 3)
    )


def test_escape_and_a_lone_carriage_return_are_shown() -> None:
    lines = output_diff("a\n", "a\x1b\n", CONTEXT, 3)
    assert "+a<U+001B>" in lines
    assert visible.show("a\rb") == "a<U+000D>b"


def test_plain_text_is_left_alone() -> None:
    assert visible.show("tensor([1., 2.])  中文") == "tensor([1., 2.])  中文"
    assert visible.notes("a b", "a c") == []


def test_only_the_lines_of_a_diff_are_coloured() -> None:
    lines = [
        "notes/x.md:3: block 1: text drift",
        "  the output section is empty",
        "--- expected (notes/x.md:4)",
        "+++ actual (torch 2.13.0)",
        "@@ -1 +1 @@",
        "-a",
        "+b",
        " c",
        "... 3 more diff lines",
        "-not a diff line any more",
    ]
    markup = diff_markup(lines)
    assert markup[:2] == [{}, {}]
    assert markup[2:7] == [
        {"red": True},
        {"green": True},
        {"cyan": True},
        {"red": True},
        {"green": True},
    ]
    assert markup[7:] == [{}, {}, {}]


DRIFTED = "```python\nprint('a\\u00a0b')\n=== output ===\na b\n```\n"


@pytest.mark.parametrize("xdist", [[], ["-n", "2"]])
def test_failures_are_coloured_when_pytest_colours(
    pytester: pytest.Pytester, write_note: WriteNote, xdist: list[str]
) -> None:
    write_note(DRIFTED)
    coloured = pytester.runpytest("--color=yes", *xdist).stdout.str()
    assert "\x1b[31m-a b\x1b[0m" in coloured
    assert "\x1b[32m+a<U+00A0>b\x1b[0m" in coloured
    plain = pytester.runpytest("--color=no", *xdist)
    assert "\x1b[" not in plain.stdout.str()
    plain.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: text drift*",
            "  invisible characters are shown as <U+XXXX>: <U+00A0> NO-BREAK SPACE",
            "-a b",
            "+a<U+00A0>b",
        ]
    )


@pytest.mark.parametrize(
    ("extra", "tail"), [(0, "... 1 more diff line"), (1, "... 2 more diff lines")]
)
def test_counts_in_messages_agree_with_their_nouns(extra: int, tail: str) -> None:
    # 3 header lines, 59 removed and 59 (or 60) added: 121 (or 122) lines, 120 shown.
    wanted = "\n".join(f"a{index}" for index in range(59))
    got = "\n".join(f"b{index}" for index in range(59 + extra))
    assert output_diff(wanted, got, CONTEXT, 1)[-1] == tail
