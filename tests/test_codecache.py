"""The blocks' compiled code kept between runs (``run/codecache.py``): a kept block runs,
fails and points into the note as a compiled one does; a block whose compile warns, or might
have warned unseen, is compiled at every run; an entry that is not the note's is no entry."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.plugin import CODE_CACHE
from pytest_torchnotes.run import compiling, evaluate
from pytest_torchnotes.run.codecache import CodeCache, every_warning_shown
from pytest_torchnotes.run.compiling import compile_block
from tests.conftest import WriteNote

PASSING = "```python\nx = 6 * 7\nprint(x)\n=== output ===\n42\n```\n"
FAILING = (
    "# Title\n\n```python\ny = 1\nprint(y + 1)\nraise ValueError('no')\n=== output ===\n2\n```\n"
)
DISPLAYED = "```python\nz = 3\nz * 2\n=== output ===\n6\n```\n"
#: A block whose compile warns: `"is" with a literal` (a SyntaxWarning since Python 3.8).
WARNS = "```python\nprint(1 is 1)\n=== output ===\nTrue\n```\n"


def _entries(pytester: pytest.Pytester) -> list[Path]:
    return sorted((pytester.path / ".pytest_cache" / "d" / CODE_CACHE).glob("*.marshal"))


class _Compiles:
    """Counts the blocks compiled in the sessions of a test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = compiling.compile_block

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(evaluate, "compile_block", counting)


def test_a_second_run_takes_the_blocks_code_and_gives_the_same_verdicts(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_note(PASSING, "a.md", dedent=False)
    write_note(FAILING, "b.md", dedent=False)
    write_note(DISPLAYED, "c.md", dedent=False)
    compiles = _Compiles(monkeypatch)
    first = pytester.runpytest("-p", "no:randomly")
    first.assert_outcomes(passed=2, failed=1)
    assert compiles.count == 3
    assert len(_entries(pytester)) == 3
    second = pytester.runpytest("-p", "no:randomly")
    second.assert_outcomes(passed=2, failed=1)
    assert compiles.count == 3  # none compiled again
    for result in (first, second):  # the traceback points at the note's line
        result.stdout.fnmatch_lines(['*File "notes/b.md", line 6, in <module>', "*raise*"])


def test_a_block_whose_compile_warns_is_compiled_at_every_run(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_note(WARNS, "a.md", dedent=False)
    compiles = _Compiles(monkeypatch)
    for _ in range(2):
        result = pytester.runpytest("-p", "no:randomly", "--torchnotes-strict-warnings")
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(["*SyntaxWarning*is*literal*"])
    assert compiles.count == 2


def test_a_warning_hidden_by_a_filter_is_not_taken_for_none(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(WARNS, "a.md", dedent=False)
    hidden = pytester.runpytest("-p", "no:randomly", "-W", "ignore::SyntaxWarning")
    hidden.assert_outcomes(passed=1)
    shown = pytester.runpytest("-p", "no:randomly", "--torchnotes-strict-warnings")
    shown.assert_outcomes(failed=1)
    shown.stdout.fnmatch_lines(["*SyntaxWarning*is*literal*"])


def test_an_edited_block_is_compiled_again(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PASSING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    write_note(PASSING.replace("6 * 7", "6 * 8"), "a.md", dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected 42, got 48*"])


def test_another_notes_entry_changes_no_verdict(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PASSING, "a.md", dedent=False)
    write_note(FAILING, "b.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)
    a, b = _entries(pytester)
    shutil.copyfile(a, b)
    shutil.copyfile(b, a)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)


def _cache(folder: Path, fingerprint: str = "this code") -> CodeCache:
    return CodeCache(lambda: folder, lambda: fingerprint)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"",
        lambda data: data[:-3] + bytes([data[-3] ^ 1]) + data[-2:],
        lambda data: b"torchnotes-code-0" + data[len(b"torchnotes-code-1") :],
    ],
    ids=["cut short", "empty", "a byte changed", "another layout"],
)
def test_a_damaged_entry_is_no_entry(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    cache = _cache(tmp_path)
    kept = cache.note("notes/a.md")
    kept.add(("x = 1", 3, True), compile_block("x = 1", "notes/a.md", 3, display=True))
    kept.save()
    assert cache.note("notes/a.md").get(("x = 1", 3, True)) is not None
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.note("notes/a.md").blocks == {}


def test_the_entry_belongs_to_the_file_name_and_the_code(tmp_path: Path) -> None:
    kept = _cache(tmp_path).note("notes/a.md")
    kept.add(("x = 1", 3, True), compile_block("x = 1", "notes/a.md", 3, display=True))
    kept.save()
    assert _cache(tmp_path).note("notes/b.md").blocks == {}
    assert _cache(tmp_path, "other code").note("notes/a.md").blocks == {}
    assert _cache(tmp_path).note("notes/a.md").get(("x = 1", 4, True)) is None


def test_an_entry_keeps_the_blocks_its_run_used(tmp_path: Path) -> None:
    first = _cache(tmp_path).note("n.md")
    for line in (1, 5):
        first.add((f"x = {line}", line, True), compile_block("x = 1", "n.md", line, display=True))
    first.save()
    second = _cache(tmp_path).note("n.md")
    assert second.get(("x = 5", 5, True)) is not None
    second.add(("y = 2", 9, True), compile_block("y = 2", "n.md", 9, display=True))
    second.save()
    assert set(_cache(tmp_path).note("n.md").blocks) == {("x = 5", 5, True), ("y = 2", 9, True)}


CODES = st.sampled_from(
    [
        "x = 1",
        "x = 1\nx + 1",
        "for i in range(3):\n    print(i)",
        "print(1); 2",
        "def f():\n    return 3\nf()",
        "import math\nmath.pi;",
        "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print(e)",
        "[n * n for n in range(4)]",
    ]
)


@given(code=CODES, line=st.integers(0, 400), display=st.booleans())
def test_kept_code_is_the_compiled_code(
    tmp_path_factory: pytest.TempPathFactory, code: str, line: int, display: bool
) -> None:
    folder = tmp_path_factory.mktemp("code")
    compiled = compile_block(code, "notes/n.md", line, display=display)
    kept = _cache(folder).note("notes/n.md")
    kept.add((code, line, display), compiled)
    kept.save()
    taken = _cache(folder).note("notes/n.md").get((code, line, display))
    assert taken == compiled  # code objects compare by their instructions, lines, names


def _recorder(*args: Any) -> None:
    pass


@pytest.mark.parametrize(
    ("action", "category", "shown"),
    [
        ("always", Warning, True),
        ("default", SyntaxWarning, True),
        ("module", DeprecationWarning, True),
        ("ignore", SyntaxWarning, False),
        ("error", Warning, False),
        ("once", DeprecationWarning, False),
        ("ignore", UserWarning, True),  # matches no warning of the compiler
    ],
)
def test_every_warning_shown_reads_the_filters(
    action: Any, category: type[Warning], shown: bool
) -> None:
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("always")
        warnings.simplefilter(action, category)
        warnings.showwarning = _recorder
        assert every_warning_shown(_recorder) is shown


def test_a_filter_for_some_messages_does_not_stand_for_all() -> None:
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("always", message="invalid escape", category=DeprecationWarning)
        warnings.showwarning = _recorder
        assert not every_warning_shown(_recorder)  # the others are ignored
        warnings.simplefilter("always")
        assert every_warning_shown(_recorder)
        assert not every_warning_shown(lambda *args: None)  # shown elsewhere
