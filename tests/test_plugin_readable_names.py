"""Notes whose file or folder names are not UTF-8 (bytes, as Latin-1 ``café.md`` is) are
collected, run and reported under their names with those bytes written as ``\\xNN``, in a
serial run and under pytest-xdist, which cannot send such a name at all."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.pytestargs import note_argument
from pytest_torchnotes.readablenames import readable

NOTE = b"```python\nprint(1)\n=== output ===\n%d\n```\n"


def _write(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    root = os.fsencode(pytester.path)
    os.makedirs(os.path.join(root, b"notes", b"d\xe9j\xe0"))
    for name, printed in [
        (b"caf\xe9.md", 1),  # Latin-1
        (b"d\xe9j\xe0/inner.md", 2),  # a folder in Latin-1, its output drifted
        (b"\x93quoted\x94.md", 1),  # cp1252 quotes
        (b"ok.md", 1),
    ]:
        with open(os.path.join(root, b"notes", name), "wb") as handle:
            handle.write(NOTE % printed)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_notes_whose_names_are_not_utf8_run_and_are_named(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    _write(pytester)
    result = pytester.runpytest("-p", "no:cacheprovider", "-rA", *workers)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "PASSED notes/caf\\xe9.md::note",
            "PASSED notes/\\x93quoted\\x94.md::note",
            "FAILED notes/d\\xe9j\\xe0/inner.md::note - line 1: value drift*",
            "notes/d\\xe9j\\xe0/inner.md:1: block 1: value drift*",
            "*accept it: pytest $'notes/d\\xe9j\\xe0/inner.md' --torchnotes-update",
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str()


def test_such_a_note_is_selected_and_deselected_by_its_shown_name(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "--deselect", "notes/caf\\xe9.md::note", "-k", "not inner"
    )
    result.assert_outcomes(passed=2, deselected=2)


def _shell_reads(quoted: str) -> bytes:
    """The bytes a POSIX shell reads from ``$'...'`` quoting (as much of it as
    :func:`note_argument` writes: ``\\xNN``, ``\\\\`` and ``\\'``)."""
    assert quoted.startswith("$'")
    assert quoted.endswith("'")
    inside, out, index = quoted[2:-1], bytearray(), 0
    while index < len(inside):
        if inside.startswith("\\x", index):
            out.append(int(inside[index + 2 : index + 4], 16))
            index += 4
        elif inside[index] == "\\":
            out += inside[index + 1].encode()
            index += 2
        else:
            out += inside[index].encode()
            index += 1
    return bytes(out)


#: Bytes of a file name (no ``/``, no NUL) that pytest and the command can name.
NAME_BYTES = st.binary(min_size=1, max_size=12).filter(
    lambda raw: (
        b"/" not in raw
        and b"\0" not in raw
        and b"::" not in raw
        and b"[" not in raw
        and not raw.startswith(b"-")
        and re.search(rb"\\x[0-9a-f]{2}", raw) is None
    )
)


@given(NAME_BYTES)
def test_a_readable_name_is_utf8_and_the_command_gives_the_bytes_back(raw: bytes) -> None:
    name = os.fsdecode(raw)
    shown = readable(name)
    shown.encode("utf-8")  # never raises: execnet and every terminal take it
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        assert _shell_reads(note_argument(shown, windows=False)[0]) == raw
    else:
        assert shown == name


def test_update_under_xdist_writes_a_note_whose_name_is_not_utf8(
    pytester: pytest.Pytester,
) -> None:
    _write(pytester)
    inner = os.path.join(os.fsencode(pytester.path), b"notes", b"d\xe9j\xe0", b"inner.md")
    result = pytester.runpytest("-p", "no:cacheprovider", "-n", "2", "--torchnotes-update")
    result.assert_outcomes(passed=4)
    with open(inner, "rb") as handle:
        assert handle.read() == NOTE % 1
