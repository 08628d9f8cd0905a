"""The xdoctest directives of PyTorch's docstrings, as ``>>>`` blocks of a note read them."""

from __future__ import annotations

import sys

import pytest

from pytest_torchnotes.run.xdoctest import Directives, Mode, apply, unmet

SKIP = "xdoctest: +SKIP"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = 1", Mode()),
        ("x = f()  # xdoctest: +SKIP", Mode(SKIP)),
        ('# xdoctest: +SKIP("flaky")', Mode('xdoctest: +SKIP("flaky")')),
        ("# xdoctest: -SKIP", Mode()),
        ("# xdoctest: +REQUIRES(module:json)", Mode()),
        (
            "# xdoctest: +REQUIRES(module:no_such_module_xyz)",
            Mode("xdoctest: +REQUIRES(module:no_such_module_xyz)"),
        ),
        (
            "# xdoctest: +REQUIRES(module:no_such_package_xyz.sub)",
            Mode("xdoctest: +REQUIRES(module:no_such_package_xyz.sub)"),
        ),
        ("# xdoctest: +REQUIRES(POSIX)", Mode()),
        ("# xdoctest: +REQUIRES(--lapack)", Mode("xdoctest: +REQUIRES(--lapack)")),
        ("# XDOCTEST: +requires(env:TORCHNOTES_TEST_FLAG)", Mode()),
        ('# xdoctest: +IGNORE_WANT("non-deterministic")', Mode(ignore_want=True)),
    ],
)
def test_one_directive(text: str, expected: Mode, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TORCHNOTES_TEST_FLAG", "1")
    assert apply(Mode(), text) == expected


def test_minus_turns_off_only_its_own_directive() -> None:
    both = Mode(SKIP, ignore_want=True)
    assert apply(both, "# xdoctest: -SKIP") == Mode(ignore_want=True)
    assert apply(both, "# xdoctest: -REQUIRES") == Mode(ignore_want=True)
    assert apply(both, "# xdoctest: -IGNORE_WANT") == Mode(SKIP)


def test_requires_a_platform() -> None:
    here = "LINUX" if sys.platform.startswith("linux") else "WIN32"
    other = "DARWIN" if here != "DARWIN" else "WIN32"
    assert not unmet(here)
    assert unmet(other)


def test_an_unset_or_zero_variable_is_unmet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TORCHNOTES_TEST_FLAG", "0")
    assert unmet("env:TORCHNOTES_TEST_FLAG")
    monkeypatch.delenv("TORCHNOTES_TEST_FLAG")
    assert unmet("env:TORCHNOTES_TEST_FLAG")


def test_a_line_of_its_own_holds_below_and_an_inline_one_for_its_example() -> None:
    code = (
        ">>> a = 1  # xdoctest: +SKIP\n"  # line 0: this example only
        ">>> b = 2\n"  # line 1
        ">>> # xdoctest: +IGNORE_WANT\n"  # line 2: from here on
        ">>> c\n"  # line 3
        "  >>> # xdoctest: +SKIP\n"  # line 4
        ">>> d\n"  # line 5
        ">>> # xdoctest: -SKIP\n"  # line 6
        ">>> e\n"  # line 7
    )
    directives = Directives(code)
    lines = code.splitlines()
    modes = [directives.mode(n, lines[n].split(">>> ", 1)[1]) for n in (0, 1, 3, 5, 7)]
    assert modes == [
        Mode(SKIP),
        Mode(),
        Mode(ignore_want=True),
        Mode(SKIP, ignore_want=True),
        Mode(ignore_want=True),
    ]
