"""IPython transcripts: prompts, output and tracebacks read with the note's line numbers,
and output written back in IPython's form."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.commands.check import check
from pytest_torchnotes.comparison.tracebacks import raised_exception
from pytest_torchnotes.markdown.blocks import Block, ParsedNote
from pytest_torchnotes.markdown.ipython import BLANKLINE, Cell, read_transcript
from pytest_torchnotes.markdown.lexers import BodyLine
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.ipython_plans import unwritable
from pytest_torchnotes.update.ipython import (
    as_ipython_want,
    exception_lines,
    ipython_output,
    split_display,
    want_reason,
)
from pytest_torchnotes.update.refusals import written_lines
from pytest_torchnotes.update.rewrite import RewriteError

SAMPLES = Path(__file__).parent / "samples" / "ipython"


def parse(text: str) -> ParsedNote:
    return NoteParser().parse(text)


def sample(name: str) -> ParsedNote:
    return parse((SAMPLES / name).read_text(encoding="utf-8"))


def cells(block: Block) -> tuple[Cell, ...]:
    assert block.ipython is not None
    return block.ipython.cells


def lines(cell: Cell) -> tuple[int, list[int], list[int], int | None]:
    """1-based lines: the prompt, its output, its traceback, where new output goes."""
    insert = cell.insert_at + 1 if cell.insert_at is not None else None
    return (
        shown(cell.first_line),
        [line.line + 1 for line in cell.output],
        [line.line + 1 for line in cell.traceback],
        insert,
    )


def test_one_fence_prompts_output_and_values() -> None:
    note = sample("single.md")
    assert note.problems == []
    (block,) = note.blocks
    assert (shown(block.first_line), block.doctest, block.output, block.last_line + 1) == (
        5,
        False,
        None,
        37,
    )
    found = cells(block)
    assert [cell.number for cell in found] == [str(n) for n in range(1, 9)]
    assert [lines(cell) for cell in found] == [
        (6, [], [], 7),
        (8, [10], [], 10),
        (12, [13], [], 13),
        (15, [16, 17, 18], [], 16),
        (20, [21, 22], [], 21),
        (24, [], [25, 26, 27, 28, 29, 30], 25),
        (32, [], [], 35),
        (36, [], [], 37),
    ]
    assert [(cell.source, cell.want, cell.exc_msg) for cell in found] == [
        ("import torch\n", "", None),
        ("x = torch.ones(2)\nprint(x.sum())\n", "tensor(2.)\n", None),
        ("x\n", "tensor([1., 1.])\n", None),
        ("torch.zeros(2, 2)\n", "tensor([[0., 0.],\n        [0., 0.]])\n", None),
        (
            'print("shape:", x.shape); x * 2\n',
            "shape: torch.Size([2])\ntensor([2., 2.])\n",
            None,
        ),
        ("x.view(3)\n", "", "RuntimeError: shape '[3]' is invalid for input of size 2\n"),
        ("def double(t):\n    return t * 2\n\n", "", None),
        ("double(x);\n", "", None),
    ]


def test_pycharm_console_prompts_without_a_space() -> None:
    note = sample("pycharm.md")
    assert note.problems == []
    (block,) = note.blocks
    found = cells(block)
    assert [cell.number for cell in found] == ["1", "2", "3", "4"]
    assert [(cell.source, cell.want) for cell in found] == [
        ("import torch\n", ""),
        ("a = torch.ones(2,2)\t# a tab before the comment\n", ""),
        ("a.sum()\n", "tensor(4.)\n"),
        ("torch.zeros(2, 2)\n", "tensor([[0., 0.],\n        [0., 0.]])\n"),
    ]


def test_the_code_keeps_the_note_lines_without_prompts() -> None:
    (block,) = sample("single.md").blocks
    code = block.code.split("\n")
    assert block.code_line == 5  # 0-based: the line after the opening fence
    assert code[8 - 6 : 10 - 6] == ["x = torch.ones(2)", "print(x.sum())"]
    assert code[10 - 6] == ""  # an output line
    assert code[32 - 6 : 35 - 6] == ["def double(t):", "    return t * 2", ""]
    compile(block.code, "note.md", "exec")  # what torchnotes check compiles


def test_the_split_form_reads_the_next_fence() -> None:
    note = sample("split.md")
    assert note.problems == []
    first, second = note.blocks
    assert first.ipython is not None
    assert first.ipython.output_fence is not None
    assert first.ipython.output_fence.open_line + 1 == 17
    assert first.last_line + 1 == 22  # the output fence belongs to the block's region
    assert [lines(cell) for cell in cells(first)] == [
        (6, [], [], None),
        (8, [], [], None),
        (10, [18], [], 18),
        (12, [20, 21], [], 20),
    ]
    assert [cell.want for cell in cells(first)] == [
        "",
        "",
        "tensor([1, 2, 3])\n",
        "torch.int64\ntensor(3)\n",
    ]
    # One prompt: its output fence needs no Out[n] line.
    assert [(lines(cell), cell.want) for cell in cells(second)] == [
        ((27, [32, 33], [], 32), "[0, 1, 2]\ntorch.Size([3])\n")
    ]


def test_a_python_fence_after_the_prompts_is_their_output() -> None:
    note = parse("```python\nIn [1]: 2 + 2\n```\n\n```python\n\nOut[1]: 4\n\n```\n")
    assert note.problems == []
    (block,) = note.blocks
    assert [(lines(cell), cell.want) for cell in cells(block)] == [((2, [7], [], 7), "4\n")]


def test_the_problems_of_the_malformed_sample() -> None:
    assert [
        (shown(problem.line_index), problem.message) for problem in sample("malformed.md").problems
    ] == [
        (
            8,
            "Out[1] without an In [n]: prompt: it follows the blank line that ends the output "
            "of In [1] at line 4 (remove the blank line, or write <BLANKLINE> for a blank "
            "line of output)",
        ),
        (16, "a ...: line with no In [n]: prompt right above it, so no example"),
        (21, "a >>> prompt in an IPython transcript: use one kind of prompt"),
        (27, "an In [n]: prompt in a >>> transcript: use one kind of prompt"),
    ]
    # a block with a problem does not run: it fails with it, alone
    malformed = sample("malformed.md")
    assert [block.refused for block in malformed.blocks] == malformed.problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            # pasted with the ...: prompt dropped (a tab-indented bracket in a blog's copy)
            "```python\nIn [1]: t = torch.tensor([[1, 2],\n\t                [3, 4]])\n"
            "In [2]: t.sum()\nOut[2]: tensor(10)\n```\n",
            (
                3,
                "line 3 goes on with the unfinished statement of In [1] at line 2 without "
                "IPython's ...: prompt: the transcript would run that prompt's line alone and "
                "read this one as its output (write    ...: before each line that continues a "
                "statement)",
            ),
        ),
        (
            "```python\nIn [1]: x = 1\n\ny = 2\n```\n",
            (
                4,
                "text not behind an In [n]: prompt: it follows the blank line that ends the "
                "output of In [1] at line 2, so it is neither code nor output (put In [n]: before "
                "it, or write <BLANKLINE> for a blank line of output)",
            ),
        ),
        (
            "```python\nIn [1]: 1\nIn [3]: 3\n```\n\n```text\nOut[2]: 1\n```\n",
            (7, "Out[2] has no In [2]: prompt in the block above to belong to"),
        ),
        (
            "```python\nIn [1]: 1\nIn [2]: print(2)\n```\n\n```text\nOut[1]: 1\n\n2\n```\n",
            (
                9,
                "output that names no In [n]: prompt: in a separate fence, output belongs to a "
                "prompt through its Out[n]: line (number the prompts, or write the output under "
                "each prompt)",
            ),
        ),
        (
            "```python\nIn [1]: 1\nOut[1]: 1\nOut[1]: 1\n```\n",
            (4, "a second Out[n]: line for In [1] at line 2"),
        ),
        (
            "```python\nIn [1]: f()\nTraceback (most recent call last):\n  File x\n```\n",
            (
                3,
                "the traceback after In [1] at line 2 has no line that names the exception "
                "(ValueError: message) to compare",
            ),
        ),
        (
            "# T\n\n```python\nOut[1]: 4\n```\n",
            (
                3,
                "the Python block at line 3 starts with an Out[n]: line but follows no In [n]: "
                "prompts: put it right after the block of prompts (only blank lines or one label "
                "line between), or under its prompt",
            ),
        ),
        (
            "```python\nIn [1]: 1\n```\n\n```text\nOut[1]: 1\nOut[1]: 1\n```\n",
            (7, "a second output for In [1] (its output starts at line 6)"),
        ),
        (
            "```python\nIn [1]: 1/0\nOut[1]: 1\nTraceback (most recent call last):\n"
            "ZeroDivisionError: division by zero\n```\n",
            (4, "In [1] at line 2 shows an Out[n]: value and a traceback"),
        ),
        (
            "<!-- torchnotes: output torch<1.0\n1\n-->\n```python\nIn [1]: 1\n```\n",
            (
                1,
                "output directives do not apply to an IPython transcript: its output stands "
                "under each prompt",
            ),
        ),
        (
            "<!-- torchnotes: raises ValueError -->\n```python\nIn [1]: int('x')\n```\n",
            (
                2,
                "raises does not apply to an IPython transcript: write the traceback under its "
                "In [n]: prompt",
            ),
        ),
    ],
)
def test_each_problem(text: str, problem: tuple[int, str]) -> None:
    note = parse(text)
    assert [(shown(found.line_index), found.message) for found in note.problems] == [problem]
    assert [block.refused for block in note.blocks] == note.problems


def test_output_after_prompts_with_output_is_not_read() -> None:
    note = parse("```python\nIn [1]: 1\nOut[1]: 1\n```\n\n```output\n1\n```\n")
    assert [(shown(p.line_index), p.message, p.severity) for p in note.problems] == [
        (
            6,
            "the fence after the IPython transcript at line 1 is not read as its output: the "
            "transcript has output under its prompts",
            "warning",
        )
    ]
    (block,) = note.blocks
    assert block.output is None


def test_output_of_prompts_that_is_not_read_is_a_warning() -> None:
    note = parse("```python\nIn [1]: 1\n```\n\nSome prose.\n\n```output\n1\n```\n")
    assert [(shown(p.line_index), p.message[:60], p.severity) for p in note.problems] == [
        (7, "fence ```output after the block at line 1 looks like its out", "warning")
    ]
    assert [cell.insert_at for cell in cells(note.blocks[0])] == [2]


def test_a_traceback_in_the_split_form_runs_to_the_next_out_line() -> None:
    (block,) = parse(
        "```python\nIn [1]: 1/0\n```\n\n```output\n" + "-" * 75 + "\n"
        "ZeroDivisionError       Traceback (most recent call last)\n----> 1 1/0\n\n"
        "ZeroDivisionError: division by zero\n\n```\n"
    ).blocks
    (cell,) = cells(block)
    assert lines(cell) == (2, [], [6, 7, 8, 9, 10], 6)
    assert cell.exc_msg == "ZeroDivisionError: division by zero\n"
    note = parse(
        "```python\nIn [1]: int('x')\nIn [2]: 2\n```\n\n```output\n"
        "Traceback (most recent call last):\nValueError: x\nOut[2]: 2\n```\n"
    )
    # Without an Out[n] line, the traceback names no prompt; the Out[2] after it still does.
    assert [(shown(p.line_index), p.message[:38]) for p in note.problems] == [
        (7, "output that names no In [n]: prompt: i")
    ]


def test_why_a_prompt_is_not_updated() -> None:
    note = parse("```python\nIn [1]: 1\nIn [2]: 2\n```\n\n```text\nOut[2]: 2\n```\n")
    (block,) = note.blocks
    assert block.ipython is not None
    fence = block.ipython.output_fence
    assert fence is not None
    first, second = cells(block)
    assert unwritable(first, fence, ("", "1")) == (
        "In [1] has no output in the fence at line 6: write its Out[1]: line there, and "
        "update again"
    )
    assert unwritable(second, fence, None) == (
        "output came after the displayed value: write it by hand"
    )


def test_a_plain_python_traceback_and_printed_lines_before_it() -> None:
    (block,) = parse(
        "```python\nIn [1]: print('a'); int('x')\na\nTraceback (most recent call last):\n"
        '  File "<stdin>", line 1, in <module>\n'
        "ValueError: invalid literal for int() with base 10: 'x'\n```\n"
    ).blocks
    (cell,) = cells(block)
    assert lines(cell) == (2, [3], [4, 5, 6], 3)
    assert (cell.want, cell.exc_msg) == (
        "a\n",
        "ValueError: invalid literal for int() with base 10: 'x'\n",
    )


def test_the_exception_lines_of_a_traceback() -> None:
    (block,) = parse(
        "```python\nIn [1]: f()\n" + "-" * 30 + "\n"
        "ValueError                  Traceback (most recent call last)\n"
        "Cell In[1], line 1\n----> 1 f()\n\nValueError: two\n  lines\n\n"
        "In [2]: g()\nTraceback (most recent call last):\n  ...\nKeyError: 'a'\n"
        "In [3]: 1\nOut[3]: 1\n```\n"
    ).blocks
    first, second, third = cells(block)
    assert [(line.line + 1, line.text) for line in exception_lines(first)] == [
        (8, "ValueError: two"),
        (9, "  lines"),
    ]
    assert [(line.line + 1, line.text) for line in exception_lines(second)] == [
        (14, "KeyError: 'a'")
    ]
    assert exception_lines(third) == ()


@given(
    st.from_regex(r"[A-Za-z_]\w{0,8}(\.[A-Za-z_]\w{0,8}){0,2}", fullmatch=True),
    st.text(alphabet=st.characters(categories=["L", "N", "P", "Zs"]), max_size=30),
)
def test_a_raised_exception_reads_back_as_the_exception_of_its_prompt(
    type_name: str, message: str
) -> None:
    written = raised_exception(type_name, message.strip())
    (block,) = parse(
        f"```python\nIn [1]: f()\nTraceback (most recent call last):\n  ...\n{written}```\n"
    ).blocks
    (cell,) = cells(block)
    short = type_name.split(".")[-1]
    assert cell.exc_msg == (f"{short}: {message.strip()}" if message.strip() else short) + "\n"
    assert [line.text for line in exception_lines(cell)] == [written.rstrip("\n")]


def test_prompts_without_numbers_and_old_continuations() -> None:
    (block,) = parse(
        "```python\nIn [ ]: def f():\n   ....:     return 1\nIn [ ]: f()\n```\n"
    ).blocks
    assert [(cell.number, cell.source) for cell in cells(block)] == [
        (" ", "def f():\n    return 1\n"),
        (" ", "f()\n"),
    ]


def test_ipython_output() -> None:
    assert ipython_output("a\n", None, "1") == "a\n"
    assert ipython_output("a", "1", "2") == "a\nOut[2]: 1\n"
    assert ipython_output("", "x\ny", " ") == "Out[ ]:\nx\ny\n"


def test_split_display() -> None:
    assert split_display(Execution(stdout="a\n1\n", displayed="1")) == ("a\n", "1")
    assert split_display(Execution(stdout="a\n")) == ("a\n", None)
    assert split_display(Execution(stdout="1\nlate\n", displayed="1")) is None


@pytest.mark.parametrize(
    ("new", "displayed", "reason"),
    [
        (["In [2]: x"], False, "a line of the output ('In [2]: x') reads as an In [n]: prompt"),
        (
            ["   ...: x"],
            False,
            "the first line of the output ('   ...: x') reads as code of the prompt",
        ),
        ([">>> 1"], False, "a line of the output ('>>> 1') reads as a >>> prompt"),
        (
            ["<BLANKLINE>"],
            False,
            "a line of the output ('<BLANKLINE>') holds <BLANKLINE>, which reads as a blank line",
        ),
        (["Out[1]: 2"], False, "a printed line reads as an Out[n]: prompt"),
        (["Out[1]: 2", "Out[1]: 2"], True, "a printed line reads as an Out[n]: prompt"),
    ],
)
def test_output_that_would_read_otherwise_is_refused(
    new: list[str], displayed: bool, reason: str
) -> None:
    assert want_reason(new, displayed) == reason
    with pytest.raises(RewriteError, match="reads"):
        as_ipython_want(new, displayed)


PRINTABLE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=12
).filter(lambda text: BLANKLINE not in text)


@given(
    printed=st.lists(PRINTABLE, max_size=4),
    displayed=st.one_of(st.none(), st.lists(PRINTABLE, min_size=1, max_size=3)),
)
def test_written_output_reads_back(printed: list[str], displayed: list[str] | None) -> None:
    """What update writes under a prompt reads back as the output it was written from."""
    shown = None if displayed is None or not "".join(displayed).strip() else "\n".join(displayed)
    new = written_lines(ipython_output("".join(line + "\n" for line in printed), shown, "1"))
    if want_reason(new, shown is not None) is not None:
        return  # refused, with its reason (tested above)
    body = [BodyLine(0, "", "In [1]: x")]
    body += [BodyLine(n + 1, "", text) for n, text in enumerate(as_ipython_want(new, bool(shown)))]
    transcript, issues = read_transcript(body)
    (cell,) = transcript.cells
    if cell.traceback:
        return  # a first line that reads as a traceback: the reread before an edit refuses it
    assert issues == []
    # A line of nothing but whitespace is written, and read, as a blank line.
    expected = [
        line.replace("Out[1]: ", "", 1) if line.strip() else "" for line in new if line != "Out[1]:"
    ]
    assert cell.want.replace(BLANKLINE, "") == "".join(line + "\n" for line in expected)


def test_torchnotes_check_reports_the_problems_and_compiles_the_prompts(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        (SAMPLES / "malformed.md").read_text(encoding="utf-8")
        + "\n```python\nIn [1]: x = (\n```\n",
        encoding="utf-8",
    )
    found = [(finding.line, finding.message) for finding in check([str(note)])]
    problems = sample("malformed.md").problems
    assert found[:-1] == [(shown(problem.line_index), problem.message) for problem in problems]
    assert found[-1][0] == 31
    # the blocks refused above it count: it is the note's fifth
    assert found[-1][1].startswith("block 5 ('Malformed transcripts') is not valid Python: '('")
