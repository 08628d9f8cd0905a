"""Update mode never damages a note in the layouts read most recently, mixed with the others.

The layouts of :mod:`tests.test_update_layouts`, and in the same notes: a ```` ```python ````
fence under a label that holds output, d2lbook ``#@tab`` chapters (blocks of other
frameworks are not run, and their output stays), a block with a second output fence (update
refuses it, naming the second fence's line), fences in definition lists (``:   ```python``),
PyCharm's ``In[3]:`` prompts, xdoctest's ``>>>`` continuation lines, 3-D tensors (blank
lines inside brackets) under ``>>>`` and ``In [n]:`` prompts, fences without info string run
with ``torchnotes_languages = python bare`` (pasted cells, their output in such a fence under
a label), pandoc's output divs of a notebook's cells, the sample code and checks of DataCamp
exercises (not run), LF, CRLF and bare CR line endings mixed, a byte order mark, tabs, CJK
labels and no final newline. Each property
runs update as :mod:`tests.test_update_layouts` does. Notes the plugin cannot read (IDLE's
continuation lines, bare CR endings alone) are run end to end: they are left as they are.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from hypothesis import assume, event, given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.layout import looks_like_python
from pytest_torchnotes.markdown.noteformat import LANGUAGES, NoteFormat
from pytest_torchnotes.markdown.quoted_output import NOT_TEXT
from pytest_torchnotes.run.results import PASSED, BlockResult
from pytest_torchnotes.run.runner import NoteRunner, RunSettings
from tests.test_update_layouts import (
    LAYOUTS,
    NASTY,
    PRINTED_LINE,
    PROPERTY,
    TEXT,
    WRONG,
    Lines,
    Note,
    Part,
    Section,
    _cut,
    _in,
    _print,
    _prints,
    on_disk,
    update,
)


@dataclass(frozen=True)
class Kept(Section):
    """A section that update refuses to write: after update it holds what it held."""


class SecondFence(str):
    """The opening line of a second output fence, which the refusal of its block names."""


@dataclass(frozen=True)
class NewNote(Note):
    #: Fences without info string run when their text reads as Python.
    bare: bool = False

    def format(self) -> NoteFormat:
        languages = LANGUAGES | {""} if self.bare else LANGUAGES
        return NoteFormat(languages=languages, indented_output=self.indented, comment_output=True)

    def after_update(self, variant: str) -> str:
        """The text update gives back from :meth:`text` with ``variant``: every section
        as the blocks print it, but those update refuses."""
        parts = tuple(
            Section(*[getattr(part, variant)] * 3) if isinstance(part, Kept) else part
            for part in self.parts
        )
        return dataclasses.replace(self, parts=parts).text()

    def second_fences(self, variant: str) -> list[int]:
        """The 0-based lines of the second output fences in :meth:`text` with ``variant``."""
        lines: list[int] = []
        line = 0
        for part in self.parts:
            if isinstance(part, Section):
                line += len(getattr(part, variant))
                continue
            if isinstance(part, SecondFence):
                lines.append(line)
            line += 1
        return lines


# --- Strategies of the newer layouts ------------------------------------------------------


def _balanced(line: str) -> bool:
    """Whether ``line`` closes every bracket it opens, and none it did not: the output of a
    transcript that leaves one open goes on over a blank line (a 3-D tensor's), so the
    next prompt's output would be read as its own."""
    depth = 0
    for char in line:
        depth += (char in "([{") - (char in ")]}")
        if depth < 0:
            return False
    return depth == 0


#: What blocks print in a note that passes: lines that leave no bracket open.
BALANCED = st.lists(PRINTED_LINE.filter(_balanced), min_size=1, max_size=3)


def _section(inner: str, printed: list[str], indent: str = "") -> Section:
    return Section(
        tuple(_in(inner, indent + line) for line in printed),
        (),
        tuple(_in(inner, indent + line) for line in WRONG),
    )


#: Labels, the CJK ones first: a label line right under the block's closing fence.
NEW_LABELS = ["输出：", "输出", "运行结果：", "Output:", "**Output:**", "结果如下："]


@st.composite
def labeled_python_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """The output in a ```` ```python ```` fence under a label line (blogs tag every fence)."""
    printed = draw(printing)
    label = draw(st.sampled_from(NEW_LABELS))
    gap = [""] if draw(st.booleans()) else []
    lines = ["```python", *head_lines(head), *_prints(printed), "```", *gap, label, *gap]
    return [
        *(_in(inner, line) for line in lines),
        _in(inner, "```python"),
        _section(inner, printed),
        _in(inner, "```"),
    ]


@st.composite
def second_output_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """A notebook's two outputs, each in a fence under its label: update refuses the block."""
    printed = draw(printing)
    value = draw(PRINTED_LINE)
    label = draw(st.sampled_from(["**Output:**", "输出：", "Output:"]))
    # the value is not displayed: the first fence holds all that the block prints
    code = [*head_lines(head), *_prints(printed), f"value = {value!r}"]
    section = _section(inner, printed)
    return [
        *(_in(inner, line) for line in ["```python", *code, "```", "", label, "```"]),
        Kept(section.good, section.blank, section.wrong),
        *(_in(inner, line) for line in ["```", "", label]),
        SecondFence(_in(inner, "```")),
        _in(inner, repr(value)),
        _in(inner, "```"),
    ]


@st.composite
def pycharm_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """PyCharm's Python console: ``In[n]:`` prompts, no space before the bracket."""
    parts: list[Part] = [_in(inner, "```python")]
    for number in range(1, draw(st.integers(1, 3)) + 1):
        if number > 1:
            parts.append(_in(inner, ""))
        printed = draw(printing)
        if draw(st.booleans()):
            parts.append(_in(inner, f"In[{number}]: " + _print(printed)))
            shown = printed
        else:
            value = printed[0] if printed else ""
            parts.append(_in(inner, f"In[{number}]: {value!r}"))
            shown = [f"Out[{number}]: {value!r}"]
        parts.append(_section(inner, shown))
    parts.append(_in(inner, "```"))
    return parts


@st.composite
def continued_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """xdoctest's ``>>>`` continuation: a statement over several ``>>>`` lines."""
    parts: list[Part] = [_in(inner, "```" + draw(st.sampled_from(["python", "pycon"])))]
    for _ in range(draw(st.integers(1, 2))):
        printed = draw(printing)
        if draw(st.booleans()):
            lines = [
                ">>> print(",
                *(f">>>     {line!r}," for line in printed),
                ">>>     sep='\\n',",
                ">>> )",
            ]
        else:
            lines = [
                ">>> for line in (",
                *(f">>>     {line!r}," for line in printed),
                ">>> ):",
                ">>>     print(line)",
            ]
        parts += [_in(inner, line) for line in lines]
        parts.append(_section(inner, printed))
    parts.append(_in(inner, "```"))
    return parts


@st.composite
def tensor3d_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """A tensor of three dimensions, whose output holds blank lines inside its brackets, as
    the value of a ``>>>`` example or an ``In [n]:`` prompt."""
    shape = (draw(st.integers(2, 3)), draw(st.integers(1, 2)), draw(st.integers(1, 3)))
    code = f"torch.arange({shape[0] * shape[1] * shape[2]}).reshape{shape}"
    value = repr(torch.arange(shape[0] * shape[1] * shape[2]).reshape(shape)).split("\n")
    if draw(st.booleans()):
        lines = [">>> import torch", f">>> {code}"]
        shown = value
    else:
        lines = ["In [1]: import torch", "", f"In [2]: {code}"]
        shown = ["Out[2]:", *value]
    return [
        _in(inner, "```python"),
        *(_in(inner, line) for line in lines),
        _section(inner, shown),
        _in(inner, "```"),
    ]


@st.composite
def bare_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """A fence without info string that reads as Python, its output in an output fence or
    under a label; or a ``>>>`` session in one."""
    printed = draw(printing)
    if draw(st.booleans()):
        parts: list[Part] = [_in(inner, "```"), _in(inner, ">>> " + _print(printed))]
        return [*parts, _section(inner, printed), _in(inner, "```")]
    label = draw(st.sampled_from([None, "Out:", *NEW_LABELS]))
    # a pasted cell whose first line is no torch import: Python all the same
    code = draw(st.sampled_from([["import torch"], ["from __future__ import annotations"], []]))
    lines = ["```", *code, *_prints(printed), "```", ""]
    # after a label, the output in a fence without info string too
    opening = draw(st.sampled_from(["```text", "```"]))
    lines += ["```output"] if label is None else [label, "", opening]
    return [
        *(_in(inner, line) for line in lines),
        _section(inner, printed),
        _in(inner, "```"),
    ]


#: Template tags of code of a static site: (opening, closing) of its code, of its output.
TEMPLATE_TAGS = [
    (
        ("{% highlight python %}", "{% endhighlight %}"),
        ("{% highlight text %}", "{% endhighlight %}"),
    ),
    (
        ("{%- highlight py linenos -%}", "{%- endhighlight -%}"),
        ("{% highlight console %}", "{% endhighlight %}"),
    ),
    (
        ('{{< highlight python "linenos=table" >}}', "{{< /highlight >}}"),
        ("{{< highlight plaintext >}}", "{{< /highlight >}}"),
    ),
    (
        ("{% codeblock train.py lang:python %}", "{% endcodeblock %}"),
        ("{% codeblock lang:text %}", "{% endcodeblock %}"),
    ),
]


@st.composite
def template_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """A block in a static site's template tags (Jekyll, Hugo, Hexo), maybe in
    ``{% raw %}``: its output under a marker inside it, in the next tag of text, under a
    label, or in a fence."""
    printed = draw(printing)
    (code_open, code_close), (out_open, out_close) = draw(st.sampled_from(TEMPLATE_TAGS))
    raw = draw(st.booleans())
    code = [code_open, *(["{% raw %}"] if raw else []), *head_lines(head), *_prints(printed)]
    where = draw(st.sampled_from(["marker", "tag", "label", "fence"]))
    if where == "marker":
        ending = ["{% endraw %}"] if raw else []
        return [*code, "======== output ==========", _section("", printed), *ending, code_close]
    lines = [*code, *(["{% endraw %}"] if raw else []), code_close, ""]
    if where == "fence":
        return [*lines, "```output", _section("", printed), "```"]
    if where == "label":
        lines += [draw(st.sampled_from(NEW_LABELS)), ""]
    return [*lines, out_open, _section("", printed), out_close]


@st.composite
def string_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """The output under a label in a string that ends the block (\"\"\" ... output: ...)."""
    printed = draw(printing.filter(lambda lines: not any("\\" in line for line in lines)))
    quotes = draw(st.sampled_from(['"""', "'''"]))
    assume(not any(quotes in line for line in printed))
    rule = draw(st.sampled_from([[], ["--------"]]))
    label = draw(st.sampled_from(["output:", "输出：", "Output:"]))
    body = ["```python", *head_lines(head), *_prints(printed), "", quotes, *rule, label, ""]
    return [
        *(_in(inner, line) for line in body),
        _section(inner, printed),
        _in(inner, quotes),
        _in(inner, "```"),
    ]


#: The first line of a block quote of output: one that reads as printed (quoted_output).
QUOTE_FIRST = st.sampled_from(
    ["tensor([1., 2.])", "torch.Size([2, 3])", "True", "(tensor(1), 2)", "[0.5, -1e-05]"]
)
#: Wrong output in a block quote: it still reads as output.
WRONG_QUOTE = ("tensor([9.])", "WRONG")


@st.composite
def quote_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """The output in a block quote after the block (``> tensor([1., 2.])``, or ``>`` with no
    space), maybe under a label. A quote that holds nothing is no output section: the blank
    variant is the good one."""
    # a line that would open a fence or a comment in the quote makes it unclear (not read)
    printed = [draw(QUOTE_FIRST), *(line for line in draw(printing) if not NOT_TEXT.match(line))]
    label = draw(st.sampled_from([None, *NEW_LABELS]))
    marker = draw(st.sampled_from(["> ", ">"]))
    lines = ["```python", *head_lines(head), *_prints(printed), "```", ""]
    lines += [label, ""] if label is not None else []

    def quoted(texts: Sequence[str]) -> tuple[str, ...]:
        return tuple(_in(inner, marker + text if text else ">") for text in texts)

    good = quoted(printed)
    return [*(_in(inner, line) for line in lines), Section(good, good, quoted(WRONG_QUOTE))]


#: Sentences leading into a block's output, in place of a label line (lead_in_lines).
LEAD_INS = [
    "and obtained:",
    "which gives:",
    "This prints:",
    "我们得到",
    "输出为",
    "结果为：",
    "we get",
]


@st.composite
def lead_in_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """The output in a bare or text fence under a sentence that leads into it. A fence read
    so reads as printed output (its first line does): the blank variant is the good one."""
    printed = [draw(QUOTE_FIRST), *draw(printing)]
    assume(not looks_like_python("\n".join(printed)))
    lead_in = draw(st.sampled_from(LEAD_INS))
    opening = draw(st.sampled_from(["```", "```text", "~~~"]))
    lines = ["```python", *head_lines(head), *_prints(printed), "```", "", lead_in, "", opening]
    good = tuple(_in(inner, line) for line in printed)
    return [
        *(_in(inner, line) for line in lines),
        Section(good, good, tuple(_in(inner, line) for line in WRONG_QUOTE)),
        _in(inner, opening[:3]),
    ]


#: The output divs of a notebook's cell, in each writer's form: (the cell's opening and
#: closing lines, the opening lines of a stdout, a stderr and a last line's value's div,
#: their closing line, the blank lines around a div's text).
DIV_FORMS = {
    # pandoc -t markdown
    "div": (
        ('::: {.cell .code execution_count="3"}', ":::"),
        (
            "::: {.output .stream .stdout}",
            "::: {.output .stream .stderr}",
            '::: {.output .execute_result execution_count="3"}',
        ),
        ":::",
        [],
    ),
    # pandoc -t gfm: HTML
    "html": (
        ('<div class="cell code" execution_count="3">', "</div>"),
        (
            '<div class="output stream stdout">',
            '<div class="output stream stderr">',
            '<div class="output execute_result" execution_count="3">',
        ),
        "</div>",
        [""],
    ),
    # a Quarto render, pandoc writing the output indented
    "quarto": (
        ("::: {.cell}", ":::"),
        (
            "::: {.cell-output .cell-output-stdout}",
            "::: {.cell-output .cell-output-stderr}",
            '::: {.cell-output .cell-output-display execution_count="3"}',
        ),
        ":::",
        [],
    ),
}


@st.composite
def pandoc_block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
    """pandoc's layout of a notebook's cell: the output in a ``{.output .stream .stdout}``
    div after the block (or its HTML, or Quarto's div), maybe a stderr div (not compared,
    kept) after it, maybe the value of the block's last line in a div of its own (update
    writes each part in its div). pandoc writes cells at the top level: in a container,
    the block is an older layout."""
    if inner:
        return draw(_with_head("marker")(inner, printing, head))
    printed = draw(printing)
    cell, (stdout, stderr, value), closing, gap = DIV_FORMS[draw(st.sampled_from(list(DIV_FORMS)))]
    good = tuple("    " + line for line in printed)
    shows = draw(st.booleans())
    parts: list[Part] = [
        cell[0],
        *gap,
        "``` python",
        *_prints(printed),
        *(["6 * 7"] if shows else []),
        "```",
        "",
        stdout,
        *gap,
        Section(good, good, tuple("    " + line for line in WRONG)),
        *gap,
        closing,
        "",
    ]
    if draw(st.booleans()):
        parts += [stderr, *gap, "    UserWarning: kept", *gap, closing, ""]
    if shows:
        parts += [value, *gap, Section(("    42",), ("    42",), ("    41",)), *gap, closing, ""]
    return [*parts, cell[1]]


def head_lines(head: str) -> list[str]:
    return [head] if head else []


Layout = Callable[[str, Lines, str], st.SearchStrategy[list[Part]]]


def _with_head(layout: str) -> Layout:
    """An older layout whose block opens with ``head`` (a tab line) when there is one."""
    made = LAYOUTS[layout]

    @st.composite
    def block(draw: st.DrawFn, inner: str, printing: Lines, head: str) -> list[Part]:
        parts = draw(made(inner, printing))
        if not head:
            return parts
        first = parts[0]
        assert isinstance(first, str)
        return [first, _in(inner, head), *parts[1:]]

    return block


#: Layouts whose block may open with a tab line.
TABBABLE: dict[str, Layout] = {
    "marker": _with_head("marker"),
    "fence": _with_head("fence"),
    "indented": _with_head("indented"),
    "comment": _with_head("comment"),
    "labeled-python": labeled_python_block,
    "second-output": second_output_block,
}
NEW_LAYOUTS: dict[str, Layout] = {
    **TABBABLE,
    "transcript": _with_head("transcript"),
    "ipython": _with_head("ipython"),
    "ipython-split": _with_head("ipython-split"),
    "pycharm": pycharm_block,
    "continued": continued_block,
    "tensor3d": tensor3d_block,
    "quote": quote_block,
    "lead-in": lead_in_block,
    "pandoc": pandoc_block,
    "template": template_block,
    "string": string_block,
}

#: Container of a block: (the line above it, prefix of its first line, prefix of the next).
NEW_CONTAINERS = st.sampled_from(
    [
        (None, "", ""),
        (None, "> ", "> "),
        (None, "- ", "  "),
        ("`torch.ones`", ":   ", "    "),
        ("Compact", ": ", "  "),
        ("张量", ":   ", "    "),
    ]
)

#: A block of another framework in a d2lbook chapter, with its output: it is not run.
OTHER_TABS = ["#@tab mxnet", "#@tab tensorflow", "#@tab mxnet, tensorflow", ""]


@st.composite
def exercise_parts(draw: st.DrawFn) -> list[Part]:
    """The parts of a DataCamp exercise that are not run: the learner's sample code and the
    grader's check. What they hold stays."""
    label = draw(st.sampled_from(["`@sample_code`", "`@sct`"]))
    return [label, "", "```{python}", "success_msg(WRONG)", "```"]


@st.composite
def other_tab_block(draw: st.DrawFn) -> list[Part]:
    tab = draw(st.sampled_from(OTHER_TABS))
    return [
        "```python",
        *head_lines(tab),
        "print(npx.ones(2))",
        "```",
        "",
        "```output",
        "WRONG",
        "```",
    ]


@st.composite
def new_notes(draw: st.DrawFn, printing: Lines = BALANCED, *, mixing: bool = True) -> NewNote:
    """Notes of several layouts, new and old; some are d2lbook chapters, some run bare
    fences, some mix line endings."""
    indented = draw(st.booleans())
    tabbed = draw(st.booleans())
    bare = draw(st.booleans())
    layouts = TABBABLE if tabbed else NEW_LAYOUTS
    kinds = [kind for kind in layouts if indented or kind != "indented"]
    if bare and not tabbed:
        kinds.append("bare")
    parts: list[Part] = [draw(st.sampled_from(["# 笔记", "# Note", "Prose\twith a tab."]))]
    for _ in range(draw(st.integers(1, 4))):
        parts.append("")
        prose = draw(
            st.lists(TEXT.map(str.strip).filter(lambda t: t and t[0] not in "-1:"), max_size=2)
        )
        if prose:
            parts += [*prose, ""]
        if tabbed and draw(st.booleans()):
            parts += [*draw(other_tab_block()), ""]
        elif draw(st.integers(0, 3)) == 0:
            parts += [*draw(exercise_parts()), ""]
        term, first, inner = draw(NEW_CONTAINERS)
        kind = draw(st.sampled_from(kinds))
        if kind == "template":  # a site's template tags stand at the top level
            term, first, inner = None, "", ""
        event(f"layout {kind}")
        head = draw(st.sampled_from(["#@tab pytorch", "#@tab all"])) if tabbed else ""
        if kind == "bare":
            block = draw(bare_block(inner, printing, head))
        else:
            block = draw(NEW_LAYOUTS[kind](inner, printing, head))
        assert isinstance(block[0], str)
        if term is not None:
            parts.append(term)
        parts += [first + block[0][len(inner) :] if block[0].startswith(inner) else block[0]]
        parts += block[1:]
        if first:  # leave the container before the next block
            parts.append("")
            parts.append("Then.")
    return NewNote(
        tuple(parts),
        # a bare CR alone is refused as a whole (test_a_note_of_bare_crs_is_not_written)
        draw(st.sampled_from(["\n", "\r\n"])),
        draw(st.booleans()),
        draw(st.booleans()),
        indented,
        draw(
            # a bare CR is never followed by an empty line that ends with LF: CR LF is one ending
            st.sampled_from([(), ("\n", "\r\n"), ("\r", "\r\n"), ("\r\n", "\r", "\r\n", "\n")])
            if mixing
            else st.just(())
        ),
        bare,
    )


# --- The properties -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def runner() -> Iterator[NoteRunner]:
    made = NoteRunner(RunSettings(capture_fd=False, update=True))
    yield made
    made.close()


def _check_refusals(note: NewNote, variant: str, blocks: Sequence[BlockResult]) -> None:
    """Every block that is not updated is one with a second output fence, and its message
    names that fence's line; every other block passes or is updated."""
    seconds = [f"second one at line {line + 1}," for line in note.second_fences(variant)]
    for block in blocks:
        if block.not_updated:
            assert any(second in block.not_updated for second in seconds), block.not_updated
            event("a second output fence refused")
        else:
            assert block.outcome == "passed" or block.edits, block.message


@PROPERTY
@given(note=new_notes(), variant=st.sampled_from(["blank", "wrong"]))
def test_update_writes_back_the_original_bytes(
    runner: NoteRunner, note: NewNote, variant: str
) -> None:
    # A note that mixes line endings and ends with a section, with no final newline, does
    # not say which ending the lines written after its last line take (the property below
    # checks that every other byte stays).
    assume(not (note.mixed and not note.final_newline and isinstance(note.parts[-1], Section)))
    with tempfile.TemporaryDirectory(prefix="updnew-") as name:
        path = Path(name) / "note.md"
        path.write_bytes(on_disk(note.text(variant)))
        first = update(runner, path, note.format())
        assert first.refused is None
        _check_refusals(note, variant, first.result.blocks)
        assert first.data == on_disk(note.after_update(variant))
        second = update(runner, path, note.format())
        assert second.data == first.data
        assert [edit for block in second.result.blocks for edit in block.edits] == []


@PROPERTY
@given(note=new_notes())
def test_update_leaves_a_passing_note_byte_identical(runner: NoteRunner, note: NewNote) -> None:
    with tempfile.TemporaryDirectory(prefix="updnew-") as name:
        path = Path(name) / "note.md"
        path.write_bytes(on_disk(note.text()))
        updated = update(runner, path, note.format())
        assert [edit for block in updated.result.blocks for edit in block.edits] == []
        assert [block.outcome for block in updated.result.blocks] == ["passed"] * len(
            updated.result.blocks
        ), [block.message for block in updated.result.blocks]
        assert updated.data == on_disk(note.text())


@PROPERTY
@given(note=new_notes(NASTY))
def test_whatever_blocks_print_update_changes_only_their_sections(
    runner: NoteRunner, note: NewNote
) -> None:
    with tempfile.TemporaryDirectory(prefix="updnew-") as name:
        path = Path(name) / "note.md"
        path.write_bytes(on_disk(note.text("wrong")))
        first = update(runner, path, note.format())
        if first.refused is not None:  # what a block printed would read as something else
            assert "nothing was written" in first.refused
            assert first.data == on_disk(note.text("wrong"))
            event("the new text would read differently: not written")
            return
        text = first.data.decode("utf-8")
        assert text.startswith("\ufeff") == note.bom
        assert _cut(note, text.removeprefix("\ufeff"))
        for block in first.result.blocks:
            if block.not_updated:
                assert "Not updated: " in block.message
                event("a section refused")
            else:
                assert block.outcome == "passed" or block.edits, block.message
        second = update(runner, path, note.format())
        assert [edit for block in second.result.blocks for edit in block.edits] == []
        assert second.data == first.data


# --- Regressions --------------------------------------------------------------------------


@pytest.mark.parametrize("indented", [False, True])
def test_a_blanked_python_fence_under_a_label_is_filled(
    runner: NoteRunner, tmp_path: Path, indented: bool
) -> None:
    """An empty ```` ```python ```` fence under a label is the block's output, blanked: it
    used to run as an empty block of its own, so update left it empty (and with indented
    output read, wrote the output again above it, under the label)."""
    text = "```python\nprint('a')\n```\n输出：\n```python\n```\n"
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    updated = update(runner, path, NoteFormat(indented_output=indented))
    assert updated.data == on_disk(text.replace("```python\n```", "```python\na\n```"))
    assert [block.outcome for block in updated.result.blocks] == ["failed"]
    assert update(runner, path, NoteFormat(indented_output=indented)).data == updated.data


@pytest.mark.parametrize("printed", ["In [7]: x", ">>> 1", "x = 1", "print(x)"])
@pytest.mark.parametrize("indented", [False, True])
def test_code_is_not_written_into_a_python_fence_under_a_label(
    runner: NoteRunner, tmp_path: Path, printed: str, indented: bool
) -> None:
    """Output that reads as code, written into a ```` ```python ```` fence under a label,
    made the fence a block of its own: the next update found the block without output and
    wrote it again above the fence (under indented output). It is refused, naming the fix."""
    text = f"```python\nprint({printed!r})\n```\n输出：\n```python\nWRONG\n```\n"
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    updated = update(runner, path, NoteFormat(indented_output=indented))
    assert updated.data == on_disk(text)
    (block,) = updated.result.blocks
    assert block.not_updated is not None
    assert block.not_updated.startswith(f"the output ({printed!r}) would read as code")
    assert "tag that fence ```output" in block.not_updated


@pytest.mark.parametrize(
    "following", ["```text\nkept\n```", "```python\ny = 2\n======== output ==========\n```"]
)
def test_indented_output_under_a_label_is_not_emptied(
    runner: NoteRunner, tmp_path: Path, following: str
) -> None:
    """A block that prints nothing had its indented output under a label removed: the label
    then labelled the next fence, and the next update wrote the block's (empty) output over
    that fence's text, a block's code included. It is refused, and the note stays."""
    text = f"```python\nx = 1\n```\n\nOut:\n\n    WRONG\n\n{following}\n"
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    for _ in range(2):
        updated = update(runner, path, NoteFormat(indented_output=True))
        assert updated.data == on_disk(text)
        assert updated.result.blocks[0].not_updated is not None
        assert updated.result.blocks[0].not_updated.startswith("the block prints nothing")


@pytest.mark.parametrize("printed", ["'>>> 1'", "'>>> x = 2\\nIn [7]: x'"])
def test_indented_output_under_a_label_that_opens_with_a_prompt_is_written_and_read_back(
    runner: NoteRunner, tmp_path: Path, printed: str
) -> None:
    """Under a label, indented text that opens with ``>>>`` is the block's output, not a
    docstring's session: once written there, the next run read it as a transcript beside
    the block (Sybil refused the overlapping regions). It is written, and read back as the
    block's output: a second update changes nothing."""
    text = f"```python\nprint({printed})\n```\n\nOut:\n\n    WRONG\n"
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    expected = eval(printed).replace("\n", "\n    ")
    first = update(runner, path, NoteFormat(indented_output=True))
    assert first.data == on_disk(text.replace("WRONG", expected))
    assert first.result.blocks[0].not_updated is None
    second = update(runner, path, NoteFormat(indented_output=True))
    assert second.data == first.data
    assert second.result.blocks[0].outcome == PASSED


def test_a_block_with_a_marker_under_a_label_runs(runner: NoteRunner, tmp_path: Path) -> None:
    """A block with its output under a marker, right under a label line, does not parse as
    Python: it was read as the output of the block above, so it never ran, and update wrote
    that block's output over its code."""
    text = (
        "```python\nprint(1)\n```\n输出：\n"
        "```python\nprint(2)\n======== output ==========\nWRONG\n```\n"
    )
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    updated = update(runner, path, NoteFormat())
    assert [block.first_line for block in updated.result.blocks] == [0, 4]
    assert updated.data == on_disk(text.replace("WRONG", "2"))


def test_split_outputs_written_together_read_back_as_their_prompts(
    runner: NoteRunner, tmp_path: Path
) -> None:
    """Each cell's new output was checked alone: written together, the bracket the first
    one's value left open went on over the blank line into the second one's output, so the
    next update deleted the second cell's printed lines. The second edit is refused, and a
    second update changes nothing."""
    text = (
        "```python\nIn [1]: type('T', (), {'__repr__': lambda self: '['})()\n\n"
        "In [2]: print(']'); 2\n```\n\nOutput:\n\n```text\nOut[1]: 0\n\nOut[2]: 0\n```\n"
    )
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    first = update(runner, path, NoteFormat())
    assert first.data == on_disk(text.replace("Out[1]: 0", "Out[1]: ["))
    (block,) = first.result.blocks
    assert block.not_updated is not None
    assert "example at line 4: the output would change the prompts" in block.not_updated
    assert update(runner, path, NoteFormat()).data == first.data


def test_a_bracket_printed_above_out_does_not_take_the_next_prompts_lines(
    runner: NoteRunner, tmp_path: Path
) -> None:
    """In the split form, a bracket a cell's printed lines left open went on past its
    ``Out[n]:`` line, over the blank line, into the next cell's printed lines: update of a
    note that passes deleted them."""
    text = (
        "```python\nIn [1]: print('['); 1\n\nIn [2]: print(']'); 2\n```\n\nOutput:\n\n"
        "```text\n[\nOut[1]: 1\n\n]\nOut[2]: 2\n```\n"
    )
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    updated = update(runner, path, NoteFormat())
    assert [block.outcome for block in updated.result.blocks] == ["passed"]
    assert updated.data == on_disk(text)


@pytest.mark.parametrize("opening", [":   ", "- - ", "1.  "])
def test_a_heading_label_in_a_definition_is_read(
    runner: NoteRunner, tmp_path: Path, opening: str
) -> None:
    """A heading label in a definition's content (4 columns in) was prose: the fence under it
    was not the block's output, so nothing compared it and update left it blank."""
    text = (
        f"Term\n{opening}```python\n    print('a')\n    ```\n\n    ### Output\n\n    ```\n    ```\n"
    )
    path = tmp_path / "note.md"
    path.write_bytes(on_disk(text))
    updated = update(runner, path, NoteFormat())
    assert updated.data == on_disk(text.replace("    ```\n    ```", "    ```\n    a\n    ```"))
    assert update(runner, path, NoteFormat()).data == updated.data


# --- End to end, through the plugin -------------------------------------------------------


def _s(prefix: str, *good: str) -> Section:
    wrong = tuple(prefix + "WRONG" if line else line for line in good)
    return Section(tuple(prefix + line if line else line for line in good), (), wrong)


#: A d2lbook chapter with bare fences run, a second output fence (refused), a definition
#: list, PyCharm's prompts and xdoctest's continuation, CRLF, a BOM and no final newline.
END_TO_END = NewNote(
    (
        "# 张量",
        "",
        "```python",
        "#@tab mxnet",
        "print(np.ones(2))",
        "```",
        "",
        "```output",
        "[1. 1.]",
        "```",
        "",
        "```python",
        "#@tab pytorch",
        "print('a\\tb')",
        "```",
        "输出：",
        "```python",
        _s("", "a\tb"),
        "```",
        "",
        "`torch.ones`",
        ":   ```python",
        "    #@tab all",
        "    print(2)",
        "    value = 3",
        "    ```",
        "",
        "    **Output:**",
        "    ```",
        Kept(("    2",), (), ("    WRONG",)),
        "    ```",
        "",
        "    **Output:**",
        SecondFence("    ```"),
        "    3",
        "    ```",
    ),
    "\r\n",
    bom=True,
    final_newline=False,
    indented=False,
)

#: Fences without info string run (in a note without tabs), PyCharm's prompts, xdoctest's
#: continuation, LF and bare CR endings mixed.
BARE = NewNote(
    (
        "# Bare",
        "```",
        "import torch",
        "print(4)",
        "```",
        "运行结果：",
        "```",
        _s("", "4"),
        "```",
        "",
        "```",
        ">>> print(",
        ">>>     5,",
        ">>> )",
        _s("", "5"),
        "```",
        "",
        "```python",
        "In[1]: 6",
        _s("", "Out[1]: 6"),
        "```",
    ),
    "\n",
    bom=False,
    final_newline=True,
    indented=False,
    mixed=("\r", "\r\n"),
    bare=True,
)


@pytest.mark.parametrize("variant", ["blank", "wrong"])
def test_the_plugin_updates_the_newer_layouts(pytester: pytest.Pytester, variant: str) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_languages = python bare\n")
    path = pytester.path / "notes" / "note.md"
    path.parent.mkdir()
    path.write_bytes(on_disk(END_TO_END.text(variant)))
    (path.parent / "bare.md").write_bytes(on_disk(BARE.text(variant)))
    first = pytester.runpytest("--torchnotes-update")
    first.assert_outcomes(passed=1, failed=1)
    second = END_TO_END.second_fences(variant)[0] + 1
    block = 21 if variant == "blank" else 22  # the section above it is empty, or one line
    first.stdout.fnmatch_lines([f"*notes/note.md:{block}: *second one at line {second},*"])
    assert path.read_bytes() == on_disk(END_TO_END.after_update(variant))
    bare = pytester.path / "notes" / "bare.md"
    assert bare.read_bytes() == on_disk(BARE.text())
    again = pytester.runpytest("--torchnotes-update")
    again.assert_outcomes(passed=1, failed=1)
    assert "rewrote" not in again.stdout.str()
    assert path.read_bytes() == on_disk(END_TO_END.after_update(variant))
    assert bare.read_bytes() == on_disk(BARE.text())


@pytest.mark.parametrize(
    ("data", "named"),
    [(b"Prose\r```python\rprint(1)\r```\r\r```output\r```\r", "*note.md:1: *bare CR*")],
)
def test_a_note_update_cannot_read_is_not_written(
    pytester: pytest.Pytester, data: bytes, named: str
) -> None:
    """A note that cannot be read is not run, nor written: its other blocks' outputs stay
    blank, and the problem is named with its line."""
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    path = pytester.path / "notes" / "note.md"
    path.parent.mkdir()
    path.write_bytes(data)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([named])
    assert path.read_bytes() == data


def test_a_block_that_cannot_run_as_written_fails_alone_and_is_not_written(
    pytester: pytest.Pytester,
) -> None:
    """IDLE's transcript (the body of a def with no prompt) fails at its line; the note's
    other blocks run and update writes their outputs, not a byte of that block."""
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    path = pytester.path / "notes" / "note.md"
    path.parent.mkdir()
    refused = b"```python\n>>> def f(x):\n  return x\n>>> f(2)\n2\n```\n"
    path.write_bytes(b"```python\nprint(1)\n```\n\n```output\n```\n\n" + refused)
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*note.md:8: *line 10 goes on with the unfinished statement*"])
    assert path.read_bytes() == b"```python\nprint(1)\n```\n\n```output\n1\n```\n\n" + refused
