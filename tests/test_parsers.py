"""Parsing notes into blocks, output sections and directives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.blocks import Block, ParsedNote, SetupBlock
from pytest_torchnotes.markdown.inforce import options_by_line
from pytest_torchnotes.markdown.parsers import OUTPUT_LABEL, OUTPUT_MARKER, NoteFormat, NoteParser
from pytest_torchnotes.notelines import shown

SAMPLES = Path(__file__).parent / "samples"


def parse(text: str, note_format: NoteFormat | None = None) -> ParsedNote:
    return NoteParser(note_format).parse(text)


def problems(text: str, note_format: NoteFormat | None = None) -> list[tuple[int, str]]:
    return [(shown(p.line_index), p.message) for p in parse(text, note_format).problems]


def test_basic_sample_blocks() -> None:
    note = parse((SAMPLES / "basic.md").read_text(encoding="utf-8"))
    assert note.problems == []
    first, second, third = note.blocks
    assert first.first_line == 9
    assert first.code == "import torch\nprint(torch.tensor([1, 2]))\n"
    assert first.code_line == 10
    assert first.expected == "tensor([1, 2])"
    assert first.output is not None
    assert (first.output.kind, first.output.start, first.output.end) == ("marker", 14, 15)
    assert first.heading == "Tensors"
    assert (second.code, second.heading, second.output) == ("x = 1", "Setext heading", None)
    assert third.code == 'print("quoted")\n'
    assert [block.index for block in note.blocks] == [1, 2, 3]


def test_directives_sample() -> None:
    note = parse((SAMPLES / "directives.md").read_text(encoding="utf-8"))
    assert note.problems == []
    skipped, raising, setup, old, older, checked = note.items
    options = options_by_line(note)
    assert isinstance(skipped, Block)
    assert options[skipped.first_line].skip == "pseudo-code"
    assert isinstance(raising, Block)
    raises = options[raising.first_line].raises
    assert raises is not None
    assert (raises.exception, raises.pattern) == ("ValueError", "bad (value)")
    assert options[raising.first_line].timeout == 2.5
    assert isinstance(setup, SetupBlock)
    assert (setup.code, setup.code_line, setup.first_line) == ("x = 1\ny = 2", 15, 14)
    assert isinstance(old, Block)
    assert isinstance(older, Block)
    assert options[old.first_line].skip == options[older.first_line].skip == "old API"
    assert isinstance(checked, Block)
    assert options[checked.first_line].skip is None
    requires = options[checked.first_line].requires
    assert [r.text for r in requires] == ["torch>=2.1", "module:torchinfo"]
    assert options[checked.first_line].compare == CompareOptions("exact")
    # Every directive but setup is a region of its own, in document order.
    assert [type(directive).__name__ for directive in note.directives] == [
        "Skip", "Raises", "Timeout", "SkipStart", "SkipEnd", "Requires", "Compare"
    ]  # fmt: skip


def test_output_fence_with_label() -> None:
    note = parse((SAMPLES / "output_fence.md").read_text(encoding="utf-8"))
    first, second = note.blocks
    assert first.output is not None
    assert (first.output.kind, first.expected, first.output.start, first.output.end) == (
        "fence",
        "2",
        9,
        10,
    )
    assert first.last_line == 10
    assert second.output is None  # ```text is not an output fence by default


def test_text_fence_when_configured() -> None:
    note = parse(
        (SAMPLES / "output_fence.md").read_text(encoding="utf-8"),
        NoteFormat(output_fences=frozenset({"output", "text"})),
    )
    assert note.blocks[1].expected == "not an output fence by default"


def test_bare_output_fence_when_configured() -> None:
    text = "```python\nprint(1)\n```\n\n```\n1\n```\n"
    assert parse(text).blocks[0].output is None
    note = parse(text, NoteFormat(output_fences=frozenset({""})))
    assert note.blocks[0].expected == "1"


def test_bare_fence_setting_ignores_fences_with_info() -> None:
    note = parse(
        "```python\nx = 1\n```\n```bash\nls\n```\n", NoteFormat(output_fences=frozenset({""}))
    )
    assert note.blocks[0].output is None


def test_prose_between_block_and_output_fence_breaks_the_link() -> None:
    note = parse("```python\nprint(1)\n```\n\nSome prose.\n\n```output\n1\n```\n")
    assert note.blocks[0].output is None


def test_only_one_label_line() -> None:
    note = parse("```python\nprint(1)\n```\nOutput:\nOutput:\n```output\n1\n```\n")
    assert note.blocks[0].output is None


@pytest.mark.parametrize(
    "label",
    [
        "输出：",
        "输出:",
        "Output:",
        "output:",
        "**Output:**",
        "**Output**:",
        "输出结果:",
        "结果：",
        "运行结果：",
        "打印结果",
        "**运行结果如下：**",
        "输出为：",
        "Out[3]:",
        "Result:",
        "result",
        "__Out__",
        "The output is:",
        "Expected output:",
        "This prints:",
        "  *Output*  ",
        "【输出】",
        "【运行结果】：",
        "执行后输出：",
        "运行后的结果：",
        "代码运行结果：",
        "上述代码的输出：",
    ],
)
def test_labels(label: str) -> None:
    assert OUTPUT_LABEL.match(label)


@pytest.mark.parametrize(
    "label",
    [
        "The output is",
        "Output: 3",
        "输出为",
        "输出一个张量：",
        "In [3]:",
        "Outputs of the encoder are cached:",
        "结果不对",
        "Results will vary.",
        "执行后输出一个张量：",
        "【注意】",
    ],
)
def test_not_labels(label: str) -> None:
    assert not OUTPUT_LABEL.match(label)


@pytest.mark.parametrize(
    "line",
    [
        "======== output ==========",
        "=== Output ===",
        "===output===",
        "  =====  OUTPUT  =====  ",
        "=== output: ===",
        "---------- output ----------",
        "--- Output ---",
        "  ---output:---",
    ],
)
def test_markers(line: str) -> None:
    assert OUTPUT_MARKER.match(line)


@pytest.mark.parametrize(
    "line",
    [
        "== output ==",
        "=== output",
        "= output =",
        "-- output --",
        "---",
        "--- output",
        "~~~ output ~~~",
    ],
)
def test_not_markers(line: str) -> None:
    assert not OUTPUT_MARKER.match(line)


def test_blank_lines_around_the_marker_do_not_count() -> None:
    block = parse("```python\nprint(1)\n\n\n=== output ===\n\n1\n\n```\n").blocks[0]
    assert block.code.strip() == "print(1)"
    assert block.expected is not None
    assert block.expected.strip() == "1"
    assert block.output is not None
    assert block.output.first_text_line == 6


def test_empty_output_section() -> None:
    block = parse("```python\nprint(1)\n=== output ===\n```\n").blocks[0]
    assert block.expected == ""
    assert block.output is not None
    assert (block.output.start, block.output.end, block.output.first_text_line) == (3, 3, 3)


def test_custom_marker() -> None:
    note_format = NoteFormat(marker=re.compile(r"^# 输出$"))
    block = parse("```python\nprint(1)\n# 输出\n1\n```\n", note_format).blocks[0]
    assert block.expected == "1"


def test_quoted_output_prefix() -> None:
    block = parse("> ```python\n> print(1)\n> === output ===\n> 1\n> ```\n").blocks[0]
    assert block.output is not None
    assert block.output.prefix == "> "


def test_list_output_prefix_for_an_empty_section() -> None:
    block = parse("- ```python\n  print(1)\n  === output ===\n  ```\n").blocks[0]
    assert block.output is not None
    assert block.output.prefix == "  "


def test_doctest_block() -> None:
    block = parse("```python\n>>> 1 + 1\n2\n```\n").blocks[0]
    assert block.doctest
    assert block.output is None


def test_marker_in_doctest_block_is_a_problem() -> None:
    assert problems("```python\n>>> 1\n=== output ===\n1\n```\n") == [
        (3, "a >>> block keeps its output after each prompt, not under an output marker")
    ]


def test_two_markers_are_a_problem() -> None:
    assert problems("```python\nx\n=== output ===\n1\n=== output ===\n```\n") == [
        (
            5,
            "second output marker in one block (the first is at line 3): keep one marker, or"
            " end the block before the second and start a new one",
        )
    ]


def test_marker_and_output_fence_are_a_problem() -> None:
    text = "```python\nprint(1)\n=== output ===\n1\n```\n```output\n1\n```\n"
    assert problems(text) == [
        (6, "the block at line 1 has an output marker and an output fence: keep one")
    ]


def test_raises_on_doctest_block_is_a_problem() -> None:
    text = "<!-- torchnotes: raises ValueError -->\n```python\n>>> raise ValueError\n```\n"
    assert problems(text) == [
        (2, "raises does not apply to a >>> block: write the traceback in the transcript")
    ]


def test_directive_must_be_directly_before_its_block() -> None:
    text = "<!-- torchnotes: skip why -->\n\nSome prose.\n\n```python\nx\n```\n"
    assert problems(text) == [
        (1, "directive must come directly before its block: line 3 is in between")
    ]


def test_directives_may_stack_with_blank_lines_and_comments() -> None:
    text = (
        "<!-- torchnotes: compare exact -->\n\n<!-- a note to self -->\n"
        "<!-- torchnotes: timeout 1 -->\n```python\nx = 1\n```\n"
    )
    note = parse(text)
    assert note.problems == []
    assert options_by_line(note)[note.blocks[0].first_line].timeout == 1.0


def test_directive_before_another_language_is_a_problem() -> None:
    text = "<!-- torchnotes: skip why -->\n```bash\nls\n```\n"
    assert problems(text) == [
        (1, "directive applies to the next Python block, but the next block (line 2) is ```bash")
    ]


def test_directive_at_the_end_is_a_problem() -> None:
    assert problems("text\n<!-- torchnotes: xfail why -->\n") == [
        (2, "directive is not followed by a Python block")
    ]


def test_duplicate_directive_is_a_problem() -> None:
    text = "<!-- torchnotes: timeout 1 -->\n<!-- torchnotes: timeout 2 -->\n```python\nx\n```\n"
    assert problems(text) == [(2, "second timeout directive for the same block")]


def test_skip_region_problems() -> None:
    assert problems("<!-- torchnotes: skip end -->\n") == [
        (1, "skip end without a skip start before it")
    ]
    assert problems("<!-- torchnotes: skip start why -->\n```python\nx\n```\n") == [
        (1, "skip start has no matching <!-- torchnotes: skip end -->")
    ]
    text = "<!-- torchnotes: skip start a -->\n<!-- torchnotes: skip start b -->\n"
    assert (2, "skip start inside the skip started at line 1") in problems(text)


def test_setup_inside_a_skip_region_is_skipped() -> None:
    text = (
        "<!-- torchnotes: skip start old -->\n<!-- torchnotes: setup\nx = 1\n-->\n"
        "<!-- torchnotes: skip end -->\n"
    )
    note = parse(text)
    setup = note.items[0]
    assert isinstance(setup, SetupBlock)
    assert options_by_line(note)[setup.first_line].skip == "old"


@pytest.mark.parametrize("info", ["python2", "pytb", "jupyter", "{.python2 .cls}", "torch"])
def test_python_looking_fences_are_reported(info: str) -> None:
    [(line, message)] = problems(f"```{info}\nx = 1\n```\n")
    assert line == 1
    assert message.startswith(f"```{info} looks like Python but is not run")
    assert parse(f"```{info}\nx = 1\n```\n").problems[0].severity == "warning"


@pytest.mark.parametrize(
    "info", ["Python", "pycon", "ipython", "ipython3", "{python}", "{.python .cls}", "py3"]
)
def test_python_fences_as_other_tools_mark_them_are_run(info: str) -> None:
    note = parse(f"```{info}\nx = 1\n```\n")
    assert (len(note.blocks), note.problems) == (1, [])


def test_bare_fence_with_python_content_is_reported() -> None:
    [(line, message)] = problems("```\nimport torch\n```\n")
    assert (line, message.split(" looks")[0]) == (1, "```")


@pytest.mark.parametrize("info", ["text", "bash", "", "output", "json", "pytorch-output"])
def test_other_fences_are_not_reported(info: str) -> None:
    assert problems(f"```{info}\nx = 1\n```\n") == []


def test_commented_out_python_is_not_reported() -> None:
    assert problems("<!--\n```python\nx = 1\n```\n-->\n") == []
    assert parse("<!--\n```python\nx = 1\n```\n-->\n").blocks == []


def test_unclosed_python_fence_is_not_run() -> None:
    note = parse("```python\nprint('prose below')\n\nSome prose.\n")
    assert note.blocks == []
    assert note.errors[0].line_index == 0


def test_front_matter_config() -> None:
    text = (
        "---\ntitle: x\ntorchnotes:\n  setup: |\n    import torch\n  compare: exact atol=0.1\n"
        "  requires: [torch>=2.0, module:numpy]\n  timeout: 3\n  seed: 7\n  skip: not today\n---\n"
    )
    config = parse(text).config
    assert config.setup == "import torch\n"
    assert config.setup_line == 4
    assert config.compare == CompareOptions("exact", 0.0, 0.1)
    assert [r.text for r in config.requires] == ["torch>=2.0", "module:numpy"]
    assert (config.timeout, config.seed, config.skip) == (3.0, 7, "not today")


def test_front_matter_without_torchnotes_is_not_parsed() -> None:
    assert parse("---\n: : not yaml [\n---\n").problems == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("torchnotes: [1]", "torchnotes: in the front matter must hold keys"),
        (
            "torchnotes:\n  sead: 1",
            "unknown torchnotes front matter key 'sead': expected one of "
            "setup, compare, skip, requires, timeout, seed, indented_output, indented_sessions",
        ),
        ("torchnotes:\n  seed: x", "torchnotes front matter: seed must be an integer, got 'x'"),
        (
            "torchnotes:\n  timeout: -1",
            "torchnotes front matter: '-1': a timeout is a finite number of seconds > 0",
        ),
        (
            "torchnotes:\n  compare: fuzzy",
            "torchnotes front matter: compare: unknown mode "
            "'fuzzy': expected one of numeric, exact, ellipsis, structure, ignore",
        ),
        (
            "torchnotes:\n  requires: torch>>2",
            "torchnotes front matter: requires: 'torch>>2' is "
            "not a valid requirement: Expected semicolon (after name with no version specifier) or "
            "end",
        ),
        (
            "torchnotes:\n  requires: 3",
            "torchnotes front matter: requires must be text or a list, got 3",
        ),
        ("torchnotes:\n  setup: [1]", "torchnotes front matter: setup must be text, got [1]"),
    ],
)
def test_front_matter_errors(body: str, message: str) -> None:
    assert problems(f"---\n{body}\n---\n") == [(2, message)]


def test_front_matter_yaml_error_names_its_line() -> None:
    [(line, message)] = problems("---\ntitle: x\ntorchnotes:\n  setup: [unclosed\n---\n")
    assert line == 4
    assert message.startswith("front matter is not valid YAML")


def test_problems_are_sorted_by_line() -> None:
    note = parse((SAMPLES / "malformed.md").read_text(encoding="utf-8"))
    lines = [shown(p.line_index) for p in note.problems]
    assert lines == sorted(lines)
    assert [p.severity for p in note.problems].count("warning") == 1


@pytest.mark.parametrize(
    "output",
    [
        "```output\nTraceback (most recent call last):\n  ...\nKeyError: 'a'\n```\n",
        "<!-- torchnotes: output torch>=1.0\nTraceback (most recent call last):\n  ...\n"
        "KeyError: 'a'\n-->\n",
    ],
)
def test_raises_beside_a_traceback_is_a_problem(output: str) -> None:
    """Visible or in an output directive, a traceback says what the block raises; so does
    raises: one of them must go."""
    if output.startswith("<!--"):
        text = f"<!-- torchnotes: raises KeyError -->\n{output}```python\n{{}}['a']\n```\n"
        line = 3
    else:
        text = f"<!-- torchnotes: raises KeyError -->\n```python\n{{}}['a']\n```\n{output}"
        line = 6
    assert problems(text) == [
        (
            1,
            f"raises and the traceback at line {line} both say what the block raises: keep "
            "one (the traceback is compared and updated, raises is not)",
        )
    ]
    # the block fails with the error, alone: the rest of the note runs
    assert [block.refused.message for block in parse(text).blocks if block.refused] == [
        problems(text)[0][1]
    ]


def test_raises_beside_printed_output_is_no_problem() -> None:
    text = "<!-- torchnotes: raises KeyError -->\n```python\n{}['a']\n```\n```output\n1\n```\n"
    assert problems(text) == []


def test_continuation_lines_without_a_prompt_are_named() -> None:
    text = (Path(__file__).parent / "samples" / "unprompted_continuation.md").read_text(
        encoding="utf-8"
    )
    note = NoteParser().parse(text)
    message = (
        "line 5 goes on with the unfinished statement of the >>> prompt at line 4 without a "
        "prompt (as IDLE writes it): doctest runs that prompt's line alone and reads this one "
        "as the prompt's expected output (write ... before each line that continues a "
        "statement)"
    )
    assert [(shown(p.line_index), p.severity, p.message) for p in note.problems] == [
        (5, "error", message)
    ]
    # xdoctest's >>> before the lines of an unclosed bracket is read as xdoctest reads it.
    assert [(shown(block.first_line), block.refused) for block in note.blocks] == [
        (3, note.problems[0]),
        (12, None),
        (20, None),
    ]
