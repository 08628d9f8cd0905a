"""A sentence that leads into a block's output (``and obtained:``, ``我们得到``) in place of
a label line (``markdown/lead_in_lines.py``, ``layout.read_as_output``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lead_in_lines import is_lead_in, says_output_follows
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote, block_counts

SAMPLE = Path(__file__).parent / "samples" / "lead_in_output.md"


def test_the_outputs_read_and_named_in_the_sample() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    outputs = {
        block.fence.open_line: block.output and (block.output.start, block.expected)
        for block in note.blocks
    }
    assert outputs == {
        2: (9, "tensor([1., 1.])"),
        12: (19, "torch.Size([1])"),
        22: (29, "2"),
        # says that output follows, but hello does not read as printed: warned
        32: None,
        # code and a shell command after a sentence ending in a colon: neither
        42: None,
        53: None,
        # two lines of prose: no lead-in
        63: None,
    }
    warned = {problem.line_index: problem.message for problem in note.problems}
    assert list(warned) == [38, 70]
    assert warned[38] == (
        "fence without info string after the block at line 33 looks like its output but "
        "is not read: line 37 leads into it, but is no label and its first line does not read "
        "as printed output: put a label line such as Output: or 输出： in place of that line, "
        "or mark the fence ```output"
    )
    # what print(3) prints, past two lines of prose: named, not read
    assert warned[70].startswith("the fence at line 71 reads as what the block at line 64 prints")


@pytest.mark.parametrize(
    "line",
    [
        "and obtained:",
        "which gives:",
        "This prints:",
        "we get",
        "输出为",
        "我们得到",
        "结果：",
        "**We get:**",
        "Running it, the result is shown:",
        "返回",
    ],
)
def test_lead_in_lines(line: str) -> None:
    assert is_lead_in(line)


@pytest.mark.parametrize(
    "line",
    ["# Output:", "| a | b:", "> quoted:", "```text", "A remark.", "x" * 70 + ":", "   "],
)
def test_not_lead_in_lines(line: str) -> None:
    assert not is_lead_in(line)


@pytest.mark.parametrize(("line", "says"), [("which gives:", True), ("Install it:", False)])
def test_a_colon_alone_does_not_say_output_follows(line: str, says: bool) -> None:
    assert says_output_follows(line) is says


CODE = st.sampled_from(
    [
        "x = torch.ones(2)",
        "def f():\n    return 1",
        "import torch",
        "print(x)",
        "for i in x:\n    pass",
    ]
)


@given(
    lead_in=st.sampled_from(["and obtained:", "which gives:", "我们得到", "Then:", "输出为"]),
    code=CODE,
    opening=st.sampled_from(["```", "```text", "~~~"]),
)
def test_code_after_a_lead_in_is_never_read_as_output(
    lead_in: str, code: str, opening: str
) -> None:
    """A false read is worse than a warning: a fence holding code stays code."""
    text = f"```python\nx = 1\n```\n\n{lead_in}\n\n{opening}\n{code}\n{opening[:3]}\n"
    (block,) = NoteParser().parse(text).blocks
    assert block.output is None


def test_a_drift_under_a_lead_in_fails_and_update_rewrites_only_the_fence(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nimport torch\nprint(torch.ones(2) * 3)\n```\n\n"
        "which gives:\n\n```\ntensor([2., 2.])\n```\n"
    )
    path = write_note(text)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:9: expected 2., got 3.*"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == text.replace("tensor([2., 2.])", "tensor([3., 3.])")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result)["verified"] == 1


def test_with_bare_fences_run_a_bare_fence_of_text_under_a_lead_in_is_named() -> None:
    """With ``bare`` in ``torchnotes_languages`` (blogs that write code and output in bare
    fences), a bare fence that does not read as Python is not run: it is the unread output
    the lead-in names, not a block."""
    note_format = dataclasses.replace(NoteFormat(), languages=NoteFormat().languages | {""})
    text = (
        "```\nimport torch\nprint('before')\nprint(torch.zeros(1))\n```\n"
        "可以得到输出为：\n```\nbefore\ntensor([0.])\n```\n"
    )
    note = NoteParser(note_format).parse(text)
    assert [block.fence.open_line for block in note.blocks] == [0]
    assert note.blocks[0].output is None
    (problem,) = note.problems
    assert problem.line_index == 6
    assert "line 6 leads into it, but is no label" in problem.message


@pytest.mark.parametrize(
    "code", ["x = torch.ones(2)", "loss.backward()", "param_w.grad.data.zero_()\ny = 1"]
)
def test_under_a_block_that_prints_nothing_a_lead_in_tells_what_other_code_prints(
    code: str,
) -> None:
    """``这个时候再输出 param_w.grad 会得到：`` after a block that prints nothing: the fence
    shows what printing would give, not the block's output (update would empty it)."""
    lead_in = "这个时候再输出 param_w.grad 会得到："
    text = f"```python\n{code}\n```\n\n{lead_in}\n\n```\ntensor([1.])\n```\n"
    note = NoteParser().parse(text)
    assert note.blocks[0].output is None
    assert not note.problems  # nor is it output unread: other code's


OUTPUT_VERBS = (
    "we get", "we got", "we obtain", "we see", "we have", "obtained", "gives", "gave",
    "yields", "returns", "prints", "outputs", "shows", "results in", "is printed",
    "得到", "输出", "輸出", "打印", "返回", "为", "是", "如下",
)  # fmt: skip


@pytest.mark.parametrize("verb", OUTPUT_VERBS)
def test_the_cheap_test_lets_every_output_verb_through(verb: str) -> None:
    """The last-character test that spares prose the regular expressions keeps no verb out."""
    assert says_output_follows(verb)
    assert says_output_follows(f"Running it, {verb}")
    assert is_lead_in(f"**{verb}:**")


@pytest.mark.parametrize("heading", ["#### check output ", "### 运行得到", "## The model returns:"])
def test_a_heading_that_leads_into_the_output_is_read_as_a_lead_in(heading: str) -> None:
    """A heading that says output follows (``#### check output``, as a blog writes it over
    what the loop above printed) starts no section of its own: the fence under it is the
    block's output, as under the same words in a sentence (it was left unread, unnamed)."""
    text = f"```python\nfor x in range(2):\n    print(x)\n```\n\n{heading}\n```\n0\n1\n```\n"
    (block,) = NoteParser().parse(text).blocks
    assert block.output is not None
    assert block.expected == "0\n1"


def test_a_heading_that_leads_into_no_output_still_starts_a_section() -> None:
    """A heading of other words titles what follows: its fence is no output, and nothing is
    said of it."""
    text = "```python\nprint(1)\n```\n\n## Next step\n```\n1\n```\n"
    note = NoteParser().parse(text)
    assert note.blocks[0].output is None
    assert not note.problems


@given(heading=st.sampled_from(["### check output", "## 运行得到", "# It returns:"]), code=CODE)
def test_code_under_a_heading_that_leads_in_is_never_read_as_output(
    heading: str, code: str
) -> None:
    text = f"```python\nprint(1)\n```\n\n{heading}\n\n```\n{code}\n```\n"
    (block,) = NoteParser().parse(text).blocks
    assert block.output is None


def test_a_drift_under_a_heading_that_leads_in_fails_and_update_rewrites_only_the_fence(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nimport torch\nprint(torch.ones(2) * 3)\n```\n\n"
        "#### check output\n```\ntensor([2., 2.])\n```\n\n## Next\n"
    )
    path = write_note(text)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:8: expected 2., got 3.*"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == text.replace("tensor([2., 2.])", "tensor([3., 3.])")
    assert block_counts(pytester.runpytest())["verified"] == 1


@pytest.mark.parametrize("heading", ["#### Output of the loop", "## 运行结果展示", "### Results"])
def test_a_heading_that_names_output_over_printed_output_is_named_not_passed_over(
    heading: str,
) -> None:
    """A heading that names output (and is no label) titles the fence under it as the
    block's output: not read, as it leads into nothing, but named as output past text; it
    started another section, and nothing was said of the fence."""
    text = f"```python\nfor x in range(2):\n    print(x)\n```\n\n{heading}\n\n```\n0\n1\n```\n"
    note = NoteParser().parse(text)
    if heading == "### Results":  # a label: read
        assert note.blocks[0].expected == "0\n1"
        return
    assert note.blocks[0].output is None
    (problem,) = note.problems
    assert problem.line_index == 7
    assert problem.message.startswith(
        "the fence at line 8 reads as what the block at line 1 prints, but text stands between "
        "them (line 6)"
    )
