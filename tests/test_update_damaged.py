"""End to end: ``--torchnotes-update`` on damaged notes. A note the plugin cannot read is
never written, and the run says where and why; one it reads oddly but safely (a fence closed
by a longer one, nested fences, tildes, mixed line endings, no final newline) gets exactly its
outputs rewritten, and a second update changes nothing."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

#: Notes that do not run, each with the message that names the line (after ``notes/x.md:``).
UNREADABLE = {
    "unterminated": (
        b"```python\nprint(1)\n```\n\n```output\n2\n",
        "5: code fence ```output is never closed (add a line ``` after its last line)",
    ),
    "nul-in-prose": (
        b"a\x00b\n\n```python\nprint(1)\n```\n\n```output\n2\n```\n",
        "1: contains NUL bytes: this is not a text file",
    ),
    "latin-1-prose": (
        b"caf\xe9\n\n```python\nprint(1)\n```\n\n```output\n2\n```\n",
        "1: not valid UTF-8: byte 0xe9 at column 4 (save the note as UTF-8;*",
    ),
    "utf-16": (
        "```python\nprint(1)\n```\n\n```output\n2\n```\n".encode("utf-16"),
        "1: UTF-16 text (it starts with a UTF-16 byte order mark): save the note as UTF-8",
    ),
    "bare-cr": (
        b"```python\rprint(1)\r```\r\r```output\r2\r```\r",
        "1: lines end with a bare CR (classic Mac OS line endings)*",
    ),
}


@pytest.mark.parametrize(("data", "message"), UNREADABLE.values(), ids=list(UNREADABLE))
def test_a_note_that_cannot_be_read_is_not_written(
    pytester: pytest.Pytester, write_note: WriteNote, data: bytes, message: str
) -> None:
    path = write_note("")
    path.write_bytes(data)
    result = pytester.runpytest("--torchnotes-update")
    result.stdout.fnmatch_lines([f"*notes/note.md:{message}*"])
    assert result.ret == 1
    assert path.read_bytes() == data


B = "```"

#: Damaged or unusual notes update reads safely: (with the wrong output, as updated).
READABLE = {
    "closed-by-a-longer-fence": (
        f"{B}python\nprint(1)\n{B}\n\n{B}output\n2\n{B}{B}\n",
        f"{B}python\nprint(1)\n{B}\n\n{B}output\n1\n{B}{B}\n",
    ),
    "four-backticks-around-three": (
        f"````python\nprint('{B}')\n````\n\n````output\nx\n````\n",
        f"````python\nprint('{B}')\n````\n\n````output\n{B}\n````\n",
    ),
    "tildes-around-backticks": (
        "~~~python\nprint('```\\n~~')\n~~~\n\n~~~output\nq\n~~~\n",
        "~~~python\nprint('```\\n~~')\n~~~\n\n~~~output\n```\n~~\n~~~\n",
    ),
    "mixed-crlf-and-lf": (
        f"# t\r\n\n{B}python\r\nprint('a\\nb')\n{B}\r\n\n{B}output\r\nz\r\n{B}\r\nend\n",
        f"# t\r\n\n{B}python\r\nprint('a\\nb')\n{B}\r\n\n{B}output\r\na\r\nb\r\n{B}\r\nend\n",
    ),
    "no-final-newline": (
        f"{B}python\nprint(1)\n{B}\n\n{B}output\n2\n3\n{B}",
        f"{B}python\nprint(1)\n{B}\n\n{B}output\n1\n{B}",
    ),
    "bom-crlf-emptied": (
        f"\ufeff{B}python\r\nprint(1)\r\n{B}\r\n\r\n{B}output\r\n\r\n{B}\r\n",
        f"\ufeff{B}python\r\nprint(1)\r\n{B}\r\n\r\n{B}output\r\n1\r\n{B}\r\n",
    ),
    "cjk-tab-long-line": (
        f"{B}python\nprint('中文\\tx' + 'y' * 300)\n{B}\n\n{B}output\nz\n{B}\n",
        f"{B}python\nprint('中文\\tx' + 'y' * 300)\n{B}\n\n{B}output\n中文\tx{'y' * 300}\n{B}\n",
    ),
}


@pytest.mark.parametrize(("wrong", "right"), READABLE.values(), ids=list(READABLE))
def test_a_damaged_note_read_safely_gets_its_outputs_and_nothing_else(
    pytester: pytest.Pytester, write_note: WriteNote, wrong: str, right: str
) -> None:
    path = write_note("")
    path.write_bytes(wrong.encode("utf-8"))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_bytes() == right.encode("utf-8")
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_bytes() == right.encode("utf-8")
    pytester.runpytest().assert_outcomes(passed=1)
