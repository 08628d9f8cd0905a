"""Tabs of a published page that hold the same code per framework: the PyTorch tab runs,
another framework's tab beside it is not run, with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.notelines import shown
from tests.conftest import WriteNote

SAMPLE = Path(__file__).parent / "samples" / "framework_tabs.md"


def test_other_frameworks_beside_a_pytorch_tab_are_not_run() -> None:
    note = NoteParser().parse(SAMPLE.read_text(encoding="utf-8"))
    # mkdocs tabs, Docusaurus tabs, GitBook tabs; a tab of another framework in a page with
    # no PyTorch tab runs (line 35), a NumPy tab runs (NumPy runs here)
    assert [shown(block.first_line) for block in note.blocks] == [5, 35, 42, 56, 71, 77, 81]
    assert [shown(block.line_index) for block in note.not_run] == [13, 20, 49, 66]
    whys = {shown(block.line_index): block.why for block in note.not_run}
    assert '"JAX / Flax" (line 18)' in whys[20]
    assert '"TensorFlow" (line 47)' in whys[49]
    assert '"MXNet" (line 65)' in whys[66]
    # one warning for the note's other frameworks' tabs, at the first, naming the others
    warnings = {shown(p.line_index): p.message for p in note.problems if p.severity == "warning"}
    assert warnings[13] == (
        '```python is not run: it is in the tab "TensorFlow" (line 11), the code for another '
        "framework beside a PyTorch tab; the page shows one tab at a time and the PyTorch one "
        "runs here (and 3 more blocks of other frameworks' tabs in this note, not run either: "
        "lines 20, 49, 66)"
    )
    assert not {20, 49, 66} & set(warnings)


@pytest.mark.parametrize(
    "title", ["Keras", "TensorFlow 2", "tf", "JAX", "PaddlePaddle", "MindSpore", "MXNet"]
)
def test_each_other_framework(title: str) -> None:
    text = (
        '=== "PyTorch"\n\n    ```python\n    a = 1\n    ```\n\n'
        f'=== "{title}"\n\n    ```python\n    a = 2\n    ```\n'
    )
    note = NoteParser().parse(text)
    assert [shown(block.first_line) for block in note.blocks] == [3]
    assert [shown(block.line_index) for block in note.not_run] == [9]


def test_text_as_far_out_as_the_tabs_ends_their_group() -> None:
    # a PyTorch tab, then prose, then a new group of one TensorFlow tab: that one runs
    text = (
        '=== "PyTorch"\n    ```python\n    a = 1\n    ```\n\nSome prose.\n\n'
        '=== "TensorFlow"\n    ```python\n    a = 2\n    ```\n\n'
        "```python\nb = 3\n```\n"
    )
    note = NoteParser().parse(text)
    assert [shown(block.first_line) for block in note.blocks] == [2, 9, 13]
    assert note.not_run == []


def test_a_note_without_tabs_is_not_read_for_them() -> None:
    note = NoteParser().parse('```python\n# === "TensorFlow"\nx = 1\n```\n')
    assert len(note.blocks) == 1


def test_the_pytorch_tabs_run_and_a_name_only_another_tab_binds_says_so(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(SAMPLE.read_text(encoding="utf-8"), dedent=False)
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:81: block 7 (*): the block raised NameError: name 'tf' is not defined*",
            "  follows from the block not run (line 13), which is not run: it is in the tab "
            '"TensorFlow" (line 11)*',
            '*notes/note.md:13: ```python is not run: it is in the tab "TensorFlow" (line 11)*',
        ]
    )
    # every other block ran: the tabs of PyTorch (the first compared with its output tab
    # after those of TensorFlow and JAX), the Keras-only page, NumPy
    result.stdout.fnmatch_lines(["*7 blocks: 1 verified, 5 ran, 1 follow-on*"])


#: A PyTorch tab that holds a group of its own (CPU and CUDA), then another framework's tab.
NESTED_CONTENT_TABS = """=== "PyTorch"

    === "CPU"

        ```python
        a = 1
        ```

    === "CUDA"

        ```python
        a = 2
        ```

    ```python
    b = 3
    ```

=== "{other}"

    ```python
    import tensorflow as tf
    ```

```python
c = 4
```
"""

#: The same in Docusaurus's tabs.
NESTED_ELEMENT_TABS = """<Tabs>
<TabItem value="pt" label="PyTorch">

<Tabs>
<TabItem value="cpu" label="CPU">

```python
a = 1
```

</TabItem>
<TabItem value="gpu" label="GPU">

```python
a = 2
```

</TabItem>
</Tabs>

```python
b = 3
```

</TabItem>
<TabItem value="tf" label="{other}">

```python
import tensorflow as tf
```

</TabItem>
</Tabs>

```python
c = 4
```
"""


@pytest.mark.parametrize(
    ("text", "ran", "not_run"),
    [
        (NESTED_CONTENT_TABS, [5, 11, 15], [21]),
        (NESTED_ELEMENT_TABS, [7, 14, 21], [28]),
    ],
    ids=["mkdocs", "docusaurus"],
)
@pytest.mark.parametrize("other", ["TensorFlow", "Keras", "JAX"])
def test_a_pytorch_tab_that_holds_tabs_of_its_own_is_still_beside_the_other_framework(
    text: str, ran: list[int], not_run: list[int], other: str
) -> None:
    # the tabs inside the PyTorch tab are a group of their own; the tab after them is in
    # the PyTorch tab's group, and the block after the whole group runs
    note = NoteParser().parse(text.format(other=other))
    after = text.format(other=other).split("\n").index("c = 4")
    assert [shown(block.first_line) for block in note.blocks] == [*ran, after]
    assert [shown(block.line_index) for block in note.not_run] == not_run


def _tabs(*tabs: tuple[str, str]) -> str:
    return "".join(
        f'=== "{title}"\n\n' + "".join(f"    {line}\n" for line in body.splitlines()) + "\n"
        for title, body in tabs
    )


PYTORCH_TAB = ("PyTorch", "```python\nprint(1 + 1)\n```")
OTHER_TAB = ("TensorFlow", "```python\nprint(tf.add(1, 1))\n```")


@pytest.mark.parametrize(
    "tabs",
    [
        [PYTORCH_TAB, OTHER_TAB, ("Output", "```\n2\n```")],
        [
            PYTORCH_TAB,
            OTHER_TAB,
            ("JAX", "```python\nprint(jnp.add(1, 1))\n```"),
            ("Output", "```\n2\n```"),
        ],
        [PYTORCH_TAB, OTHER_TAB, ("输出", "```text\n2\n```")],
        [PYTORCH_TAB, ("Output", "```\n2\n```")],
    ],
)
def test_an_output_tab_after_other_frameworks_tabs_is_the_pytorch_blocks_output(
    tabs: list[tuple[str, str]],
) -> None:
    note = NoteParser().parse("# Tabs\n\n" + _tabs(*tabs))
    (block,) = note.blocks
    assert block.expected == "2"


@pytest.mark.parametrize(
    "tabs",
    [
        # the other framework's own output, in its tab
        [PYTORCH_TAB, ("TensorFlow", "```python\nprint(tf.add(1, 1))\n```\n\n```\n2\n```")],
        # a tab that names PyTorch again, or another framework
        [PYTORCH_TAB, OTHER_TAB, ("PyTorch Lightning", "```\n2\n```")],
    ],
)
def test_no_other_tab_is_read_as_the_pytorch_blocks_output(tabs: list[tuple[str, str]]) -> None:
    note = NoteParser().parse("# Tabs\n\n" + _tabs(*tabs))
    assert all(block.expected is None for block in note.blocks)


def test_an_output_tab_of_another_group_is_not_read() -> None:
    text = _tabs(PYTORCH_TAB, OTHER_TAB) + "Prose.\n\n" + _tabs(("Output", "```\n2\n```"))
    (block,) = NoteParser().parse(text).blocks
    assert block.expected is None


def test_the_output_tab_is_compared_and_updated(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    text = "# Tabs\n\n" + _tabs(PYTORCH_TAB, OTHER_TAB, ("Output", "```\n3\n```"))
    path = write_note(text, dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["-3", "+2"])
    pytester.runpytest("-p", "no:randomly", "--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_text() == text.replace("    3\n", "    2\n")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def _d2l_chapter(sections: int) -> str:
    """A d2lbook chapter: each section's code in MXNet (no tab line), PyTorch and
    TensorFlow/JAX tabs, and a block for all."""
    parts = ["# A chapter\n"]
    for number in range(sections):
        parts += [
            f"```{{.python .input}}\nx = np.arange({number})\n```\n",
            f"```{{.python .input}}\n#@tab pytorch\nimport torch\nx = torch.arange({number})\n"
            "```\n",
            f"```{{.python .input}}\n#@tab tensorflow, jax\nx = tf.range({number})\n```\n",
            "```{.python .input}\n#@tab all\nprint(len(x))\n```\n",
        ]
    return "\n".join(parts)


@pytest.mark.parametrize("sections", [1, 2, 5])
def test_a_d2l_chapter_warns_once_of_its_other_frameworks_tabs(sections: int) -> None:
    note = NoteParser().parse(_d2l_chapter(sections))
    assert len(note.blocks) == 2 * sections
    assert len(note.not_run) == 2 * sections
    warnings = [p for p in note.problems if p.severity == "warning"]
    assert len(warnings) == 1
    first = note.not_run[0].line_index
    assert warnings[0].line_index == first
    lines = [str(shown(block.line_index)) for block in note.not_run[1:]]
    message = warnings[0].message
    assert message.startswith("```{.python .input} is not run: it has no #@tab line")
    if sections == 1:
        assert message.endswith(
            "(and 1 more block of other frameworks' tabs in this note, not run either: "
            f"line {lines[0]})"
        )
    elif sections == 2:
        assert message.endswith(f"not run either: lines {', '.join(lines)})")
    else:  # eight lines named, then the count says the rest
        assert message.endswith(f"not run either: lines {', '.join(lines[:8])}, ...)")
        assert "(and 9 more blocks" in message


def test_a_pytest_run_of_a_d2l_chapter_gives_one_warning_for_its_tabs(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(_d2l_chapter(3), dedent=False)
    result = pytester.runpytest("-W", "default")
    result.assert_outcomes(passed=1)
    assert result.stdout.str().count("TorchnotesWarning") == 1
    result.stdout.fnmatch_lines(["*(and 5 more blocks of other frameworks' tabs in this note*"])
