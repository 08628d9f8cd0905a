"""End to end: collecting notes, per-block results, failure reports, display, capture."""

from __future__ import annotations

import pytest
import torch

from tests.conftest import WriteNote, block_counts

PASSING = """\
    # Tensors

    ```python
    import torch
    x = torch.arange(-4, -1)
    print(x)
    print(x.abs() / 3)

    ======== output ==========
    tensor([-4, -3, -2])
    tensor([1.3333, 1.0000, 0.6667])
    ```
"""


def test_a_passing_note(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(PASSING)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_a_changed_number_points_at_the_note_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PASSING.replace("1.0000, 0.6667", "1.0000, 0.6767"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ notes/note.md:3 block 1 [[]Tensors[]] _*",
            "notes/note.md:3: block 1 ('Tensors'): value drift: the same text now holds other "
            "numbers",
            "  notes/note.md:11: expected 0.6767, got 0.6667 (differs by 0.01; tolerance 5e-05)",
            "--- expected (notes/note.md:10)",
            f"+++ actual (torch {torch.__version__})",
            " tensor([-4, -3, -2])",
            "-tensor([1.3333, 1.0000, 0.6767])",
            "+tensor([1.3333, 1.0000, 0.6667])",
            f"On torch {torch.__version__}. If the new output is right, accept it: "
            "pytest notes/note.md --torchnotes-update",
        ]
    )


def test_reformatted_values_pass(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(PASSING.replace("tensor([1.3333, 1.0000, 0.6667])", "tensor([1.333, 1., 0.67])"))
    pytester.runpytest().assert_outcomes(passed=1)
    write_note(PASSING.replace("tensor([-4, -3, -2])", "tensor([-4,   -3,    -2])"))
    pytester.runpytest().assert_outcomes(passed=1)


def test_text_drift(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        import torch
        print(torch.ones(2).dtype)
        ======== output ==========
        torch.float64
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["notes/note.md:1: block 1: text drift: the output says something else"]
    )


def test_every_failing_block_of_a_note_is_listed(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        print(1)
        === output ===
        2
        ```

        ```python
        print("fine")
        === output ===
        fine
        ```

        ```python
        raise RuntimeError("boom")
        ```
        """
    )
    result = pytester.runpytest("-rf")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 2}
    result.stdout.fnmatch_lines(
        [
            "*_ notes/note.md:1 block 1 _*",
            "*value drift*",
            "*_ notes/note.md:13 block 3 _*",
            "notes/note.md:13: block 3: the block raised RuntimeError: boom (exception)",
            "Traceback (most recent call last):",
            '  File "notes/note.md", line 14, in <module>',
            '    raise RuntimeError("boom")',
            "RuntimeError: boom",
        ]
    )


def test_verbose_shows_every_block(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        # First

        ```python
        x = 1
        ```

        ## Second heading that is rather long and gets cut short here

        <!-- torchnotes: skip not today -->
        ```python
        x = 2
        ```

        <!-- torchnotes: setup
        y = 3
        -->
        """
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 2, "skipped": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md::note RAN block 1, line 3 [[]First[]]*",
            "notes/note.md::note SKIPPED block 2, line 10 "
            "[[]Second heading that is rather long and …[]]*",
            "notes/note.md::note RAN setup, line 14 [[]Second heading*",
            "notes/note.md::note PASSED*",
        ]
    )


def test_skip_reasons_are_listed_with_their_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        <!-- torchnotes: skip pseudo-code -->
        ```python
        next(iterable[, default])
        ```
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] notes/note.md:2: pseudo-code"])


def test_quiet_run_shows_one_letter_per_note_and_per_odd_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nx = 1\n```\n<!-- torchnotes: skip why -->\n```python\nx\n```\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["notes/note.md s. *"])


def test_collection_is_opt_in(pytester: pytest.Pytester) -> None:
    pytester.makefile(".md", note="```python\nraise SystemExit\n```\n")
    pytester.runpytest().assert_outcomes()
    result = pytester.runpytest("--torchnotes")
    result.assert_outcomes(failed=1)


def test_collect_all_ini_twin(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_collect_all = true\n")
    pytester.makefile(".md", note="```python\nprint(1)\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_patterns(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_patterns = *.mdx\n")
    write_note("```python\nprint(1)\n```\n", "a.mdx")
    write_note("```python\nprint(1)\n```\n", "b.md")
    pytester.runpytest().assert_outcomes(passed=1)


def test_note_errors_name_file_and_line_and_others_still_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# ok\n\n```python\nprint(1)\n```\n", "good.md")
    write_note("<!-- torchnotes: skp typo -->\n```python\nx\n```\n", "typo.md")
    write_note("<!-- torchnotes: requires torch>>2 -->\n```python\nx\n```\n", "spec.md")
    (write_note("", "binary.md")).write_bytes(b"# title\n\xff\xfe junk\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "notes/binary.md:2: not valid UTF-8: byte 0xff at column 1 (save the note as UTF-8)",
            "notes/typo.md:1: unknown torchnotes directive 'skp': expected one of skip, xfail, "
            "raises, requires, compare, timeout, warns, output, setup",
            "notes/spec.md:1: requires: 'torch>>2' is not a valid requirement: *",
        ]
    )


def test_python_looking_fence_is_reported_as_a_warning(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python2\nprint(1)\n```\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]1[]] notes/note.md:1: no Python blocks in this note (1 warning names "
            "what is not run: torchnotes check lists them)",
            "*TorchnotesWarning: notes/note.md:1: ```python2 looks like Python but is not run*",
        ]
    )


def test_display_of_the_last_expression(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        import torch
        print("printed first")
        torch.tensor([1, 2]) * 2
        === output ===
        printed first
        tensor([2, 4])
        ```

        ```python
        torch.tensor([1, 2]);
        === output ===
        ```

        ```python
        x = [1, 2]
        x  # a comment
        === output ===
        [1, 2]
        ```

        ```python
        None
        === output ===
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_display_can_be_turned_off(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\n1 + 1\n=== output ===\n```\n")
    pytester.runpytest().assert_outcomes(failed=1)
    pytester.runpytest("--torchnotes-display=false").assert_outcomes(passed=1)


def test_what_a_block_writes_is_captured(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        import os, subprocess, sys
        def helper():
            print("from a function")
        sys.stdout.write("written\\n")
        helper()
        sys.stdout.flush()
        os.write(1, b"file descriptor\\n")
        subprocess.run(["echo", "child process"], check=True)
        print("error stream", file=sys.stderr)
        === output ===
        written
        from a function
        file descriptor
        child process
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_fd_capture_can_be_turned_off(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nimport os\nos.write(1, b'fd\\n');\n=== output ===\nfd\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--torchnotes-capture-fd=false").assert_outcomes(failed=1)


def test_doctest_blocks(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        >>> import torch
        >>> torch.tensor([1.5, 2.0]) * 2
        tensor([3., 4.])
        >>> print("a\\n\\nb")
        a
        <BLANKLINE>
        b
        >>> int("x")
        Traceback (most recent call last):
          ...
        ValueError: invalid literal for int() with base 10: 'x'
        >>> torch.randn(3)  # doctest: +SKIP
        tensor([9., 9., 9.])
        >>> torch.ones(1)  # xdoctest: +SKIP
        >>> [1, 2, 3, 4]  # doctest: +ELLIPSIS
        [1, ..., 4]
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_doctest_failures(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        >>> 1 + 1
        3
        ```

        ```python
        >>> int("7")
        Traceback (most recent call last):
        ValueError: nope
        ```

        ```python
        >>> 1 / 0
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 3}
    result.stdout.fnmatch_lines_random(
        [
            "notes/note.md:2: >>> 1 + 1",
            "  output differs",
            "-3",
            "+2",
            'notes/note.md:7: >>> int("7")',
            "  expected ValueError: nope, but nothing was raised",
            "*example at line 13: the block raised ZeroDivisionError: division by zero*",
        ]
    )


def test_crlf_and_bom(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    path = write_note("")
    text = "# 标题\r\n\r\n```python\r\nprint('你好')\r\n\r\n=== output ===\r\n你好\r\n```\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    pytester.runpytest().assert_outcomes(passed=1)


def test_nested_blocks_in_lists_and_quotes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        1. A step:

           ```python
           for i in range(2):
               print(i)
           === output ===
           0
           1
           ```

        > Quoted:
        >
        > ```python
        > print("quoted")
        > === output ===
        > quoted
        > ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_output_fence_convention(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ```python
        print(2 ** 10)
        ```

        **输出：**

        ```text
        1024
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)  # ```text is not output by default
    result = pytester.runpytest("--torchnotes-output-fence=text")
    result.assert_outcomes(passed=1)
    write_note("```python\nprint(2 ** 10)\n```\nOutput:\n```text\n1000\n```\n")
    pytester.runpytest("--torchnotes-output-fence=text").assert_outcomes(failed=1)


def test_an_empty_output_section_says_so(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nprint('new')\n=== output ===\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["  the output section is empty", "+new"])


def test_a_block_without_output_must_not_raise(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint('ignored')\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)
    write_note("```python\n1 / 0\n```\n")
    pytester.runpytest().assert_outcomes(failed=1)


def test_selection_by_heading_keyword(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("# 自动求导\n```python\nx = 1\n```\n", "a.md")
    write_note("# Other\n```python\nx = 1\n```\n", "b.md")
    pytester.runpytest("-k", "自动求导").assert_outcomes(passed=1, deselected=1)


def test_a_heading_naming_a_function_keeps_its_underscores(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# F.cross_entropy\n```python\nx = 1\n```\n", "a.md")
    write_note("# crossentropy\n```python\nx = 1\n```\n", "b.md")
    result = pytester.runpytest("-k", "cross_entropy", "-v")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*RAN block 1, line 2 ?F.cross_entropy?*"])


#: Long output cut short in the note with a ``...`` line.
ELIDED = """\
```python
for i in range(100):
    print(i)
```

Output:

```
0
1
...
99
```
"""


def test_a_line_of_dots_in_the_output_names_the_ellipsis_directive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(ELIDED)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: text drift*",
            "  a line `...` of the expected output is compared as text: to let it stand for any"
            " lines, put <!-- torchnotes: compare ellipsis --> above the block",
        ]
    )
    write_note("<!-- torchnotes: compare ellipsis -->\n" + ELIDED)
    pytester.runpytest().assert_outcomes(passed=1)
    write_note("<!-- torchnotes: compare ellipsis -->\n" + ELIDED.replace("99", "98"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert "compared as text" not in result.stdout.str()


def test_last_failed_reruns_the_whole_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nx = 41\n```\n\n```python\nprint(x + 1)\n=== output ===\n43\n```\n")
    write_note("```python\nprint(1)\n```\n", "other.md")
    pytester.runpytest().assert_outcomes(failed=1, passed=1)
    result = pytester.runpytest("--lf", "-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RAN block 1, line 1*", "*FAILED block 2, line 5*"])


def test_a_node_id_runs_the_whole_note(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nx = 2\n```\n\n```python\nprint(x)\n=== output ===\n2\n```\n")
    pytester.runpytest("notes/note.md::note").assert_outcomes(passed=1)


def test_traceback_of_a_called_function_shows_note_lines(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\ndef f():\n    return 1 / 0\n```\n\nText.\n\n```python\nf()\n```\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            '  File "notes/note.md", line 9, in <module>',
            "    f()",
            '  File "notes/note.md", line 3, in f',
            "    return 1 / 0",
        ]
    )


def test_syntax_error_points_at_the_note(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("# x\n\n```python\nx = (1,\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(['  File "notes/note.md", line 4', "SyntaxError: *"])
    assert "runner.py" not in result.stdout.str()


def test_missing_module_drift(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nimport torchsummary_not_installed\n```\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: ModuleNotFoundError: No module named "
            "'torchsummary_not_installed' (install it, or mark the block <!-- torchnotes: "
            "requires module:torchsummary_not_installed -->) (missing module)"
        ]
    )


def test_warnings_raised_by_a_failing_block_are_shown(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport warnings\nwarnings.warn('old API', FutureWarning)\nprint(1)\n"
        "=== output ===\n2\n```\n"
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["warnings:", "    notes/note.md:3: FutureWarning: old API"])


def test_bad_option_values_are_usage_errors(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--torchnotes-seed=x")
    result.stderr.fnmatch_lines(["ERROR: torchnotes: --torchnotes-seed: 'x' is not an integer"])
    pytester.makeini("[pytest]\ntorchnotes_compare = fuzzy\n")
    result = pytester.runpytest()
    result.stderr.fnmatch_lines(
        [
            "ERROR: torchnotes: torchnotes_compare in tox.ini: unknown mode 'fuzzy': expected "
            "one of numeric, exact, ellipsis, structure, ignore"
        ]
    )
