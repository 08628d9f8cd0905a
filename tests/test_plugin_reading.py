"""End to end: what the plugin reads of hostile and unusual notes, and what it says of them."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts


def test_a_tab_indented_python_fence_is_not_run_and_named_with_its_fix(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "# Note\n\n\t```python\n\tprint(1)\n\t```\n\n```python\nprint(2)\n```\n", dedent=False
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 1}
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:3: ```python is indented four columns or more*"
            "remove the tab*"
        ]
    )


SPINNER = """\
```python
import sys

for frame in "|/-":
    sys.stdout.write(frame + "\\b")
print("done\\bE")
```

```output
{expected}
```
"""


def test_backspaces_compare_as_a_terminal_shows_them(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SPINNER.format(expected="donE"))
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}


def test_update_writes_what_a_terminal_shows_of_backspaces_and_then_changes_nothing(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(SPINNER.format(expected="old"))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    written = note.read_bytes()
    assert written.decode("utf-8") == SPINNER.format(expected="donE")
    assert b"\b" not in written
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_bytes() == written


MEGABYTE = "x" * 1_000_000


@pytest.mark.parametrize(
    "note",
    [
        f"```python2 {MEGABYTE}\nprint(1)\n```\n",  # a warning quotes the info string
        f"```{{python, eval=FALSE, {MEGABYTE}}}\nprint(1)\n```\n",  # and the cell option
        f"<!-- torchnotes: skip {MEGABYTE} -->\n```python\nprint(1)\n```\n",  # a skip reason
        f"<!-- torchnotes: raises {MEGABYTE} -->\n```python\nprint(1)\n```\n",
        f"<!-- torchnotes: {MEGABYTE} -->\n```python\nprint(1)\n```\n",  # an unknown directive
        f"    import torch {MEGABYTE}\n",  # indented code that looks like Python
    ],
    ids=["info", "cell option", "skip reason", "raises", "directive", "indented"],
)
def test_a_megabyte_line_is_quoted_cut_short(
    pytester: pytest.Pytester, write_note: WriteNote, note: str
) -> None:
    write_note(note, dedent=False)
    result = pytester.runpytest("-rs")
    output = "\n".join(result.outlines + result.errlines)
    assert len(output) < 10_000
    assert "999," in output or "(999" in output  # how much is left out
    assert "more characters" in output


def test_a_note_reached_through_a_symlink_and_at_its_target_is_collected_and_updated_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note("```python\nprint(1 + 1)\n```\n\n```output\n3\n```\n", name="real.md")
    (note.parent / "link.md").symlink_to(note)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "torchnotes: each note is collected once: 1 other name of a note collected left "
            "out (notes/real.md = notes/link.md)",
            "rewrote 1 output in 1 note:",
        ]
    )
    assert note.read_text(encoding="utf-8").endswith("```output\n2\n```\n")


def test_an_indented_block_of_fence_lines_warns_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("text\n\n" + "    ```python\n" * 20_000, dedent=False)
    result = pytester.runpytest()
    assert len(result.stdout.str()) < 5_000
    assert result.stdout.str().count("is indented four columns or more") == 1


def test_an_unclosed_fence_in_a_list_item_does_not_swallow_the_next_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("- item\n\n  ```python\n  print(1)\n\n- next\n\n```python\nprint(2)\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["notes/note.md:3: code fence ```python in a list item is never closed: line 6,*"]
    )


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u00ad", "\u2060"])
def test_an_invisible_character_in_a_python_info_string_is_named(
    pytester: pytest.Pytester, write_note: WriteNote, invisible: str
) -> None:
    write_note(f"```{invisible}python\nprint(1)\n```\n")
    result = pytester.runpytest()
    code = f"U+{ord(invisible):04X}"
    result.stdout.fnmatch_lines(
        [f"*notes/note.md:1: ```*python looks like Python but is not run*{code}: delete it*"]
    )


def test_a_note_with_thousands_of_problems_lists_the_first_and_counts_the_rest(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("text <!-- torchnotes: skip x -->\n" * 5_000, "errors.md")
    write_note("x\n\n    import torch\n\n" * 200, "warnings.md")
    result = pytester.runpytest()
    output = result.stdout.str()
    assert len(output) < 30_000
    result.stdout.fnmatch_lines(
        [
            "notes/errors.md: 4950 more errors (torchnotes check notes/errors.md lists them all)",
            "*notes/warnings.md: 150 more warnings (torchnotes check notes/warnings.md lists*",
        ],
        consecutive=False,
    )
    assert output.count("a torchnotes directive must start its own line") == 50


def test_a_closing_fence_back_at_the_margin_in_a_list_item_runs_the_block_and_warns(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# Note\n\n- a step\n\n  ```python\n  print(1)\n```\n\n- the next step\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 1}
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:7: this line closes the code fence opened at "
            "line 5, but it is indented 0 columns*indent it 2 columns, like the opening fence*"
        ]
    )
