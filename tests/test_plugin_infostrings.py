"""End to end: fences marked as pandoc, Quarto, MyST and mkdocs write them run and are
compared; cells whose options keep them from running are reported; which languages run is an
option with an ini twin."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

TOOLS = """\
```{.python .numberLines}
print(1 + 1)
```

```output
3
```

```{code-cell} ipython3
:tags: [hide-output]
print(2 + 2)
```

```output
5
```

```{python}
#| eval: false
raise SystemExit("never run")
```
"""


def test_blocks_marked_by_other_tools_are_run_and_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(TOOLS)
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines_random(
        [
            "*notes/note.md:1: block 1*",
            "*notes/note.md:9: block 2*",
            "*-3",
            "*+2",
            "*-5",
            "*+4",
            "*TorchnotesWarning: notes/note.md:18: ```{python} is not run: its cell option "
            "`#| eval: false` says the notebook tool does not run it*",
            "*1 note (1 failed), 2 blocks: 2 failed (2 value)",
        ]
    )


def test_a_myst_traceback_keeps_the_notes_line_numbers(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```{code-cell} ipython3\n:tags: [hide-input]\nx = 1\n1 / 0\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md*line 4*", "*ZeroDivisionError*"])


@pytest.mark.parametrize("where", ["flag", "ini"])
def test_the_languages_option_and_its_ini_twin(
    pytester: pytest.Pytester, write_note: WriteNote, where: str
) -> None:
    write_note("```pytorch\nprint(7)\n```\n\n```output\n7\n```\n\n```pycon\n>>> 1\n2\n```\n")
    if where == "ini":
        pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_languages = PyTorch\n")
        result = pytester.runpytest("-rs")
    else:
        result = pytester.runpytest("-rs", "--torchnotes-languages=pytorch")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:9: ```pycon looks like Python but is not run: only "
            "blocks marked pytorch are; add pycon to torchnotes_languages*"
        ]
    )


def test_an_empty_languages_option_is_a_usage_error(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(7)\n```\n")
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_languages =\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*torchnotes_languages*no language given*"])


def test_a_jekyll_highlight_block_runs_and_one_never_closed_is_reported(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("{% highlight python %}\nprint(1)\n{% endhighlight %}\n")
    pytester.runpytest().assert_outcomes(passed=1)
    write_note("{% highlight python %}\nprint(1)\n")
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines_random(
        [
            "SKIPPED [[]1[]] notes/note.md:1: no Python blocks in this note (1 warning names "
            "what is not run: torchnotes check lists them)",
            "*TorchnotesWarning: notes/note.md:1: {% highlight python %} opens a block of code "
            "of a static site that no closing tag ends, which is not run*",
        ]
    )


BARE_TRANSCRIPT = """\
```
>>> import torch
>>> torch.tensor([1, 2]) * 2
tensor([2, 5])
```

```
$ pip install torch
```
"""


@pytest.mark.parametrize("where", ["flag", "ini"])
def test_bare_in_the_languages_runs_transcripts_in_fences_without_info_string(
    pytester: pytest.Pytester, write_note: WriteNote, where: str
) -> None:
    note = write_note(BARE_TRANSCRIPT)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*notes/note.md:1: ``` looks like Python but is not run*bare*"])
    if where == "ini":
        pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_languages = python bare\n")
        args: tuple[str, ...] = ()
    else:
        args = ("--torchnotes-languages=python", "--torchnotes-languages=bare")
    result = pytester.runpytest(*args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:1: example at line 3: output differs*"])
    assert "TorchnotesWarning" not in result.stdout.str()
    pytester.runpytest("--torchnotes-update", *args)
    assert note.read_text(encoding="utf-8") == BARE_TRANSCRIPT.replace("2, 5", "2, 4")


def test_a_d2lbook_chapter_runs_its_pytorch_tabs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\n#@tab pytorch\nprint(2 + 2)\n```\n\n```output\n4\n```\n\n"
        "```python\nfrom mxnet import np\n```\n"
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*VERIFIED block 1, line 1*", "*notes/note.md:10: ```python is not run: it has no #@tab*"]
    )


PASTED_CELLS = """\
```
from __future__ import annotations
import torch
```

```
x = torch.full((2,), 2.0)
print(x)
```

Out:

```
tensor([2., 2.])
```

```
x.add_(1)
print(x.sum())
```

Out:

```
tensor(5.)
```

```
x.sum()
```
"""


def test_cells_pasted_in_fences_without_info_string_run_under_bare(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(PASTED_CELLS)
    result = pytester.runpytest()
    result.assert_outcomes(skipped=1)
    # the first cell imports torch under a __future__ line: the option that runs it is named
    result.stdout.fnmatch_lines(
        ["*notes/note.md:1: ``` looks like Python but is not run*add bare to torchnotes_lang*"]
    )
    args = ("--torchnotes-languages=python bare",)
    result = pytester.runpytest("-v", *args)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*VERIFIED block 2, line 6*",
            "*notes/note.md:17: block 3*value drift*",
            "*notes/note.md:25: expected 5., got 6.*",
        ]
    )
    pytester.runpytest("--torchnotes-update", *args)
    assert note.read_text(encoding="utf-8") == PASTED_CELLS.replace("tensor(5.)", "tensor(6.)")
    pytester.runpytest(*args).assert_outcomes(passed=1)


def test_sessions_in_doctest_and_python_repl_fences_are_run_and_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```doctest\n>>> 1 + 1\n2\n```\n\n```python-repl\n>>> 2 + 2\n5\n```\n\n"
        "```console\n>>> 3\n3\n```\n"
    )
    result = pytester.runpytest("-rA")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:7: >>> 2 + 2",
            "-5",
            "+4",
            "*notes/note.md:11: ```console looks like Python but is not run*add console to "
            "torchnotes_languages*",
            "*2 blocks: 1 verified, 1 failed*",
        ]
    )
