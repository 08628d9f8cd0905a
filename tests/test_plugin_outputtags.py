"""End to end: output fences tagged as tools tag them are compared and updated, and what is
not read is reported with what would read it."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

TAGGED = """\
```python
print(2 ** 10)
```

```stdout
1000
```

```python
print(2 ** 3)
```

Out:

```none
9
```
"""


def test_tagged_output_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(TAGGED)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines_random(["*-1000", "*+1024", "*-9", "*+8"])
    assert "TorchnotesWarning" not in result.stdout.str()
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == TAGGED.replace("1000", "1024").replace("9\n", "8\n")
    assert pytester.runpytest().ret == 0


def test_a_shell_fence_that_reads_as_printed_output_is_reported(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(1)\n```\n\n```bash\ntensor([1])\n```\n\n```bash\nls\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md:5: fence ```bash after the block at line 1 looks "
            "like its output but is not read: * "
            "--torchnotes-output-fence='output out stdout result bash'"
        ]
    )
    assert result.stdout.str().count("TorchnotesWarning: notes/") == 1


def test_an_output_fence_option_still_reads_a_shell_fence(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(1)\n```\n\n```bash\n2\n```\n")
    result = pytester.runpytest("--torchnotes-output-fence=BASH")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*-2", "*+1"])


DETAILS = """\
```python
print(2 ** 10)
```

<details>
<summary>Output</summary>

```
1000
```

</details>
"""


def test_output_in_a_collapsible_section_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(DETAILS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*-1000", "*+1024"])
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == DETAILS.replace("1000", "1024")
    assert pytester.runpytest().ret == 0


GALLERY = """\
```python
print(2 ** 10)
```

Out:

    1000

Prose after the output.
"""


def test_indented_output_under_a_label_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(GALLERY)
    result = pytester.runpytest("--torchnotes-indented-output")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:7: expected 1000, got 1024*"])
    pytester.runpytest("--torchnotes-indented-output", "--torchnotes-update")
    assert note.read_text(encoding="utf-8") == GALLERY.replace("1000", "1024")
    assert pytester.runpytest("--torchnotes-indented-output").ret == 0


MKDOCS = """\
=== "Code"

    ```python
    print(2 ** 10)
    ```

=== "Output"

    ```
    1000
    ```
"""


def test_output_in_an_mkdocs_tab_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    note = write_note(MKDOCS)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*-1000", "*+1024"])
    pytester.runpytest("--torchnotes-update")
    assert note.read_text(encoding="utf-8") == MKDOCS.replace("1000", "1024")
    assert pytester.runpytest().ret == 0


def test_a_fence_titled_output_is_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note('```python\nprint(2 ** 10)\n```\n\n```text title="Output"\n1000\n```\n')
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:6: expected 1000, got 1024*"])


def test_output_under_a_heading_label_is_compared(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(2 ** 10)\n```\n\n#### Output\n\n```\n1000\n```\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:8: expected 1000, got 1024*"])
