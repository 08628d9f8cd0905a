"""Expected output that is a traceback: what the block must print and raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.tracebacks import (
    EXCEPTION_LINE,
    TRACEBACK_HEADER,
    as_traceback,
    read_traceback,
)
from pytest_torchnotes.markdown.parsers import NoteParser

SAMPLES = Path(__file__).parent / "samples" / "tracebacks"


def test_the_sample_tracebacks() -> None:
    note = NoteParser().parse((SAMPLES / "raises.md").read_text(encoding="utf-8"))
    expected = [read_traceback(block.expected or "") for block in note.blocks]
    assert [
        (item.printed, item.type_name, item.message) if item else None for item in expected
    ] == [
        (
            "adding",
            "RuntimeError",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
            "dimension 0",
        ),
        ("", "ValueError", "first line\nsecond line"),
        ("", "torch.OutOfMemoryError", "out of memory: 2.00 GiB"),
    ]
    first = note.blocks[0]
    assert first.output is not None
    assert expected[0] is not None
    assert first.output.lines[expected[0].header].line + 1 == 12
    assert first.output.lines[expected[0].exception].line + 1 == 14


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Traceback (most recent call last):\n  ...\nKeyError: 'a'", ("KeyError", "'a'")),
        ("Traceback (most recent call last):\n...\nStopIteration", ("StopIteration", "")),
        ("Traceback (innermost last):\n  File x\nValueError:", ("ValueError", "")),
        (
            "Traceback (most recent call last):\n  ...\nKeyError: 'a'\n\nDuring handling of "
            "the above exception, another exception occurred:\n\nTraceback (most recent call "
            "last):\n  ...\nValueError: b",
            ("ValueError", "b"),
        ),
    ],
)
def test_what_is_read(text: str, found: tuple[str, str]) -> None:
    expected = read_traceback(text)
    assert expected is not None
    assert (expected.type_name, expected.message) == found


@pytest.mark.parametrize(
    "text",
    [
        "Traceback (most recent call last):\n  ...",
        "Traceback (most recent call last):\n  File x\n(not an exception)",
        "  Traceback (most recent call last):\n  ...\nKeyError: 'a'",
        "tensor([1, 2])",
    ],
)
def test_what_is_not_a_traceback(text: str) -> None:
    assert read_traceback(text) is None


def test_the_regexes() -> None:
    assert TRACEBACK_HEADER.match("Traceback (most recent call last):  ")
    assert not TRACEBACK_HEADER.match("Traceback (most recent call last)")
    assert EXCEPTION_LINE.match("torch.OutOfMemoryError: x")
    assert not EXCEPTION_LINE.match("9 errors")


TYPES = st.from_regex(r"[A-Za-z_]\w{0,8}(\.[A-Za-z_]\w{0,8}){0,2}", fullmatch=True)
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)


@given(
    st.lists(TEXT.filter(lambda line: not TRACEBACK_HEADER.match(line)), max_size=3),
    TYPES,
    st.lists(TEXT.filter(lambda line: not TRACEBACK_HEADER.match(line)), max_size=3),
)
def test_what_update_writes_reads_back(
    printed: list[str], type_name: str, message: list[str]
) -> None:
    text = "\n".join(message).rstrip()
    written = as_traceback("\n".join(printed), type_name, text)
    expected = read_traceback(written)
    assert expected is not None
    assert expected.type_name == type_name
    assert expected.message == text
    assert expected.printed == "\n".join(printed).rstrip("\n")
