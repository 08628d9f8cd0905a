"""IPython magics in Python blocks: which lines are magics, what Python replaces them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.magics import (
    DROPPED,
    HELP,
    MAGIC,
    NOT_RUN,
    SHELL,
    TIMED,
    TIMING_LINE,
    prepare,
)
from pytest_torchnotes.markdown.parsers import NoteParser

SAMPLES = Path(__file__).parent / "samples" / "magics"


def _kinds(code: str) -> list[tuple[int, str, str]]:
    prepared = prepare(code)
    assert prepared is not None
    return [(magic.offset, magic.word, magic.kind) for magic in prepared.magics]


def test_the_sample_notebook_note() -> None:
    note = NoteParser().parse((SAMPLES / "notebook.md").read_text(encoding="utf-8"))
    prepared = [prepare(block.code) for block in note.blocks]
    assert all(item is not None for item in prepared)
    first, timed, cell, run = (item for item in prepared if item is not None)
    assert [(m.offset, m.word, m.kind) for m in first.magics] == [
        (0, "%matplotlib", DROPPED),
        (1, "%config", DROPPED),
        (2, "!pip", SHELL),
    ]
    assert first.code.split("\n")[:4] == ["pass", "pass", "pass", "import torch"]
    assert first.notes(3) == [
        "line 4: IPython magic %matplotlib left out (it only configures the notebook)",
        "line 5: IPython magic %config left out (it only configures the notebook)",
        "line 6: shell escape !pip not run",
    ]
    assert timed.code == "y = x * 2\nprint(y.tolist())"
    assert timed.timed
    assert cell.code == "pass\nz = x + 1\nz.max()"
    assert not cell.display
    assert run.not_run is not None
    assert run.not_run.word == "%run"


@pytest.mark.parametrize(
    "code",
    [
        "x = 7 % 4",
        "x = (7\n%4)",
        "s = '''\n%matplotlib inline\n!pip install x\n'''",
        "print('%d' % 3)",
        "a != b",
        "",
    ],
)
def test_python_is_never_a_magic(code: str) -> None:
    assert prepare(code) is None


def test_a_syntax_error_is_reported_at_its_own_line() -> None:
    """Known magics are left out of a block that does not compile, so that its syntax error
    names the line at fault; with a line that may be an unknown magic or Python (in a
    string), the block is left as written."""
    prepared = prepare("%matplotlib inline\nx = (1,")
    assert prepared is not None
    assert prepared.code == "pass\nx = (1,"
    with pytest.raises(SyntaxError) as error:
        compile(prepared.code, "<test>", "exec")
    assert error.value.lineno == 2
    assert prepare("s = '''\n%d items\n'''\nx = (1,") is None


@pytest.mark.parametrize(
    ("code", "python", "kinds"),
    [
        ("%time y = f(2)", "y = f(2)", [(0, "%time", TIMED)]),
        ("x = %time f(2)", "x = f(2)", [(0, "%time", TIMED)]),
        ("%timeit -n 10 -r 3 f(2)", "f(2)", [(0, "%timeit", TIMED)]),
        ("if True:\n    %time f(2)", "if True:\n    f(2)", [(1, "%time", TIMED)]),
        ("%%time\nf(2)", "pass\nf(2)", [(0, "%%time", TIMED)]),
        ("%%timeit -q y = 1\nf(y)", "y = 1\nf(y)", [(0, "%%timeit", TIMED)]),
        ("%autoreload 2\nf(2)", "pass\nf(2)", [(0, "%autoreload", DROPPED)]),
        ("%load_ext autoreload", "pass", [(0, "%load_ext", DROPPED)]),
        (
            "%pip install x\n!!ls\n%conda list",
            "pass\npass\npass",
            [(0, "%pip", SHELL), (1, "!!ls", SHELL), (2, "%conda", SHELL)],
        ),
        ("%sx ls\n%system ls", "pass\npass", [(0, "%sx", SHELL), (1, "%system", SHELL)]),
        ("files = !ls", "pass", [(0, "!ls", NOT_RUN)]),
        ("%run other.py", "pass", [(0, "%run", NOT_RUN)]),
        ("%precision 3", "pass", [(0, "%precision", NOT_RUN)]),
        ("torch.tensor?", "pass", [(0, "torch.tensor?", NOT_RUN)]),
        ("f(1)\n%%time\nf(2)", "f(1)\npass\nf(2)", [(1, "%%time", NOT_RUN)]),
        ("%time", "pass", [(0, "%time", NOT_RUN)]),
        ("%%time x = 1\nf(x)", "%%time x = 1\nf(x)", [(0, "%%time", NOT_RUN)]),
    ],
)
def test_what_each_magic_becomes(code: str, python: str, kinds: list[tuple[int, str, str]]) -> None:
    prepared = prepare(code)
    assert prepared is not None
    assert prepared.code == python
    assert _kinds(code) == kinds


def test_a_cell_magic_that_is_not_timing_keeps_the_block_from_running() -> None:
    prepared = prepare("%%bash\nls -l\n")
    assert prepared is not None
    assert prepared.not_run is not None
    assert (
        prepared.not_run.note(2)
        == "line 3: IPython magic %%bash is not Python: the block is not run"
    )


def test_display_follows_ipython() -> None:
    """``%time`` shows its value, ``%timeit`` does not."""
    assert prepare("%time 1 + 1").display  # type: ignore[union-attr]
    assert not prepare("%timeit 1 + 1").display  # type: ignore[union-attr]
    assert prepare("%timeit 1 + 1\nx = 2\nx").display  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "line",
    [
        "CPU times: user 31 µs, sys: 0 ns, total: 31 µs",
        "Wall time: 35.8 µs",
        "Compiler time: 0.12 s",
        "4.12 µs ± 112 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)",
        "1000 loops, best of 3: 1.23 ms per loop",
        "The slowest run took 5.12 times longer than the fastest. This could mean that an "
        "intermediate result is being cached.",
    ],
)
def test_timing_lines(line: str) -> None:
    assert TIMING_LINE.match(line)


@pytest.mark.parametrize("line", ["tensor([1, 2])", "time: 3 s", "Wall: 2"])
def test_other_lines_are_not_timing_lines(line: str) -> None:
    assert not TIMING_LINE.match(line)


PYTHON_LINES = st.sampled_from(
    ["x = 1", "y = x % 3", "print(x)", "if x:", "    pass", "s = '%d' % x", "", "# %time"]
)
MAGIC_LINES = st.sampled_from(
    [
        "%matplotlib inline",
        "!pip install torch",
        "%time x = 2",
        "%timeit x + 1",
        "%run x.py",
        "%pip install x",
        "x?",
    ]
)


@given(st.lists(st.one_of(PYTHON_LINES, MAGIC_LINES), max_size=12))
def test_magic_lines_become_python_line_for_line(lines: list[str]) -> None:
    code = "\n".join(lines)
    prepared = prepare(code)
    if prepared is None:
        return
    assert prepared.code.count("\n") == code.count("\n")
    if prepared.not_run is not None:  # only code that compiles can hold an unknown magic
        compile(prepared.code, "<test>", "exec")
    kept = {magic.offset for magic in prepared.magics}
    for offset, (line, new) in enumerate(zip(lines, prepared.code.split("\n"), strict=True)):
        if offset not in kept:
            assert new == line


@given(st.text(alphabet=" \t=._x1%!?", max_size=12))
def test_a_line_read_as_a_magic_holds_a_magic_character(line: str) -> None:
    """``prepare`` passes over a block that holds none of ``%``, ``!`` and ``?``."""
    if MAGIC.match(line) or HELP.match(line):
        assert {"%", "!", "?"} & set(line)
    else:
        assert prepare(line) is None


SHELL_NOTE = """\
# GPU

```python
!nvidia-smi -L
```

```output
GPU 0: Tesla T4 (UUID: GPU-1234)
```

```python
!pip install torchinfo
import torch
```

Output:

```
Successfully installed torchinfo-1.8.0
```

```python
!echo hi
print(2)
```

```output
hi
2
```
"""


def test_the_output_of_a_shell_escape_that_is_not_run_is_not_compared(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = .\n")
    path = pytester.makefile(".md", gpu=SHELL_NOTE)
    written = path.read_text(encoding="utf-8")
    result = pytester.runpytest()
    # the block that prints too is compared, the line its shell escape printed set apart
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*3 blocks: 1 verified (1 loosely: 1 output of shell escapes not compared),"
            " 2 not compared*",
            "note: gpu.md:4: shell escape !nvidia-smi not run; the block's expected output is "
            "what it printed, and is not compared",
            "note: gpu.md:12: shell escape !pip not run; the block's expected output is what "
            "it printed, and is not compared",
            "note: gpu.md:23: shell escape !echo not run",
        ]
    )
    # update leaves the output of the shell escapes as it is
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text(encoding="utf-8") == written


TIMED_NOTE = """\
```python
%time y = 6 * 7
print(y)
```

```output
CPU times: user 3 µs, sys: 0 ns, total: 3 µs
Wall time: 5.01 µs
42
```
"""


def test_a_block_whose_timing_lines_were_not_compared_is_verified_loosely(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = .\n")
    pytester.makefile(".md", timed=TIMED_NOTE)
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*::note VERIFIED block 1, line 1 (2 timing lines not compared)*",
            "*1 block: 1 verified (1 loosely: 1 timing lines not compared)",
        ]
    )
