"""End to end: a ``jupyter nbconvert --to markdown`` export, its indented output read under
``--torchnotes-indented-output``, reported when not read, and rewritten by update."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts

EXPORT = """\
# An export

```python
import torch

x = torch.tensor([1.5, 2.25])
print(x.sum())
x
```

    tensor(3.7500)




    tensor([1.5000, 2.2500])

Some prose.

```python
y = x * 2
```

```python
print("a\\n\\nb")
```

    a

    b
"""


def test_on_an_export_passes(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(EXPORT)
    result = pytester.runpytest("--torchnotes-indented-output")
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 3}
    assert "TorchnotesWarning" not in result.stdout.str()


def test_the_ini_key_and_the_front_matter_turn_it_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EXPORT)
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_indented_output = true\n")
    assert block_counts(pytester.runpytest()) == {"verified": 3}
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    write_note("---\ntorchnotes:\n  indented_output: true\n---\n" + EXPORT)
    assert block_counts(pytester.runpytest()) == {"verified": 3}


def test_drift_names_the_lines_of_the_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EXPORT.replace("    tensor([1.5000, 2.2500])", "    tensor([1.5000, 2.5000])"))
    result = pytester.runpytest("--torchnotes-indented-output")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: block 1 ('An export'): value drift*",
            "  notes/note.md:16: expected 2.5000, got 2.2500 *",
            "--- expected (notes/note.md:11)",
            "+++ actual*",
            " tensor(3.7500)",
            "-tensor([1.5000, 2.5000])",
            "+tensor([1.5000, 2.2500])",
        ]
    )


def test_a_block_that_prints_under_no_output_fails(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EXPORT.replace("y = x * 2", "print(x * 2)"))
    result = pytester.runpytest("--torchnotes-indented-output")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:20: block 2 ('An export'): text drift*",
            "  no indented output after the block: it is expected to print nothing",
            "+tensor([3.0000, 4.5000])",
        ]
    )


def test_off_one_warning_names_the_file_the_first_line_and_the_option(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EXPORT)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"ran": 3}
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:11: indented text after the block at line 3 "
            "(and after 1 more block) looks like its output but is not read: the note looks "
            "like a jupyter nbconvert --to markdown export; read its indented output with "
            "--torchnotes-indented-output (ini: torchnotes_indented_output;*"
        ]
    )
    assert result.stdout.str().count("TorchnotesWarning") == 1


def test_update_round_trip_is_byte_exact_and_idempotent(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    drifted = (
        EXPORT.replace("tensor(3.7500)", "tensor(3.)")
        .replace("y = x * 2", "print(x * 2)")
        .replace("    b\n", "    c\n")
        .replace("\n", "\r\n")
    )
    note = write_note(drifted, dedent=False)
    note.write_bytes(b"\xef\xbb\xbf" + drifted.encode("utf-8"))
    result = pytester.runpytest("--torchnotes-indented-output", "--torchnotes-update")
    assert result.ret == 0
    assert block_counts(result) == {"updated": 3}
    expected = EXPORT.replace(
        "y = x * 2\n```\n", "print(x * 2)\n```\n\n    tensor([3.0000, 4.5000])\n"
    ).replace("\n", "\r\n")
    assert note.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    second = pytester.runpytest("--torchnotes-indented-output", "--torchnotes-update")
    assert block_counts(second) == {"verified": 3}
    assert note.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")


def test_update_inside_a_list_item_and_a_block_quote(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = (
        "1. A step:\n\n   ```python\n   print(1)\n   ```\n\n       0\n\n"
        "> ```python\n> print(2)\n> ```\n> Quoted prose.\n"
    )
    note = write_note(text, dedent=False)
    pytester.runpytest("--torchnotes-indented-output", "--torchnotes-update")
    assert note.read_text(encoding="utf-8") == (
        "1. A step:\n\n   ```python\n   print(1)\n   ```\n\n       1\n\n"
        "> ```python\n> print(2)\n> ```\n>\n>     2\n>\n> Quoted prose.\n"
    )
    assert block_counts(pytester.runpytest("--torchnotes-indented-output")) == {"verified": 2}


def test_a_bad_ini_value_names_the_key(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(EXPORT)
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_indented_output = maybe\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*torchnotes: torchnotes_indented_output in tox.ini: 'maybe' is not a boolean*"]
    )


def test_the_sybil_entry_point_reads_it_too(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_sybil import _run_both

    drifted = EXPORT.replace("tensor(3.7500)", "tensor(3.)")
    pytester.makeini("[pytest]\ntorchnotes_indented_output = true\n")
    plugin, sybil = _run_both(
        pytester, monkeypatch, {"export.md": drifted}, 'indented_output="true"'
    )
    assert sybil.blocks == plugin.blocks
    outcomes = {key: outcome for key, (outcome, _) in plugin.blocks.items()}
    assert outcomes == {
        ("export.md", 3): "failed",
        ("export.md", 20): "passed",
        ("export.md", 24): "passed",
    }


#: A notebook export with the traceback of a cell that raised among its outputs.
EXPORTED_TRACEBACK = """\
---
torchnotes:
  indented_output: true
---

```python
import torch
torch.ones(2).view(3)
```


    ---------------------------------------------------------------------------

    RuntimeError                              Traceback (most recent call last)

    Cell In[2], line 1
    ----> 1 torch.ones(2).view(3)


    RuntimeError: shape '[3]' is invalid for input of size 2
"""


def test_an_exported_ipython_traceback_is_the_exception_the_block_raises(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # IPython's traceback, a blank line between its lines as the export writes them, says
    # that the block raises that exception (see tests/test_tracebacks.py)
    write_note(EXPORTED_TRACEBACK)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    assert block_counts(result) == {"verified": 1}
    drifted = EXPORTED_TRACEBACK.replace("input of size 2", "input of size 4")
    note = write_note(drifted)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:6: block 1: exception drift: expected RuntimeError: shape '?3?' is "
            "invalid for input of size 4, got RuntimeError: shape '?3?' is invalid for input "
            "of size 2",
        ]
    )
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    after = note.read_text()
    head = drifted[: drifted.index("    ---")]
    assert after.startswith(head)
    assert after.rstrip().endswith("RuntimeError: shape '[3]' is invalid for input of size 2")
    pytester.runpytest().assert_outcomes(passed=1)


LABELED = """\
# Two cells

```python
print("first")
```

Out:

    first

```python
print("second")
```

**Output:**

More prose.

```python
print("third")
```

输出：
"""


def test_update_writes_under_a_label_with_nothing_under_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(LABELED, dedent=False)
    result = pytester.runpytest("--torchnotes-indented-output", "--torchnotes-update")
    assert block_counts(result) == {"verified": 1, "updated": 2}
    assert note.read_text(encoding="utf-8") == LABELED.replace(
        "**Output:**\n", "**Output:**\n\n    second\n"
    ).replace("输出：\n", "输出：\n\n    third\n")
    second = pytester.runpytest("--torchnotes-indented-output", "--torchnotes-update")
    assert block_counts(second) == {"verified": 3}
    assert note.read_text(encoding="utf-8") == LABELED.replace(
        "**Output:**\n", "**Output:**\n\n    second\n"
    ).replace("输出：\n", "输出：\n\n    third\n")
