"""End to end: control characters of a note's exception, warning and output reach the
terminal shown as ``<U+XXXX>``, never obeyed (``ESC c`` would reset the terminal and wipe
the failures reported above it); the run report keeps them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.reporting.terminaltext import CONTROLS, terminal_text
from tests.conftest import WriteNote

NOTE = """\
```python
print("printed\\x1bc")
raise ValueError("reset\\x1bc\\x07 bell")
```

```python
import warnings
warnings.warn("erase\\x1b[1A\\x1b[2K")
```
"""


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "1"]], ids=["serial", "xdist"])
def test_control_characters_of_a_note_are_shown_not_obeyed(
    pytester: pytest.Pytester, write_note: WriteNote, workers: list[str]
) -> None:
    if workers:
        pytest.importorskip("xdist")
    write_note(NOTE)
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-rA", "--torchnotes-report=report.json", *workers
    )
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert CONTROLS.search(text) is None, repr(text)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised ValueError: reset<U+001B>c<U+0007>"
            " bell (exception)",
            "stdout before the error:",
            "    printed<U+001B>c",
            "FAILED notes/note.md::note - line 1: the block raised ValueError: reset<U+001*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["warning: notes/note.md:8: UserWarning: erase<U+001B>[1A<U+001B>[2K"]
    )
    report = json.loads((pytester.path / "report.json").read_text())
    (note,) = report["notes"]
    assert note["blocks"][0]["reason"] == "the block raised ValueError: reset\x1bc\x07 bell"


@given(st.text())
def test_terminal_text_leaves_no_control_but_newline_and_tab(text: str) -> None:
    shown = terminal_text(text)
    assert CONTROLS.search(shown) is None
    assert terminal_text(shown) == shown
    assert shown.count("\n") == text.count("\n")


def test_control_characters_of_a_heading_and_a_skip_reason_are_shown_not_obeyed(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# head\x1bc\n\n<!-- torchnotes: skip because \x1b[2K -->\n```python\nprint(1)\n```\n\n"
        "```python\nprint(2)\n=== output ===\n2\n```\n",
        dedent=False,
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-v", "-rs")
    result.assert_outcomes(passed=1)
    assert CONTROLS.search(result.stdout.str()) is None, repr(result.stdout.str())
    result.stdout.fnmatch_lines(
        [
            "notes/note.md::note VERIFIED block 2, line 8 [[]head<U+001B>c[]]*",
            "SKIPPED block 1, line 4 [[]head<U+001B>c[]] [[]1[]] notes/note.md:4: because"
            " <U+001B>[[]2K",
        ]
    )


def test_a_block_that_starts_pdb_itself_fails_at_its_line_and_says_why(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport pdb\npdb.set_trace()\nprint('after')\n```\n\n"
        "```python\nprint('next')\n=== output ===\nnext\n```\n"
    )
    # In a subprocess: in this process, pdb would meet the capture of the session around it.
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=60)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised bdb.BdbQuit (exception)",
            "  a debugger (pdb.set_trace()) read the end of its input and quit: a note runs"
            " without a terminal to debug in; remove the call",
        ]
    )
