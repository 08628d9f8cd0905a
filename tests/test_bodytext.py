"""A block's lines joined once, and the readings that tell from it that their trigger is
absent: each gives what its reading line by line gives, and a block without the trigger is
not read line by line."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import ipython, ipython_split, marker, transcripts
from pytest_torchnotes.markdown.bodytext import body_text, line_positions
from pytest_torchnotes.markdown.commentoutput import COMMENT_LABEL, COMMENT_LINE, is_code
from pytest_torchnotes.markdown.leadin import first_line_after_lead_in
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme, first_text
from pytest_torchnotes.markdown.unlabeled_comments import inner_label

#: Pieces of lines that hold, or nearly hold, the triggers of the readings below.
PIECES = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "=",
        "===",
        "-",
        "---",
        "output",
        "OUTPUT",
        ":",
        "输出",
        ">",
        ">>>",
        "...",
        "In [1]: ",
        "In[2]:",
        "In",
        "[",
        "Out[1]: ",
        "Out",
        "#",
        "# Output:",
        "# out",
        "$ ipython",
        "x = 1",
        "print(x)",
        "张量",
    ]
)
LINE_TEXTS = st.lists(PIECES, max_size=5).map("".join)
BODIES = st.lists(LINE_TEXTS, max_size=8).map(
    lambda texts: tuple(BodyLine(n + 3, "", text) for n, text in enumerate(texts))
)


def fence_of(body: tuple[BodyLine, ...]) -> FenceLexeme:
    return FenceLexeme(2, len(body) + 3, "python", "", "```", 0, body)


# What each reading was line by line, before the joined text told it that it could skip.


def marker_lines_by_line(body: Sequence[BodyLine], pattern: re.Pattern[str]) -> list[int]:
    return [position for position, line in enumerate(body) if pattern.match(line.text)]


def stray_marker_lines_by_line(lines: Sequence[str], pattern: re.Pattern[str]) -> list[int]:
    found = []
    for index, line in enumerate(lines):
        quotes = marker.QUOTE.match(line)
        if pattern.match(line[quotes.end() :] if quotes else line):
            found.append(index)
    return found


def is_doctest_by_line(body: Sequence[BodyLine]) -> bool:
    if not any(transcripts.PROMPT in line.text for line in body):
        return False
    return transcripts.is_doctest(list(body))  # a list: nothing joined is kept for it


def is_transcript_by_line(body: Sequence[BodyLine]) -> bool:
    first = first_line_after_lead_in(body)
    return first is not None and ipython.IN_PROMPT.match(first) is not None


def starts_with_out_by_line(fence: FenceLexeme) -> bool:
    return ipython.OUT_PROMPT.match(first_text(fence.body)) is not None


def inner_label_by_line(body: Sequence[BodyLine]) -> list[BodyLine]:
    last_code = len(body) - 1
    while last_code >= 0 and not is_code(body[last_code]):
        last_code -= 1
    if last_code <= 0:
        return []
    return [
        line
        for n, line in enumerate(body[:last_code])
        if COMMENT_LABEL.match(line.text) and COMMENT_LINE.match(body[n + 1].text)
    ]


@given(BODIES)
def test_the_readings_give_what_they_gave_line_by_line(body: tuple[BodyLine, ...]) -> None:
    fence = fence_of(body)
    # each twice, the second from the text kept, and in the order the conventions ask
    for _ in range(2):
        assert ipython.is_transcript(body) == is_transcript_by_line(body)
        assert ipython_split.starts_with_out(fence) == starts_with_out_by_line(fence)
        assert transcripts.is_doctest(body) == is_doctest_by_line(body)
        assert marker.marker_lines(body, marker.OUTPUT_MARKER) == marker_lines_by_line(
            body, marker.OUTPUT_MARKER
        )
        assert inner_label(body) == inner_label_by_line(body)


@given(st.lists(LINE_TEXTS, max_size=12), st.booleans())
def test_marker_lines_in_prose_are_those_found_line_by_line(
    lines: list[str], last_newline: bool
) -> None:
    text = "\n".join(lines) + ("\n" if last_newline and lines else "")
    for pattern in (marker.OUTPUT_MARKER, re.compile(r"[=]{3,} *输出 *[=]{3,}$")):
        assert marker._marker_lines(lines, pattern, text) == stray_marker_lines_by_line(
            lines, pattern
        )


@given(st.lists(LINE_TEXTS, max_size=12), st.sampled_from(["===", "---", "#", "In [", "x"]))
def test_line_positions_are_the_lines_that_hold_the_string(lines: list[str], needle: str) -> None:
    text = "\n".join(lines)
    assert line_positions(text, needle) == [n for n, line in enumerate(lines) if needle in line]


def test_the_text_of_the_last_body_is_kept_and_a_list_is_joined_again() -> None:
    body = (BodyLine(1, "", "a"), BodyLine(2, "> ", "b"))
    assert body_text(body) == "a\nb"
    assert body_text(body) is body_text(body)
    lines = [BodyLine(1, "", "a")]
    assert body_text(lines) == "a"
    lines.append(BodyLine(2, "", "c"))
    assert body_text(lines) == "a\nc"


class Spy:
    """A pattern that records the lines it is asked about."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.asked: list[str] = []

    def match(self, text: str) -> re.Match[str] | None:
        self.asked.append(text)
        return self.pattern.match(text)


PLAIN_BODY = tuple(
    BodyLine(n, "", text)
    for n, text in enumerate(["import torch", "x = torch.ones(2)  # two", "print(x)", ""])
)


def test_a_block_without_a_prompt_is_not_read_line_by_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spies = {name: Spy(getattr(ipython, name)) for name in ("IN_PROMPT", "OUT_PROMPT")}
    for name, spy in spies.items():
        monkeypatch.setattr(ipython, name, spy)
        monkeypatch.setattr(ipython_split, name, spy)
    label = Spy(COMMENT_LABEL)
    monkeypatch.setattr("pytest_torchnotes.markdown.unlabeled_comments.COMMENT_LABEL", label)
    assert not ipython.is_transcript(PLAIN_BODY)
    assert not ipython_split.starts_with_out(fence_of(PLAIN_BODY))
    assert inner_label(PLAIN_BODY) == []
    assert [spy.asked for spy in spies.values()] == [[], []]
    assert label.asked == ["x = torch.ones(2)  # two"]  # the one line that holds a #
    prompt = (BodyLine(0, "", "# session"), BodyLine(1, "", "In [1]: x"))
    assert ipython.is_transcript(prompt)
    assert spies["IN_PROMPT"].asked == ["In [1]: x"]


def test_only_the_lines_with_a_rule_are_tried_as_markers(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = marker.OUTPUT_MARKER.match

    class Pattern:
        def match(self, text: str) -> re.Match[str] | None:
            asked.append(text)
            return real(text)

    body = (*PLAIN_BODY, BodyLine(5, "", "===== output ====="), BodyLine(6, "", "1"))
    monkeypatch.setattr(marker, "OUTPUT_MARKER", Pattern())
    assert marker.marker_lines(body, marker.OUTPUT_MARKER) == [4]
    assert asked == ["===== output ====="]
