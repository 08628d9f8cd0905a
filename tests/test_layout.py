"""Where a block's output stands after it: what is read, and what is reported as not read."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.markdown.blocks import ParsedNote
from pytest_torchnotes.markdown.document import decode_note
from pytest_torchnotes.markdown.layout import (
    LABELED_FENCES,
    OUTPUT_FENCES,
    OUTPUT_LABEL,
    UNHIGHLIGHTED,
)
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER, NoteFormat, NoteParser
from pytest_torchnotes.markdown.wrappers import container_title
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.update.apply import apply, raw_lines
from pytest_torchnotes.update.rewrite import section_edit

SAMPLES = Path(__file__).parent / "samples"


def parse(text: str, note_format: NoteFormat | None = None) -> ParsedNote:
    return NoteParser(note_format).parse(text)


def warnings(note: ParsedNote) -> list[tuple[int, str]]:
    return [(shown(p.line_index), p.message) for p in note.problems if p.severity == "warning"]


def test_the_layouts_sample() -> None:
    note = parse((SAMPLES / "layouts.md").read_text(encoding="utf-8"))
    read = {
        shown(block.first_line): (block.output.start, block.output.text)
        for block in note.blocks
        if block.output is not None
    }
    assert read == {3: (9, "1"), 13: (17, "2"), 21: (27, "3")}
    assert [line for line, _ in warnings(note)] == [35, 45, 55, 67, 75]
    messages = dict(warnings(note))
    assert messages[35] == (
        "fence without info string after the block at line 31 looks like its output but is "
        "not read: put a label line such as 输出： or Output: above it, or read such fences "
        "with --torchnotes-output-fence='output out stdout result bare'"
    )
    assert messages[45] == (
        "fence ```output after the block at line 39 looks like its output but is not read: "
        "only blank lines and one label line may stand between a block and its output, line "
        "43 is text (move it above the block or below the output)"
    )
    assert messages[55].endswith(
        "line 53 is an HTML comment (move it above the block or below the output)"
    )
    assert messages[67].endswith("line 65 is a second one")
    assert messages[75] == (
        "indented text after the block at line 71 looks like its output but is not read: the "
        "note looks like a jupyter nbconvert --to markdown export; read its indented output "
        "with --torchnotes-indented-output (ini: torchnotes_indented_output; in the front "
        "matter: indented_output: true under torchnotes:), or put the output in a fence "
        "marked output (```output)"
    )
    assert note.errors == []


def test_a_configured_fence_is_read_without_label() -> None:
    text = "```python\nprint(1)\n```\n\n```\n1\n```\n"
    note = parse(text, NoteFormat(output_fences=frozenset({"", "output"})))
    assert note.blocks[0].output is not None
    assert warnings(note) == []


def test_labels_turned_off_are_not_read_but_reported() -> None:
    text = "```python\nprint(1)\n```\n\n输出：\n\n```\n1\n```\n"
    note = parse(text, NoteFormat(output_label=None, labeled_fences=frozenset()))
    assert note.blocks[0].output is None
    [(line, message)] = warnings(note)
    assert line == 7
    assert message.endswith(
        "label lines are not read (torchnotes_output_label is none); read them with "
        "--torchnotes-output-label=default"
    )


def test_a_label_over_another_language_names_the_option() -> None:
    note = parse("```python\nprint(1)\n```\nOutput:\n```json\n{}\n```\n")
    assert warnings(note) == [
        (
            5,
            "fence ```json after the block at line 1 looks like its output but is not read: "
            "read it with --torchnotes-output-fence='output out stdout result json' (after a "
            "label, only bare, console, none, out, output, plaintext, result, stdout, text, txt "
            "fences are read)",
        )
    ]


def test_a_label_without_a_fence() -> None:
    note = parse("```python\nprint(1)\n```\n\n输出：\n1\n")
    assert warnings(note) == [
        (
            5,
            "label line after the block at line 1, but its output is not in a fence and is "
            "not read: put it in a fence marked output (```output)",
        )
    ]


def test_a_block_quote_that_reads_as_output_is_read() -> None:
    note = parse((SAMPLES / "blockquote_output.md").read_text(encoding="utf-8"))
    assert warnings(note) == []
    assert [block.expected for block in note.blocks] == [
        "tensor([1., 1.])",
        "torch.Size([2])",
        "4",
        "[1, 2]",
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("quoted", "reported"),
    [
        ("tensor([[1, 2],", True),
        ("Parameter containing:", True),
        ("RuntimeError: shape '[3]' is invalid", True),
        ("(tensor(1.), 2)", True),
        ("[1.5, -2e-05]", True),
        ("-3.25", True),
        ("True", True),
        ("[!NOTE]", False),
        ("[1, 2] is a list", False),
        ("1. First step", False),
        ("(see the docs)", False),
        ("True story.", False),
        # what print writes of a list or tuple of them, and a sentence that starts so
        ("(True, False)", True),
        ("[torch.float32, torch.int64]", True),
        ("(None,)", True),
        ("torch.float32", True),
        ("True False", True),
        ("True, the tensor is contiguous.", False),
        ("None, since the hook returns nothing.", False),
        ("False) is what it gives.", False),
        ("torch.float32, the default dtype, is used.", False),
        ("torch.bfloat16] may lose digits", False),
    ],
)
def test_what_in_a_block_quote_reads_as_output(quoted: str, reported: bool) -> None:
    note = parse(f"```python\nprint(1)\n```\n\n> {quoted}\n")
    assert warnings(note) == []
    assert (note.blocks[0].expected == quoted) is reported


def test_output_in_a_python_fence_after_a_block_is_reported() -> None:
    note = parse((SAMPLES / "python_output_fence.md").read_text(encoding="utf-8"))
    message = (
        "```python after the block at line {} looks like its output (`{}`) but is run as a "
        "block of its own, and nothing compares it: mark it ```output to compare it as the "
        "block's output"
    )
    assert warnings(note) == [
        (17, message.format(13, "torch.Size([2])")),
        (24, message.format(21, "torch.int64")),
    ]
    assert len(note.blocks) == 9  # all of them still run, but the output under 输出：
    assert note.blocks[0].output is not None


@pytest.mark.parametrize(
    ("line", "reported"),
    [
        ("输出：tensor([1.])", True),
        ("运行结果: torch.Size([2, 3])", True),
        ("**Output:** `tensor(3.)`", True),
        ("Output: 42", True),
        ("Output: the number one, as you would expect.", False),
        ("输出：一个张量", False),
        ("Note: tensor(1.) is a scalar", False),
    ],
)
def test_output_on_the_label_line_is_reported(line: str, reported: bool) -> None:
    note = parse(f"```python\nprint(1)\n```\n\n{line}\n")
    expected = [
        (
            5,
            "output written on the label line after the block at line 1 is not read: put it "
            "in a fence marked output (```output) below the label",
        )
    ]
    assert warnings(note) == (expected if reported else [])


def test_code_and_shell_sessions_are_not_output() -> None:
    bodies = (
        "import os\nprint(os.sep)",
        "print(x)",
        "$ pip install torchinfo",
        "def f():\n    pass",
    )
    for body in bodies:
        note = parse(f"```python\nprint(1)\n```\n\n```\n{body}\n```\n")
        assert warnings(note) == [], body


def test_a_block_with_a_marker_or_a_transcript_warns_about_nothing_after_it() -> None:
    for code in ("print(1)\n=== output ===\n1", ">>> print(1)\n1"):
        note = parse(f"```python\n{code}\n```\n\n```\n1\n```\n")
        assert warnings(note) == []


# Layouts: a block, then some of these between it and a fence that holds output.
SEPARATORS = {
    "blank": "",
    "label": "输出：",
    "english label": "**Output:**",
    "jupyter label": "Out[7]:",
    "comment": "<!-- a comment -->",
    "prose": "Some prose about the block.",
    "summary label": "<details><summary>Output</summary>",
    "wrapper": "{% endraw %}\n<details>",
    "container label": '??? example "Output"',
    "heading label": "#### Output",
    "setext label": "Output\n------",
}


@given(
    st.lists(st.sampled_from(sorted(SEPARATORS)), max_size=5),
    st.sampled_from(
        ["", "text", "console", "output", "plaintext", "none", "out", "stdout", "result", "bash"]
    ),
    st.sampled_from(["tensor([1., 2.])", "42", "loss: 0.25\nepoch 2"]),
)
def test_every_output_fence_after_a_block_is_read_or_reported(
    separators: list[str], info: str, output: str
) -> None:
    between = "\n".join(SEPARATORS[name] for name in separators)
    text = f"# T\n\n```python\nprint(1)\n```\n{between}\n```{info}\n{output}\n```\n"
    note = parse(text)
    fence_line = text.split("\n").index(f"```{info}", 5) + 1
    labels = [name for name in separators if "label" in name]
    others = [name for name in separators if name in ("comment", "prose")]
    # an HTML comment is not rendered: the output reads as right under the block, or right
    # under the prose, as it does past prose alone
    printed = output in ("tensor([1., 2.])", "42")
    read = note.blocks[0].output is not None
    reported = [line for line, _ in warnings(note)]
    assert read == (
        not others
        and len(labels) <= 1
        and (
            info in OUTPUT_FENCES
            or info == UNHIGHLIGHTED  # sphinx-gallery's output, label or not
            or (bool(labels) and info in LABELED_FENCES)
        )
    )
    # A shell fence holds commands unless a label says otherwise or it reads as printed.
    shell_command = info == "bash" and output.startswith("loss") and not (labels and not others)
    if read:
        assert note.blocks[0].output is not None
        assert note.blocks[0].output.text == output
        assert reported == []
    elif shell_command:
        assert fence_line not in reported  # a label before prose may still be reported
    elif labels or info in OUTPUT_FENCES or not others:
        assert reported == [fence_line]  # nothing that looks like output is left silently
    elif others and info in LABELED_FENCES and printed:
        # what print() printed past prose, comments or both: named, not read
        assert reported == [fence_line]
    else:
        assert reported == []  # a fence of text past prose: an example


def test_front_matter_must_be_yaml_keys_without_fences() -> None:
    thematic = "---\n\nSome prose.\n\n---\n\n```python\nprint(1)\n```\n"
    with_fence = "---\ntitle: x\n```python\nprint(1)\n```\n---\n"
    toml_with_fence = "+++\ntitle = 'x'\n```python\nprint(1)\n```\n+++\n"
    not_yaml = "---\n: : not yaml [\n---\n```python\nx = 1\n```\n"
    for text in (thematic, with_fence, toml_with_fence, not_yaml):
        note = parse(text)
        assert len(note.blocks) == 1, text
        assert note.problems == []
    front = parse("---\ntitle: x\ntags: [a]\n---\n\n```python\nprint(1)\n```\n")
    assert [shown(block.first_line) for block in front.blocks] == [6]
    assert parse("---\n---\n```python\nx = 1\n```\n").blocks[0].first_line == 2


def test_broken_torchnotes_front_matter_is_still_front_matter() -> None:
    note = parse("---\ntorchnotes:\n  setup: [unclosed\n---\n")
    assert note.errors[0].message.startswith("front matter is not valid YAML")


@given(
    st.lists(
        st.sampled_from(["prose", "```python\nprint(1)\n```", "# Heading", "- item"]),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 200),
)
def test_a_stray_bare_cr_hides_no_block(parts: list[str], where: int) -> None:
    text = "\n\n".join(parts) + "\n"
    blocks = parse(text).blocks
    # A CR put in place of one newline (not before another, where it would be CRLF):
    # every block is found, numbered as CommonMark counts lines.
    newlines = [i for i, char in enumerate(text) if char == "\n" and text[i + 1 : i + 2] != "\n"]
    assume(len(newlines) > 1)
    cut = newlines[where % (len(newlines) - 1)]
    with_cr = text[:cut] + "\r" + text[cut + 1 :]
    raw = decode_note(with_cr.encode())
    assert raw.original == with_cr
    found = parse(raw.text).blocks
    assert [(shown(b.first_line), b.code) for b in found] == [
        (shown(b.first_line), b.code) for b in blocks
    ]


def test_a_bare_cr_in_a_line_ends_it() -> None:
    text = "# T\r(more title)\n\n```python\rx = 1\nprint(x)\r```\n\n```python\nprint(2)\n```\n"
    note = parse(decode_note(text.encode()).text)
    assert [(shown(b.first_line), b.code) for b in note.blocks] == [
        (4, "x = 1\nprint(x)"),
        (9, "print(2)"),
    ]
    assert note.problems == []


def test_transcript_code_behind_no_prompt_is_an_error() -> None:
    note = parse("# T\n\n```python\n>>> x = 1\n>>> x\n1\n\nprint(x)\n\n>>> # fine\n```\n")
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [(8, "error")]
    # the block fails with it, alone: the error stops no other block
    assert [block.refused for block in note.blocks] == note.problems
    assert note.errors == []
    fine = parse(
        "```python\n>>> x = 1\n\n# a comment\n>>> print('a\\n\\nb')\na\n<BLANKLINE>\nb\n```\n"
    )
    assert fine.problems == []


def test_a_fence_line_inside_output_is_named() -> None:
    text = "# T\n\n```python\nprint('```')\n\n=== output ===\n```\n```\n\nProse.\n"
    [problem] = parse(text).problems
    assert shown(problem.line_index) == 7
    assert problem.message == (
        "this line closes the code fence opened at line 3, so the fence at line 8 is never "
        "closed: if this line is part of the block, open and close the block with a longer "
        "fence (````); if not, add a line ``` after the fence at line 8"
    )
    unrelated = parse("```python\nx = 1\n```\n\n~~~\nnever closed\n")
    assert shown(unrelated.problems[0].line_index) == 5


def update(text: str, outputs: list[str]) -> str:
    """Write ``outputs`` into the output sections of the blocks of ``text``, as update does."""
    raw = decode_note(text.encode("utf-8"))
    note = parse(raw.text)
    edits = []
    for block, actual in zip(note.blocks, outputs, strict=True):
        assert block.output is not None
        output = block.output
        edits.append(
            section_edit(
                output,
                actual,
                raw_lines=raw_lines(raw.original),
                comparator=Comparator(CompareOptions()),
                marker=OUTPUT_MARKER,
                path="note.md",
                first_line=block.first_line,
                file_digest="",
            )
        )
    return apply(raw.original, edits)


_lines = st.lists(st.sampled_from(["tensor([1., 2.])", "loss 0.5", "中文 输出", "42"]), max_size=3)


@given(
    st.sampled_from(["输出：", "**Output:**", "Out[12]:", "运行结果:", "Result:"]),
    st.sampled_from(["", "text", "console", "output"]),
    st.sampled_from(["", "> ", "  "]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    _lines,
    _lines,
)
def test_update_of_a_labeled_fence_changes_only_its_lines(
    label: str,
    info: str,
    prefix: str,
    newline: str,
    blank: bool,
    old: list[str],
    new: list[str],
) -> None:
    def section(lines: list[str]) -> str:
        return "".join(f"{prefix}{line}{newline}" for line in lines)

    head = (
        f"# T{newline}{newline}{prefix}```python{newline}{prefix}print(1){newline}{prefix}```"
        f"{newline}{prefix.rstrip() + newline if blank else ''}{prefix}{label}{newline}"
        f"{prefix}```{info}{newline}"
    )
    tail = f"{prefix}```{newline}{newline}Prose after.{newline}"
    text = head + section(old) + tail
    actual = "".join(line + "\n" for line in new)
    updated = update(text, [actual])
    assert updated.startswith(head)
    assert updated.endswith(tail)
    assert updated == head + section(new) + tail
    note = parse(decode_note(updated.encode()).text)
    assert note.blocks[0].output is not None
    assert note.blocks[0].output.text == "\n".join(new)
    assert update(updated, [actual]) == updated  # a second update changes nothing


def test_update_keeps_a_stray_bare_cr_elsewhere() -> None:
    text = "# T\r(title)\n\n```python\nprint(2)\n```\n\n输出：\n\n```\n1\n```\nEnd\rof note\n"
    assert update(text, ["2\n"]) == text.replace("\n1\n", "\n2\n")


def test_the_thematic_break_sample() -> None:
    note = parse((SAMPLES / "thematic_break.md").read_text(encoding="utf-8"))
    assert [(shown(block.first_line), block.code) for block in note.blocks] == [
        (5, "print(1)"),
        (11, "print(2)"),
    ]
    assert note.problems == []


def test_a_fence_after_a_transcript_is_not_its_output() -> None:
    for between in ("", "输出：\n"):
        note = parse(f"```python\n>>> print(1)\n1\n```\n\n{between}```output\n2\n```\n")
        assert note.blocks[0].output is None
        assert warnings(note) == [
            (
                6 + bool(between),
                "the fence after the >>> transcript at line 1 is not read as its output: a "
                "transcript keeps each example's output under its prompt",
            )
        ]


def test_output_fences_as_tools_tag_them() -> None:
    note = parse((SAMPLES / "output_tags.md").read_text(encoding="utf-8"))
    read = [block.output.start if block.output else None for block in note.blocks]
    assert [shown(line) if line is not None else None for line in read] == [
        8,
        18,
        None,
        None,
        42,  # sphinx-gallery's output
        None,
    ]
    assert warnings(note) == [
        (
            25,
            "fence ```bash after the block at line 21 looks like its output but is not read: "
            "put a label line such as 输出： or Output: above it, or read such fences with "
            "--torchnotes-output-fence='output out stdout result bash'",
        ),
        (
            49,
            "fence ```{.sourceCode .plaintext} after the block at line 45 looks like its output "
            "but is not read: put a label line such as 输出： or Output: above it, or read such "
            "fences with --torchnotes-output-fence='output out stdout result plaintext'",
        ),
    ]


def test_output_in_collapsible_sections_and_liquid_raw() -> None:
    note = parse((SAMPLES / "details.md").read_text(encoding="utf-8"))
    starts = [shown(block.output.start) if block.output else None for block in note.blocks]
    assert starts == [11, 23, 34, None]
    # a summary that is no label is not read as one, and the printed output under it is named
    ((line, message),) = warnings(note)
    assert line == 43
    assert message.endswith(
        "it is in the container at line 41, whose title is no output label, and nothing "
        "compares it: title the container Output (or 输出), or mark the fence ```output"
    )


def test_a_summary_label_with_prose_after_it_is_reported() -> None:
    text = (
        "```python\nprint(1)\n```\n<details><summary>Output</summary>\nSee below.\n\n```\n1\n```\n"
    )
    assert [line for line, _ in warnings(parse(text))] == [7]


def test_output_in_mkdocs_containers_titled_as_labels() -> None:
    note = parse((SAMPLES / "mkdocs.md").read_text(encoding="utf-8"))
    starts = [shown(block.output.start) if block.output else None for block in note.blocks]
    assert starts == [10, 22, 31, None]
    # a container with another title is not read as output, and the printed output in it
    # is named
    assert [line for line, _ in warnings(note)] == [40]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ('??? note "Output"', "Output"),
        ('???+ example "输出："', "输出："),
        ('!!! tip inline end "Result"', "Result"),
        ("!!! output", "output"),
        ('=== "Output"', "Output"),
        ("===", None),
        ("=== output ===", None),
        ("<details open><summary><b>Out:</b></summary>", "Out:"),
        ("#### Output", "Output"),
        ("### 输出： ###", "输出："),
        ("#hashtag", None),
        ("Output:", None),
    ],
)
def test_the_title_of_a_container(line: str, title: str | None) -> None:
    assert container_title(line) == title


@pytest.mark.parametrize(
    ("info", "read", "warned"),
    [
        ('text title="Output"', True, None),
        ("text title='输出：'", True, None),
        ('title="Output" linenums="1"', True, None),
        ('console title="Result"', True, None),
        (
            'text title="train.log"',
            False,
            "--torchnotes-output-fence='output out stdout result text'",
        ),
        (
            'json title="Output"',
            False,
            "read it with --torchnotes-output-fence='output out stdout result json'",
        ),
        ('python title="Output"', False, "looks like its output (`1`) but is run as a block"),
        ('python title="Output" ', False, "mark it ```output to compare it"),
    ],
)
def test_a_fence_titled_as_a_label(info: str, read: bool, warned: str | None) -> None:
    note = parse(f"```python\nprint(1)\n```\n\n```{info}\n1\n```\n")
    assert (note.blocks[0].output is not None) == read
    messages = [message for _, message in warnings(note)]
    assert len(messages) == (0 if warned is None else 1)
    assert warned is None or warned in messages[0]


@pytest.mark.parametrize(
    ("between", "read"),
    [
        ("#### Output", True),
        ("### 输出：", True),
        ("Output\n------", True),
        ("运行结果\n========", True),
        ("## Next steps", False),
        ("Output\n\n------", False),
    ],
)
def test_a_heading_that_reads_as_a_label_is_a_label_line(between: str, read: bool) -> None:
    note = parse(f"```python\nprint(1)\n```\n\n{between}\n\n```\n1\n```\n")
    assert (note.blocks[0].output is not None) == read


def test_output_in_a_python_fence_under_a_label_is_read() -> None:
    note = parse((SAMPLES / "labeled_python_output.md").read_text(encoding="utf-8"))
    read = {
        shown(block.first_line): (shown(block.output.start), block.output.text)
        for block in note.blocks
        if block.output is not None
    }
    assert read == {
        3: (12, "tensor([[1, 2],\n        [5, 6]])"),
        16: (22, "torch.return_types.max(\nvalues=tensor([5, 6]),\nindices=tensor([1, 1]))"),
        29: (35, "b: tensor([1, 5])\ntorch.int64"),
    }
    # Code under a label, and a transcript under a label, are blocks of their own.
    assert [shown(block.first_line) for block in note.blocks if block.output is None] == [
        39,
        45,
        49,
        55,
        60,
        64,
    ]
    # Without a label, a Python fence that reads as output is still only reported.
    assert [line for line, _ in warnings(note)] == [64]


def test_a_python_fence_under_a_label_is_not_read_when_labels_are_not() -> None:
    text = (SAMPLES / "labeled_python_output.md").read_text(encoding="utf-8")
    note = parse(text, NoteFormat(output_label=None))
    assert all(block.output is None for block in note.blocks)
    assert len(note.blocks) == 12


@pytest.mark.parametrize(
    ("body", "read"),
    [
        ("tensor([1, 2])", True),
        ("训练集的第一个样本:\n[2, 6, 7]", True),
        ("loss: tensor(0.5000)", True),
        ("torch.float32", True),
        ("x = torch.ones(2)", False),
        ("print(x)", False),
        ("for i in range(2):\n    i", False),
        ("In [1]: x", False),
        ("", True),
        ("  ", True),
    ],
)
def test_what_under_a_label_reads_as_output(body: str, read: bool) -> None:
    note = parse(f"```python\nprint(1)\n```\n输出：\n```python\n{body}\n```\n")
    assert (note.blocks[0].output is not None) is read


def test_a_second_output_fence_under_its_own_label_is_reported() -> None:
    note = parse((SAMPLES / "second_output.md").read_text(encoding="utf-8"))
    assert [shown(block.output.start) for block in note.blocks if block.output] == [10, 25]
    assert warnings(note) == [
        (
            14,
            "a second output fence after the block at line 1, whose output is the fence at "
            "line 9, is not read: a block has one output section; put both outputs in that "
            "fence, in the order the block prints them",
        )
    ]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("以上几种形式的输出均为：", True),
        ("这段代码的输出均为：", True),
        ("上面代码的输出结果：", True),
        ("结果都是：", True),
        ("以上几种形式的输出均为", False),  # a sentence without its colon
        ("其中最重要的是输出：", False),
        ("我们把输出写进文件，结果：", False),
    ],
)
def test_a_label_that_names_what_it_is_the_output_of(line: str, label: bool) -> None:
    assert (OUTPUT_LABEL.match(line) is not None) is label


def test_a_label_for_the_output_of_several_blocks_is_read_or_reported() -> None:
    """*Dive into DL* in PyTorch (ShusenTang/Dive-into-DL-PyTorch, 2.2_tensor.md) shows
    the output of three ways to add once, under ``以上几种形式的输出均为：`` after the
    last of them and its note: the fence is reported with the line between; right after a
    block, such a label reads its output."""
    note = NoteParser().parse((SAMPLES / "summary_label.md").read_text(encoding="utf-8"))
    assert [
        (shown(b.first_line), shown(b.output.start) if b.output else None) for b in note.blocks
    ] == [
        (3, None),
        (8, None),
        (21, 26),
    ]
    [(line, _, message)] = [(shown(p.line_index), p.severity, p.message) for p in note.problems]
    assert line == 16
    assert "line 13 is text" in message


@pytest.mark.parametrize(
    ("label", "read"),
    [
        # Japanese, as Hugo and Qiita posts write it
        ("結果：", True),
        ("結果:", True),
        ("実行結果：", True),
        ("出力", True),
        ("出力結果:", True),
        # traditional Chinese
        ("輸出：", True),
        ("執行結果：", True),
        ("程式的輸出：", True),
        # not labels
        ("結果として、", False),
        ("出力を確認します。", False),
    ],
)
def test_japanese_and_traditional_chinese_labels(label: str, read: bool) -> None:
    note = parse(f"```python\nprint(1)\n```\n\n{label}\n\n```\n1\n```\n")
    assert (note.blocks[0].output is not None) is read


@pytest.mark.parametrize(
    "output",
    [">>> GeForce GTX 1050 Ti with Max-Q Design\n>>> True\n>>> 1.1.0", ">>> tensor([1., 2.])"],
)
def test_output_written_with_prompts_is_named_once_as_output(output: str) -> None:
    """Output marked with >>> under a block that prints is named as its unread output,
    not also as Python to run (with bare fences run, it would fail as code)."""
    text = f"```python\nprint(x)\n```\n\n```\n{output}\n```\n"
    messages = [message for _, message in warnings(parse(text))]
    assert len(messages) == 1
    assert messages[0].startswith("fence without info string after the block at line 1 looks")


def test_a_session_after_prose_still_looks_like_python() -> None:
    text = (
        "```python\nprint(x)\n```\n\nIn a shell:\n\n```\n>>> import torch\n>>> torch.ones(1)\n```\n"
    )
    [(line, message)] = warnings(parse(text))
    assert (line, message.split(":")[0]) == (7, "``` looks like Python but is not run")
