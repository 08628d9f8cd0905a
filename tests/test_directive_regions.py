"""Directives are regions of a note's document: evaluating one pushes the evaluator that
applies it to the blocks after it, and what they apply is what the replay of the note finds."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sybil import Example
from sybil.example import NotEvaluated

from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.blocks import Block, SetupBlock
from pytest_torchnotes.markdown.document import NoteDocument
from pytest_torchnotes.markdown.inforce import fold, in_force, options_by_line
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.run import directives
from pytest_torchnotes.run.runner import NoteRunner, RunSettings
from tests.conftest import block_counts

SAMPLES = Path(__file__).parent / "samples"
FENCE = "```"


def _document(path: Path) -> NoteDocument:
    return NoteDocument.parse(str(path), *note_parsers())


def _parsed(text: str) -> NoteDocument:
    """The note ``text`` as the plugin's parsers read it."""
    document = NoteDocument(text, "note.md")
    for parser in note_parsers():
        for region in parser(document):
            document.add(region)
    return document


class Applied:
    """The bottom of a document's evaluators: records what the evaluators above it applied
    to each block and setup comment."""

    def __init__(self) -> None:
        self.applied: dict[int, tuple[d.Directive, ...]] = {}

    def __call__(self, example: Example) -> None:
        if directives.is_directive(example):
            raise NotEvaluated
        self.applied[example.parsed.first_line] = directives.applied(example)


def _evaluate_all(document: NoteDocument) -> Applied:
    recorder = Applied()
    document.push_evaluator(recorder)
    for example in document.examples():
        example.evaluate()
    document.pop_evaluator(recorder)
    return recorder


def test_the_examples_are_directives_setup_and_blocks_in_document_order() -> None:
    document = _document(SAMPLES / "directives.md")
    examples = list(document.examples())
    assert [(type(example.parsed).__name__, example.line) for example in examples] == [
        ("Skip", 3),
        ("Block", 4),
        ("Raises", 8),
        ("Timeout", 9),
        ("Block", 11),
        ("SetupBlock", 15),
        ("SkipStart", 20),
        ("Block", 21),
        ("Block", 24),
        ("SkipEnd", 27),
        ("Requires", 29),
        ("Compare", 30),
        ("Block", 31),
    ]
    # A directive's region is its comment, a block's its fences.
    texts = [document.text[example.start : example.end] for example in examples]
    assert texts[0] == "<!-- torchnotes: skip pseudo-code -->"
    assert texts[9] == "<!-- torchnotes: skip end -->"
    assert texts[12] == f"{FENCE}python\nprint(x + y)\n{FENCE}"


def test_each_directive_applies_to_the_blocks_the_replay_gives_it() -> None:
    document = _document(SAMPLES / "directives.md")
    recorder = _evaluate_all(document)
    note = document.note
    names = {
        shown(line): [type(directive).__name__ for directive in applied]
        for line, applied in recorder.applied.items()
    }
    assert names == {
        4: ["Skip"],
        11: ["Raises", "Timeout"],
        15: [],
        21: ["SkipStart"],
        24: ["SkipStart"],
        31: ["Requires", "Compare"],
    }
    assert recorder.applied == in_force(note)
    # The end directive popped the region's evaluator, each block's its own.
    assert document.evaluators == []
    options = options_by_line(note)
    assert {line: fold(applied) for line, applied in recorder.applied.items()} == options


def test_a_block_directive_waits_past_a_setup_comment() -> None:
    text = "<!-- torchnotes: skip why -->\n<!-- torchnotes: setup\nx = 1\n-->\n"
    text += f"{FENCE}python\nprint(x)\n{FENCE}\n"
    document = _parsed(text)
    recorder = _evaluate_all(document)
    assert [type(directive).__name__ for directive in recorder.applied[4]] == ["Skip"]
    assert recorder.applied[1] == ()


# A note made of these parts, in any order that parses without a problem.
PARTS = {
    "skip": "<!-- torchnotes: skip why -->",
    "xfail": "<!-- torchnotes: xfail why -->",
    "timeout": "<!-- torchnotes: timeout 2 -->",
    "compare": "<!-- torchnotes: compare exact -->",
    "warns": "<!-- torchnotes: warns UserWarning -->",
    "requires": "<!-- torchnotes: requires module:math -->",
    "skip start": "<!-- torchnotes: skip start old -->",
    "skip end": "<!-- torchnotes: skip end -->",
    "requires start": "<!-- torchnotes: requires start module:json -->",
    "requires end": "<!-- torchnotes: requires end -->",
    "setup": "<!-- torchnotes: setup\nx = 1\n-->",
    "block": f"{FENCE}python\nprint(1)\n{FENCE}",
    "prose": "Some prose.",
}


BLOCK_DIRECTIVES = ("skip", "xfail", "timeout", "compare", "warns", "requires")


@st.composite
def well_formed(draw: st.DrawFn) -> list[str]:
    """The parts of a note without problems: blocks under some of the block directives,
    setup comments and prose, maybe in a skip region and a requires region."""
    segment = st.one_of(
        st.lists(st.sampled_from(BLOCK_DIRECTIVES), unique=True).map(lambda own: [*own, "block"]),
        st.just(["setup"]),
        st.just(["prose"]),
    )
    segments: list[list[str]] = draw(st.lists(segment, max_size=6))
    for kind in ("skip", "requires"):
        if segments and draw(st.booleans()):
            first = draw(st.integers(0, len(segments) - 1))
            last = draw(st.integers(first, len(segments) - 1))
            segments[first] = [f"{kind} start", *segments[first]]
            segments[last] = [*segments[last], f"{kind} end"]
    return [part for parts in segments for part in parts]


@given(st.one_of(well_formed(), st.lists(st.sampled_from(sorted(PARTS)), max_size=14)))
def test_the_evaluators_apply_what_the_replay_of_the_note_finds(parts: list[str]) -> None:
    text = "\n".join(PARTS[part] for part in parts) + "\n"
    document = _parsed(text)
    note = document.note
    recorder = _evaluate_all(document)
    if note.errors:  # the note does not run: its parts yield no regions
        assert recorder.applied == {}
        return
    assert set(recorder.applied) == {item.first_line for item in note.items}
    assert recorder.applied == in_force(note)
    assert not any(isinstance(evaluator, directives.NextBlock) for evaluator in document.evaluators)


def test_the_examples_evaluate_in_the_namespace_the_notes_code_runs_in(tmp_path: Path) -> None:
    """The plugin's run: the document's namespace is the note's ``__main__`` namespace."""
    path = tmp_path / "note.md"
    path.write_text(
        f"{FENCE}python\nx = 41\n{FENCE}\n\n<!-- torchnotes: timeout 5 -->\n"
        f"{FENCE}python\nprint(x + 1)\n{FENCE}\n\n{FENCE}output\n42\n{FENCE}\n",
        encoding="utf-8",
    )
    document = _document(path)
    seen: list[tuple[bool, bool, Any]] = []

    def look(example: Example) -> None:  # under the run, which leaves it every example
        main = sys.modules["__main__"].__dict__
        namespace = example.namespace
        seen.append((namespace is main, namespace is document.namespace, namespace.get("x")))
        raise NotEvaluated

    document.push_evaluator(look)
    runner = NoteRunner(RunSettings(capture_fd=False))
    try:
        result = runner.run(document, path, "note.md")
    finally:
        runner.close()
    assert [block.outcome for block in result.blocks] == ["passed", "passed"]
    # Before the first block ran, then the directive and the second block after it.
    assert seen == [(True, True, None), (True, True, 41), (True, True, 41)]


NOTE = f"""\
<!-- torchnotes: skip not here -->
{FENCE}python
print("never")
{FENCE}

<!-- torchnotes: xfail wrong on purpose -->
{FENCE}python
print(1)
{FENCE}

{FENCE}output
2
{FENCE}

<!-- torchnotes: skip start old -->
{FENCE}python
print("old")
{FENCE}
<!-- torchnotes: skip end -->

{FENCE}python
print("after")
{FENCE}
"""

CONFTEST = (
    "from sybil import Sybil\n"
    "from pytest_torchnotes.sybil import parsers\n"
    "pytest_collect_file = Sybil(parsers=parsers(), patterns=['*.md']).pytest()\n"
)


def _outcomes(result: pytest.RunResult) -> dict[str, str]:
    outcomes = {}
    for line in result.stdout.lines:
        if "note.md::line:" in line and " " in line:
            name, _, outcome = line.partition(" ")
            outcomes[name.split("::")[1]] = outcome.split()[0]
    return outcomes


def test_sybil_items_of_directives_pass_and_apply(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".md", note=NOTE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=5, skipped=2, xfailed=1)
    assert _outcomes(result) == {
        "line:1,column:1": "PASSED",
        "line:2,column:1": "SKIPPED",
        "line:6,column:1": "PASSED",
        "line:7,column:1": "XFAIL",
        "line:15,column:1": "PASSED",
        "line:16,column:1": "SKIPPED",
        "line:19,column:1": "PASSED",
        "line:21,column:1": "PASSED",
    }


@pytest.mark.parametrize(
    "selection",
    [
        ["--deselect", "note.md::line:1,column:1", "--deselect", "note.md::line:6,column:1"],
        ["--deselect", "note.md::line:15,column:1", "--deselect", "note.md::line:19,column:1"],
    ],
)
def test_a_block_selected_without_its_directives_still_gets_them(
    pytester: pytest.Pytester, selection: list[str]
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".md", note=NOTE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-v", *selection)
    outcomes = _outcomes(result)
    assert {
        line: outcomes[line]
        for line in ("line:2,column:1", "line:7,column:1", "line:16,column:1", "line:21,column:1")
    } == {
        "line:2,column:1": "SKIPPED",
        "line:7,column:1": "XFAIL",
        "line:16,column:1": "SKIPPED",
        "line:21,column:1": "PASSED",
    }


@pytest.mark.parametrize(
    ("selection", "outcome"),
    [
        (["note.md::line:2,column:1"], "skipped"),
        (["note.md::line:21,column:1"], "passed"),
        (["-k", "line:7"], "xfailed"),
        (["-k", "line:16"], "skipped"),
    ],
)
def test_one_block_selected_alone_still_gets_its_directives(
    pytester: pytest.Pytester, selection: list[str], outcome: str
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".md", note=NOTE)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", *selection)
    result.assert_outcomes(**{outcome: 1})


def test_the_plugin_counts_no_directive_as_a_block(pytester: pytest.Pytester) -> None:
    (pytester.path / "notes").mkdir()
    (pytester.path / "notes" / "note.md").write_text(NOTE, encoding="utf-8")
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--torchnotes")
    assert block_counts(result) == {"ran": 1, "skipped": 2, "xfailed": 1}


def test_a_setup_comment_in_a_region_is_skipped_with_it() -> None:
    text = "<!-- torchnotes: skip start old -->\n<!-- torchnotes: setup\nx = 1\n-->\n"
    text += "<!-- torchnotes: skip end -->\n"
    document = _parsed(text)
    (setup,) = document.note.items
    assert isinstance(setup, SetupBlock)
    assert _evaluate_all(document).applied[setup.first_line] == (document.note.directives[0],)
    assert not any(isinstance(item, Block) for item in document.note.items)
