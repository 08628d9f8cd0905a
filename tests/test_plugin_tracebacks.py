"""End to end: a traceback as expected output means the block must raise that exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples" / "tracebacks"


def test_blocks_that_raise_what_their_traceback_says_pass(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note((SAMPLES / "raises.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest("--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 3}
    report = json.loads((pytester.path / "report.json").read_text(encoding="utf-8"))
    first = report["notes"][0]["blocks"][0]
    assert first["status"] == "verified"
    assert first["actual"] == (
        "adding\nTraceback (most recent call last):\n  ...\nRuntimeError: The size of tensor "
        "a (2) must match the size of tensor b (3) at non-singleton dimension 0"
    )


def test_drifted_tracebacks_fail_with_their_line_and_are_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    original = (SAMPLES / "drifted.md").read_text(encoding="utf-8")
    note = write_note(original, dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 2}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1 ('Drifted'): exception drift: expected RuntimeError: "
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
            "dimension 0, got RuntimeError: The size of tensor a (2) must match the size of "
            "tensor b (4) at non-singleton dimension 0",
            "--- expected (notes/note.md:10)",
            "*",
            "@@ -1,3 +1,3 @@",
            " Traceback (most recent call last):",
            "   ...",
            "-RuntimeError: The size of tensor a (2) must match the size of tensor b (3)*",
            "+RuntimeError: The size of tensor a (2) must match the size of tensor b (4)*",
            "On torch *. If the new output is right, accept it: pytest notes/note.md "
            "--torchnotes-update",
            "notes/note.md:15: block 2 ('Drifted'): expected to raise IndexError: list index "
            "out of range (the traceback at notes/note.md:21), but the block finished without "
            "raising (exception)",
            "stdout before the error:",
            "    2",
        ]
    )
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"updated": 2}
    updated = original.replace(
        '  File "<stdin>", line 2, in <module>\nRuntimeError: The size of tensor a (2) must '
        "match the size of tensor b (3)",
        "  ...\nRuntimeError: The size of tensor a (2) must match the size of tensor b (4)",
    ).replace(
        "2\nTraceback (most recent call last):\n  ...\nIndexError: list index out of range\n", "2\n"
    )
    assert note.read_text(encoding="utf-8") == updated
    assert block_counts(pytester.runpytest("--torchnotes-update")) == {"verified": 2}
    assert note.read_text(encoding="utf-8") == updated


def test_update_writes_a_traceback_byte_for_byte(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """CRLF lines, a block in a list item and one in a block quote keep every byte that is
    not the traceback."""
    text = (
        "# 列表\r\n\r\n- 一：\r\n\r\n  ```python\r\n  print('π')\r\n  {}['键']\r\n"
        "  === output ===\r\n  π\r\n  Traceback (most recent call last):\r\n"
        "    File \"<stdin>\", line 2\r\n  KeyError: '钥'\r\n  ```\r\n\r\n"
        "> ```python\r\n> raise ValueError('new')\r\n> ```\r\n>\r\n> ```output\r\n"
        "> Traceback (most recent call last):\r\n>   ...\r\n> ValueError: old\r\n> ```\r\n"
    )
    note = write_note("")
    note.write_bytes(text.encode("utf-8"))
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 2}
    pytester.runpytest("--torchnotes-update")
    expected = text.replace(
        "    File \"<stdin>\", line 2\r\n  KeyError: '钥'", "    ...\r\n  KeyError: '键'"
    ).replace("> ValueError: old", "> ValueError: new")
    assert note.read_bytes() == expected.encode("utf-8")
    assert block_counts(pytester.runpytest("--torchnotes-update")) == {"verified": 2}
    assert note.read_bytes() == expected.encode("utf-8")


def test_output_before_the_traceback_is_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(
        """\
        ```python
        print(1.5)
        raise KeyError("a")
        ```

        ```output
        1.25
        Traceback (most recent call last):
          ...
        KeyError: 'a'
        ```
        """
    )
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: value drift: the same text now holds other numbers",
            "-1.25",
            "+1.5",
        ]
    )
    pytester.runpytest("--torchnotes-update")
    assert "1.5\nTraceback (most recent call last):\n  ...\nKeyError: 'a'\n" in note.read_text(
        encoding="utf-8"
    )
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_the_type_is_compared_as_python_writes_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        import torch
        raise torch.OutOfMemoryError("out of memory")
        ```

        ```output
        Traceback (most recent call last):
          ...
        OutOfMemoryError: out of memory
        ```
        """
    )
    result = pytester.runpytest()
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(
        [
            "*: exception drift: expected OutOfMemoryError: out of memory, got "
            "torch.OutOfMemoryError: out of memory",
            "  the type is compared as Python writes it: torch.OutOfMemoryError, not "
            "OutOfMemoryError",
        ]
    )


def test_a_traceback_and_a_raises_directive_are_a_problem(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        <!-- torchnotes: raises KeyError -->
        ```python
        {}["a"]
        ```

        ```output
        Traceback (most recent call last):
          ...
        KeyError: 'a'
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:1: raises and the traceback at line 7 both say what the block "
            "raises: keep one (the traceback is compared and updated, raises is not)*"
        ]
    )


def test_a_time_limit_is_not_compared_with_the_traceback(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        <!-- torchnotes: timeout 0.5 -->
        ```python
        import time
        time.sleep(5)
        ```

        ```output
        Traceback (most recent call last):
          ...
        KeyError: 'a'
        ```
        """
    )
    result = pytester.runpytest("--torchnotes-update")
    assert block_counts(result) == {"failed": 1}
    result.stdout.fnmatch_lines(["*did not finish within 0.5 s*(timeout)*"])


def test_an_output_directive_may_hold_the_traceback(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The output for this torch says it raises; the visible one, for another torch, that
    it prints."""
    write_note(
        """\
        <!-- torchnotes: output torch>=1.0
        Traceback (most recent call last):
          ...
        KeyError: 'a'
        -->
        ```python
        {}["a"]
        ```

        ```output
        None
        ```
        """
    )
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_under_compare_ignore_the_type_is_still_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        <!-- torchnotes: compare ignore -->
        ```python
        print("anything")
        {}["a"]
        ```

        ```output
        Traceback (most recent call last):
          ...
        KeyError: 'b'
        ```

        <!-- torchnotes: compare ignore -->
        ```python
        {}["a"]
        ```

        ```output
        Traceback (most recent call last):
          ...
        IndexError: 'a'
        ```
        """
    )
    result = pytester.runpytest()
    assert block_counts(result) == {"not_compared": 1, "failed": 1}
    result.stdout.fnmatch_lines(["*expected IndexError: 'a', got KeyError: 'a'"])


PRINTS_A_TRACEBACK = """\
```python
try:
    {{}}["missing"]
except KeyError as error:
    print("Traceback (most recent call last):")
    print(f"{{type(error).__name__}}: {{error}}")
```

```output
{want}
```
"""


def test_a_traceback_the_block_prints_is_compared_as_text(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    printed = "Traceback (most recent call last):\nKeyError: 'missing'"
    write_note(PRINTS_A_TRACEBACK.format(want=printed), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}


def test_a_printed_traceback_is_written_by_update_and_then_passes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(PRINTS_A_TRACEBACK.format(want="old"), dedent=False)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert "Traceback (most recent call last):\nKeyError: 'missing'\n```" in note.read_text()
    # Read back, the section is a traceback, but the block prints it instead of raising.
    assert block_counts(pytester.runpytest()) == {"verified": 1}
    text = note.read_text()
    note.write_text(text.replace("'missing'\n```", "'other'\n```"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected to raise KeyError: 'other'*without raising*"])


def test_a_notebook_only_name_says_what_to_use_instead(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport torch\ndisplay(torch.ones(1))\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised NameError: name 'display' is not defined*",
            "  display() is IPython's: a note runs as plain Python; print(x), or x as the block's"
            " last line, shows it*",
        ]
    )


#: A ``>>>`` transcript whose exceptions drifted: another message (of two lines), another
#: type, in a block quote; what update writes: the exception's lines, the frames kept.
DOCTEST_DRIFT = """\
```python
>>> import torch
>>> int("x")
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
ValueError: bad
>>> torch.ones(2).view(3)
Traceback (most recent call last):
    ...
RuntimeError: shape '[3]' is invalid
   for input of size 9
>>> 1
1
```

> ```python
> >>> {}["a"]
> Traceback (most recent call last):
>   ...
> TypeError: 'b'
> ```
"""

DOCTEST_UPDATED = (
    DOCTEST_DRIFT.replace(
        "ValueError: bad", "ValueError: invalid literal for int() with base 10: 'x'"
    )
    .replace("invalid\n   for input of size 9", "invalid for input of size 2")
    .replace("TypeError: 'b'", "KeyError: 'a'")
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_update_rewrites_the_exception_of_doctest_examples_once(
    pytester: pytest.Pytester, write_note: WriteNote, newline: str
) -> None:
    note = write_note("")
    note.write_bytes(DOCTEST_DRIFT.replace("\n", newline).encode("utf-8"))
    failing = pytester.runpytest()
    assert failing.ret == 1
    failing.stdout.fnmatch_lines(["  expected ValueError: bad, got ValueError: invalid literal*"])
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["rewrote 3 outputs in 1 note:"])
    updated = DOCTEST_UPDATED.replace("\n", newline).encode("utf-8")
    assert note.read_bytes() == updated
    second = pytester.runpytest("--torchnotes-update")
    second.assert_outcomes(passed=1)
    assert "torchnotes update" not in second.stdout.str()
    assert note.read_bytes() == updated
    assert block_counts(pytester.runpytest()) == {"verified": 2}


def test_a_doctest_example_that_no_longer_raises_gets_its_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        '```python\n>>> print(int("1"))\nTraceback (most recent call last):\n  ...\n'
        "ValueError: bad\n```\n"
    )
    note = write_note(text)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == '```python\n>>> print(int("1"))\n1\n```\n'
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_a_doctest_exception_after_an_example_that_raised_unexpectedly_still_fails(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        '```python\n>>> 1 / 0\n>>> int("x")\nTraceback (most recent call last):\n  ...\n'
        "ValueError: bad\n```\n"
    )
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["could not fix 1 block, still failing:", "*ZeroDivisionError: division by zero*"]
    )
    written = "ValueError: invalid literal for int() with base 10: 'x'\n"
    assert note.read_text() == text.replace("ValueError: bad\n", written)


def test_ipython_tracebacks_as_expected_output_pass_and_drift_is_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (SAMPLES / "ipython.md").read_text(encoding="utf-8")
    write_note(text, dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 4}
    drifted = text.replace("input of size 2", "input of size 5")
    note = write_note(drifted, dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:24: block 2: exception drift: expected RuntimeError: shape '?3?' is "
            "invalid for input of size 5, got RuntimeError: shape '?3?' is invalid for input "
            "of size 2",
        ]
    )
    # update rewrites that section alone, and the note then passes
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    after = note.read_text(encoding="utf-8")
    start = drifted.index("```output\n---", drifted.index("view(3)"))
    end = drifted.index("```\n", start + 10) + 4
    assert after[:start] == drifted[:start]
    assert after[after.index("Only the end") :] == drifted[drifted.index("Only the end") :]
    assert "RuntimeError: shape '[3]' is invalid for input of size 2\n```" in after[start:]
    assert end > start
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_traceback_in_a_fence_not_read_as_output_is_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # a post pasted from Jupyter: the error in a fence of its own, without a language or
    # tagged text: not read as output, the block fails for raising what the note shows
    write_note((SAMPLES / "unread.md").read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1: the block raised RuntimeError: *",
            "  the fence at line 8 shows this RuntimeError, but it is not read as the block's "
            "output: read fences without a language as output with "
            "--torchnotes-output-fence='output out stdout result bare' (ini: "
            "torchnotes_output_fence), or tag it ```output "
            "to compare the exception, or put <!-- torchnotes: raises RuntimeError --> above "
            "the block",
            "*",
            "notes/note.md:16: block 2: the block raised RuntimeError: *",
            "  the fence at line 21 shows this RuntimeError, but it is not read as the block's "
            "output: tag it ```output to compare the exception, or put <!-- torchnotes: raises "
            "RuntimeError --> above the block",
        ]
    )
    third = [line for line in result.stdout.lines if line.startswith("notes/note.md:29:")]
    assert third
    assert "KeyError" in third[0]
    block3 = result.stdout.str().split("notes/note.md:29:")[1].split("\n")[1]
    assert "shows this" not in block3
    # following the advice compares the exceptions, and the two blocks pass
    result = pytester.runpytest(
        "--torchnotes-output-fence=bare", "-o", "torchnotes_output_label=Error:"
    )
    assert block_counts(result) == {"verified": 2, "failed": 1}
