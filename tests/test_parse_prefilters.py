"""The parse's scans for rare layouts are skipped, by one substring search, in a note that
lacks their trigger text, and what each scan would find holds that text: skipping it never
changes the reading."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import hints, tabs
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser

#: First lines of blocks: d2lbook's tab lines and extension, and lines that are neither.
FIRST_LINES = st.sampled_from(
    [
        "#@tab pytorch",
        "# @tab mxnet, jax",
        "#\t@tab all",
        "%%tab pytorch",
        "  %%tab tensorflow",
        "%load_ext d2lbook.tab",
        "%load_ext  d2lbook.tab  ",
        "import torch",
        "# a tab in the table",
        "x = 1",
        "",
    ]
)
LANGUAGES = st.sampled_from(["python", "{.python .input}", "bash", ""])


@given(st.lists(st.tuples(LANGUAGES, FIRST_LINES, FIRST_LINES), max_size=5))
def test_a_note_whose_blocks_are_d2lbook_tabs_mentions_them(
    blocks: list[tuple[str, str, str]],
) -> None:
    text = "".join(f"```{info}\n{first}\n{second}\n```\n\n" for info, first, second in blocks)
    fences = MarkdownLexer()(text).fences
    languages = frozenset({"python"})
    if tabs.tabbed(fences, languages) or tabs.magic_tabs(fences, languages):
        assert tabs.mentions(text)


def test_a_note_without_tabs_reads_no_first_line_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def read(*args: object) -> None:
        raise AssertionError("read for tabs")

    monkeypatch.setattr(tabs, "tab_line", read)
    monkeypatch.setattr(tabs, "loads_tabs", read)
    text = "See the stable docs.\n\n```python\nimport torch\nprint(1)\n```\n\n```\n1\n```\n"
    note = NoteParser().parse(text)
    assert [block.code for block in note.blocks] == ["import torch\nprint(1)"]


#: Text around trigger strings: their rare characters often (more than ``TRIES`` times),
#: Chinese whose code points end in those characters' bytes (U+4E3C: 0x3C is ``<``), and
#: the trigger strings themselves, whole and cut.
TEXT_PIECES = st.sampled_from(
    ["<", "<!--", "<code", "<CODE>", "{", "{%", "{% tab", "%", "%%", "%%tab", "@", "@tab",
     "@s", ">", ">>>", "> >>", ":{code-cell}", "\u4e3c", "\u4e25", "\u4e40", "张量", "x",
     " ", "\n", "tab", "{#if fw", "<frameworkcontent>"]
)  # fmt: skip
NEEDLES = st.sampled_from(
    ["<code", "<CODE", "{%", "{% tab", "%%", "%%tab", "@tab", "@s", ">>>", ":{code-cell}",
     "<!-- tab", "{#if fw", "<frameworkcontent>", "%load_ext", "highlight", "x"]
)  # fmt: skip


@given(st.lists(TEXT_PIECES, max_size=40).map("".join), NEEDLES)
@example("```{code-cell} x :{code-cell}", ":{code-cell}")  # its rare character is its second
@example("{\u4e3c:{code-cell", ":{code-cell}")
def test_holds_is_a_substring_search(text: str, needle: str) -> None:
    assert hints.holds(text, needle) is (needle in text)


def test_holds_searches_the_rest_after_many_places_of_the_rare_character() -> None:
    text = "<b>" * (hints.TRIES + 3) + "<code>"
    assert hints.holds(text, "<code")
    assert not hints.holds(text, "<pre")
