"""End to end: output under a label is compared and updated, unread output is reported,
front matter, bare CRs and transcripts as a pytest run sees them, display as in Jupyter."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

LABELED = """\
# Labels

```python
print(2 ** 10)
```

输出：

```
1000
```

Prose that stays.

```python
print("ok")
```
Out[2]:
```text
ok
```
"""


def test_output_under_a_label_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(LABELED)
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:3: block 1*", "*-1000", "*+1024"])
    assert "TorchnotesWarning" not in result.stdout.str()
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == LABELED.replace("1000", "1024")
    assert pytester.runpytest().ret == 0


def test_output_that_is_not_read_is_a_warning(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# T\n\n```python\nprint(1)\n```\n\nSome prose.\n\n```output\n2\n```\n")
    result = pytester.runpytest()
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:9: fence ```output after the block at line 3 "
            "looks like its output but is not read: only blank lines and one label line may "
            "stand between a block and its output, line 7 is text*"
        ]
    )


def test_a_thematic_break_at_the_top_is_not_front_matter(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("---\n\nA note.\n\n---\n\n```python\nraise ValueError('ran')\n```\n")
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:7: block 1*ValueError: ran*"])


def test_a_stray_bare_cr_hides_no_block(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "# T\n\n```python\nx = 1\r```\n\n```python\nprint(x + 1)\n```\n\n```output\n3\n```\n",
        dedent=False,
    )
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:7: block 2*", "*-3", "*+2"])


def test_transcript_code_behind_no_prompt_fails_the_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("# T\n\n```python\n>>> x = 1\n\nprint(x)\n```\n")
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*notes/note.md:6: code not behind a >>> prompt*"])


TORCHINFO = """\
```python
import torch
from torchinfo import summary

summary(torch.nn.Linear(2, 3), input_size=(1, 2))

======== output ==========
```
"""


def test_a_torchinfo_summary_is_written_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(TORCHINFO)
    pytester.runpytest("--torchnotes-update")
    text = note.read_text(encoding="utf-8")
    assert text.count("Total params: 9") == 1
    assert pytester.runpytest().ret == 0


def test_output_fences_turned_off_are_off_after_labels_too(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(1)\n```\n\n输出：\n\n```\n2\n```\n")
    assert pytester.runpytest().ret == 1
    result = pytester.runpytest("--torchnotes-output-fence=none")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*TorchnotesWarning: notes/note.md:7: fence without info*"])


PYTHON_UNDER_A_LABEL = """\
```python
import torch
print(torch.tensor([1, 2]) * 2)
```
结果是：
```python
tensor([2, 5])
```

```python
torch.tensor([1.5]).dtype
```

Output:

```python
torch.float32
```
"""


def test_output_in_a_python_fence_under_a_label_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(PYTHON_UNDER_A_LABEL)
    result = pytester.runpytest("-v")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*VERIFIED block 2, line 10*", "*notes/note.md:1: block 1*", "*expected 5, got 4*"]
    )
    assert "NameError" not in result.stdout.str()
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == PYTHON_UNDER_A_LABEL.replace("[2, 5]", "[2, 4]")
    assert pytester.runpytest().ret == 0
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == PYTHON_UNDER_A_LABEL.replace("[2, 5]", "[2, 4]")


def test_a_second_output_fence_is_reported_not_dropped(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nprint(1)\n2\n```\n\n**Output:**\n```\n1\n```\n\n**Output:**\n```\n2\n```\n"
    )
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        ["*notes/note.md:12: a second output fence after the block at line 1, whose output*"]
    )


XDOCTEST_CONTINUED = (
    "```python\n>>> import torch\n>>> m = torch.nn.Sequential(\n>>>     torch.nn.Flatten(),\n"
    ">>> )\n>>> for i in range(2):\n>>>     print(i)\n{loop}>>> len(m)\n1\n```\n"
)


@pytest.mark.parametrize("loop", ["0\n1\n", "0\n2\n"], ids=["same", "other"])
def test_a_transcript_continued_with_prompts_runs_as_xdoctest_reads_it(
    pytester: pytest.Pytester, write_note: WriteNote, loop: str
) -> None:
    """PyTorch's docstrings put >>> before the lines of an unfinished statement: the
    statement runs whole, and what it prints is compared with the output under it."""
    write_note(XDOCTEST_CONTINUED.format(loop=loop))
    result = pytester.runpytest("-v")
    if loop == "0\n1\n":
        result.assert_outcomes(passed=1)
        return
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["notes/note.md:6: >>> for i in range(2):", "*expected (notes/note.md:8)", "-2", "+1"]
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert (pytester.path / "notes" / "note.md").read_text() == XDOCTEST_CONTINUED.format(
        loop="0\n1\n"
    )


def test_a_transcript_continued_without_prompts_is_named(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\n>>> def f(x):\n    return x * 2\n>>> f(2)\n4\n```\n")
    result = pytester.runpytest()
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        ["*notes/note.md:3: line 3 goes on with the unfinished statement of the >>> prompt*"]
    )
