"""What a block raised, judged by its ``raises`` directive, and the line that names it."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.directives import Raises
from pytest_torchnotes.run.errors import ErrorInfo, describe_error
from pytest_torchnotes.run.exceptions import MISSING_MODULE_NAME, error_headline, raises_mismatch


def error(type_name: str, message: str, *bases: str) -> ErrorInfo:
    return ErrorInfo(type_name, frozenset({type_name, *bases}), message, "", 1)


@pytest.mark.parametrize(
    ("pattern", "message", "matched"),
    [
        (None, "anything", True),
        ("shape", "wrong shape [2, 3]", True),  # text it contains
        (r"shape \[\d+, \d+\]", "wrong shape [2, 3]", True),  # a regex it holds
        ("[", "no bracket", False),  # neither, and not a regex
        ("size", "wrong shape", False),
    ],
)
def test_raises_matches_the_type_and_the_message(
    pattern: str | None, message: str, matched: bool
) -> None:
    expected = Raises(0, 0, "ValueError", pattern)
    mismatch = raises_mismatch(expected, error("ValueError", message))
    assert (mismatch is None) == matched


def test_raises_names_what_differs() -> None:
    expected = Raises(0, 0, "ValueError", None)
    assert raises_mismatch(expected, error("KeyError", "'x'", "LookupError")) == (
        "expected ValueError, but it raised KeyError: 'x'"
    )
    assert raises_mismatch(expected, None) == (
        "expected ValueError, but the block finished without raising"
    )
    assert (
        raises_mismatch(Raises(0, 0, "LookupError", None), error("KeyError", "'x'", "LookupError"))
        is None
    )


@pytest.mark.parametrize(
    ("message", "module"),
    [
        ("No module named 'torchvision'", "torchvision"),
        ("No module named 'torchvision.ops'", "torchvision.ops"),
        ("No module named torchvision", None),
    ],
)
def test_the_missing_module_is_read_from_the_message(message: str, module: str | None) -> None:
    match = MISSING_MODULE_NAME.search(message)
    assert (match.group(1) if match else None) == module


def test_a_missing_module_says_how_to_require_it() -> None:
    missing = error("ModuleNotFoundError", "No module named 'torchvision.ops'", "ImportError")
    assert error_headline(missing) == (
        "ModuleNotFoundError: No module named 'torchvision.ops' (install it, or mark the block "
        "<!-- torchnotes: requires module:torchvision.ops -->)"
    )
    unnamed = error("ModuleNotFoundError", "no module", "ImportError")
    assert error_headline(unnamed).endswith("requires module:NAME -->)")
    assert error_headline(error("ValueError", "bad")) == "the block raised ValueError: bad"


def _raised(make: object) -> BaseException:
    try:
        make()  # type: ignore[operator]
    except BaseException as raised:
        return raised
    raise AssertionError("nothing raised")


def _exporter_error() -> None:
    # as torch.onnx.export does when onnx is not installed
    try:
        import no_such_module_onnx  # type: ignore[import-not-found]  # noqa: F401
    except ModuleNotFoundError as missing:
        raise RuntimeError("Module onnx is not installed!") from missing


def _handled_then_raised() -> None:
    try:
        import no_such_module_scipy.linalg  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        raise ValueError("scipy is needed for this") from None


def _deep_chain() -> None:
    try:
        _exporter_error()
    except RuntimeError as wrapped:
        raise TypeError("export failed") from wrapped


def _other_import_error() -> None:
    try:
        from math import no_such_name  # type: ignore[attr-defined]  # noqa: F401
    except ImportError as failed:
        raise RuntimeError("wrapped") from failed


@pytest.mark.parametrize(
    ("make", "module"),
    [
        (_exporter_error, "no_such_module_onnx"),
        (_handled_then_raised, "no_such_module_scipy"),  # raised while handling, suppressed
        (_deep_chain, "no_such_module_onnx"),
        (_other_import_error, None),  # an ImportError that is no missing module
        (lambda: 1 / 0, None),
    ],
)
def test_a_module_missing_below_the_raised_error_is_named(make: object, module: str | None) -> None:
    info = describe_error(_raised(make), "note.md")
    assert info.missing_module == module
    headline = error_headline(info)
    if module is None:
        assert "requires module" not in headline
    else:
        assert headline.endswith(
            f"(raised from ModuleNotFoundError: No module named '{module}'; install it, or "
            f"mark the block <!-- torchnotes: requires module:{module} -->)"
        )


def test_a_missing_module_raised_itself_keeps_its_own_headline() -> None:
    info = describe_error(_raised(lambda: __import__("no_such_module_tb")), "note.md")
    assert info.missing_module is None  # its own message names it
    assert error_headline(info).endswith("requires module:no_such_module_tb -->)")


def _library_words_for_a_missing_module() -> None:
    # as torch.cuda.utilization does without pynvml: its own words name the package
    try:
        import no_such_module_pynvml  # type: ignore[import-not-found]  # noqa: F401
    except ModuleNotFoundError as missing:
        raise ModuleNotFoundError(
            "nvidia-ml-py does not seem to be installed or it can't be imported."
        ) from missing


def _library_words_with_no_import_below() -> None:
    raise ModuleNotFoundError("some-package is not installed")


def test_a_missing_module_in_a_library_s_words_is_named_from_the_import_below() -> None:
    info = describe_error(_raised(_library_words_for_a_missing_module), "note.md")
    assert info.missing_module == "no_such_module_pynvml"
    headline = error_headline(info)
    assert headline.startswith("the block raised ModuleNotFoundError: nvidia-ml-py does not seem")
    assert headline.endswith(
        "(raised from ModuleNotFoundError: No module named 'no_such_module_pynvml'; install it, "
        "or mark the block <!-- torchnotes: requires module:no_such_module_pynvml -->)"
    )
    alone = describe_error(_raised(_library_words_with_no_import_below), "note.md")
    assert alone.missing_module is None
    assert error_headline(alone).endswith("requires module:NAME -->)")


def _deep(depth: int, note_calls_library: bool) -> BaseException:
    """What a block raises that recursed ``depth`` frames deep, in its own code or in a
    library's function it called from its line 2."""
    library = (
        "def down(n):\n    if n == 0:\n        raise ValueError('deep')\n    return down(n - 1)\n"
    )
    namespace: dict[str, object] = {}
    exec(compile(library, "library.py" if note_calls_library else "note.md", "exec"), namespace)
    block = compile("\ndown(DEPTH)\n", "note.md", "exec")
    return _raised(lambda: exec(block, {**namespace, "DEPTH": depth}))


@pytest.mark.parametrize("note_calls_library", [False, True])
def test_a_deep_traceback_shows_its_innermost_frames_as_the_interpreter_does(
    note_calls_library: bool,
) -> None:
    # formatting all of a million-frame traceback took a minute, where Python prints the
    # innermost 1000 frames
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(6000)
    try:
        info = describe_error(_deep(5000, note_calls_library), "note.md")
    finally:
        sys.setrecursionlimit(limit)
    assert "[Previous line repeated 996 more times]" in info.traceback
    assert info.traceback.count("\n  File ") <= 1000
    assert info.traceback.endswith("ValueError: deep\n")
    # the line of the note it names: the innermost of the note's own frames
    assert info.line_index == (1 if note_calls_library else 2)  # 0-based


def test_a_traceback_of_a_thousand_frames_is_shown_whole() -> None:
    info = describe_error(_deep(900, False), "note.md")
    assert "[Previous line repeated 897 more times]" in info.traceback
    assert 'File "note.md", line 2, in <module>' in info.traceback
