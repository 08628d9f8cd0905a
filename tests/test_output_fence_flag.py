"""The flag a warning names to have one more kind of fence read as output
(``markdown/fence_option.py``): it keeps the fences read now, so following it reads the
fence it names and still reads the note's ```` ```output ```` fences."""

from __future__ import annotations

import re
import shlex

import pytest

from pytest_torchnotes.markdown.fence_option import languages_flag, output_fence_flag
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.run.unread_traceback import unread_traceback
from tests.conftest import WriteNote, block_counts


@pytest.mark.parametrize(
    ("read_now", "info", "flag"),
    [
        ({"output", "out", "stdout", "result"}, "", "'output out stdout result bare'"),
        ({"result", "output", "log"}, "shell", "'output result log shell'"),
        ({"", "output"}, "text", "'output bare text'"),
        (set(), "json", "json"),  # output fences turned off: only the one named
    ],
)
def test_the_flag_keeps_the_fences_read_now(read_now: set[str], info: str, flag: str) -> None:
    assert output_fence_flag(frozenset(read_now), info) == f"--torchnotes-output-fence={flag}"


TWO_CONVENTIONS = """\
```python
print(1)
```

```output
1
```

```python
print(2)
```

```
2
```
"""


def test_following_the_flag_a_warning_names_reads_both_fences(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """``--torchnotes-output-fence=bare``, as the warning named it, replaced the list: the
    ```output fence above went unread, and the next warning named ``=output``."""
    write_note(TWO_CONVENTIONS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    found = re.search(
        r"read such fences with (--torchnotes-output-fence=\S.*)$", result.stdout.str(), re.M
    )
    assert found is not None
    (flag,) = shlex.split(found.group(1))
    result = pytester.runpytest(flag)
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 2}
    assert "TorchnotesWarning" not in result.stdout.str()


def test_a_shell_fence_of_printed_output_under_a_lead_in_names_its_tag() -> None:
    """``The example above returns the following output:`` over a ```shell fence of a
    tensor (as a documentation site tags output): the fence is unread for its tag, and the
    warning said its first line did not read as printed output."""
    text = (
        "```py\nimport torch\nprint(torch.arange(3))\n```\n\n"
        "The example above returns the following output:\n\n"
        "```shell\ntensor([0, 1, 2])\n```\n"
    )
    note = NoteParser().parse(text)
    assert note.blocks[0].output is None
    (problem,) = note.problems
    assert problem.line_index == 7
    assert "does not read as printed output" not in problem.message
    assert problem.message.endswith(
        "line 6 leads into it, but under such a line only bare, console, none, out, output, "
        "plaintext, result, stdout, text, txt fences are read: read it with "
        "--torchnotes-output-fence='output out stdout result shell', or mark the fence "
        "```output"
    )


TRACEBACK_IN_A_BARE_FENCE = """\
```python
print(1)
```

```output
1
```

```python
print(1 / 0)
```

```
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
ZeroDivisionError: division by zero
```
"""


def test_following_the_flag_a_raised_exception_names_reads_both_fences(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A block that raises what the bare fence after it shows: the flag its failure names
    read that fence and dropped the ```output fence of the block above."""
    write_note(TRACEBACK_IN_A_BARE_FENCE)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    found = re.search(
        r"as output with (--torchnotes-output-fence=\S.*?) \(ini:", result.stdout.str()
    )
    assert found is not None
    (flag,) = shlex.split(found.group(1))
    result = pytester.runpytest(flag)
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 2}


@pytest.mark.parametrize(
    ("read_now", "fix"),
    [
        (
            {"output", "log"},
            "with --torchnotes-output-fence='output log bare' (ini: torchnotes_output_fence), "
            "or tag it ```output to",
        ),
        (
            {"log"},
            "with --torchnotes-output-fence='log bare' (ini: torchnotes_output_fence), "
            "or tag it ```log to",
        ),
        (
            set(),
            "with --torchnotes-output-fence=bare (ini: torchnotes_output_fence), or tag it "
            "```output and read such fences with --torchnotes-output-fence=output to",
        ),
    ],
)
def test_an_unread_traceback_names_the_tags_read_now(read_now: set[str], fix: str) -> None:
    """The flag and the tag the failure names are those the project reads: a tag it does
    not read would leave the fence unread still."""
    lines = TRACEBACK_IN_A_BARE_FENCE.splitlines()
    block = NoteParser().parse(TRACEBACK_IN_A_BARE_FENCE).blocks[1]
    hint = unread_traceback(block, "ZeroDivisionError", lines, frozenset(read_now))
    assert hint is not None
    assert fix in hint


def test_the_languages_flag_keeps_the_languages_run_now() -> None:
    flag = languages_flag(frozenset({"py", "python", "rst"}), "")
    assert flag == "--torchnotes-languages='python py rst bare'"
    assert languages_flag(frozenset(), "py") == "--torchnotes-languages=py"


PYTHON_AND_UNTAGGED = """\
```python
print(1)
```

```output
1
```

```
import torch
print(torch.ones(2))
```
"""


def test_following_the_languages_flag_a_warning_names_runs_both_fences(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """``--torchnotes-languages=bare``, as the warning named it, replaced the list: the
    ```python fence above would no longer have run."""
    write_note(PYTHON_AND_UNTAGGED)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}
    found = re.search(
        r"torchnotes_languages \((--torchnotes-languages=\S.*?)\) to run", result.stdout.str()
    )
    assert found is not None
    (flag,) = shlex.split(found.group(1))
    result = pytester.runpytest(flag)
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1, "ran": 1}
