"""Normalisation steps: table tests and the properties they promise."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison import normalize as n

STEPS = [
    n.unify_newlines,
    n.as_terminal_shows,
    n.strip_ansi,
    n.strip_trailing_whitespace,
    n.strip_blank_edges,
    n.collapse_spaces,
    n.mask_addresses,
]

OUTPUT_TEXT = st.lists(
    st.sampled_from([*"ab1.0 \t\n\r\b\x1b[m;x", "0x7f3a2c1b5e50", "张量", "...", "\x1b[31m"]),
    max_size=40,
).map("".join)


@pytest.mark.parametrize(
    ("step", "text", "expected"),
    [
        (n.unify_newlines, "a\r\nb\r\n", "a\nb\n"),
        (n.unify_newlines, "a\rb", "a\rb"),
        (n.as_terminal_shows, "10%\r20%\r100%", "100%"),
        (n.as_terminal_shows, "100%\r5%", "5%0%"),  # the rest of the line stays
        (n.as_terminal_shows, "done\r\nnext", "done\nnext"),
        (n.as_terminal_shows, "a\r\n\rb", "a\nb"),
        (n.as_terminal_shows, "a\bb", "b"),
        (n.as_terminal_shows, "abc\b\bX", "aXc"),  # back two columns, one overwritten
        (n.as_terminal_shows, "abc\b\b", "abc"),  # moving back erases nothing
        (n.as_terminal_shows, "\bstart", "start"),  # nothing before it on the line
        (n.as_terminal_shows, "ab\n\b\bc", "ab\nc"),  # never across a newline
        (n.as_terminal_shows, "|\b/\b-\b\\\bdone", "done"),  # a spinner
        (n.as_terminal_shows, "\x1b[3\b1mred", "\x1b[1mred"),  # the escape code it completes
        (n.as_terminal_shows, "working\r\x1b[2Kok", "ok     "),  # erase the line, then write
        (n.as_terminal_shows, "50%\x1b[K\r9%\x1b[K", "9%"),  # erase to the end of the line
        (n.as_terminal_shows, "abc\x1b[2D\x1b[1KX", " Xc"),  # back 2, erase to the cursor
        (n.as_terminal_shows, "\x1b[32mok\x1b[0m\rOK", "OK"),  # colours take no room
        (n.strip_ansi, "\x1b[1;31mError\x1b[0m", "Error"),
        (n.strip_ansi, "\x1b]0;title\x07text", "text"),
        (n.strip_ansi, "plain", "plain"),
        (n.strip_trailing_whitespace, "a \t\nb  \n", "a\nb\n"),
        (n.strip_blank_edges, "\n \n a\n\n b \n\t\n", " a\n\n b "),
        (n.strip_blank_edges, "\n\n", ""),
        (n.collapse_spaces, "tensor([ 1,    10])", "tensor([ 1, 10])"),
        (n.collapse_spaces, "a\t\tb", "a b"),
        (n.mask_addresses, "<Foo object at 0x7F3A2C1B5E50>", "<Foo object at 0x...>"),
        # IPython's Out[n] omits "object"; notes abbreviate the address
        (n.mask_addresses, "<torch.Generator at 0x7f8b2c>", "<torch.Generator object at 0x...>"),
        (n.mask_addresses, "<Foo object at 0x7f...>", "<Foo object at 0x...>"),
        (n.mask_addresses, "<Foo object at 0x...>", "<Foo object at 0x...>"),
        (n.mask_addresses, "<function f at 0x7f3a>", "<function f at 0x...>"),
        (n.mask_addresses, "0x7f...", "0x7f..."),
        (n.mask_addresses, "0x10 and 0xff", "0x10 and 0xff"),
    ],
)
def test_steps(step: n.Step, text: str, expected: str) -> None:
    assert step(text) == expected


@pytest.mark.parametrize("step", STEPS, ids=lambda step: step.__name__)
@given(text=OUTPUT_TEXT)
def test_every_step_is_idempotent(step: n.Step, text: str) -> None:
    once = step(text)
    assert step(once) == once


@given(text=OUTPUT_TEXT)
def test_pipeline_is_idempotent(text: str) -> None:
    once = n.normalize(text)
    assert n.normalize(once) == once


@given(text=OUTPUT_TEXT)
def test_crlf_and_lf_normalize_alike(text: str) -> None:
    assert n.normalize(text.replace("\n", "\r\n")) == n.normalize(text)


def test_a_backspace_after_a_colour_code_erases_the_character_before_the_code() -> None:
    assert n.normalize("a\x1b[0m\bb\n") == n.normalize("b\n") == "b"


def test_sanitizer() -> None:
    sanitizer = n.parse_sanitizer(r"\d+\.\d+ s => <TIME>")
    assert sanitizer("took 1.25 s") == "took <TIME>"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("no arrow", "'no arrow': expected PATTERN => REPLACEMENT"),
        (
            "( => x",
            "'(' is not a valid regular expression: missing ), unterminated subpattern "
            "at position 0",
        ),
    ],
)
def test_bad_sanitizers(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"expected|regular") as info:
        n.parse_sanitizer(line)
    assert str(info.value) == message


PLAIN = st.text(st.sampled_from([*"ab1.% ", "张"]), max_size=8)


@given(before=PLAIN, after=PLAIN)
def test_what_is_written_after_a_carriage_return_covers_the_start_of_the_line(
    before: str, after: str
) -> None:
    assert n.as_terminal_shows(f"{before}\r{after}") == after + before[len(after) :]


@given(before=PLAIN, after=PLAIN, back=st.integers(0, 10))
def test_backspaces_move_back_without_erasing(before: str, after: str, back: int) -> None:
    column = max(0, len(before) - back)
    shown = before[:column] + after + before[column + len(after) :]
    assert n.as_terminal_shows(before + "\b" * back + after) == shown
