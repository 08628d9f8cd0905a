"""Compiling a block for display by its last line at column 0 gives what the syntax tree of
the whole block gives: the same code, the same displayed value, the same line numbers."""

from __future__ import annotations

import ast
import dis
from types import CodeType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import compiling
from pytest_torchnotes.run.compiling import CompiledCode, _compile_split, compile_block

#: The 0-based note line of the blocks' first code line.
CODE_LINE = 39


def by_tree(code: str) -> CompiledCode:
    """What compile_block gives without the split."""
    padded = "\n" * CODE_LINE + code + "\n"
    tree = ast.parse(padded, "note.md", "exec")
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or compiling._ends_with_semicolon(padded, last):
        return CompiledCode(compile(tree, "note.md", "exec", dont_inherit=True), interactive=True)
    tree.body.pop()
    return CompiledCode(
        compile(tree, "note.md", "exec", dont_inherit=True),
        compile(ast.Expression(last.value), "note.md", "eval", dont_inherit=True),
        interactive=True,
    )


def _line_of(instruction: dis.Instruction) -> int | None:
    """The source line of an instruction (``positions`` is new in Python 3.11)."""
    positions = getattr(instruction, "positions", None)
    if positions is not None:
        return positions.lineno
    return instruction.starts_line


def shape(code: object) -> list[object] | None:
    """Instructions with their lines, nested code objects (functions) included."""
    if code is None:
        return None
    assert isinstance(code, CodeType)
    return [
        (
            instruction.opname,
            shape(instruction.argval)
            if isinstance(instruction.argval, CodeType)
            else instruction.argrepr,
            _line_of(instruction),
        )
        for instruction in dis.get_instructions(code)
    ]


def assert_same(code: str) -> None:
    want, got = by_tree(code), compile_block(code, "note.md", CODE_LINE, display=True)
    assert shape(got.body) == shape(want.body)
    assert shape(got.display) == shape(want.display)
    assert got.interactive


SPLIT = [
    "x = 1\nx",
    "import torch\nx = torch.ones(2)\nprint(x)",
    "for i in range(3):\n    print(i)\ni * 2",
    "def f(a):\n    return a\n\nf(3)  # shown",
    "x = [\n    1,\n    2,\n]\nlen(x)",
    "x = 1\nx;",
    "s = '''\nabc\n'''\ns",  # the string is closed before the last line at column 0
    "x = [\n1]\nx",
    "x = 1\ny = '\\n'\ny",
    "x = 1\nx  # comment",
    "a = 2\nb = 3\na * b",
]

#: Blocks the split leaves to the whole syntax tree.
NOT_SPLIT = [
    "x",  # one line: nothing to split
    "x = 1 + \\\n2",  # a continued line
    "x = 1\nprint(\n    x,\n)",  # a bracket open across the last line at column 0
    "s = '''\nabc\n'''",  # a string open across it
    "x = (1,\n2)",
    "if True:\n    x = 1\nelse:\n    x = 2",
    "x = 1; x",  # two statements after the last line at column 0
    "from __future__ import annotations\nx = 1\nx",
    "x = 1\nprint('\\n')",  # an escape in the last statement
    # a string opened before the last line at column 0 and closed in its comment
    "'''\nx = 1 #'''",
    "'''\nfor a in b: c = 1 #'''",
    "'''\nimport os #'''",
    "x = [a\nfor a in b]",  # a bracket open across it
    "s = f'{x}'\ny = 1",  # an f-string before: since Python 3.12 it may span lines
]

#: Blocks whose last statement is not an expression, with strings before it that close on
#: their lines: compiled whole, without the syntax tree of the whole block.
UNDISPLAYED = [
    'print("a")\nx = 1',
    "s = 'a'\nt = s * 2",
    'd = {"k": 1}\nd["k"] += 1',
    "s = b'#'\nx: int = 1",
]

#: Blocks whose last statement starts with a keyword no expression starts with: compiled
#: whole, once, without a syntax tree.
KEYWORD_TAILS = [
    "import torch\nx = torch.ones(2)\nfor v in x:\n    print(v)",
    "x = [1,  # ]\n  2]\nif x:\n    pass",
    "x = 1\nimport os",
    "x = {1: (2,\n3)}\nwhile x:\n    x = None",
    "def f():\n    return 1\n\nclass C:\n    pass",
    "x = 1\nfrom os import (path,\n    sep)",
]

#: Blocks whose last statement starts with a keyword, compiled otherwise.
KEYWORD_TAILS_PARSED = [
    "x = 1\nimport os; x",  # an expression after the ``;``
    "s = 'a'\nfor c in s:\n    print(c)",  # a string before: it might be open
]


@pytest.mark.parametrize(
    "code", SPLIT + NOT_SPLIT + KEYWORD_TAILS + KEYWORD_TAILS_PARSED + UNDISPLAYED
)
def test_the_same_code_as_by_the_whole_tree(code: str) -> None:
    assert_same(code)


@pytest.mark.parametrize("code", SPLIT)
def test_split_blocks_are_compiled_without_the_whole_tree(code: str) -> None:
    assert _compile_split(code, code + "\n", "note.md", CODE_LINE) is not None


@pytest.mark.parametrize("code", UNDISPLAYED)
def test_blocks_that_display_nothing_are_compiled_without_the_whole_tree(code: str) -> None:
    split = _compile_split(code, code + "\n", "note.md", CODE_LINE)
    assert split is not None
    assert split.display is None


@pytest.mark.parametrize("code", NOT_SPLIT)
def test_blocks_the_split_cannot_tell_are_left_to_the_tree(code: str) -> None:
    whole = code + "\n"
    if code.startswith(("if", "x = (1")):  # nothing to display: compiled whole
        split = _compile_split(code, whole, "note.md", CODE_LINE)
        assert split is None or split.display is None
    else:
        assert _compile_split(code, whole, "note.md", CODE_LINE) is None


def test_a_syntax_error_keeps_the_note_line() -> None:
    with pytest.raises(SyntaxError) as error:
        compile_block("x = 1\nx = (\nprint(x)", "note.md", CODE_LINE, display=True)
    assert error.value.lineno is not None
    assert error.value.lineno > CODE_LINE


PIECES = st.sampled_from(
    [
        "x = 1",
        "x",
        "print(x)",
        "x;",
        "# note",
        "",
        "for i in range(2):\n    x += i",
        "if x:\n    pass",
        "y = [\n    x,\n]",
        "y = (x,\n1)",
        "s = '''\nx\n'''",
        "def f():\n    return x",
        "f()",
        "x = 2; x",
        "  # indented comment",
        "@staticmethod\ndef g():\n    pass",
        "'''\nx = 1 #'''",
        "import os",
        "import os; x",
        "while x:\n    x = 0",
        "z = [x,  # ]\n    1]",
        "from os import (\n    path,\n)",
        "s = f'{x}'",
        "t = f'{x +\n1}'",
        'print("a")',
    ]
)


@given(st.lists(PIECES, min_size=1, max_size=6))
def test_any_block_compiles_as_by_the_whole_tree(pieces: list[str]) -> None:
    code = "\n".join(pieces)
    try:
        by_tree(code)
    except SyntaxError:
        with pytest.raises(SyntaxError):
            compile_block(code, "note.md", CODE_LINE, display=True)
        return
    assert_same(code)


@pytest.mark.parametrize("code", [code for code in SPLIT if not code.endswith(";")])
def test_a_block_that_displays_is_compiled_once_in_two_parts(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    calls: list[str] = []
    real = builtins.compile

    def counting(
        source: object, filename: object, mode: str, *args: object, **kw: object
    ) -> object:
        calls.append(mode)
        return real(source, filename, mode, *args, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "compile", counting)
    compiled = compile_block(code, "note.md", CODE_LINE, display=True)
    assert compiled.display is not None
    assert sorted(calls) == ["eval", "exec"]


def _counting_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The mode of every ``compile`` and ``ast.parse`` from now on."""
    import builtins

    calls: list[str] = []
    real_compile, real_parse = builtins.compile, ast.parse

    def counting(
        source: object, filename: object, mode: str, *args: object, **kw: object
    ) -> object:
        calls.append(mode)
        return real_compile(source, filename, mode, *args, **kw)  # type: ignore[call-overload]

    def parsing(*args: object, **kw: object) -> object:
        calls.append("parse")
        return real_parse(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "compile", counting)
    monkeypatch.setattr(compiling.ast, "parse", parsing)
    return calls


@pytest.mark.parametrize("code", KEYWORD_TAILS)
def test_a_block_ending_in_a_keyword_statement_is_compiled_once(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_compiles(monkeypatch)
    compiled = compile_block(code, "note.md", CODE_LINE, display=True)
    assert compiled.display is None
    assert calls == ["exec"]


@pytest.mark.parametrize("code", KEYWORD_TAILS_PARSED)
def test_a_keyword_statement_that_may_not_be_the_last_is_parsed(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _counting_compiles(monkeypatch)
    compile_block(code, "note.md", CODE_LINE, display=True)
    assert "parse" in calls


@given(st.text(alphabet="\n\r\t\f #x\x85\xa0é", max_size=30))
def test_the_last_top_level_line_is_the_last_the_pattern_finds(code: str) -> None:
    starts = [match.start() for match in compiling.TOP_LEVEL_LINE.finditer(code)]
    assert compiling._last_top_level_line(code) == (starts[-1] if starts else -1)
