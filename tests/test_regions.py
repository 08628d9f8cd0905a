"""One Sybil parser per kind of region (and per output convention of an ordinary block), over
one reading of the note; each region carries the evaluator of its kind, and a part whose
parser is left out is a problem of the note."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sybil import Document

from pytest_torchnotes.markdown.blocks import OutputSection
from pytest_torchnotes.markdown.context import BlockDraft, NoteContext
from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsers import OUTPUT_CONVENTIONS, NoteParser
from pytest_torchnotes.markdown.regions import (
    CONVENTION_PARSERS,
    PARSERS,
    CommentOutputParser,
    ConventionParser,
    DirectiveParser,
    IndentedOutputParser,
    IPythonParser,
    KindParser,
    MarkerOutputParser,
    NoOutputParser,
    OutputBlockParser,
    OutputFenceParser,
    QuotedOutputParser,
    SetupParser,
    TranscriptParser,
    note_parsers,
)
from pytest_torchnotes.markdown.regions.reading import (
    OUTPUT_BLOCK,
    convention_of,
    kind_of,
    part_of,
    settle,
)
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run import kinds
from pytest_torchnotes.run.directives import evaluate_directive
from pytest_torchnotes.run.runner import NoteRunner, RunSettings

SAMPLES = Path(__file__).parent / "samples"
SAMPLE = SAMPLES / "region_kinds.md"
#: A part of each parser of :data:`PARSERS` but the indented convention's, and that one.
CONVENTIONS = SAMPLES / "output_conventions.md"
INDENTED = SAMPLES / "indented_convention.md"
#: Output comments are read only with this setting.
COMMENT_OUTPUT = NoteFormat(comment_output=True)
FENCE = "```"


def _regions(parser: KindParser, path: Path = SAMPLE) -> list[tuple[int, int, str, object]]:
    """Each region ``parser`` yields from the note at ``path``: its 1-based first and last
    line, what it holds and its evaluator."""
    document = NoteDocument.parse(str(path))
    return [
        (
            document.text.count("\n", 0, region.start) + 1,
            document.text.count("\n", 0, region.end) + 1,
            type(region.parsed).__name__,
            region.evaluator,
        )
        for region in parser(document)
    ]


@pytest.mark.parametrize(
    ("parser", "regions"),
    [
        (SetupParser(), [(3, 5, "SetupBlock", kinds.SETUP)]),
        (DirectiveParser(), [(7, 7, "Timeout", evaluate_directive)]),
        # A block's region runs from its opening fence to the end of its output fence.
        (OutputBlockParser(), [(8, 14, "Block", kinds.OUTPUT_BLOCK)]),
        (TranscriptParser(), [(16, 19, "Block", kinds.TRANSCRIPT)]),
        (IPythonParser(), [(21, 24, "Block", kinds.IPYTHON)]),
    ],
)
def test_each_parser_yields_the_regions_of_its_kind_with_its_evaluator(
    parser: KindParser, regions: list[tuple[int, int, str, object]]
) -> None:
    assert _regions(parser) == regions


def _convention_regions(parser_class: type[KindParser], path: Path) -> list[tuple[int, int]]:
    """The 1-based first and last lines of the regions the parser yields from ``path``,
    each an ordinary block evaluated by ``OUTPUT_BLOCK``."""
    document = NoteDocument.parse(str(path))
    found = []
    for region in parser_class(COMMENT_OUTPUT)(document):
        assert region.evaluator is kinds.OUTPUT_BLOCK
        assert kind_of(region.parsed) == OUTPUT_BLOCK
        text = document.text
        found.append((text.count("\n", 0, region.start) + 1, text.count("\n", 0, region.end) + 1))
    return found


@pytest.mark.parametrize(
    ("parser_class", "path", "regions"),
    [
        # The output under the marker is inside the fence.
        (MarkerOutputParser, CONVENTIONS, [(8, 12)]),
        # The region runs from the block's opening fence to the end of its output fence.
        (OutputFenceParser, CONVENTIONS, [(14, 20)]),
        (OutputFenceParser, INDENTED, [(14, 20)]),  # the fence wins over indented output
        # To the last indented line; an empty section (where update writes) adds none.
        (IndentedOutputParser, INDENTED, [(8, 12), (22, 24)]),
        (IndentedOutputParser, CONVENTIONS, []),  # read only with indented_output
        (CommentOutputParser, CONVENTIONS, [(22, 26)]),
        # To the quote's last line.
        (QuotedOutputParser, CONVENTIONS, [(42, 46)]),
        (NoOutputParser, CONVENTIONS, [(28, 30)]),
        (NoOutputParser, INDENTED, []),
        # The parser of every convention yields them all, in document order.
        (OutputBlockParser, CONVENTIONS, [(8, 12), (14, 20), (22, 26), (28, 30), (42, 46)]),
        (OutputBlockParser, INDENTED, [(8, 12), (14, 20), (22, 24)]),
    ],
    ids=lambda value: value.name if isinstance(value, Path) else None,
)
def test_each_convention_parser_yields_the_blocks_its_convention_read(
    parser_class: type[KindParser], path: Path, regions: list[tuple[int, int]]
) -> None:
    assert _convention_regions(parser_class, path) == regions


@pytest.mark.parametrize("parser_class", CONVENTION_PARSERS, ids=lambda parser: parser.__name__)
def test_each_convention_parser_names_its_lexer_in_the_conventions_read_in_one_pass(
    parser_class: type[ConventionParser],
) -> None:
    """The lexer half of each pair is read by ``NoteParser``'s one pass over the note."""
    assert all(convention in OUTPUT_CONVENTIONS for convention in parser_class.conventions)
    assert bool(parser_class.conventions) is (parser_class is not NoOutputParser)
    assert parser_class.section is not None
    assert [parser.section for parser in CONVENTION_PARSERS].count(parser_class.section) == 1


@pytest.mark.parametrize("first", [True, False], ids=["before", "after"])
def test_output_block_parser_with_the_convention_parsers_yields_each_block_once(
    first: bool,
) -> None:
    """Listed before them, it yields every ordinary block and they yield none; after them,
    it yields the blocks of the conventions the list leaves out."""
    reader = NoteParser(COMMENT_OUTPUT)
    kept = [MarkerOutputParser(reader=reader), NoOutputParser(reader=reader)]
    every = OutputBlockParser(reader=reader)
    parsers = [every, *kept] if first else [*kept, every]
    document = NoteDocument(CONVENTIONS.read_text(encoding="utf-8"), str(CONVENTIONS))
    yielded = {}
    for parser in parsers:
        yielded[type(parser).__name__] = [region.parsed.first_line for region in parser(document)]
    assert yielded == (
        {"OutputBlockParser": [7, 13, 21, 27, 41], "MarkerOutputParser": [], "NoOutputParser": []}
        if first
        else {"MarkerOutputParser": [7], "NoOutputParser": [27], "OutputBlockParser": [13, 21, 41]}
    )


def test_the_parsers_and_output_block_parser_parse_a_note_once_each_block() -> None:
    """Sybil refuses overlapping regions: with every parser and OutputBlockParser too, the
    note parses, and its examples are those of the parsers alone."""
    alone = NoteDocument.parse(str(CONVENTIONS), *note_parsers(COMMENT_OUTPUT))
    reader = NoteParser(COMMENT_OUTPUT)
    both = NoteDocument.parse(
        str(CONVENTIONS), *note_parsers(reader=reader), OutputBlockParser(reader=reader)
    )
    assert both.note.problems == []
    assert [(example.line, example.region.evaluator) for example in both.examples()] == [
        (example.line, example.region.evaluator) for example in alone.examples()
    ]


def test_the_regions_of_all_parsers_are_the_examples_in_document_order() -> None:
    document = NoteDocument.parse(str(SAMPLE), *note_parsers())
    assert document.note.problems == []
    assert [(example.line, example.region.evaluator) for example in document.examples()] == [
        (3, kinds.SETUP),
        (7, evaluate_directive),
        (8, kinds.OUTPUT_BLOCK),
        (16, kinds.TRANSCRIPT),
        (21, kinds.IPYTHON),
    ]
    first = next(document.examples())
    assert document.text[first.start : first.end] == "<!-- torchnotes: setup\nimport math\n-->"


def test_the_note_is_lexed_once_for_all_parsers(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    lex = MarkdownLexer.__call__

    def counted(self: MarkdownLexer, text: str) -> object:
        calls.append(text)
        return lex(self, text)

    monkeypatch.setattr(MarkdownLexer, "__call__", counted)
    document = NoteDocument.parse(str(SAMPLE), *note_parsers())
    assert len(calls) == 1
    assert len(list(document.examples())) == 5
    NoteDocument.parse(str(SAMPLE), *note_parsers())  # another document: read again
    assert len(calls) == 2


def test_parsers_made_with_other_settings_do_not_share_a_reading() -> None:
    document = NoteDocument(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    list(SetupParser()(document))
    with pytest.raises(ValueError, match="parsers made with other settings"):
        list(TranscriptParser(NoteFormat(indented_output=True))(document))


#: The sample that holds the parts each parser reads, and their 1-based lines.
LEFT_OUT = {
    SetupParser: (CONVENTIONS, [3]),
    DirectiveParser: (CONVENTIONS, [7]),
    MarkerOutputParser: (CONVENTIONS, [8]),
    OutputFenceParser: (CONVENTIONS, [14]),
    QuotedOutputParser: (CONVENTIONS, [42]),
    # under indented_output, a block with no output has an empty indented section
    IndentedOutputParser: (INDENTED, [8, 22]),
    CommentOutputParser: (CONVENTIONS, [22]),
    NoOutputParser: (CONVENTIONS, [28]),
    TranscriptParser: (CONVENTIONS, [32]),
    IPythonParser: (CONVENTIONS, [37]),
}


@pytest.mark.parametrize("left_out", PARSERS, ids=lambda parser: parser.__name__)
def test_a_part_whose_parser_is_left_out_is_a_problem_of_the_note(
    left_out: type[KindParser],
) -> None:
    path, lines = LEFT_OUT[left_out]
    every = len(list(NoteDocument.parse(str(path), *note_parsers(COMMENT_OUTPUT)).examples()))
    reader = NoteParser(COMMENT_OUTPUT)
    parsers = [parser(reader=reader) for parser in PARSERS if parser is not left_out]
    document = NoteDocument.parse(str(path), *parsers)
    assert [(shown(problem.line_index), problem.message) for problem in document.note.errors] == [
        (
            line,
            f"{left_out.name} is not read: the parsers of this note leave out "
            f"{left_out.__name__} (pytest_torchnotes.markdown.regions), which reads it; "
            "add it to the list",
        )
        for line in lines
    ]
    # the others still yield theirs
    assert len(list(document.examples())) == every - len(lines)


def test_the_sample_of_left_out_parsers_holds_a_part_of_each() -> None:
    assert set(LEFT_OUT) == set(PARSERS)
    for path in (CONVENTIONS, INDENTED):
        document = NoteDocument.parse(str(path), *note_parsers(COMMENT_OUTPUT))
        assert document.note.problems == []


def test_a_block_of_no_parsers_convention_names_the_parser_of_every_block() -> None:
    """A project's own convention may write an output section of a kind no parser of
    :data:`PARSERS` reads: :class:`OutputBlockParser` reads it."""

    def log_fence(draft: BlockDraft, note: NoteContext) -> None:
        following = draft.next_fence
        if draft.output is None and following is not None and following.language == "log":
            note.consumed.add(following.open_line)
            assert following.close_line is not None
            draft.output = OutputSection(
                "log", following.body, following.open_line + 1, following.close_line, ""
            )

    text = f"{FENCE}python\nprint(4)\n{FENCE}\n\n{FENCE}log\n4\n{FENCE}\n"
    reader = NoteParser(conventions=(*OUTPUT_CONVENTIONS, log_fence))
    document = NoteDocument(text, "note.md")
    for parser in note_parsers(reader=reader):
        for region in parser(document):
            document.add(region)
    settle(document)
    assert [(problem.line_index, problem.message) for problem in document.note.problems] == [
        (
            0,
            "a Python block is not read: the parsers of this note leave out OutputBlockParser "
            "(pytest_torchnotes.markdown.regions), which reads it; add it to the list",
        )
    ]
    document = NoteDocument(text, "note.md")
    for parser in [*note_parsers(reader=reader), OutputBlockParser(reader=reader)]:
        for region in parser(document):
            document.add(region)
    settle(document)
    assert document.note.problems == []
    (example,) = document.examples()
    assert example.parsed.expected == "4"


def test_a_note_with_errors_yields_no_region() -> None:
    text = f"<!-- torchnotes: skip -->\n{FENCE}python\nprint(1)\n{FENCE}\n"  # no reason
    document = Document(text, "note.md")
    for parser in note_parsers():
        for region in parser(document):
            document.add(region)
    assert list(document.examples()) == []


def test_a_region_evaluated_outside_a_run_says_so() -> None:
    document = NoteDocument.parse(str(SAMPLE), *note_parsers())
    for example in document.examples():
        if example.region.evaluator is not evaluate_directive:
            assert example.region.evaluator(example) == (
                f"{SAMPLE}:{example.line}: the block is evaluated only while its note runs"
            )


def test_the_plugin_runs_each_region_with_the_evaluator_of_its_kind() -> None:
    seen: list[str] = []

    class Spy(kinds.BlockKind):
        def run(self, run, item, options):  # type: ignore[no-untyped-def]
            seen.append(self.name)
            return super().run(run, item, options)

    document = NoteDocument.parse(str(SAMPLE), *note_parsers())
    for example in document.examples():
        region = example.region
        if isinstance(region.evaluator, kinds.BlockKind):
            region.evaluator = Spy(region.evaluator.name, region.evaluator.block_run)
    runner = NoteRunner(RunSettings(capture_fd=False))
    try:
        result = runner.run(document, SAMPLE, "region_kinds.md")
    finally:
        runner.close()
    assert [block.outcome for block in result.blocks] == ["passed"] * 4
    assert seen == ["a block", "a >>> transcript", "an IPython transcript"]


PARTS = {
    "setup": "<!-- torchnotes: setup\nx = 1\n-->",
    "skip": "<!-- torchnotes: skip why -->",
    "block": f"{FENCE}python\nprint(1)\n{FENCE}",
    "marker": f"{FENCE}python\nprint(1)\n======== output ==========\n1\n{FENCE}",
    "output": f"{FENCE}python\nprint(1)\n{FENCE}\n\n{FENCE}output\n1\n{FENCE}",
    "labeled": f"{FENCE}python\nprint(1)\n{FENCE}\n\nOutput:\n\n{FENCE}\n1\n{FENCE}",
    "indented": f"{FENCE}python\nprint(1)\n{FENCE}\n\n    1",
    "comments": f"{FENCE}python\nprint(1)\n# Output:\n# 1\n{FENCE}",
    "quote": f"{FENCE}python\nprint(1)\n{FENCE}\n\n> 1",
    "transcript": f"{FENCE}python\n>>> 1 + 1\n2\n{FENCE}",
    "ipython": f"{FENCE}python\nIn [1]: 1 + 1\nOut[1]: 2\n{FENCE}",
    "prose": "Some prose.",
}


@given(
    st.lists(st.sampled_from(sorted(PARTS)), max_size=10),
    st.booleans(),
    st.booleans(),
    st.none() | st.integers(0, len(PARSERS)),
)
def test_every_part_of_a_note_is_the_region_of_exactly_one_parser(
    parts: list[str], indented: bool, comments: bool, every_block_at: int | None
) -> None:
    """Whatever the note and the settings, and with :class:`OutputBlockParser` anywhere in
    the list or not at all, each part is yielded once, by a parser that reads it: the
    parser of its kind, of its block's output convention, or of every convention."""
    text = "\n\n".join(PARTS[part] for part in parts) + "\n"
    document = NoteDocument(text, "note.md")
    note_format = NoteFormat(indented_output=indented, comment_output=comments)
    reader = NoteParser(note_format)
    parsers = note_parsers(reader=reader)
    if every_block_at is not None:
        parsers.insert(every_block_at, OutputBlockParser(reader=reader))
    yielded: dict[str, list[object]] = {}
    for parser in parsers:
        for region in parser(document):
            document.add(region)  # Sybil refuses a region that overlaps another
            yielded.setdefault(type(parser).__name__, []).append(region.parsed)
    settle(document)
    note = document.note
    if note.errors:
        assert not yielded
        return
    everything = [parsed for regions in yielded.values() for parsed in regions]
    assert sorted(map(id, everything)) == sorted(map(id, [*note.items, *note.directives]))
    for parser in parsers:
        for parsed in yielded.get(type(parser).__name__, ()):
            assert parser.reads(part_of(parsed))
            if isinstance(parser, ConventionParser):
                assert convention_of(parsed) == parser.section


def test_under_sybil_a_note_whose_parser_is_left_out_fails_naming_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from pytest_torchnotes.markdown.regions import TranscriptParser\n"
        "from pytest_torchnotes.sybil import parsers\n"
        "kept = [p for p in parsers() if not isinstance(p, TranscriptParser)]\n"
        "pytest_collect_file = Sybil(parsers=kept, patterns=['*.md']).pytest()\n"
    )
    pytester.makefile(".md", note=SAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    # Every example of the note fails with the problem: none of its blocks runs.
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(
        [
            "note.md:16: a >>> transcript is not read: the parsers of this note leave out "
            "TranscriptParser (pytest_torchnotes.markdown.regions), which reads it; "
            "add it to the list"
        ]
    )


def test_under_sybil_a_note_whose_convention_parser_is_left_out_fails_naming_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from pytest_torchnotes.markdown.regions import OutputFenceParser\n"
        "from pytest_torchnotes.sybil import parsers\n"
        "kept = [p for p in parsers() if not isinstance(p, OutputFenceParser)]\n"
        "pytest_collect_file = Sybil(parsers=kept, patterns=['*.md']).pytest()\n"
    )
    pytester.makefile(".md", note=SAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=4)
    result.stdout.fnmatch_lines(
        [
            "note.md:8: a block with its output in an output fence is not read: the parsers "
            "of this note leave out OutputFenceParser (pytest_torchnotes.markdown.regions), "
            "which reads it; add it to the list"
        ]
    )


def test_under_sybil_output_block_parser_beside_the_parsers_runs_each_block_once(
    pytester: pytest.Pytester,
) -> None:
    """A list that still names OutputBlockParser beside the parsers of the conventions."""
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from pytest_torchnotes.markdown.regions import OutputBlockParser\n"
        "from pytest_torchnotes.sybil import parsers\n"
        "listed = [OutputBlockParser(), *parsers()]\n"
        "pytest_collect_file = Sybil(parsers=listed, patterns=['*.md']).pytest()\n"
    )
    pytester.makefile(".md", note=SAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*note.md::line:8,column:1 PASSED*"])


def test_under_sybil_each_block_runs_with_the_evaluator_of_its_kind(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from pytest_torchnotes.sybil import parsers\n"
        "pytest_collect_file = Sybil(parsers=parsers(), patterns=['*.md']).pytest()\n"
    )
    pytester.makefile(".md", note=SAMPLE.read_text(encoding="utf-8"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=5)
    result.stdout.fnmatch_lines(["*note.md::line:16,column:1 PASSED*"])


def test_under_sybil_the_parsers_compose_with_other_parsers(pytester: pytest.Pytester) -> None:
    """A region of another parser in the same note is left to its own evaluator."""
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from sybil.parsers.markdown import ClearNamespaceParser\n"
        "from pytest_torchnotes.sybil import parsers\n"
        "pytest_collect_file = Sybil(\n"
        "    parsers=[*parsers(), ClearNamespaceParser()], patterns=['*.md']\n"
        ").pytest()\n"
    )
    pytester.makefile(
        ".md",
        note=f"{FENCE}python\nx = 1\n{FENCE}\n\n<!-- clear-namespace -->\n\n"
        f"{FENCE}python\nprint('after')\n{FENCE}\n\n{FENCE}output\nafter\n{FENCE}\n",
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*note.md::line:5,column:1 PASSED*"])


def test_the_parsers_say_what_they_are() -> None:
    assert [repr(parser) for parser in note_parsers()] == [
        "SetupParser()",
        "DirectiveParser()",
        "MarkerOutputParser()",
        "QuotedOutputParser()",
        "OutputFenceParser()",
        "IndentedOutputParser()",
        "CommentOutputParser()",
        "NoOutputParser()",
        "TranscriptParser()",
        "IPythonParser()",
    ]
