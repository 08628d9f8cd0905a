"""Update writes output only where the next run reads it back and passes, or refuses."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.failures import FailureContext
from pytest_torchnotes.markdown.document import NoteDocument, decode_note
from pytest_torchnotes.markdown.parsers import OUTPUT_MARKER
from pytest_torchnotes.markdown.regions import note_parsers
from pytest_torchnotes.run.evaluate import BlockEvaluator
from pytest_torchnotes.run.execute import Executor
from pytest_torchnotes.run.kinds import BlockKind
from pytest_torchnotes.run.planning import NoteSource
from pytest_torchnotes.run.results import PASSED, BlockResult
from pytest_torchnotes.update.apply import apply
from pytest_torchnotes.update.refusals import TRANSCRIPT_FIX
from pytest_torchnotes.update.rewrite import digest
from pytest_torchnotes.update.wants import reread, want_reason


def run(text: str, *, update: bool) -> BlockResult:
    """Run the only block of the note ``text``, planning its rewrite when ``update``."""
    raw = decode_note(text.encode("utf-8"))
    document = NoteDocument(raw.text, "note.md", raw)
    for parser in note_parsers():
        for region in parser(document):
            document.add(region)
    assert not document.note.errors, document.note.errors
    (example,) = document.examples()  # the region of its kind, with that kind's evaluator
    block, kind = example.parsed, example.region.evaluator
    assert isinstance(kind, BlockKind)
    source = None
    if update:
        source = NoteSource("note.md", raw.original.split("\n"), digest(raw.data), OUTPUT_MARKER)
    evaluator = BlockEvaluator(
        Executor("note.md"),
        {},
        FailureContext("note.md", "2.0", update),
        lambda options: Comparator(options),
        display=True,
        source=source,
    )
    return kind.block_run(evaluator, block, None, CompareOptions())


def transcript(output: str, prefix: str, want: str) -> str:
    lines = [
        "```python",
        f">>> print({output!r})",
        *want.split("\n"),
        ">>> print('after')",
        "after",
        "```",
    ]
    return "".join(f"{prefix}{line}\n" if line else f"{prefix.rstrip()}\n" for line in lines)


TRICKY_LINES = [
    "...",
    "... more",
    "    ...",
    ">>> x",
    "  >>> 1",
    ">>>",
    "Traceback (most recent call last):",
    "Traceback (innermost last):",
    "  Traceback (most recent call last):",
    "ValueError: bad",
    "<BLANKLINE>",
    "a <BLANKLINE> b",
    "",
    "   ",
    "```",
    "~~~",
    "======== output ==========",
    "tensor([1.5000, 2.0000])",
    "# doctest: +SKIP",
    "In [7]: x",
    "  In [ 2]:",
]


@given(
    lines=st.lists(
        st.one_of(st.sampled_from(TRICKY_LINES), st.text(" .>#<:()[]Tab\t0123", max_size=8)),
        max_size=6,
    ),
    prefix=st.sampled_from(["", "> ", "  "]),
    want=st.sampled_from(["", "old", "1.0"]),
)
def test_update_writes_what_the_next_run_reads_back_or_refuses(
    lines: list[str], prefix: str, want: str
) -> None:
    """Whatever an example prints, update either writes a want that the next run parses as
    the same examples and passes, or refuses and says why."""
    output = "\n".join(lines)
    text = transcript(output, prefix, want)
    first = run(text, update=True)
    if first.outcome == PASSED:
        assert not first.edits
        return
    if not first.edits:
        assert first.not_updated, first.message
        assert first.not_updated.startswith("example at line 2: ")
        reason = first.not_updated.removeprefix("example at line 2: ")
        assert f"Not updated: line 2: {reason}." in first.message
        return
    updated = apply(decode_note(text.encode("utf-8")).original, first.edits)
    second = run(updated, update=True)
    assert second.outcome == PASSED, (updated, second.message)
    assert not second.edits


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("...", "the first line of the output ('...') starts with ... and would read as code"),
        ("... 3 more\nend", "the first line of the output ('... 3 more') starts with ..."),
        (
            "Traceback (most recent call last):\n  File x\nValueError: no",
            "the output starts with 'Traceback (most recent call last):' and would read as an "
            "exception the example raises",
        ),
        ("a\n>>> b", "a line of the output ('>>> b') reads as a >>> prompt"),
        # the note would no longer run: a transcript holds one kind of prompt
        ("a\nIn [7]: x", "a line of the output ('In [7]: x') reads as an In [n]: prompt"),
        ("<BLANKLINE>", "a line of the output ('<BLANKLINE>') holds <BLANKLINE>, which reads"),
    ],
)
def test_output_that_would_read_otherwise_is_refused(output: str, reason: str) -> None:
    text = transcript(output, "", "")
    result = run(text, update=True)
    assert not result.edits
    assert result.not_updated is not None
    assert result.not_updated.startswith(f"example at line 2: {reason}")
    assert result.not_updated.endswith(f": {TRANSCRIPT_FIX}")
    assert f"Not updated: line 2: {reason}" in result.message


@pytest.mark.parametrize(
    "output", ["ok\n... and so on", "x\nTraceback (most recent call last):", "a\n\nb"]
)
def test_output_that_reads_back_is_written(output: str) -> None:
    text = transcript(output, "", "")
    result = run(text, update=True)
    assert result.edits, result.message
    updated = apply(text, result.edits)
    assert run(updated, update=False).outcome == PASSED


def test_want_reason_looks_at_the_first_line_for_code_and_exceptions() -> None:
    assert want_reason(["ok", "...", "Traceback (most recent call last):"]) is None
    assert (
        want_reason(["ok", "   >>> 1"]) == "a line of the output ('   >>> 1') reads as a >>> prompt"
    )


def test_reread_names_what_would_read_otherwise() -> None:
    import doctest

    original = doctest.DocTestParser().get_examples(">>> f()\nold\n>>> g()\n")

    def check(code: str, passes: bool = True) -> str | None:
        return reread(code.split("\n"), 0, original, lambda example: passes)

    assert check(">>> f()\nnew\n>>> g()\n") is None
    assert check(">>> f()\nnew\n>>> g()\n", passes=False) == (
        "the output would not read back as what the example prints"
    )
    assert check(">>> f()\n... new\n>>> g()\n") == (
        "the output would change the examples the transcript holds"
    )
    assert check(">>> f()\nTraceback (most recent call last):\nE: x\n>>> g()\n") == (
        "the output would read as an exception the example raises"
    )
    assert check(">>> f()\n  >>>x\n>>> g()").startswith("the transcript would no longer parse")


def test_reread_of_a_rewritten_exception_wants_one() -> None:
    import doctest

    original = doctest.DocTestParser().get_examples(
        ">>> f()\nTraceback (most recent call last):\n  ...\nE: old\n>>> g()\n"
    )

    def check(code: str) -> str | None:
        return reread(code.split("\n"), 0, original, lambda example: True, raises=True)

    assert check(">>> f()\nTraceback (most recent call last):\n  ...\nF: new\n>>> g()\n") is None
    assert check(">>> f()\nF: new\n>>> g()\n") == (
        "the exception would no longer read as one the example raises"
    )


LAYOUTS = {
    "marker": "```python\nprint({output!r})\n=== output ===\n{want}\n```\n",
    "fence": "```python\nprint({output!r})\n```\n\n```output\n{want}\n```\n",
    "tilde": "~~~python\nprint({output!r})\n~~~\n\n~~~output\n{want}\n~~~\n",
}


@given(
    lines=st.lists(
        st.one_of(
            st.sampled_from([*TRICKY_LINES, "```output", "~~~~", "<!-- x -->", "\t1.5"]),
            st.text(" .>#<:()[]-=`~Tab\t0123", max_size=8),
        ),
        max_size=6,
    ),
    layout=st.sampled_from(sorted(LAYOUTS)),
    prefix=st.sampled_from(["", "> ", "   "]),
    want=st.sampled_from(["", "old", "1.0"]),
)
# Printed text that reads as a traceback: the block prints it, it does not raise it.
@example(lines=["Traceback (most recent call last):", "T"], layout="fence", prefix="", want="old")
def test_update_of_any_section_reads_back_or_refuses(
    lines: list[str], layout: str, prefix: str, want: str
) -> None:
    """The same rule for output sections: written and passing on the next run, or refused."""
    text = LAYOUTS[layout].format(output="\n".join(lines), want=want)
    text = "".join(f"{prefix}{line}".rstrip(" ") + "\n" for line in text.split("\n")[:-1])
    first = run(text, update=True)
    if first.outcome == PASSED:
        assert not first.edits
        return
    if not first.edits:
        assert first.not_updated, first.message
        return
    updated = apply(decode_note(text.encode("utf-8")).original, first.edits)
    second = run(updated, update=True)
    assert second.outcome == PASSED, (updated, second.message)
    assert not second.edits
