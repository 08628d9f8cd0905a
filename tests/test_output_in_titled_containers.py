"""A fence that reads as printed output, right after a block that prints, inside a container
whose title is no output label (``<details><summary>Click to expand</summary>``, ``!!! note``,
``??? example "Result"``): nothing reads it, so it is named with what would make it read."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts


def _warnings(text: str) -> list[tuple[int, str]]:
    note = NoteParser().parse(text)
    assert all(block.output is None for block in note.blocks)
    return [(problem.line_index + 1, problem.message) for problem in note.problems]


@pytest.mark.parametrize(
    "container",
    [
        "<details><summary>Click to expand</summary>\n\n```\ntensor([2., 4.])\n```\n\n</details>",
        "<details>\n<summary>看看结果</summary>\n\n```text\ntensor([2., 4.])\n```\n</details>",
        "!!! note\n    ```\n    tensor([2., 4.])\n    ```",
        '??? example "Click"\n    ```text\n    tensor([2., 4.])\n    ```',
    ],
)
def test_printed_output_in_a_container_titled_otherwise_is_named(container: str) -> None:
    text = f"```python\nprint(x * 2)\n```\n\n{container}\n"
    ((line, message),) = _warnings(text)
    assert text.split("\n")[line - 1].lstrip().startswith("```")
    assert "after the block at line 1 looks like its output but is not read" in message
    assert "title the container Output (or 输出)" in message
    assert "mark the fence ```output" in message


@pytest.mark.parametrize(
    ("code", "after"),
    [
        ("y = x * 2", "<details><summary>More</summary>\n\n```\ntensor([2.])\n```\n</details>"),
        ("print(x)", "## Next\n\n```\ntensor([2.])\n```"),  # another section
        ("print(x)", "!!! note\n    ```\n    y = compute(2)\n    ```"),  # code
        ("print(x)", "!!! note\n    Some words.\n\n    ```\n    tensor([2.])\n    ```"),
    ],
)
def test_what_is_not_named(code: str, after: str) -> None:
    assert _warnings(f"```python\n{code}\n```\n\n{after}\n") == []


def test_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "```python\nimport torch\nprint(torch.ones(2) * 2)\n```\n\n<details>\n"
        "<summary>Click to expand</summary>\n\n```\ntensor([9., 9.])\n```\n\n</details>\n"
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 1}
    result.stdout.fnmatch_lines(["*notes/note.md:9: fence without info string after the block*"])
