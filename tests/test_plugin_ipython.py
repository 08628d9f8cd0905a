"""End to end: IPython transcripts run prompt by prompt, fail at the note's line, and are
updated in IPython's form, byte for byte, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.update.refusals import IPYTHON_FIX
from tests.conftest import WriteNote, block_counts

SAMPLES = Path(__file__).parent / "samples" / "ipython"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["single.md", "split.md", "pycharm.md"])
def test_the_samples_pass(pytester: pytest.Pytester, write_note: WriteNote, name: str) -> None:
    write_note(sample(name), dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    blocks = {"single.md": 1, "split.md": 2, "pycharm.md": 1}[name]
    assert block_counts(result) == {"verified": blocks}


def test_drift_points_at_the_prompt_and_its_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(sample("drift.md"), dedent=False)
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:6: In [2]: torch.tensor([1.5, 2.25]) * 2",
            "  output differs",
            "--- expected (notes/note.md:7)",
            "+++ actual (torch *)",
            "-tensor([3.0, 4.0])",
            "+tensor([3.0000, 4.5000])",
            "*accept it: pytest notes/note.md --torchnotes-update",
        ]
    )
    result.stdout.fnmatch_lines(
        ["FAILED *note.md::note - line 3: In ?2? at line 6: output differs"]
    )


SPLIT_DRIFT = """\
# Split

```python
In [1]: import torch

In [2]: t = torch.arange(4)

In [3]: print(t.dtype); t.sum()
```

输出：

```
torch.int32
Out[3]: tensor(5)
```
"""


def test_split_drift_points_into_the_output_fence(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SPLIT_DRIFT)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: In [3]: print(t.dtype); t.sum()",
            "  output differs",
            "--- expected (notes/note.md:14)",
            "*",
            "*",
            "-torch.int32",
            "-tensor(5)",
            "+torch.int64",
            "+tensor(6)",
        ]
    )


NEW_OUTPUT = """\
# New output

> ```python
> In [1]: import torch
>
> In [2]: t = torch.ones(2, 2)
> In [3]: t
> In [4]: print("a\\n\\nb"); 5
> Out[4]: 6
>
> In [5]: t.sum()
> Out[5]: tensor(3.)
>
> In [6]: int("x")
> ---------------------------------------------------------------------------
> ValueError                                Traceback (most recent call last)
> Cell In[6], line 1
> ----> 1 int("x")
>
> ValueError: invalid literal for int() with base 10: 'x'
> ```

Prose that stays.

```python
In [7]: z = torch.zeros(3)

In [8]: print("printed"); z + 1
```

Out:

```text
printed
Out[8]: tensor([2., 2., 2.])
```
"""

UPDATED = (
    NEW_OUTPUT.replace(
        "> In [3]: t\n",
        "> In [3]: t\n> Out[3]:\n> tensor([[1., 1.],\n>         [1., 1.]])\n",
    )
    .replace("> Out[4]: 6\n", "> a\n> <BLANKLINE>\n> b\n> Out[4]: 5\n")
    .replace("tensor(3.)", "tensor(4.)")
    .replace("tensor([2., 2., 2.])", "tensor([1., 1., 1.])")
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_update_writes_ipython_form_byte_for_byte_once(
    pytester: pytest.Pytester, write_note: WriteNote, newline: str
) -> None:
    note = write_note("")
    note.write_bytes(NEW_OUTPUT.replace("\n", newline).encode("utf-8"))
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["rewrote 4 outputs in 1 note:"])
    assert note.read_bytes() == UPDATED.replace("\n", newline).encode("utf-8")
    second = pytester.runpytest("--torchnotes-update")
    second.assert_outcomes(passed=1)
    assert "torchnotes update" not in second.stdout.str()
    assert note.read_bytes() == UPDATED.replace("\n", newline).encode("utf-8")
    assert block_counts(pytester.runpytest()) == {"verified": 2}


#: A transcript whose second prompt raises with another message than the note shows, the
#: frames written as IPython's rich traceback, the block quoted; what the update writes.
DRIFTED_EXCEPTION = """\
> ```python
> In [1]: import torch
>
> In [2]: torch.ones(2, 3) + torch.ones(4)
> ---------------------------------------------------------------------------
> RuntimeError                              Traceback (most recent call last)
> Cell In[2], line 1
> ----> 1 torch.ones(2, 3) + torch.ones(4)
>
> RuntimeError: The size of tensor a (3) must match the size of tensor b (5)
>
> In [3]: print("after")
> after
> ```
"""

UPDATED_EXCEPTION = DRIFTED_EXCEPTION.replace(
    "tensor b (5)\n", "tensor b (4) at non-singleton dimension 1\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_update_rewrites_a_changed_exception_message_once(
    pytester: pytest.Pytester, write_note: WriteNote, newline: str
) -> None:
    note = write_note("")
    note.write_bytes(DRIFTED_EXCEPTION.replace("\n", newline).encode("utf-8"))
    failing = pytester.runpytest()
    assert failing.ret == 1
    failing.stdout.fnmatch_lines(
        ["  expected RuntimeError: The size of tensor a (3) must match the size of tensor b (5)*"]
    )
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["rewrote 1 output in 1 note:"])
    updated = UPDATED_EXCEPTION.replace("\n", newline).encode("utf-8")
    assert note.read_bytes() == updated
    second = pytester.runpytest("--torchnotes-update")
    second.assert_outcomes(passed=1)
    assert "torchnotes update" not in second.stdout.str()
    assert note.read_bytes() == updated
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_update_writes_another_exception_type_under_the_frames(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nIn [1]: int('x')\nTraceback (most recent call last):\n"
        '  File "<stdin>", line 1, in <module>\nTypeError: bad\n  second line\n\n'
        "In [2]: 1\nOut[2]: 1\n```\n"
    )
    note = write_note(text)
    failing = pytester.runpytest()
    assert failing.ret == 1
    failing.stdout.fnmatch_lines(
        [
            "notes/note.md:2: In [1]: int('x')",
            "  expected TypeError: bad",
            "  second line, got ValueError: invalid literal for int() with base 10: 'x'",
        ]
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    written = "ValueError: invalid literal for int() with base 10: 'x'\n"
    assert note.read_text() == text.replace("TypeError: bad\n  second line\n", written)
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_update_rewrites_the_exception_in_the_output_fence_of_the_split_form(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nIn [1]: int('x')\n```\n\nOut:\n\n```text\n"
        "Traceback (most recent call last):\n  ...\nValueError: old\n```\n"
    )
    note = write_note(text)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    updated = text.replace(
        "ValueError: old\n", "ValueError: invalid literal for int() with base 10: 'x'\n"
    )
    assert note.read_text() == updated
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_update_writes_what_a_prompt_printed_and_its_new_exception_at_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nIn [1]: print('now'); int('x')\nbefore\nTraceback (most recent call last):\n"
        "  ...\nValueError: old\n```\n"
    )
    note = write_note(text)
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    updated = text.replace("before\n", "now\n").replace(
        "ValueError: old\n", "ValueError: invalid literal for int() with base 10: 'x'\n"
    )
    assert note.read_text() == updated
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_a_changed_exception_after_a_prompt_that_raised_unexpectedly_still_fails(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "```python\nIn [1]: 1 / 0\n\nIn [2]: int('x')\nTraceback (most recent call last):\n"
        "  ...\nValueError: old\n```\n"
    )
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["could not fix 1 block, still failing:", "*ZeroDivisionError: division by zero*"]
    )
    assert note.read_text() == text.replace(
        "ValueError: old\n", "ValueError: invalid literal for int() with base 10: 'x'\n"
    )


@pytest.mark.parametrize(
    ("shown", "written"),
    [
        ("  ...\nValueError: bad\n", "Out[2]: 1\n"),
        ('  File "<stdin>", line 1\nValueError: two\n  lines\n\n', "Out[2]: 1\n\n"),
    ],
)
def test_a_prompt_that_no_longer_raises_gets_its_output_for_its_traceback(
    pytester: pytest.Pytester, write_note: WriteNote, shown: str, written: str
) -> None:
    text = (
        "```python\nIn [1]: print('ok')\nok\n\nIn [2]: print('a'); int('1')\n"
        f"Traceback (most recent call last):\n{shown}```\n"
    )
    note = write_note(text)
    failing = pytester.runpytest()
    assert failing.ret == 1
    failing.stdout.fnmatch_lines(["  expected ValueError: *", "*, but nothing was raised"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    updated = text.replace(f"Traceback (most recent call last):\n{shown}", "a\n" + written)
    assert note.read_text() == updated
    assert block_counts(pytester.runpytest()) == {"verified": 1}
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert note.read_text() == updated


def test_a_prompt_that_raises_unexpectedly_shows_the_note_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nIn [1]: x = 1\n\nIn [2]: def f():\n   ...:     return 1 / 0\n\n"
        "In [3]: f()\n```\n"
    )
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*In ?3? at line 7: the block raised ZeroDivisionError: division by zero*",
            '*File "*note.md", line 5, in f*',
            "*return 1 / 0*",
        ]
    )


def test_a_prompt_without_a_place_for_its_output_is_not_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = "```python\nIn [1]: print('hi')\nIn [2]: 2\n```\n\n```text\nOut[2]: 2\n```\n"
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "Not updated: line 2: In [1] has no output in the fence at line 6: write its Out[1]:"
            " line there, and update again."
        ]
    )
    assert note.read_text() == text


def test_a_malformed_transcript_fails_its_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(sample("malformed.md"), dedent=False)
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:8: Out?1? without an In ?n?: prompt*(block 1 (*) is not run)",
            "notes/note.md:16: a ...: line with no In ?n?: prompt right above it, so no example*",
            "notes/note.md:21: a >>> prompt in an IPython transcript: use one kind of prompt*",
            "notes/note.md:27: an In ?n?: prompt in a >>> transcript: use one kind of prompt*",
        ]
    )


RAISES = """\
```python
In [1]: print("checking"); int("x")
checked
Traceback (most recent call last):
  File "<stdin>", line 1, in <module>
ValueError: invalid literal for int() with base 10: 'x'

In [2]: print("before"); 1 / 0
---------------------------------------------------------------------------
ZeroDivisionError                         Traceback (most recent call last)
Cell In[2], line 1
----> 1 print("before"); 1 / 0

ZeroDivisionError: division by zero
```
"""


def test_what_a_raising_prompt_prints_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(RAISES)
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*line 1: In ?1? at line 2: output differs"])
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    updated = RAISES.replace("checked\n", "checking\n").replace("1 / 0\n---", "1 / 0\nbefore\n---")
    assert note.read_text() == updated
    assert block_counts(pytester.runpytest()) == {"verified": 1}


def test_the_sybil_entry_point_gives_the_same_verdicts(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_sybil import _run_both

    notes = {name: sample(name) for name in ("single.md", "split.md", "drift.md")}
    plugin, sybil = _run_both(pytester, monkeypatch, notes)
    assert sybil.blocks == plugin.blocks
    assert {key: outcome for key, (outcome, _) in plugin.blocks.items()} == {
        ("single.md", 5): "passed",
        ("split.md", 5): "passed",
        ("split.md", 26): "passed",
        ("drift.md", 3): "failed",
    }
    assert plugin.blocks["drift.md", 3][1][0] == "drift.md:6: In [2]: torch.tensor([1.5, 2.25]) * 2"


@pytest.mark.parametrize(
    ("printed", "reason"),
    [
        (
            "'Traceback (most recent call last):\\nValueError: x'",
            "the output would read as something else than what the prompt shows",
        ),
        (
            "'-' * 25 + '\\nX  Traceback (most recent call last)'",
            "the transcript would no longer read: the traceback after In [1] at line 2 has no "
            "line that names the exception (ValueError: message) to compare",
        ),
    ],
)
def test_output_that_would_read_as_a_traceback_is_not_written(
    pytester: pytest.Pytester, write_note: WriteNote, printed: str, reason: str
) -> None:
    text = f"```python\nIn [1]: print({printed})\n```\n"
    note = write_note(text)
    result = pytester.runpytest("--torchnotes-update")
    assert result.ret == 1
    assert f"Not updated: line 2: {reason}: {IPYTHON_FIX}." in result.stdout.lines
    assert note.read_text() == text


#: ``torch.manual_seed`` as a cell's last line: IPython's ``Out[n]`` leaves out "object",
#: and notes abbreviate the address; the block runs with ``repr()``.
SEED_VALUE = """\
```python
In [1]: import torch
   ...: torch.manual_seed(0)
Out[1]: <torch._C.Generator at 0x7f8b2c0d1f30>

In [2]: torch.rand(2)
Out[2]: tensor([0.4963, 0.7682])
```

```python
>>> torch.manual_seed(0)
<torch._C.Generator object at 0x7f...>
```

```python
torch.manual_seed(0)

=== output ===
<torch._C.Generator at 0x7fd8c0b2e8b0>
```
"""


def test_an_object_shown_by_ipython_matches_its_repr(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SEED_VALUE)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 3}


#: Magics under IPython prompts, as consoles and notebooks record them.
MAGIC_PROMPTS = """\
```python
In [1]: %matplotlib inline
   ...: import torch

In [2]: %timeit torch.ones(3)
1.2 µs ± 10 ns per loop (mean ± std. dev. of 7 runs, 1,000,000 loops each)

In [3]: %time y = torch.arange(3) * 2
CPU times: user 31 µs, sys: 0 ns, total: 31 µs
Wall time: 35.8 µs

In [4]: y
Out[4]: tensor([0, 2, 4])
```
"""


def test_magics_under_prompts_run_as_in_blocks(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # A %timeit prompt failed the whole transcript with a SyntaxError.
    write_note(MAGIC_PROMPTS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}
    write_note(MAGIC_PROMPTS.replace("tensor([0, 2, 4])", "tensor([0, 2, 5])"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/note.md:12: In [4]: y", "  output differs"])


UNPROMPTED = """\
```python
In [1]: import torch
In [2]: t = torch.tensor([[1, 2],
\t                  [3, 4]])
In [3]: print(t.sum())
Out[3]:
tensor(10)
```

```python
import torch
print(torch.ones(1))
```

```output
tensor([1.])
```
"""


def test_a_statement_continued_without_the_prompt_is_named_and_the_note_runs_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The rest of an unclosed bracket with no ``...:`` prompt (a blog's copy of a
    transcript) was read as In [2]'s output, and the block failed with a SyntaxError that
    blamed the code; the line is named with what to write, and the next block runs."""
    write_note(UNPROMPTED, dedent=False)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:4: line 4 goes on with the unfinished statement of In ?2? at line 3 "
            "without IPython's ...: prompt*",
        ]
    )
    assert "SyntaxError" not in result.stdout.str()
    assert block_counts(result)["verified"] == 1
