"""Each output convention of markdown/ on its own, and the order the parser asks them in."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import marker, parsers, transcripts
from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.lexers import BodyLine, MarkdownLexer
from pytest_torchnotes.markdown.parsers import OUTPUT_CONVENTIONS, NoteFormat, NoteParser
from pytest_torchnotes.markdown.sections import fence_section
from pytest_torchnotes.notelines import shown

SAMPLE = (Path(__file__).parent / "samples" / "conventions.md").read_text(encoding="utf-8")


def sections(note: ParsedNote) -> list[tuple[int, str | None, int | None, int | None]]:
    """(0-based opening line, output kind, start, end) of each block."""
    return [
        (
            block.fence.open_line,
            block.output.kind if block.output else None,
            block.output.start if block.output else None,
            block.output.end if block.output else None,
        )
        for block in note.blocks
    ]


def test_each_convention_reads_the_block_written_in_it() -> None:
    note = NoteParser(NoteFormat(indented_output=True)).parse(SAMPLE)
    assert sections(note) == [
        (2, "marker", 5, 6),
        (8, "fence", 15, 16),
        (18, None, None, None),
        (23, None, None, None),
        (28, "indented", 32, 33),
    ]
    doctest, ipython = note.blocks[2], note.blocks[3]
    assert (doctest.doctest, doctest.code) == (True, ">>> print(3)\n3")
    assert ipython.ipython is not None
    assert ipython.code == "4\n"
    assert note.blocks[0].code == "print(1)"
    assert [(shown(problem.line_index), problem.severity) for problem in note.problems] == [
        (35, "warning")
    ]


def test_without_indented_output_the_last_block_has_none() -> None:
    note = NoteParser().parse(SAMPLE)
    assert sections(note)[4] == (28, None, None, None)
    assert [shown(problem.line_index) for problem in note.problems] == [33, 35]


def test_marker_lines_are_positions_in_the_body() -> None:
    fence = MarkdownLexer()(SAMPLE).fences[0]
    assert marker.marker_lines(fence.body, marker.OUTPUT_MARKER) == [1]
    assert fence.body[1].line == 4
    assert marker.marker_lines(fence.body, marker.re.compile(r"^1$")) == [2]


def body(*texts: str) -> tuple[BodyLine, ...]:
    return tuple(BodyLine(index, "", text) for index, text in enumerate(texts))


def test_a_transcript_starts_at_its_first_line_of_text() -> None:
    assert transcripts.is_doctest(body("", "  >>> 1", "1"))
    assert not transcripts.is_doctest(body("x = 1", ">>> x"))
    assert not transcripts.is_doctest(body("", ""))


def test_code_after_a_blank_line_is_not_behind_a_prompt() -> None:
    lines = body(">>> x = 1", "", "# aside", "y = 2", ">>> y")
    assert transcripts.not_behind_a_prompt(lines) == lines[3]
    assert transcripts.not_behind_a_prompt(body(">>> x", "1", "", ">>> y")) is None


@given(st.lists(st.sampled_from([">>> x", "... y", "1", "", "# c", "z = 2"]), max_size=12))
def test_a_line_not_behind_a_prompt_follows_a_blank_line(texts: list[str]) -> None:
    lines = body(*texts)
    stray = transcripts.not_behind_a_prompt(lines)
    if stray is None:
        return
    assert stray.text.strip()
    assert not stray.text.startswith((">>>", "#"))
    before = [line.text for line in lines[: stray.line]]
    since_prompt = before[
        max((i for i, t in enumerate(before) if t.startswith(">>>")), default=0) :
    ]
    assert "" in since_prompt


LOG_NOTE = "```python\nprint(1)\n```\n\n```log\n1\n```\n"


def log_fence(draft: BlockDraft, note: NoteContext) -> None:
    """A convention of a test: the ```log fence right after a block is its output."""
    following = draft.next_fence
    if draft.output is None and following is not None and following.language == "log":
        note.consumed.add(following.open_line)
        draft.output = fence_section(following)


def test_a_convention_is_one_more_entry() -> None:
    assert sections(NoteParser().parse(LOG_NOTE)) == [(0, None, None, None)]
    parser = NoteParser(conventions=(*OUTPUT_CONVENTIONS, log_fence))
    note = parser.parse(LOG_NOTE)
    assert sections(note) == [(0, "fence", 5, 6)]
    assert note.blocks[0].expected == "1"
    assert note.problems == []


def refuse(draft: BlockDraft, note: NoteContext) -> None:
    draft.reject(note, draft.fence.open_line, "refused")


def test_the_conventions_are_asked_in_order_and_a_rejection_ends_the_round() -> None:
    asked: list[int] = []

    def record(draft: BlockDraft, note: NoteContext) -> None:
        asked.append(draft.index)

    note = NoteParser(conventions=(record, refuse, record)).parse(LOG_NOTE)
    assert asked == [1]
    assert [(shown(problem.line_index), problem.message) for problem in note.problems] == [
        (1, "refused")
    ]
    # the block fails with it, alone; the error stops no other block
    assert [block.refused for block in note.blocks] == note.problems
    assert note.errors == []


def test_the_default_conventions_are_the_declared_ones() -> None:
    assert NoteParser().conventions == parsers.OUTPUT_CONVENTIONS
