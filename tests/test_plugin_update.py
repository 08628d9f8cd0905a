"""End to end: ``--torchnotes-update`` rewrites expected output and nothing else."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pytest_torchnotes.update.refusals import TRANSCRIPT_FIX
from tests.conftest import WriteNote, block_counts

DRIFTED = """\
# Update

```python
import torch
print(torch.tensor([1.5, 2.25]))
print("unchanged")

======== output ==========
tensor([1.4, 2.25])
unchanged
```

Some prose that stays.

```python
print("this block passes")

======== output ==========
this block passes
```
"""

UPDATED = DRIFTED.replace("tensor([1.4, 2.25])", "tensor([1.5000, 2.2500])")


def test_update_fixes_a_drifted_value(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    note = write_note(DRIFTED)
    result = pytester.runpytest("--torchnotes-update")
    # The rewritten block counts as updated, not failed, and the run ends green.
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    assert block_counts(result) == {"verified": 1, "updated": 1}
    result.stdout.fnmatch_lines(
        ["*= torchnotes update =*", "rewrote 1 output in 1 note:", "  notes/note.md:3"]
    )
    assert "Updated: " not in result.stdout.str()
    assert note.read_text(encoding="utf-8") == UPDATED
    second = pytester.runpytest("--torchnotes-update")
    second.assert_outcomes(passed=1)
    assert "torchnotes update" not in second.stdout.str()
    assert note.read_text(encoding="utf-8") == UPDATED


def test_update_fills_empty_sections(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    note = write_note(
        "```python\nprint('filled')\n=== output ===\n```\n\n"
        "```python\nprint('fenced')\n```\n\n```output\n```\n"
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == (
        "```python\nprint('filled')\n=== output ===\nfilled\n```\n\n"
        "```python\nprint('fenced')\n```\n\n```output\nfenced\n```\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_update_writes_what_a_terminal_shows_and_the_next_run_agrees(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A backspace moves back a column and what is printed next overwrites, the rest of the
    line stays (a carriage return too, but output with one is not written): the diff, the
    comparison and the text written agree."""
    note = write_note(
        "```python\nprint('abc\\b\\bX')\n```\n\n```output\nold\n```\n\n"
        "```python\nprint('Loading...', end='\\r')\nprint('Done')\n```\n\n```output\nold\n```\n"
    )
    failed = pytester.runpytest()
    failed.stdout.fnmatch_lines(["+aXc", "*", "+Doneing...", "*would not write it*"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(failed=1)
    assert "```output\naXc\n```\n" in note.read_text()
    note.write_text(note.read_text().replace("old", "Doneing..."))
    pytester.runpytest().assert_outcomes(passed=1)


def test_the_ini_twin(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_update = true\n")
    note = write_note(DRIFTED)
    pytester.runpytest().assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == UPDATED


def test_passing_blocks_and_hand_written_precision_are_untouched(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nimport torch\nprint(torch.tensor([1 / 3, 2 / 3]))\nprint(torch.tensor(7))\n"
        "=== output ===\ntensor([0.33, 0.67])\ntensor(6)\n```\n\n"
        "```python\nprint(torch.tensor([1 / 3]))\n=== output ===\ntensor([0.3])\n```\n"
    )
    note = write_note(text)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == text.replace("tensor(6)", "tensor(7)")


def test_wildcard_lines_are_kept(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    text = (
        "<!-- torchnotes: compare ellipsis -->\n```python\nprint('start')\n"
        "for i in range(5):\n    print(i)\nprint('total', 11)\n"
        "=== output ===\nstart\n...\ntotal 10\n```\n"
    )
    note = write_note(text)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == text.replace("total 10", "total 11")


def test_doctest_transcripts_are_updated(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    note = write_note('```python\n>>> 1 + 1\n3\n>>> print("a\\n\\nb")\n>>> x = 5\n>>> x\n4\n```\n')
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == (
        '```python\n>>> 1 + 1\n2\n>>> print("a\\n\\nb")\na\n<BLANKLINE>\nb\n>>> x = 5\n>>> x\n5\n'
        "```\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_everything_outside_the_outputs_keeps_its_bytes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note("")
    text = (
        "# 标题\r\n\r\n- 列表：\r\n\r\n  ```python\r\n  for i in range(2):\r\n  \tprint(i)\r\n"
        "  === output ===\r\n  ```\r\n\r\n> 引用\r\n>\r\n> ```python\r\n> print('q')\r\n"
        "> === output ===\r\n> old\r\n> ```\r\n\r\n```python\r\nprint('same')\r\n"
        "=== output ===\r\nsame   \r\n```"
    )
    note.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    note.chmod(0o640)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    expected = text.replace("  === output ===\r\n  ```", "  === output ===\r\n  0\r\n  1\r\n  ```")
    expected = expected.replace("> old\r\n", "> q\r\n")
    assert note.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    assert stat.S_IMODE(note.stat().st_mode) == 0o640


def test_each_output_line_keeps_the_ending_of_the_line_it_replaces(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # A note edited on two systems: CRLF, LF and bare CR lines mixed.
    note = write_note("")
    text = (
        "# Mixed\r\n\r\n```python\r\nx = 1\nprint(x + 1)\r\n\r\n=== output ===\n7\r\n```\n"
        "\nText\r\r```python\rprint(3)\r\r=== output ===\r8\r```\r"
        "\r```python\rprint(4)\r=== output ===\r```\r"
    )
    note.write_bytes(text.encode("utf-8"))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    expected = text.replace("output ===\n7\r\n", "output ===\n2\r\n")
    expected = expected.replace("output ===\r8\r", "output ===\r3\r")
    expected = expected.replace("output ===\r```", "output ===\r4\r```")
    assert note.read_bytes() == expected.encode("utf-8")
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_bytes() == expected.encode("utf-8")


def test_a_note_reached_through_a_symlink_stays_a_symlink(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    real = pytester.path / "elsewhere.md"
    real.write_text(DRIFTED, encoding="utf-8")
    link = pytester.path / "notes" / "note.md"
    link.symlink_to(real)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == UPDATED


def test_a_note_changed_during_the_run_is_not_written(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note("")
    text = (
        f"```python\nwith open({str(note)!r}, 'a') as handle:\n    handle.write('\\n')\n"
        "print('new')\n=== output ===\nold\n```\n"
    )
    note.write_text(text)
    # run in place: in a scratch copy, the note may not change its own file
    result = pytester.runpytest("--torchnotes-update", "--torchnotes-isolate-cwd=false")
    result.stdout.fnmatch_lines(
        [
            "could not fix 1 block, still failing:",
            "  notes/note.md:1: not written: changed on disk since it was collected (its new text"
            " is kept): run again to write it",
        ]
    )
    assert result.ret == 1
    assert note.read_text() == text + "\n"


def test_a_read_only_note_is_reported(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    note = write_note(DRIFTED)
    note.chmod(0o444)
    try:
        result = pytester.runpytest("--torchnotes-update")
    finally:
        note.chmod(0o644)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["  notes/note.md:3: not written: read-only: make it writable (chmod u+w) and run again"]
    )
    assert note.read_text(encoding="utf-8") == DRIFTED


def test_unsafe_output_is_refused(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    text = "```python\nprint('```')\n=== output ===\n```\n"
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    result.stdout.fnmatch_lines(
        [
            "Not updated: line 1: a line of the output ('```') would close the block's fence:"
            " open and close the block with ```` instead.",
            "could not fix 1 block, still failing:",
            "  notes/note.md:1: a line of the output ('```') would close the block's fence: open"
            " and close the block with ```` instead",
        ]
    )
    assert note.read_text() == text


def test_exceptions_and_xfail_blocks_are_not_rewritten(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nprint('before')\n1 / 0\n=== output ===\nold\n```\n\n"
        "<!-- torchnotes: xfail documented bug -->\n```python\nprint(2)\n=== output ===\n3\n```\n"
    )
    note = write_note(text)
    pytester.runpytest("--torchnotes-update").assert_outcomes(failed=1)
    assert note.read_text() == text


def test_verbose_update_shows_the_diff(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(DRIFTED)
    result = pytester.runpytest("--torchnotes-update", "-v")
    result.stdout.fnmatch_lines(
        [
            "  notes/note.md:3",
            "--- notes/note.md:9",
            "+++ notes/note.md:9 (updated)",
            "-tensor([1.4, 2.25])",
            "+tensor([1.5000, 2.2500])",
        ]
    )


def test_xdist_update_equals_serial_update(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytest.importorskip("xdist")
    names = [f"n{index}.md" for index in range(4)]
    for name in names:
        write_note(DRIFTED, name)
    pytester.runpytest("--torchnotes-update", "-n", "2").assert_outcomes(passed=4)
    parallel = {name: (pytester.path / "notes" / name).read_bytes() for name in names}
    for name in names:
        write_note(DRIFTED, name)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=4)
    serial = {name: (pytester.path / "notes" / name).read_bytes() for name in names}
    assert parallel == serial
    assert all(data.decode("utf-8") == UPDATED for data in serial.values())


def test_no_temporary_files_are_left(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(DRIFTED)
    pytester.runpytest("--torchnotes-update")
    assert sorted(os.listdir(pytester.path / "notes")) == ["note.md"]
    assert not list(Path(pytester.path).glob("**/*.tmp"))


def test_blocks_it_could_not_fix_keep_failing(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    fixable = DRIFTED
    broken = "```python\nprint(undefined)\n=== output ===\nx\n```\n"
    write_note(fixable, "a.md")
    write_note(broken, "b.md")
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == 1
    assert block_counts(result) == {"verified": 1, "updated": 1, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "*= torchnotes update =*",
            "rewrote 1 output in 1 note:",
            "  notes/a.md:3",
            "could not fix 1 block, still failing:",
            "  notes/b.md:1: the block raised NameError: name 'undefined' is not defined: "
            "update rewrites expected output, not code or directives",
        ]
    )
    assert result.stdout.str().count("torchnotes update") == 1


def test_a_note_that_cannot_be_written_is_not_counted_as_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(DRIFTED)
    note.chmod(0o444)
    try:
        result = pytester.runpytest("--torchnotes-update", "--torchnotes-report=report.json")
    finally:
        note.chmod(0o644)
    assert result.ret == 1
    assert block_counts(result) == {"verified": 1, "failed": 1}
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    assert report["notes"][0]["outcome"] == "failed"
    assert sorted(block["status"] for block in report["notes"][0]["blocks"]) == [
        "failed",
        "verified",
    ]


@pytest.mark.parametrize(
    ("code", "options", "written"),
    [
        ("print('x' * 40_000)", [], False),  # one long line
        ("for i in range(5_000):\n    print('line', i)", [], False),  # many lines
        (">>> print('x' * 40_000)", [], False),  # a >>> example
        ("print('x' * 40_000)", ["--torchnotes-update-max-bytes=50000"], True),
        ("print('x' * 40_000)", ["--torchnotes-update-max-bytes", "0"], True),
        ("print('x' * 100)", ["--torchnotes-update-max-bytes=99"], False),
        ("print('x' * 100)", ["--torchnotes-update-max-bytes=100"], True),
    ],
)
def test_update_writes_no_output_above_the_size_limit(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    code: str,
    options: list[str],
    written: bool,
) -> None:
    marker = "" if code.startswith(">>>") else "=== output ===\n"
    text = f"```python\n{code}\n{marker}```\n"
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update", *options)
    result.assert_outcomes(**({"passed": 1} if written else {"failed": 1}))
    if written:
        assert note.read_text() != text
        pytester.runpytest(*options).assert_outcomes(passed=1)
        return
    assert note.read_text() == text
    result.stdout.fnmatch_lines(
        [
            "  notes/note.md:1: *the new output is * bytes (* line*), more than the "
            "* bytes that --torchnotes-update-max-bytes (ini: torchnotes_update_max_bytes) "
            "allows; raise it to write it, or print less"
        ]
    )


def test_the_size_limit_has_an_ini_twin_and_bad_values_are_refused(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = "```python\nprint('x' * 40_000)\n=== output ===\n```\n"
    note = write_note(text)
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_update_max_bytes = 1\n")
    pytester.runpytest(
        "--torchnotes-update", "--torchnotes-update-max-bytes=-1"
    ).stderr.fnmatch_lines(
        ["ERROR: torchnotes: --torchnotes-update-max-bytes: '-1': a size cannot be negative"]
    )
    result = pytester.runpytest("--torchnotes-update")
    result.stdout.fnmatch_lines(["  notes/note.md:1: the new output is 40,000 bytes (1 line)*"])
    assert note.read_text() == text
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_update_max_bytes = 0\n")
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() != text
    pytester.runpytest().assert_outcomes(passed=1)


def test_transcript_output_that_would_read_as_code_or_an_exception_is_refused(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\n>>> print('... and more')\n>>> print('fine')\n\n"
        ">>> print('Traceback (most recent call last):\\nValueError: x')\n```\n"
    )
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "rewrote 1 output in 1 note:",
            "  notes/note.md:3",
            "could not fix 1 block, still failing:",
            "  notes/note.md:1: example at line 2: the first line of the output "
            f"('... and more') starts with ... and would read as code of the example: "
            f"{TRANSCRIPT_FIX}; example at line 5: the output starts with 'Traceback (most "
            "recent call last):' and would read as an exception the example raises: "
            f"{TRANSCRIPT_FIX}",
        ]
    )
    assert note.read_text() == text.replace(">>> print('fine')\n", ">>> print('fine')\nfine\n")
    pytester.runpytest().assert_outcomes(failed=1)
