"""Directive grammar: every directive, and the exact message for every mistake."""

from __future__ import annotations

import pytest

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.lexers import BodyLine, CommentLexeme


def comment(head: str, body: tuple[str, ...] = ()) -> CommentLexeme:
    lines = tuple(BodyLine(4 + i, "", text) for i, text in enumerate(body))
    return CommentLexeme(3, 3 + len(body) + (1 if body else 0), head, lines)


def parse(head: str, body: tuple[str, ...] = ()) -> d.Directive | None:
    return d.parse_directive(comment(head, body))


def error(head: str, body: tuple[str, ...] = ()) -> str:
    with pytest.raises(d.DirectiveError) as info:
        parse(head, body)
    assert info.value.line == 3
    return info.value.message


def test_ordinary_comment_is_not_a_directive() -> None:
    assert parse(" just a comment ") is None
    assert parse(" TODO: torchnotes later ") is None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (" torchnotes: skip needs a GPU ", d.Skip(3, 3, "needs a GPU")),
        (" torchnotes skip needs a GPU ", d.Skip(3, 3, "needs a GPU")),
        ("- TorchNotes: skip x -", d.Skip(3, 3, "x")),
        (" torchnotes: skip start old API ", d.SkipStart(3, 3, "old API")),
        (" torchnotes: skip end ", d.SkipEnd(3, 3)),
        (" torchnotes: xfail known bug ", d.Xfail(3, 3, "known bug")),
        (" torchnotes: raises ValueError ", d.Raises(3, 3, "ValueError", None)),
        (
            " torchnotes: raises AssertionError: a超出范围 ",
            d.Raises(3, 3, "AssertionError", "a超出范围"),
        ),
        (
            " torchnotes: raises torch.OutOfMemoryError:out of memory ",
            d.Raises(3, 3, "torch.OutOfMemoryError", "out of memory"),
        ),
        (" torchnotes: compare exact ", d.Compare(3, 3, CompareOptions("exact"))),
        (
            " torchnotes: compare numeric rtol=1e-3 atol=0.5 ",
            d.Compare(3, 3, CompareOptions("numeric", 0.001, 0.5)),
        ),
        (" torchnotes: timeout 10 ", d.Timeout(3, 3, 10.0)),
    ],
)
def test_one_line_directives(head: str, expected: d.Directive) -> None:
    assert parse(head) == expected


def test_requires() -> None:
    directive = parse(" torchnotes: requires torch>=2.1 python<3.10 module:torchinfo cuda ")
    assert isinstance(directive, d.Requires)
    assert [(r.kind, r.name) for r in directive.requirements] == [
        ("distribution", "torch"),
        ("python", "python"),
        ("module", "torchinfo"),
        ("device", "cuda"),
    ]


def test_setup() -> None:
    directive = parse(" torchnotes: setup", ("import torch", "x = torch.ones(2)"))
    assert directive == d.Setup(3, 6, "import torch\nx = torch.ones(2)", 4)


@pytest.mark.parametrize(
    ("head", "message"),
    [
        (
            " torchnotes: ",
            "empty torchnotes directive: expected one of skip, xfail, raises, "
            "requires, compare, timeout, warns, output, setup",
        ),
        (
            " torchnotes: skp x ",
            "unknown torchnotes directive 'skp': expected one of skip, "
            "xfail, raises, requires, compare, timeout, warns, output, setup",
        ),
        (" torchnotes: skip ", "skip needs a reason, e.g. <!-- torchnotes: skip why -->"),
        (
            " torchnotes: skip start ",
            "skip start needs a reason, e.g. <!-- torchnotes: skip start why -->",
        ),
        (" torchnotes: skip end now ", "skip end takes no arguments"),
        (" torchnotes: xfail ", "xfail needs a reason, e.g. <!-- torchnotes: xfail why -->"),
        (" torchnotes: raises ", "raises expects TYPE or TYPE: MESSAGE PATTERN, got ''"),
        (" torchnotes: raises 3rror ", "raises expects TYPE or TYPE: MESSAGE PATTERN, got '3rror'"),
        (" torchnotes: requires ", "requires needs at least one spec, e.g. torch>=2.1"),
        (
            " torchnotes: requires torch>>2 ",
            "requires: 'torch>>2' is not a valid requirement: "
            "Expected semicolon (after name with no version specifier) or end",
        ),
        (
            " torchnotes: requires module: ",
            "requires: 'module:': expected module:NAME or platform:NAME",
        ),
        (" torchnotes: requires mps>=1 ", "requires: 'mps>=1': only cuda takes a version"),
        (" torchnotes: requires cuda>=x ", "requires: 'cuda>=x': '>=x' is not a version specifier"),
        (
            " torchnotes: requires torch[extra] ",
            "requires: 'torch[extra]': only NAME and a version specifier are allowed",
        ),
        (
            " torchnotes: compare ",
            "compare: expected one of numeric, exact, ellipsis, structure, ignore",
        ),
        (
            " torchnotes: compare fuzzy ",
            "compare: unknown mode 'fuzzy': expected one of "
            "numeric, exact, ellipsis, structure, ignore",
        ),
        (
            " torchnotes: compare exact rtol ",
            "compare: 'rtol': expected rtol=NUMBER or atol=NUMBER",
        ),
        (" torchnotes: compare exact rtol=x ", "compare: 'rtol=x': 'x' is not a number"),
        (
            " torchnotes: compare exact atol=-1 ",
            "compare: 'atol=-1': a tolerance is a finite number >= 0",
        ),
        (" torchnotes: timeout ", "timeout: '' is not a number of seconds"),
        (" torchnotes: timeout 0 ", "timeout: '0': a timeout is a finite number of seconds > 0"),
        (
            " torchnotes: timeout inf ",
            "timeout: 'inf': a timeout is a finite number of seconds > 0",
        ),
        (
            " torchnotes: setup x = 1 ",
            "setup code goes on the lines after <!-- torchnotes: setup, not on it",
        ),
        (" torchnotes: setup ", "setup has no code: put it on the lines before -->"),
    ],
)
def test_errors(head: str, message: str) -> None:
    assert error(head) == message


def test_one_line_directive_with_a_body_is_an_error() -> None:
    assert error(" torchnotes: skip why", ("more",)) == (
        "skip is written on one line: <!-- torchnotes: skip ... -->"
    )


def test_nothing_is_evaluated() -> None:
    # A directive that would do harm if evaluated is just text.
    directive = parse(" torchnotes: skip __import__('os').system('false') ")
    assert directive == d.Skip(3, 3, "__import__('os').system('false')")
    assert error(" torchnotes: timeout __import__('os').getpid() ").startswith("timeout:")


def test_raises_describe() -> None:
    assert d.Raises(0, 0, "ValueError", None).describe() == "ValueError"
    assert d.Raises(0, 0, "ValueError", "x").describe() == "ValueError: x"


def test_the_lexer_part_reads_name_arguments_and_lines_of_each_directive() -> None:
    """The comments of the note's lexing pass, read as directive lexemes."""
    from pathlib import Path

    from pytest_torchnotes.markdown.lexers import MarkdownLexer

    text = (Path(__file__).parent / "samples" / "directives.md").read_text(encoding="utf-8")
    lexemes = [d.lex_directive(comment) for comment in MarkdownLexer()(text).comments]
    assert [
        (lexeme.line + 1, lexeme.end + 1, lexeme.name, lexeme.arguments, len(lexeme.body))
        for lexeme in lexemes
        if lexeme is not None
    ] == [
        (3, 3, "skip", "pseudo-code", 0),
        (8, 8, "raises", "ValueError: bad (value)", 0),
        (9, 9, "timeout", "2.5", 0),
        (15, 18, "setup", "", 2),
        (20, 20, "skip", "start old API", 0),
        (27, 27, "skip", "end", 0),
        (29, 29, "requires", "torch>=2.1 module:torchinfo", 0),
        (30, 30, "compare", "exact", 0),
    ]
