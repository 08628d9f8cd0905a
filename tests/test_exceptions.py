"""What a block raised, judged by its ``raises`` directive, and the line that names it."""

from __future__ import annotations

import pytest

from pytest_torchnotes.markdown.directives import Raises
from pytest_torchnotes.run.errors import ErrorInfo
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
