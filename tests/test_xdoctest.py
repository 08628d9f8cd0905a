"""The xdoctest directives of PyTorch's docstrings, as ``>>>`` blocks of a note read them."""

from __future__ import annotations

import sys

import pytest

from pytest_torchnotes.evaluate import xdoctest_skip, xdoctest_switches


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1", None),
        ("x = f()  # xdoctest: +SKIP", "xdoctest: +SKIP"),
        ('# xdoctest: +SKIP("flaky")', 'xdoctest: +SKIP("flaky")'),
        ("# xdoctest: -SKIP", None),
        ("# xdoctest: +REQUIRES(module:json)", None),
        (
            "# xdoctest: +REQUIRES(module:no_such_module_xyz)",
            "xdoctest: +REQUIRES(module:no_such_module_xyz)",
        ),
        ("# xdoctest: +REQUIRES(POSIX)", None),
        ("# xdoctest: +REQUIRES(--lapack)", "xdoctest: +REQUIRES(--lapack)"),
        ("# XDOCTEST: +requires(env:TORCHNOTES_TEST_FLAG)", None),
    ],
)
def test_xdoctest_skip(source: str, expected: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TORCHNOTES_TEST_FLAG", "1")
    assert xdoctest_skip(source) == expected


def test_requires_a_platform() -> None:
    here = "LINUX" if sys.platform.startswith("linux") else "WIN32"
    other = "DARWIN" if here != "DARWIN" else "WIN32"
    assert xdoctest_skip(f"# xdoctest: +REQUIRES({here})") is None
    assert xdoctest_skip(f"# xdoctest: +REQUIRES({other})") == f"xdoctest: +REQUIRES({other})"


def test_an_unset_or_zero_variable_skips(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TORCHNOTES_TEST_FLAG", "0")
    assert xdoctest_skip("# xdoctest: +REQUIRES(env:TORCHNOTES_TEST_FLAG)") is not None


def test_switches_are_the_directive_lines_only() -> None:
    code = ">>> a = 1  # xdoctest: +SKIP\n>>> # xdoctest: +SKIP\n>>> b\n  >>> # xdoctest: -SKIP\n"
    assert xdoctest_switches(code) == [(1, "xdoctest: +SKIP"), (3, None)]
