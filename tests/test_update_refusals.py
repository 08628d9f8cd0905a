"""What update refuses to write names what to do, and it refuses only what would not read
back: output written as comments (``# Output:``) is text after a ``#`` whatever it holds,
and a line that would end the HTML comment of an ``output`` directive says how to fix it."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER
from pytest_torchnotes.run.runner import NoteRunner
from pytest_torchnotes.update.refusals import COMMENT_FIX, unsafe_reason
from tests.test_update_layouts import _write, runner, update

__all__ = ["runner"]  # the fixture of the update properties

#: Lines that close or open a fence, or read as a marker, where nothing comes before them.
FENCE_LIKE = ["```", "````python", "~~~", "   ```", "======== output ==========", "--- Output ---"]


@pytest.mark.parametrize("prefix", ["# ", "## ", "#> ", "#>", "#", "> # ", "  # ", ">   #> "])
@pytest.mark.parametrize("line", FENCE_LIKE)
def test_after_a_comments_hash_no_line_is_a_fence_or_a_marker(prefix: str, line: str) -> None:
    assert unsafe_reason([line], "```", OUTPUT_MARKER, prefix) is None


@pytest.mark.parametrize("prefix", ["", "> ", "  ", ">   ", "> > "])
def test_after_a_block_quote_or_list_item_a_fence_is_still_refused(prefix: str) -> None:
    assert unsafe_reason(["```"], "```", OUTPUT_MARKER, prefix) is not None
    assert unsafe_reason(["=== output ==="], "```", OUTPUT_MARKER, prefix) is not None


def test_a_nul_is_refused_in_comments_too() -> None:
    assert unsafe_reason(["a\x00b"], "```", OUTPUT_MARKER, "# ") is not None


@pytest.mark.parametrize("line", ["a --> b", "--!>", "-->"])
def test_output_that_would_close_a_directive_comment_names_the_fix(line: str) -> None:
    reason = unsafe_reason([line], "-->", OUTPUT_MARKER)
    assert reason == f"a line of the output ({line.strip()!r}) would close the comment{COMMENT_FIX}"
    assert "compare ignore" in reason


COMMENT_NOTE = "# Note\n\n```python\nprint({printed!r})\n# Output:\n# WRONG\n```\n\nThe end.\n"


@given(
    printed=st.lists(
        st.sampled_from([*FENCE_LIKE, "# x", "Output:", "a", "", "中文\tb"]), min_size=1, max_size=4
    ).map("\n".join)
)
def test_comment_output_holding_fences_and_markers_is_written_and_reads_back(
    runner: NoteRunner, printed: str
) -> None:
    """The block's fence stays the block's fence: the note read again passes, a second
    update changes nothing, and only the comment lines changed."""
    note_format = NoteFormat(comment_output=True)
    with tempfile.TemporaryDirectory(prefix="updcomment-") as name:
        path = _write(Path(name), COMMENT_NOTE.format(printed=printed))
        first = update(runner, path, note_format)
        assert first.refused is None
        [block] = first.result.blocks
        assert not block.not_updated, block.message
        text = first.data.decode("utf-8")
        head, tail = COMMENT_NOTE.format(printed=printed).split("# WRONG\n")
        assert text.startswith(head)
        assert text.endswith(tail)
        assert all(line.startswith("#") for line in text[len(head) : -len(tail)].splitlines())
        second = update(runner, path, note_format)
        assert [block.outcome for block in second.result.blocks] == ["passed"]
        assert second.data == first.data


def test_output_that_would_close_a_directive_comment_is_refused_with_the_fix(
    runner: NoteRunner,
) -> None:
    text = "<!-- torchnotes: output python>=3.0\n1\n-->\n```python\nprint('a --> b')\n```\n"
    with tempfile.TemporaryDirectory(prefix="updcomment-") as name:
        path = _write(Path(name), text)
        updated = update(runner, path, NoteFormat())
        assert updated.data == text.encode()
        [block] = updated.result.blocks
        assert block.not_updated
        assert "would close the comment: an HTML comment cannot hold it;" in block.message


#: Layouts whose output the plugin shows but does not compare (each with a warning, or left
#: to an option that is off): update never writes them.
NOT_COMPARED = {
    "pre": "```python\nprint(3)\n```\n\n<pre>4</pre>\n",
    "pre-multiline": "```python\nprint('a\\nb')\n```\n\n<pre>\nz\n</pre>\n",
    "arrow": "```python\nx = 1\nprint(x + 1)\n# => 3\n```\n",
    "knitr": "```python\nimport torch\nprint(torch.ones(1))\n## tensor([2.])\n```\n",
    "text-fence": "```python\nprint(3)\n```\n\n```text\n4\n```\n",
    "console-fence": "```python\nprint(3)\n```\n\n```console\n4\n```\n",
    "indented": "```python\nprint(3)\n```\n\n    4\n\nafter\n",
    "comments": "```python\nprint(3)\n# Output:\n# 4\n```\n",
}


@pytest.mark.parametrize("text", NOT_COMPARED.values(), ids=list(NOT_COMPARED))
def test_output_the_plugin_does_not_compare_is_never_written(runner: NoteRunner, text: str) -> None:
    with tempfile.TemporaryDirectory(prefix="updleft-") as name:
        path = _write(Path(name), text)
        updated = update(runner, path, NoteFormat())
        assert updated.data == text.encode()
        [block] = updated.result.blocks
        assert not block.edits
        assert block.outcome == "passed"
