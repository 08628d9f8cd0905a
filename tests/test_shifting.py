"""A block deep in a note compiled alone and moved to its line gives the code that padding
it with blank lines gives: equal code objects, the same lines and positions, the same
``SyntaxError`` and warnings."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from types import CodeType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.run import shifting
from pytest_torchnotes.run.compiling import CompiledCode, compile_block, compile_single
from tests.conftest import WriteNote, block_counts
from tests.test_compile_split import (
    KEYWORD_TAILS,
    KEYWORD_TAILS_PARSED,
    NOT_SPLIT,
    PIECES,
    SPLIT,
    UNDISPLAYED,
)

pytestmark = pytest.mark.skipif(not shifting._works(), reason="code objects are padded here")

#: Where these tests move blocks from: lower than the plugin's ``SHIFT_FROM``, so that the
#: varints of the line table that change at 2,048 lines are moved too.
TESTED_FROM = 1000


@pytest.fixture(autouse=True, scope="module")
def _moved_from_line_1000() -> Iterator[None]:
    """Blocks are moved from :data:`TESTED_FROM`, and as in a session where no other thread
    runs: threads that earlier tests of the process left (notes run in-process) would make
    every compile here padded (``test_another_thread_running_means_padding`` checks that)."""
    saved = shifting.SHIFT_FROM, threading.active_count
    shifting.SHIFT_FROM = TESTED_FROM
    threading.active_count = lambda: 1
    try:
        yield
    finally:
        shifting.SHIFT_FROM, threading.active_count = saved


#: Note lines deep enough to be moved, and some the varints of the line table change at.
LINES = st.one_of(
    st.integers(TESTED_FROM, 300_000),
    st.sampled_from([TESTED_FROM, 2047, 2048, 131_071, 131_072]),
)


def positions(code: CodeType | None) -> list[object]:
    """Every line and position of ``code`` and of the code objects nested in it."""
    if code is None:
        return []
    nested = [positions(const) for const in code.co_consts if isinstance(const, CodeType)]
    return [code.co_firstlineno, list(code.co_lines()), list(code.co_positions()), nested]


def padded(build: object, *args: object, **kwargs: object) -> object:
    """What ``build`` gives with the blocks padded, as they were before."""
    saved = shifting.SHIFT_FROM
    shifting.SHIFT_FROM = 10**12
    try:
        return build(*args, **kwargs)  # type: ignore[operator]
    finally:
        shifting.SHIFT_FROM = saved


def assert_equal(got: CompiledCode, want: CompiledCode) -> None:
    assert got == want
    assert positions(got.body) == positions(want.body)
    assert positions(got.display) == positions(want.display)


def compiled_both_ways(code: str, line: int, *, display: bool) -> None:
    try:
        want = padded(compile_block, code, "note.md", line, display=display)
    except SyntaxError as error:
        want = error
    if isinstance(want, SyntaxError):
        with pytest.raises(SyntaxError) as raised:
            compile_block(code, "note.md", line, display=display)
        assert raised.value.args == want.args
        return
    assert isinstance(want, CompiledCode)
    assert_equal(compile_block(code, "note.md", line, display=display), want)


@pytest.mark.parametrize(
    "code", SPLIT + NOT_SPLIT + KEYWORD_TAILS + KEYWORD_TAILS_PARSED + UNDISPLAYED
)
@pytest.mark.parametrize("display", [True, False])
def test_every_path_gives_the_padded_code(code: str, display: bool) -> None:
    compiled_both_ways(code, 40_000, display=display)


@settings(max_examples=300)
@given(st.lists(PIECES, min_size=1, max_size=6), LINES, st.booleans())
def test_any_block_at_any_line_gives_the_padded_code(
    pieces: list[str], line: int, display: bool
) -> None:
    compiled_both_ways("\n".join(pieces), line, display=display)


MORE = [
    "class C:\n    def m(self):\n        return [lambda: i for i in range(2)]\nC",
    "x = {'a' * 130: 1}\nx",  # columns past 127: long entries
    "async def f():\n    await g()\nf",
    "try:\n    1 / 0\nexcept ZeroDivisionError:\n    pass",
    "with open('f') as f:\n    pass\nx = 1",
    "x = (\n\n\n1)\nx",
    "import torch\nt = torch.ones(2)\nt @ t",
    "",
    "# only a comment",
    "pass",
]


@pytest.mark.parametrize("code", MORE)
@pytest.mark.parametrize("line", [TESTED_FROM, 5_000, 200_000])
def test_nested_and_long_entries_give_the_padded_code(code: str, line: int) -> None:
    compiled_both_ways(code, line, display=True)


@settings(max_examples=200)
@given(st.sampled_from(["1 + 2", "x = 1", "print(1)", "for i in x: pass\n", "f(\n1)", "x;"]), LINES)
def test_an_example_gives_the_padded_code(source: str, line: int) -> None:
    want = padded(compile_single, source, "note.md", line)
    got = compile_single(source, "note.md", line)
    assert got == want
    assert isinstance(want, CodeType)
    assert positions(got) == positions(want)


def test_a_block_deep_in_a_note_is_not_padded(monkeypatch: pytest.MonkeyPatch) -> None:
    """No compile reads the lines above the block: the cost does not grow with its line."""
    import builtins

    sizes: list[int] = []
    real = builtins.compile

    def measuring(source: object, *args: object, **kwargs: object) -> object:
        sizes.append(len(source) if isinstance(source, str) else 0)
        return real(source, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "compile", measuring)
    for code in SPLIT + KEYWORD_TAILS + UNDISPLAYED:
        compile_block(code, "note.md", 100_000, display=True)
        compile_block(code, "note.md", 100_000, display=False)
    compile_single("1 + 2", "note.md", 100_000)
    assert sizes
    assert max(sizes) < 200


def test_a_syntax_error_deep_in_a_note_names_its_line() -> None:
    with pytest.raises(SyntaxError) as error:
        compile_block("x = 1\nx = (\nprint(x)", "note.md", 50_000, display=True)
    assert error.value.lineno == 50_002


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("x = 1\ny = x is 1\ny", 2),
        ("x = 1\ns = '\\d'\ns", 2),
        ("x = [1]\nx = [(1, 2) (3, 4)]", 2),
    ],
)
def test_a_warning_deep_in_a_note_names_its_line_once(code: str, line: int) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compile_block(code, "note.md", 60_000, display=True)
    assert [(warning.filename, warning.lineno) for warning in caught] == [
        ("note.md", 60_000 + line)
    ]


def test_the_filters_and_their_registries_are_left_as_they_were() -> None:
    """A warning shown once is not shown again after a block is compiled: the registries
    that remember it are not reset, as changing the filters the usual way would."""
    registry: dict[object, object] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        before = list(warnings.filters)
        warnings.warn_explicit("shown once", UserWarning, "f.py", 1, registry=registry)
        compile_block("x = 1\nx", "note.md", 60_000, display=True)
        assert warnings.filters == before
        warnings.warn_explicit("shown once", UserWarning, "f.py", 1, registry=registry)
    assert len(caught) == 1


def test_another_thread_running_means_padding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The warnings filters are the process's: changed while another thread runs, its
    warnings would be recorded here; the block is padded then."""
    compiled: list[int] = []

    def build(text: str) -> CodeType:
        compiled.append(len(text))
        return compile(text, "note.md", "exec", dont_inherit=True)

    deep = shifting.SHIFT_FROM + 5
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    padded_code = shifting.at_line(build, "x = 1\n", deep)
    assert compiled == [deep + 6]
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    compiled.clear()
    assert shifting.at_line(build, "x = 1\n", deep) == padded_code
    assert compiled == [6]


def test_every_entry_form_moves_as_the_compiler_writes_it() -> None:
    shifting._works.cache_clear()
    assert shifting._works()


def test_a_table_going_back_to_line_zero_is_not_moved() -> None:
    code = compile("x = 1\ny = 2\n", "note.md", "exec")
    with pytest.raises(shifting._Unmovable):
        shifting._moved_table(code.replace(co_linetable=_back_to_zero(code)), 10)


def _back_to_zero(code: CodeType) -> bytes:
    """The line table of ``code`` with a last entry that goes back to line 0."""
    last = list(code.co_lines())[-1][2] or 0
    return code.co_linetable + bytes([0x80 | 13 << 3]) + shifting._signed(-last)


def test_a_syntax_error_deep_in_a_note_names_its_line_end_to_end(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    prose = "Some prose.\n\n" * 1500
    write_note(prose + "```python\nx = 1\nx = (\nprint(x)\n```\n", dedent=False)
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3001: block 1: the block raised SyntaxError: '(' was never closed "
            "(note.md, line 3003) (exception)",
            '  File "notes/note.md", line 3003',
        ]
    )
