"""Update of a timed block (``%time``, ``%timeit``, ``%%time``): the section gets what the
block prints, and the timing lines the author wrote stay where they stand among its lines,
with the blank lines of an export around them."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.magics import prepare
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.run.magics import with_timing_lines
from pytest_torchnotes.run.runner import NoteRunner, RunSettings
from tests.test_update_layouts import update

TIMINGS = [
    "392 µs ± 920 ns per loop (mean ± std. dev. of 7 runs, 1,000 loops each)",
    "CPU times: user 31 µs, sys: 0 ns, total: 31 µs",
    "Wall time: 35.8 µs",
    "100 loops, best of 3: 2.1 ms per loop",
]


def section(*texts: str) -> OutputSection:
    lines = tuple(BodyLine(index + 10, "    ", text) for index, text in enumerate(texts))
    return OutputSection("indented", lines, 10, 10 + len(texts), "    ")


def test_timing_lines_are_kept_where_they_stand() -> None:
    timed = prepare("%timeit a * x\ns")
    written = section(TIMINGS[0], "", "", "tensor([1., 2.])")
    assert with_timing_lines(written, "tensor([3., 4.])\n", timed) == (
        f"{TIMINGS[0]}\ntensor([3., 4.])\n"
    )
    # %time prints after what the code printed before it
    timed = prepare("print('start')\n%time y = f(x)\nprint(y)")
    written = section("start", TIMINGS[1], TIMINGS[2], "7")
    assert with_timing_lines(written, "start\n8\n", timed) == (
        f"start\n{TIMINGS[1]}\n{TIMINGS[2]}\n8\n"
    )
    # more timing lines than the new output has lines: they go at its end, in order
    assert with_timing_lines(section("1", "2", TIMINGS[2]), "", timed) == TIMINGS[2]


def test_blocks_that_time_nothing_write_what_they_print() -> None:
    written = section(TIMINGS[2], "1")
    assert with_timing_lines(written, "1\n", prepare("print(1)\n%matplotlib inline")) == "1\n"
    assert with_timing_lines(written, "1\n", None) == "1\n"


@given(
    st.lists(st.sampled_from(["out", "tensor([1])", "", *TIMINGS]), max_size=8),
    st.lists(st.sampled_from(["new", "tensor([2])", ""]), max_size=6),
)
def test_what_is_written_is_the_output_with_the_timing_lines_in_order(
    written: list[str], printed: list[str]
) -> None:
    actual = "".join(line + "\n" for line in printed)
    new = with_timing_lines(section(*written), actual, prepare("%time x = 1"))

    def pieces(text: str) -> list[str]:
        return text.split("\n") if text else []

    timing = [line for line in written if line in TIMINGS]
    assert [line for line in pieces(new) if line in TIMINGS] == timing
    assert [line for line in pieces(new) if line not in TIMINGS] == pieces(actual)


@pytest.fixture(scope="module")
def runner() -> Iterator[NoteRunner]:
    made = NoteRunner(RunSettings(capture_fd=False, update=True))
    yield made
    made.close()


@settings(deadline=None, max_examples=25)
@example(timing=TIMINGS[0], blanks=1, value=42, fenced=True)
@given(
    timing=st.sampled_from(TIMINGS),
    blanks=st.integers(min_value=0, max_value=4),
    value=st.integers(min_value=0, max_value=99),
    fenced=st.booleans(),
)
def test_update_of_a_timed_block_keeps_its_timing_lines(
    runner: NoteRunner, timing: str, blanks: int, value: int, fenced: bool
) -> None:
    code = "x = 41\n%timeit x + 1\nx + 1"
    head = f"# Timing\n\n```python\n{code}\n```\n\n"
    if fenced:
        # a blank line in a fence is output, which the block does not print: it goes
        section_lines = [timing, *[""] * blanks, str(value)]
        text = head + "```output\n" + "".join(f"{line}\n" for line in section_lines) + "```\n"
        # ... unless the block's output is already the note's (blank lines around the
        # compared output are not compared): a passing block is not rewritten
        good = text if value == 42 else head + f"```output\n{timing}\n42\n```\n"
    else:
        indent = [f"    {line}" if line else "" for line in [timing, *[""] * blanks]]
        text = head + "".join(f"{line}\n" for line in [*indent, f"    {value}"]) + "\nThe end.\n"
        good = head + "".join(f"{line}\n" for line in [*indent, "    42"]) + "\nThe end.\n"
    with tempfile.TemporaryDirectory(prefix="updtime-") as name:
        path = Path(name) / "note.md"
        path.write_text(text, encoding="utf-8")
        note_format = NoteFormat(indented_output=not fenced)
        first = update(runner, path, note_format)
        assert first.refused is None
        assert first.data.decode("utf-8") == good
        second = update(runner, path, note_format)
        assert second.data == first.data
        assert [block.outcome for block in second.result.blocks] == ["passed"]
