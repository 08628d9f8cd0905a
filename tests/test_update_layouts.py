"""Update mode never damages a note, in every layout the plugin reads.

Notes are built from the layouts of docs/format.md, several in one note: a marker, an output
fence after the block (with or without a label line, a heading, a ``<details>`` wrapper, an
mkdocs container, a fence title), nbconvert's indented output (maybe under a label line),
comments under ``# Output:`` or ``#>``, ``>>>`` transcripts, IPython transcripts (output under
each prompt, or in the next fence), in list items and block quotes, with LF, CRLF or both (or
a stray bare CR), a byte order mark, tabs, CJK text, characters that ``str.splitlines`` takes
for line breaks (form feed, U+2028...) and with or without a final newline. Each note is run in
update mode as the plugin runs it (:class:`.NoteRunner` in update mode, then
:func:`.update_file` with the edits its blocks planned), and:

- with its expected outputs blanked or wrong, update gives back the original bytes;
- a note that passes is left byte-identical;
- a second update changes nothing;
- whatever the blocks print, every byte outside the expected-output sections stays.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.run.results import NoteResult
from pytest_torchnotes.run.runner import NoteRunner, RunSettings
from pytest_torchnotes.update.reread import reread_check
from pytest_torchnotes.update.writer import update_file


@dataclass(frozen=True)
class Section:
    """An expected-output section: its lines as the block prints them (``good``), with
    nothing in it (``blank``) and with wrong output (``wrong``)."""

    good: tuple[str, ...]
    blank: tuple[str, ...]
    wrong: tuple[str, ...]


Part = str | Section


@dataclass(frozen=True)
class Note:
    parts: tuple[Part, ...]
    newline: str
    bom: bool
    final_newline: bool
    #: nbconvert's indented output is read (comments under ``# Output:`` always are).
    indented: bool

    #: Line endings of the lines outside the sections, in turn, in a note that mixes them
    #: (a line of a section ends as the line before the section).
    mixed: tuple[str, ...] = ()

    def endings(self, variant: str = "good") -> list[str]:
        """The ending of each line of :meth:`text` with ``variant``, the last one's included
        (it has none in a note without a final newline)."""
        endings: list[str] = []
        ending, fixed = self.newline, 0
        for part in self.parts:
            if isinstance(part, Section):
                endings += [ending] * len(getattr(part, variant))
                continue
            if self.mixed:
                ending = self.mixed[fixed % len(self.mixed)]
                if ending == "\n" and not part and endings and endings[-1] == "\r":
                    # a bare CR, then an empty line that ends in LF, is one CRLF: the empty
                    # line would not be in the note; it ends in a CR too
                    ending = "\r"
            fixed += 1
            endings.append(ending)
        return endings

    def lines(self, variant: str = "good") -> list[str]:
        texts: list[str] = []
        for part in self.parts:
            texts += getattr(part, variant) if isinstance(part, Section) else [part]
        return texts

    def text(self, variant: str = "good") -> str:
        texts = self.lines(variant)
        endings = self.endings(variant)
        if not self.final_newline:
            endings[-1] = ""
        text = "".join(line + ending for line, ending in zip(texts, endings, strict=True))
        return ("\ufeff" if self.bom else "") + text

    def format(self) -> NoteFormat:
        return NoteFormat(indented_output=self.indented, comment_output=True)


# --- Strategies --------------------------------------------------------------------------

#: Characters of printed text and prose: CJK, accents, tabs, digits, punctuation, and what
#: ``str.splitlines`` ends a line at but Markdown and the note's lines do not (a form feed,
#: a vertical tab, U+001C, NEL, U+2028), a zero-width space and a bidi override.
CHARS = [*"abcxyz 0123456789.,:-[]()", "张量", "输出", "é", "\t"]
CHARS += ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u200b", "\u202e"]
TEXT = st.lists(st.sampled_from(CHARS), min_size=1, max_size=10).map("".join)
PRINTED_LINE = TEXT.map(str.strip).filter(bool)
PRINTED = st.lists(PRINTED_LINE, min_size=1, max_size=3)
WRONG = ("WRONG", "这不对")
Lines = st.SearchStrategy[list[str]]

#: Lines that read as something else in some layout: fences, markers, prompts, labels,
#: comments, directives, a traceback's header, blank lines, indentation.
NASTY_LINE = st.sampled_from(
    [
        "```",
        "~~~",
        "````python",
        "======== output ==========",
        "--- Output ---",
        ">>> 1",
        "... 2",
        "   ...: 3",
        "In [7]: x",
        "Out[1]: 4",
        "<BLANKLINE>",
        "Traceback (most recent call last):",
        "# Output:",
        "#> 5",
        "Output:",
        "<!-- torchnotes: skip -->",
        "-->",
        "> quoted",
        "- item",
        "    indented",
        "\tab",
        "",
        "  ",
    ]
)
NASTY = st.lists(st.one_of(NASTY_LINE, PRINTED_LINE), min_size=0, max_size=4)

#: Container of a block: (prefix of its first line, prefix of the lines after it).
CONTAINERS = st.sampled_from(
    [("", ""), ("> ", "> "), ("- ", "  "), ("1. ", "   "), ("> - ", ">   "), ("> > ", "> > ")]
)


def _in(prefix: str, line: str) -> str:
    """``line`` inside a container whose lines start with ``prefix``: a blank line keeps
    only the block-quote markers, as editors write it."""
    return prefix + line if line else prefix.rstrip(" ")


def _prints(printed: list[str]) -> list[str]:
    return [f"print({line!r})" for line in printed]


def _print(printed: list[str]) -> str:
    """One statement that prints ``printed``."""
    return f"print({chr(10).join(printed)!r})" if printed else "None"


@st.composite
def marker_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    printed = draw(printing)
    marker = draw(
        st.sampled_from(["======== output ==========", "--- Output ---", "=== output ==="])
    )
    fence = draw(st.sampled_from(["```", "~~~", "````"]))
    body = [fence + "python", *_prints(printed), *([""] if draw(st.booleans()) else []), marker]
    return [
        *(_in(inner, line) for line in body),
        Section(
            tuple(_in(inner, line) for line in printed),
            (),
            tuple(_in(inner, line) for line in WRONG),
        ),
        _in(inner, fence),
    ]


LABELS = ["Output:", "输出：", "**Output:**", "### Output", "运行结果：", "Out[3]:", "_Output_"]


@st.composite
def fence_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    printed = draw(printing)
    fence = draw(st.sampled_from(["```", "~~~"]))
    label = draw(st.sampled_from([None, "details", "mkdocs", *LABELS]))
    if label is None:
        info = draw(
            st.sampled_from(
                ["output", "out", "stdout", "result", 'text title="Output"', "python out"]
            )
        )
    else:
        info = draw(st.sampled_from(["", "text", "output", "console"]))
    lines = [fence + "python", *_prints(printed), fence, ""]
    indent = ""  # of the output fence: an mkdocs container's content is indented
    if label == "details":
        lines += ["<details><summary>Output</summary>", ""]
    elif label == "mkdocs":
        lines += [draw(st.sampled_from(['??? note "Output"', '!!! example "输出"'])), ""]
        indent = "    "
    elif label is not None:
        lines += [label, ""]
    lines.append(indent + fence + info)
    after = [indent + fence]
    if label == "details":
        after += ["", "</details>"]
    return [
        *(_in(inner, line) for line in lines),
        Section(
            tuple(_in(inner, indent + line) for line in printed),
            (),
            tuple(_in(inner, indent + line) for line in WRONG),
        ),
        *(_in(inner, line) for line in after),
    ]


@st.composite
def indented_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """nbconvert's layout: the output indented by four spaces after the block."""
    printed = draw(printing)
    lines = ["```python", *_prints(printed), "```"]
    label = draw(st.sampled_from([None, "Out:", "输出：", "**Output:**"]))
    if label is not None:  # sphinx-gallery's label line between the block and its output
        lines += ["", label]
    return [
        *(_in(inner, line) for line in lines),
        Section(
            (_in(inner, ""), *(_in(inner, "    " + line) for line in printed)),
            (),
            (_in(inner, ""), *(_in(inner, "    " + line) for line in WRONG)),
        ),
    ]


@st.composite
def comment_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    printed = draw(printing)
    label = draw(st.sampled_from(["# Output:", "# 输出：", "# out:", None]))
    head = "#> " if label is None else "# "
    lines = ["```python", *_prints(printed), *([label] if label else [])]
    wrong = tuple(_in(inner, head + line) for line in WRONG)
    return [
        *(_in(inner, line) for line in lines),
        # without a label, a block with no #> lines has no output section: it is not blanked
        Section(tuple(_in(inner, head + line) for line in printed), () if label else wrong, wrong),
        _in(inner, "```"),
    ]


@st.composite
def transcript_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    parts: list[Part] = [_in(inner, "```" + draw(st.sampled_from(["python", "pycon"])))]
    for _ in range(draw(st.integers(1, 3))):
        printed = draw(printing)
        parts.append(_in(inner, ">>> " + _print(printed)))
        parts.append(
            Section(
                tuple(_in(inner, line) for line in printed),
                (),
                tuple(_in(inner, line) for line in WRONG),
            )
        )
    parts.append(_in(inner, "```"))
    return parts


@st.composite
def indented_session_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """A docstring's example pasted as it is: ``Example::`` over a ``>>>`` session indented
    four spaces (or a tab at the margin: after ``> `` or in a list item a tab reaches fewer
    columns), each want indented as its prompt."""
    indent = draw(st.sampled_from(["    ", "     ", *([] if inner else ["\t"])]))
    parts: list[Part] = [_in(inner, "Example::"), _in(inner, "")]
    for _ in range(draw(st.integers(1, 3))):
        printed = draw(printing)
        parts.append(_in(inner, indent + ">>> " + _print(printed)))
        parts.append(
            Section(
                tuple(_in(inner, indent + line) for line in printed),
                (),
                tuple(_in(inner, indent + line) for line in WRONG),
            )
        )
    return parts


@st.composite
def ipython_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    parts: list[Part] = [_in(inner, "```" + draw(st.sampled_from(["python", "ipython"])))]
    for number in range(1, draw(st.integers(1, 3)) + 1):
        if number > 1:
            parts.append(_in(inner, ""))
        printed = draw(printing)
        if draw(st.booleans()):
            parts.append(_in(inner, f"In [{number}]: " + _print(printed)))
            shown = printed
        else:
            value = printed[0] if printed else ""
            parts.append(_in(inner, f"In [{number}]: {value!r}"))
            shown = [f"Out[{number}]: {value!r}"]
        parts.append(
            Section(
                tuple(_in(inner, line) for line in shown),
                (),
                tuple(_in(inner, line) for line in WRONG),
            )
        )
    parts.append(_in(inner, "```"))
    return parts


@st.composite
def ipython_split_block(draw: st.DrawFn, inner: str, printing: Lines) -> list[Part]:
    """IPython's split form: the prompts in the block, their output in the next fence, each
    prompt's printed lines then its ``Out[n]:`` line (which names the prompt)."""
    count = draw(st.integers(1, 3))
    values = [draw(PRINTED_LINE) for _ in range(count)]
    printed = [draw(printing) for _ in range(count)]
    parts: list[Part] = [_in(inner, "```python")]
    for number in range(1, count + 1):
        if number > 1:
            parts.append(_in(inner, ""))
        code = f"{_print(printed[number - 1])}; {values[number - 1]!r}"
        parts.append(_in(inner, f"In [{number}]: {code}"))
    parts += [
        _in(inner, line) for line in ["```", "", draw(st.sampled_from(LABELS)), "", "```text"]
    ]
    for number in range(1, count + 1):
        if number > 1:
            parts.append(_in(inner, ""))
        out = f"Out[{number}]: {values[number - 1]!r}"
        wrong = (_in(inner, f"Out[{number}]: 'WRONG'"),)
        good = tuple(_in(inner, line) for line in [*printed[number - 1], out])
        # a prompt with no lines in the fence is not updated: blanking leaves its Out line
        parts.append(Section(good, wrong, wrong))
    parts.append(_in(inner, "```"))
    return parts


LAYOUTS = {
    "ipython-split": ipython_split_block,
    "marker": marker_block,
    "fence": fence_block,
    "indented": indented_block,
    "comment": comment_block,
    "transcript": transcript_block,
    "indented-session": indented_session_block,
    "ipython": ipython_block,
}


@st.composite
def notes(draw: st.DrawFn, printing: Lines = PRINTED, *, mixing: bool = True) -> Note:
    """Notes of several layouts; ``mixing``: some mix LF and CRLF line endings."""
    indented = draw(st.booleans())
    kinds = [kind for kind in LAYOUTS if indented or kind != "indented"]
    parts: list[Part] = [draw(st.sampled_from(["# 笔记", "# Note", "Prose\twith a tab."]))]
    for _ in range(draw(st.integers(1, 4))):
        parts.append("")
        prose = draw(
            st.lists(TEXT.map(str.strip).filter(lambda t: t and t[0] not in "-1"), max_size=2)
        )
        if prose:
            parts += [*prose, ""]
        first, inner = draw(CONTAINERS)
        block = draw(LAYOUTS[draw(st.sampled_from(kinds))](inner, printing))
        assert isinstance(block[0], str)
        parts += [first + block[0][len(inner) :] if block[0].startswith(inner) else block[0]]
        parts += block[1:]
        if first:  # leave the container before the next block
            parts.append("")
            parts.append("Then:")
    return Note(
        tuple(parts),
        draw(st.sampled_from(["\n", "\r\n"])),
        draw(st.booleans()),
        draw(st.booleans()),
        indented,
        draw(
            st.sampled_from([(), ("\n", "\r\n"), ("\r\n", "\r\n", "\n"), ("\n", "\n", "\r")])
            if mixing
            else st.just(())
        ),
    )


# --- Running update mode as the plugin does ----------------------------------------------


@pytest.fixture(scope="module")
def runner() -> Iterator[NoteRunner]:
    made = NoteRunner(RunSettings(capture_fd=False, update=True))
    yield made
    made.close()


@dataclass
class Updated:
    data: bytes
    result: NoteResult
    #: Why the note was not written, if it had edits and was not.
    refused: str | None


def update(runner: NoteRunner, path: Path, note_format: NoteFormat) -> Updated:
    """Run the note at ``path`` in update mode and write the edits its blocks planned."""
    document = NoteDocument.parse(str(path), *note_parsers(note_format))
    assert document.note.problems == [] or all(
        problem.severity == "warning" for problem in document.note.problems
    ), document.note.problems
    result = runner.run(document, path, path.name)
    edits = [edit for block in result.blocks for edit in block.edits]
    check = reread_check(NoteParser(note_format))
    refused = update_file(path, edits, check) if edits else None
    return Updated(path.read_bytes(), result, refused)


def on_disk(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="updfuzz-") as name:
        yield Path(name)


def _write(folder: Path, text: str) -> Path:
    path = folder / "note.md"
    path.write_bytes(on_disk(text))
    return path


# --- The properties ----------------------------------------------------------------------

PROPERTY = settings(deadline=None)


@PROPERTY
# A note that mixes line endings does not say which ending a line after its last one takes
# (the line above tells): that it keeps every other byte is the property below.
@given(note=notes(mixing=False), variant=st.sampled_from(["blank", "wrong"]))
def test_update_writes_back_the_original_bytes(
    runner: NoteRunner, note: Note, variant: str
) -> None:
    with tempfile.TemporaryDirectory(prefix="updfuzz-") as name:
        path = _write(Path(name), note.text(variant))
        first = update(runner, path, note.format())
        assert first.refused is None
        assert first.data.decode("utf-8").splitlines(True) == note.text().splitlines(True)
        second = update(runner, path, note.format())
        assert second.data == first.data
        assert [block.outcome for block in second.result.blocks] == ["passed"] * len(
            second.result.blocks
        )


@PROPERTY
@given(note=notes())
def test_update_leaves_a_passing_note_byte_identical(runner: NoteRunner, note: Note) -> None:
    with tempfile.TemporaryDirectory(prefix="updfuzz-") as name:
        path = _write(Path(name), note.text())
        updated = update(runner, path, note.format())
        assert [edit for block in updated.result.blocks for edit in block.edits] == []
        assert updated.data == on_disk(note.text())


def _cut(note: Note, text: str) -> bool:
    """Whether ``text`` is ``note`` with any lines in place of its sections: every other line
    as it is, with its line ending, and every line of a section ending as the line before it
    (the note's own). The note still ends with a newline, or without one, unless it ends with
    a section (a section that update empties leaves the line above it last, with its line
    ending)."""
    endings = note.endings("wrong")
    parts: list[str] = []
    ending, position = note.newline, 0
    for part in note.parts:
        if isinstance(part, Section):
            position += len(part.wrong)
            parts.append(rf"(?:[^\r\n]*{re.escape(ending)})*?")
            continue
        ending = endings[position]
        position += 1
        parts.append(re.escape(part + ending))
    ends = isinstance(note.parts[-1], Section) or (
        text.endswith(("\n", "\r")) == note.final_newline
    )
    whole = text + ("" if note.final_newline else endings[-1])
    return ends and re.fullmatch("".join(parts), whole) is not None


@PROPERTY
@given(note=notes(NASTY))
def test_whatever_blocks_print_update_changes_only_their_sections(
    runner: NoteRunner, note: Note
) -> None:
    """Blocks that print fences, markers, prompts, labels, blank lines...: update writes
    what it can and refuses the rest, naming why; every byte outside the sections stays,
    and a second update changes nothing."""
    with tempfile.TemporaryDirectory(prefix="updfuzz-") as name:
        path = _write(Path(name), note.text("wrong"))
        first = update(runner, path, note.format())
        text = first.data.decode("utf-8")
        assert text.startswith("\ufeff") == note.bom
        assert _cut(note, text.removeprefix("\ufeff"))
        for block in first.result.blocks:
            # a block whose output is not written says why, and fails
            if block.not_updated:
                assert "Not updated: " in block.message
                event("a section refused")
            else:
                assert block.outcome == "passed" or block.edits, block.message
        second = update(runner, path, note.format())
        assert [edit for block in second.result.blocks for edit in block.edits] == []
        assert second.data == first.data


# --- End to end, through the plugin ------------------------------------------------------


def _s(prefix: str, *good: str) -> Section:
    """A section of the lines ``good``, each written after ``prefix``."""
    wrong = tuple(prefix + "WRONG" if line else line for line in good)
    return Section(tuple(prefix + line if line else line for line in good), (), wrong)


#: Notes of several layouts each, as the plugin reads them with an ini of its own.
END_TO_END = {
    "crlf-bom-indented-last": (
        Note(
            (
                "---",
                "torchnotes:",
                "  indented_output: true",
                "---",
                "# 张量",
                "",
                "```python",
                "print('a\\tb')",
                "======== output ==========",
                _s("", "a\tb"),
                "```",
                "",
                "- step",
                "",
                "  ```python",
                "  >>> print('输出')",
                _s("  ", "输出"),
                "  ```",
                "",
                "```python",
                "print(3)",
                "```",
                _s("    ", "", "3"),
            ),
            "\r\n",
            bom=True,
            final_newline=False,
            indented=True,
        ),
        "",
    ),
    "comments-ipython-quote": (
        Note(
            (
                "> ```python",
                "> In [1]: 'x'",
                _s("> ", "Out[1]: 'x'"),
                ">",
                "> In [2]: print(2)",
                _s("> ", "2"),
                "> ```",
                "",
                "```python",
                "print('y')",
                "# 输出：",
                _s("# ", "y"),
                "```",
                "",
                "<details><summary>Output</summary>",
                "",
                "```python",
                "print('z')",
                "```",
                "",
                "**Output:**",
                "",
                "~~~text",
                _s("", "z"),
                "~~~",
                "",
                "</details>",
            ),
            "\n",
            bom=False,
            final_newline=True,
            indented=False,
        ),
        "torchnotes_comment_output = true\n",
    ),
}


@pytest.mark.parametrize("variant", ["blank", "wrong"])
@pytest.mark.parametrize("name", sorted(END_TO_END))
def test_the_plugin_updates_every_layout_back_to_the_original_bytes(
    pytester: pytest.Pytester, name: str, variant: str
) -> None:
    note, ini = END_TO_END[name]
    pytester.makeini(f"[pytest]\ntorchnotes_paths = notes\n{ini}")
    path = pytester.path / "notes" / "note.md"
    path.parent.mkdir()
    path.write_bytes(on_disk(note.text(variant)))
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_bytes() == on_disk(note.text())
    again = pytester.runpytest("--torchnotes-update")
    again.assert_outcomes(passed=1)
    assert "rewrote" not in again.stdout.str()
    assert path.read_bytes() == on_disk(note.text())


def test_a_fence_or_comment_is_not_written_as_indented_output_under_a_label(
    runner: NoteRunner, folder: Path
) -> None:
    """Under a label line an indented fence reads as a fence and a comment as a comment
    (right after the block they are text): such output is refused, naming the line, and the
    note is left as it was."""
    text = "```python\nprint('```')\n```\n\nOut:\n\n    x\n\nProse.\n"
    path = _write(folder, text)
    updated = update(runner, path, NoteFormat(indented_output=True))
    assert updated.data == on_disk(text)
    (block,) = updated.result.blocks
    assert block.not_updated == (
        "a line of the output ('```') would read as a code fence under the label line: put the"
        " output in an output fence, or mark the block <!-- torchnotes: compare ignore -->"
    )
    comment = text.replace("print('```')", "print('<!-- torchnotes: skip -->')")
    path = _write(folder, comment)
    updated = update(runner, path, NoteFormat(indented_output=True))
    assert updated.data == on_disk(comment)
    assert updated.result.blocks[0].not_updated == (
        "a line of the output ('<!-- torchnotes: skip -->') would read as an HTML comment under"
        " the label line: put the output in an output fence, or mark the block"
        " <!-- torchnotes: compare ignore -->"
    )
    right_after = text.replace("Out:\n\n", "")
    path = _write(folder, right_after)
    assert update(runner, path, NoteFormat(indented_output=True)).data == on_disk(
        right_after.replace("    x", "    ```")
    )
