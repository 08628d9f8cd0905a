"""One Sybil parser per kind of region, over one reading of the note; each region carries
the evaluator of its kind, and a part whose parser is left out is a problem of the note."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sybil import Document

from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.regions import (
    PARSERS,
    DirectiveParser,
    IPythonParser,
    KindParser,
    OutputBlockParser,
    SetupParser,
    TranscriptParser,
    note_parsers,
)
from pytest_torchnotes.markdown.regions.reading import kind_of
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run import kinds
from pytest_torchnotes.run.directives import evaluate_directive
from pytest_torchnotes.run.runner import NoteRunner, RunSettings

SAMPLES = Path(__file__).parent / "samples"
SAMPLE = SAMPLES / "region_kinds.md"
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


@pytest.mark.parametrize("left_out", PARSERS, ids=lambda parser: parser.__name__)
def test_a_part_whose_parser_is_left_out_is_a_problem_of_the_note(
    left_out: type[KindParser],
) -> None:
    parsers = [parser() for parser in PARSERS if parser is not left_out]
    document = NoteDocument.parse(str(SAMPLE), *parsers)
    line = {
        SetupParser: 3,
        DirectiveParser: 7,
        OutputBlockParser: 8,
        TranscriptParser: 16,
        IPythonParser: 21,
    }[left_out]
    assert [(shown(problem.line_index), problem.message) for problem in document.note.errors] == [
        (
            line,
            f"{left_out.name} is not read: the parsers of this note leave out "
            f"{left_out.__name__} (pytest_torchnotes.markdown.regions), which reads it; "
            "add it to the list",
        )
    ]
    assert len(list(document.examples())) == 4  # the others still yield theirs


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
    "output": f"{FENCE}python\nprint(1)\n{FENCE}\n\n{FENCE}output\n1\n{FENCE}",
    "transcript": f"{FENCE}python\n>>> 1 + 1\n2\n{FENCE}",
    "ipython": f"{FENCE}python\nIn [1]: 1 + 1\nOut[1]: 2\n{FENCE}",
    "prose": "Some prose.",
}


@given(st.lists(st.sampled_from(sorted(PARTS)), max_size=10))
def test_every_part_of_a_note_is_the_region_of_exactly_one_parser(parts: list[str]) -> None:
    text = "\n\n".join(PARTS[part] for part in parts) + "\n"
    document = NoteDocument(text, "note.md")
    yielded = {
        type(parser).__name__: [region.parsed for region in parser(document)]
        for parser in note_parsers()
    }
    note = document.note
    if note.errors:
        assert not any(yielded.values())
        return
    everything = [parsed for regions in yielded.values() for parsed in regions]
    assert sorted(map(id, everything)) == sorted(map(id, [*note.items, *note.directives]))
    for parser in PARSERS:
        assert all(kind_of(parsed) == parser.kind for parsed in yielded[parser.__name__])


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
        "OutputBlockParser()",
        "TranscriptParser()",
        "IPythonParser()",
    ]
