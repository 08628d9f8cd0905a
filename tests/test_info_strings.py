"""Info strings as publishing tools write them: the language they name, the cells their
options keep from running, MyST's option lines left out of the code."""

from __future__ import annotations

import ast
import keyword
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import bare_python
from pytest_torchnotes.markdown.bare_python import (
    MAGIC_LINE,
    opens_with_two_words,
    reads_as_python,
)
from pytest_torchnotes.markdown.cellopts import expected_error, not_run
from pytest_torchnotes.markdown.layout import OUTPUT_FENCES
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.lexing.info import language
from pytest_torchnotes.markdown.noteformat import LANGUAGES
from pytest_torchnotes.markdown.parsers import NoteFormat, NoteParser
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.options import OPTIONS
from pytest_torchnotes.sybil import parse_settings

SAMPLES = Path(__file__).parent / "samples"


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("python", "python"),
        ("Python", "python"),
        ("PYTHON", "python"),
        ('python title="train.py"', "python"),
        ('python linenums="1"', "python"),
        ('python hl_lines="2 3"', "python"),
        ("python showLineNumbers", "python"),
        ("python {.line-numbers}", "python"),
        ("python{.line-numbers}", "python"),
        ("python:train.py", "python"),
        ("{.python}", "python"),
        ("{.python .numberLines}", "python"),
        ("{.sourceCode .none}", "none"),
        ("{.sourceCode}", ""),
        ("{#id .python}", "python"),
        ("{python}", "python"),
        ("{python, eval=FALSE}", "python"),
        ("{code-cell} ipython3", "ipython3"),
        ("{code-cell}", "python"),
        ("{code-block} text", "text"),
        ("{code-block}", ""),
        ("{jupyter-execute}", "python"),
        ("{mermaid}", "mermaid"),
        ("", ""),
        ("{}", ""),
        ("text", "text"),
        ('title="Output"', ""),
        ("{python, eval=FALSE} x=1", "python"),
    ],
)
def test_the_language_of_an_info_string(info: str, expected: str) -> None:
    assert language(info) == expected


@given(st.text(max_size=30))
def test_a_language_is_one_lower_case_word(info: str) -> None:
    word = language(info)
    assert word == word.lower()
    assert not any(character.isspace() or character in "{}:,=" for character in word)
    assert language(word) == word


def test_the_sample_fences_and_the_cells_not_run() -> None:
    text = (SAMPLES / "info_strings.md").read_text(encoding="utf-8")
    fences = MarkdownLexer()(text).fences
    assert [(shown(fence.open_line), fence.language) for fence in fences] == [
        (3, "python"),
        (7, "python"),
        (11, "python"),
        (16, "ipython3"),
        (21, "python"),
        (25, "pycon"),
        (30, "python"),
        (35, "ipython3"),
        (42, "python"),
        (46, "python2"),
    ]
    assert [not_run(fence) for fence in fences] == [None] * 6 + [
        "#| eval: false",
        "tags: [skip-execution]",
        "{python, eval=FALSE}",
        None,
    ]


def test_blocks_of_the_sample() -> None:
    note = NoteParser().parse((SAMPLES / "info_strings.md").read_text(encoding="utf-8"))
    assert [shown(block.first_line) for block in note.blocks] == [3, 7, 11, 16, 21, 25]
    myst = note.blocks[3]
    assert myst.code == "\nprint(4)"  # the option line is blank, so line numbers stay
    assert note.blocks[5].doctest
    assert [(shown(problem.line_index), problem.severity) for problem in note.problems] == [
        (30, "warning"),
        (35, "warning"),
        (42, "warning"),
        (46, "warning"),
    ]
    messages = [problem.message for problem in note.problems]
    assert messages[0] == (
        "```{python} is not run: its cell option `#| eval: false` says the notebook tool does "
        "not run it (remove the option to run it here)"
    )
    assert "`tags: [skip-execution]`" in messages[1]
    assert messages[3].startswith("```python2 looks like Python but is not run")
    assert (
        "add python2 to torchnotes_languages (--torchnotes-languages='python py python3 py3 "
        "ipython ipython3 pycon python-console python-repl doctest python2')" in messages[3]
    )


@pytest.mark.parametrize(
    "options",
    [
        ":tags: [hide-input, skip-execution]\n",
        "---\ntags:\n- skip-execution\n---\n",
        ":tags: [raises-exception, skip-execution]\n",
    ],
)
def test_myst_tags_that_keep_a_cell_from_running(options: str) -> None:
    note = NoteParser().parse(f"```{{code-cell}} ipython3\n{options}x = 1\n```\n")
    assert note.blocks == []
    assert [problem.severity for problem in note.problems] == ["warning"]


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (":tags: [raises-exception]\n", 1),
        (":tags: [hide-output, raises-exception]\n", 1),
        ("---\ntags: ['raises-exception']\n---\n", 2),
        ("---\nmystnb:\n  a: 1\ntags:\n- hide-input\n- raises-exception\n---\n", 6),
    ],
)
def test_a_myst_cell_tagged_raises_exception_runs_and_must_raise(options: str, line: int) -> None:
    """MyST-NB runs such a cell and shows its traceback, as Quarto does a cell with
    ``#| error: true``: it runs, expected to raise."""
    note = NoteParser().parse(f"```{{code-cell}} ipython3\n{options}x = 1\n```\n")
    [block] = note.blocks
    assert note.problems == []
    error = expected_error(block.fence)
    assert error is not None
    assert (error.exception, error.line, error.describe()) == (
        "Exception",
        line,
        "an exception (its cell option `tags: [raises-exception]`)",
    )


@pytest.mark.parametrize(
    "options", [":tags: [hide-output]\n", "---\ntags: [hide-input]\nmystnb:\n  a: 1\n---\n"]
)
def test_myst_options_are_not_code(options: str) -> None:
    note = NoteParser().parse(f"```{{code-cell}} ipython3\n{options}x = 1\n```\n")
    [block] = note.blocks
    assert block.code.splitlines() == [""] * options.count("\n") + ["x = 1"]
    assert note.problems == []


def test_quarto_options_that_run_and_the_ones_that_do_not() -> None:
    running = "```{python}\n#| echo: false\n#| eval: true\nx = 1\n```\n"
    assert len(NoteParser().parse(running).blocks) == 1
    late = "```{python}\nx = 1\n#| eval: false\n```\n"  # options stand at the top only
    assert len(NoteParser().parse(late).blocks) == 1


def test_a_directive_before_a_cell_that_is_not_run_is_an_error() -> None:
    note = NoteParser().parse("<!-- torchnotes: skip later -->\n```{python}\n#| eval: false\n```\n")
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [
        (1, "error"),
        (2, "warning"),
    ]


def test_languages_are_the_note_formats() -> None:
    only = NoteFormat(languages=frozenset({"python"}))
    note = NoteParser(only).parse("```pycon\n>>> 1\n1\n```\n")
    assert note.blocks == []
    assert "only blocks marked python are; add pycon to torchnotes_languages" in (
        note.problems[0].message
    )


def test_the_sybil_entry_point_takes_the_languages() -> None:
    settings = parse_settings(languages="PyTorch py")
    assert settings.note_format.languages == frozenset({"pytorch", "py"})
    assert parse_settings().note_format.languages == LANGUAGES
    assert parse_settings(output_fence=["TEXT"]).note_format.output_fences == frozenset({"text"})


def test_the_defaults_are_the_options_defaults() -> None:
    defaults = {option.name: option.default for option in OPTIONS}
    assert frozenset(defaults["languages"]) == LANGUAGES
    assert frozenset(defaults["output_fence"]) == OUTPUT_FENCES


def test_bare_runs_the_fences_without_info_string_that_read_as_python() -> None:
    text = (SAMPLES / "bare_transcripts.md").read_text(encoding="utf-8")
    default = NoteParser().parse(text)
    assert [shown(block.first_line) for block in default.blocks] == [13]
    not_run = (
        "``` looks like Python but is not run: only blocks marked doctest, ipython, ipython3, "
        "py, py3, pycon, python, python-console, python-repl, python3 are; "
    )
    after_shell = (
        not_run + "its Python follows other lines (a shell session?): put it in a ```python "
        "fence to run it, or mark the fence text to silence this"
    )
    assert [(shown(p.line_index), p.message) for p in default.problems] == [
        *[
            (
                line,
                not_run
                + "add bare to torchnotes_languages (--torchnotes-languages='python py python3 "
                "py3 ipython ipython3 pycon python-console python-repl doctest bare') to run "
                "it, or mark it text to silence this",
            )
            for line in (3, 23, 28)
        ],
        (35, after_shell),
    ]
    bare = NoteParser(NoteFormat(languages=frozenset({"python", ""}))).parse(text)
    # The shell sessions and the bare expression stay text; the transcripts and the import
    # run.
    assert [
        (shown(block.first_line), block.doctest, block.ipython is not None) for block in bare.blocks
    ] == [(3, True, False), (13, False, False), (23, False, False), (28, False, True)]
    assert [(shown(p.line_index), p.message) for p in bare.problems] == [
        (
            35,
            after_shell.replace(
                "doctest, ipython, ipython3, py, py3, pycon, python, python-console, python-repl, "
                "python3",
                "bare, python",
            ),
        )
    ]


def test_bare_runs_pasted_cells_that_read_as_python_and_leaves_their_output_text() -> None:
    # A tutorial's cells pasted in fences without info string: the imports under a
    # __future__ line, code that assigns or prints, a loop under a magic run; the output
    # after its label is read as output, and what only shows a value (the sum, its
    # unlabeled output, a shell command), a cell that does not compile and a shell session
    # stay text.
    text = (SAMPLES / "bare_cells.md").read_text(encoding="utf-8")
    bare = NoteParser(NoteFormat(languages=frozenset({"python", ""}))).parse(text)
    assert [(shown(block.first_line), block.output is not None) for block in bare.blocks] == [
        (3, False),
        (11, True),
        (22, False),
    ]
    assert bare.blocks[1].output is not None
    assert bare.blocks[1].output.text == "tensor([3., 3.])"
    # the cell whose lines ran together is named (the shell session is the default's)
    assert [(shown(p.line_index), p.message) for p in bare.problems] == [
        (
            41,
            "``` uses torch but is not run: it does not compile (invalid syntax): correct it "
            "to run it, or tag the fence text to silence this",
        ),
        (
            44,
            "``` looks like Python but is not run: only blocks marked bare, python are; its "
            "Python follows other lines (a shell session?): put it in a ```python fence to run "
            "it, or mark the fence text to silence this",
        ),
    ]
    default = NoteParser().parse(text)
    assert default.blocks == []
    # the first cell is Python from its first line: the message names the option, not a
    # shell session
    assert [(shown(p.line_index), p.message.rpartition("; ")[2]) for p in default.problems] == [
        (
            3,
            "add bare to torchnotes_languages (--torchnotes-languages='python py python3 py3 "
            "ipython ipython3 pycon python-console python-repl doctest bare') to run it, or mark "
            "it "
            "text to silence this",
        ),
        (
            44,
            "its Python follows other lines (a shell session?): put it in a ```python fence "
            "to run it, or mark the fence text to silence this",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("import numpy as np\nimport torch", True),
        ("# a comment\nfrom torch import nn", True),
        ("model = nn.Linear(2, 2)", True),
        ("def f(x):\n    return x", True),
        ("print(torch.ones(2))", True),
        ("!pip install torch\nimport torchvision", True),
        ("tensor([1., 2.])", False),
        ("torch.Size([2, 3])", False),
        ("[2. 2. 2.]", False),
        ("x.grad", False),
        ("pip install torch", False),
        ("key: value", False),
        ("CUDA_VISIBLE_DEVICES=0\nMASTER_PORT=29500", False),
        ("[pytest]\naddopts = -q", False),
        ("lr = 0.01\nmodel = nn.Linear(2, 2)", True),
        ("y = x + 2\nprint(y)", True),
        ("x += 1", False),
        ("", False),
        ("a = 1\x00", False),
    ],
)
def test_what_reads_as_python_in_a_fence_without_info_string(text: str, runs: bool) -> None:
    assert reads_as_python(text) is runs


@pytest.mark.parametrize(
    "text",
    [
        "pip install torch==2.13.0",
        "\n  \nconda install pytorch torchvision -c pytorch",
        "cd examples\npython train.py --epochs 2",
        "git clone https://github.com/pytorch/examples\nimport torch",
        "export\tCUDA_VISIBLE_DEVICES=0",
        "print x",
    ],
)
def test_a_shell_command_is_told_from_python_without_parsing_it(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed parse costs some 70 us: a note's ```bash fence of ``pip install torch``
    paid it at every reading."""

    def parse(*args: object, **kwargs: object) -> ast.Module:
        raise AssertionError("parsed")

    monkeypatch.setattr(bare_python, "ast", SimpleNamespace(parse=parse))
    assert reads_as_python(text) is False


#: Names, keywords (hard and soft) and pieces of Python and of shell commands.
NAMES = ["pip", "install", "x", "print", "torch", "_", "ifx", "iｆ", "x·y", "é", "type"]
WORDS = st.sampled_from([*NAMES, *keyword.kwlist, *keyword.softkwlist])
PUNCTUATION = [" ", "\t", "\n", "=", ":", "(", ")", ".", ",", "'", '"', "#", "\\", "1", "0.5"]
PIECES = st.lists(st.one_of(WORDS, st.sampled_from([*PUNCTUATION, "[", "]", "->", "%", "!"])))
TEXTS = PIECES.map("".join)


@given(WORDS, st.sampled_from([" ", "\t", "  "]), WORDS, TEXTS)
def test_a_text_that_opens_with_two_names_never_parses(
    first: str, space: str, second: str, rest: str
) -> None:
    """The shortcut of :func:`reads_as_python` is exact: what it takes for a shell command
    is text Python cannot parse, so parsing it would have said the same."""
    text = first + space + second + rest
    if not opens_with_two_words(text.split("\n")[0]):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # `1if`: invalid decimal literal
        with pytest.raises((SyntaxError, ValueError)):
            ast.parse(MAGIC_LINE.sub("", text))


def test_bare_is_a_fence_without_info_string_in_the_settings() -> None:
    assert parse_settings(languages="python BARE").note_format.languages == frozenset(
        {"python", ""}
    )


def test_the_pytorch_tabs_of_a_d2lbook_chapter_run() -> None:
    text = (SAMPLES / "d2l_tabs.md").read_text(encoding="utf-8")
    note = NoteParser().parse(text)
    assert [shown(block.first_line) for block in note.blocks] == [8, 19]
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [(3, "warning")]
    assert note.problems[0].message == (
        "```{.python .input} is not run: it has no #@tab line in a note whose blocks are "
        "d2lbook tabs, so it is the default framework's code (MXNet): open it with "
        "#@tab pytorch to run it (and 1 more block of other frameworks' tabs in this note, "
        "not run either: line 14)"
    )
    assert "`#@tab tensorflow, jax` names another framework" in note.not_run[1].why
    # Without any tab line, a note is not a d2lbook chapter: every block runs.
    plain = NoteParser().parse(text.replace("#@tab", "# tab"))
    assert len(plain.blocks) == 4


def test_a_notes_fences_read_each_info_string_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lexer and every output convention ask each fence for its language: an info string
    is read once, however many fences and conventions ask."""
    from pytest_torchnotes.markdown.lexing import info

    read: list[str] = []
    leading = info._leading

    def counting(text: str) -> str:
        read.append(text)
        return leading(text)

    monkeypatch.setattr(info, "_leading", counting)
    language.cache_clear()
    blocks = "".join(
        f"```python\nprint({n})\n```\n\n```text\n{n}\n```\n\n```{{.python}}\nprint({n})\n```\n\n"
        for n in range(5)
    )
    note = NoteParser().parse(blocks)
    assert len(note.blocks) == 10
    assert sorted(read) == ["python", "text"]  # braced: no leading word is read


@given(st.sampled_from(["Python", "{.python .numberLines}", "python:train.py", "", "{r}", "sh"]))
def test_the_language_of_an_info_string_is_the_same_when_asked_again(text: str) -> None:
    first = language(text)
    language.cache_clear()
    assert language(text) == first == language.__wrapped__(text)


def test_sessions_under_the_names_highlighters_give_them_run_or_are_reported() -> None:
    """A ``>>>`` session is ``pycon``, ``python-console``, ``python-repl`` or ``doctest`` to
    the highlighters and Sphinx: those run; under a name of its own (``console``, ``repl``)
    its prompt says what it is, so it is reported; a text or output fence stays text."""
    note = NoteParser().parse((SAMPLES / "session_fences.md").read_text(encoding="utf-8"))
    assert [(shown(block.first_line), block.doctest) for block in note.blocks] == [
        (3, True),
        (8, True),
        (13, True),
    ]
    assert [(shown(p.line_index), p.severity) for p in note.problems] == [
        (18, "warning"),
        (23, "warning"),
    ]
    assert "```console looks like Python but is not run" in note.problems[0].message
    assert (
        "add repl to torchnotes_languages (--torchnotes-languages='python py python3 py3 ipython "
        "ipython3 pycon python-console python-repl doctest repl')" in note.problems[1].message
    )


@given(
    st.sampled_from(["console", "repl", "shell-session", "Pycon3", "python-interactive"]),
    st.sampled_from([">>> x = 1", ">>>", ">>> print(2)  # doctest: +SKIP"]),
)
def test_a_fence_that_opens_with_a_prompt_is_never_dropped_unsaid(info: str, first: str) -> None:
    note = NoteParser().parse(f"```{info}\n{first}\n```\n")
    assert note.blocks == []
    assert [p.severity for p in note.problems] == ["warning"]
    assert f"add {info.lower()} to torchnotes_languages" in note.problems[0].message


@pytest.mark.parametrize("info", ["text", "markdown", "rst", "output"])
@pytest.mark.parametrize("first", [">>> x = 1", "    >>> x = 1"])
def test_a_session_shown_as_text_or_in_a_page_source_is_not_reported(info: str, first: str) -> None:
    # not as a language to run: a note that runs nothing names a text fence's session, with
    # the tag that runs it (markdown/text_fence_sessions.py)
    problems = NoteParser().parse(f"```{info}\n{first}\n```\n").problems
    assert not any("torchnotes_languages" in problem.message for problem in problems)
    assert all("holds a Python session" in problem.message for problem in problems)


def test_a_prompt_indented_in_a_fence_of_another_language_is_not_a_session() -> None:
    assert NoteParser().parse("```yaml\n    >>> x = 1\n```\n").problems == []


@pytest.mark.parametrize(
    "info", ["ｐｙｔｈｏｎ", "Ｐｙｔｈｏｎ", "ｐｙ", "python３", "ｐｙｔｈｏｎ　title=x"]
)
def test_a_fence_tagged_python_in_full_width_letters_is_named(info: str) -> None:
    # typed with a Chinese or Japanese input method on, its block and output were left out
    # with no word (a note of such blocks only was "skipped: no Python blocks")
    text = f"# 笔记\n\n```{info}\nprint(1)\n\n======== output ==========\n1\n```\n"
    note = NoteParser().parse(text)
    assert note.blocks == []
    [problem] = note.problems
    assert shown(problem.line_index) == 3
    assert problem.message.startswith(f"```{info} looks like Python but is not run")
    assert "written in full-width characters: write " in problem.message
    assert "in ASCII letters to run the block" in problem.message
