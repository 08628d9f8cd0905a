"""End to end: every directive in a real pytest session."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts


def test_skip(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("<!-- torchnotes: skip needs a GPU -->\n```python\nraise SystemExit(1)\n```\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    assert block_counts(result) == {"skipped": 1}
    result.stdout.fnmatch_lines(["SKIPPED [[]1[]] notes/note.md:2: needs a GPU"])


def test_skip_start_and_end(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: skip start old API -->
        ```python
        old()
        ```
        ```python
        older()
        ```
        <!-- torchnotes: skip end -->
        ```python
        print("runs")
        === output ===
        runs
        ```
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1, "skipped": 2}
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] notes/note.md:2: old API", "SKIPPED [[]1[]] notes/note.md:5: old API"]
    )


def test_xfail_is_strict(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: xfail known bug -->
        ```python
        print(1)
        === output ===
        2
        ```

        <!-- torchnotes: xfail fixed already -->
        ```python
        print(1)
        === output ===
        1
        ```
        """
    )
    result = pytester.runpytest("-rxf")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 1, "xfailed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:9: block 2: marked <!-- torchnotes: xfail fixed already --> but it "
            "passed; remove the directive",
            "XFAIL notes/note.md::note - known bug",
        ]
    )


def test_raises(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: raises AssertionError: a超出范围 -->
        ```python
        a = -2
        print("before")
        assert a > 0, "a超出范围"
        === output ===
        before
        ```

        <!-- torchnotes: raises RuntimeError: size mismatch (got 3) -->
        ```python
        raise RuntimeError("size mismatch (got 3), expected 2")
        ```

        <!-- torchnotes: raises Exception -->
        ```python
        raise KeyError("a subclass matches")
        ```

        <!-- torchnotes: raises builtins.ValueError: ^bad \\d+$ -->
        ```python
        raise ValueError("bad 42")
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_raises_failures(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: raises ValueError -->
        ```python
        x = 1
        ```

        <!-- torchnotes: raises ValueError -->
        ```python
        raise TypeError("wrong type")
        ```

        <!-- torchnotes: raises ValueError: expected text -->
        ```python
        raise ValueError("other text")
        ```

        <!-- torchnotes: raises ValueError -->
        ```python
        print("printed")
        raise ValueError
        === output ===
        something else
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 4}
    result.stdout.fnmatch_lines_random(
        [
            "notes/note.md:2: block 1: expected ValueError, but the block finished without "
            "raising (exception)",
            "notes/note.md:7: block 2: expected ValueError, but it raised TypeError: wrong type "
            "(exception)",
            "notes/note.md:12: block 3: expected ValueError: expected text, but it raised "
            "ValueError: other text (exception)",
            "notes/note.md:17: block 4: text drift: the output says something else",
        ]
    )


def test_requires(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: requires torch>=2.1 module:torchinfo -->
        ```python
        print("new enough")
        === output ===
        new enough
        ```

        <!-- torchnotes: requires torch<1.0 -->
        ```python
        raise SystemExit("never runs")
        ```

        <!-- torchnotes: requires module:not_installed_anywhere -->
        ```python
        import not_installed_anywhere
        ```
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1, "skipped": 2}
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]1[]] notes/note.md:9: requires torch<1.0: torch * is installed",
            "SKIPPED [[]1[]] notes/note.md:14: requires module:not_installed_anywhere: module "
            "'not_installed_anywhere' is not installed",
        ]
    )


def test_compare_modes(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: compare exact -->
        ```python
        print("a  b")
        === output ===
        a  b
        ```

        <!-- torchnotes: compare ellipsis -->
        ```python
        print(object())
        === output ===
        <object object at ...>
        ```

        <!-- torchnotes: compare ignore -->
        ```python
        import time
        print(time.time())
        === output ===
        whatever it was then
        ```

        <!-- torchnotes: compare numeric rtol=0.01 -->
        ```python
        print(100.5)
        === output ===
        100.0
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_exact_mode_reports_format_only_drift(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        <!-- torchnotes: compare exact -->
        ```python
        import torch
        print(torch.tensor([4., 3.]))
        === output ===
        tensor([4.0000, 3.0000])
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:2: block 1: format-only drift: same text and numbers, other "
            "formatting (compare numeric would accept it)"
        ]
    )


def test_timeout(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: timeout 0.2 -->
        ```python
        import time
        time.sleep(30)
        ```

        ```python
        print("next block runs")
        === output ===
        next block runs
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:2: block 1: the block did not finish within 0.2 s (see the timeout "
            "directive) (timeout)"
        ]
    )
    assert result.duration < 20


def test_timeout_from_the_command_line(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nwhile True:\n    pass\n```\n")
    result = pytester.runpytest("--torchnotes-timeout=0.2")
    result.assert_outcomes(failed=1)


def test_setup(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        <!-- torchnotes: setup
        import torch
        x = torch.arange(3.0, requires_grad=True)
        -->
        ```python
        y = (x * x).sum()
        y.backward()
        print(x.grad)
        === output ===
        tensor([0., 2., 4.])
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_failing_setup_is_reported_with_its_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# S\n\n<!-- torchnotes: setup\nimport not_there_xyz\n-->\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ notes/note.md:3 setup [[]S[]] _*",
            "notes/note.md:3: setup code: setup code raised ModuleNotFoundError: No module named "
            "'not_there_xyz'",
            '  File "notes/note.md", line 4, in <module>',
        ]
    )


def test_front_matter_and_ini_setup(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_setup = import math\n")
    write_note(
        """\
        ---
        title: With setup
        torchnotes:
          setup: |
            import torch
            two = torch.tensor(2.0)
          compare: exact
        ---

        ```python
        print(math.sqrt(two.item()))
        === output ===
        1.4142135623730951
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_front_matter_setup_failure_fails_every_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("---\ntorchnotes:\n  setup: 1/0\n---\n```python\nx = 1\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["notes/note.md:5: block 1: not run: setup code from the note's front matter raised:"]
    )


def test_front_matter_skip_and_requires(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("---\ntorchnotes:\n  skip: draft\n---\n```python\n1/0\n```\n", "a.md")
    write_note("---\ntorchnotes:\n  requires: torch<1\n---\n```python\n1/0\n```\n", "b.md")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines_random(
        ["SKIPPED [[]1[]] notes/a.md:1: draft", "SKIPPED [[]1[]] notes/b.md:1: requires torch<1*"]
    )


def test_front_matter_timeout_and_seed(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        """\
        ---
        torchnotes:
          seed: 3
          timeout: 0.2
        ---
        ```python
        import random
        print(random.Random(3).random() == random.random())
        === output ===
        True
        ```
        ```python
        while True:
            pass
        ```
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/note.md:12: block 2: the block did not finish*"])


def test_ini_compare_and_sanitizers(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytester.makeini(
        "[pytest]\ntorchnotes_paths = notes\ntorchnotes_compare = numeric atol=0.5\n"
        "torchnotes_sanitize =\n    took \\d+ ms => took N ms\n"
    )
    write_note("```python\nprint(1.3)\nprint('took 17 ms')\n=== output ===\n1.0\ntook 5 ms\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)
