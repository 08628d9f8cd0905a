"""IPython's split form whose output fence starts with what a prompt printed, then its
``Out[n]:`` line, as IPython shows it: the fence is the prompts' output, so update rewrites it
there, not under the prompts with the fence left as a stale copy."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.run.runner import NoteRunner
from tests.test_update_layouts import PRINTED_LINE, _write, runner, update

__all__ = ["runner"]  # the fixture of the update properties

NOTE = "```python\nIn [1]: x = 2\n\nIn [2]: {code}\n```\n\n```{info}\n{output}\n```\n\nThe end.\n"


def _note(printed: list[str], value: int, info: str = "", shown: list[str] | None = None) -> str:
    code = f"print({chr(10).join(printed)!r}); x + {value}"
    lines = [*(printed if shown is None else shown), f"Out[2]: {2 + value}"]
    return NOTE.format(code=code, info=info, output="\n".join(lines))


def test_printed_lines_then_out_are_the_prompts_output() -> None:
    note = NoteParser().parse(_note(["a", "b"], 1))
    [block] = note.blocks
    assert block.ipython is not None
    cells = block.ipython.cells
    assert [[line.text for line in cell.output] for cell in cells] == [[], ["a", "b", "Out[2]: 3"]]
    assert [problem.message for problem in note.problems] == []


def test_a_fence_with_a_prompt_of_its_own_or_another_number_is_not_read() -> None:
    for output in ("a\nIn [3]: y\nOut[3]: 1", "a\nOut[9]: 1"):
        text = NOTE.format(code="print('a'); 1", info="", output=output)
        [block] = NoteParser().parse(text).blocks
        assert block.ipython is not None
        assert all(not cell.output for cell in block.ipython.cells)


@given(
    printed=st.lists(PRINTED_LINE.filter(lambda line: "Out[" not in line), min_size=1, max_size=3),
    value=st.integers(0, 9),
    info=st.sampled_from(["", "text", "python"]),
    wrong=st.sampled_from([["WRONG"], [], ["a", "b", "c", "d"]]),
)
def test_update_rewrites_the_split_fence_back_to_its_bytes(
    runner: NoteRunner, printed: list[str], value: int, info: str, wrong: list[str]
) -> None:
    right = _note(printed, value, info)
    with tempfile.TemporaryDirectory(prefix="updsplit-") as name:
        path = _write(Path(name), _note(printed, value, info, shown=wrong))
        first = update(runner, path, NoteFormat())
        assert first.refused is None
        assert first.data == right.encode("utf-8")
        second = update(runner, path, NoteFormat())
        assert [block.outcome for block in second.result.blocks] == ["passed"]
        assert second.data == first.data
