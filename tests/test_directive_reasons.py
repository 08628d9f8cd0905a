"""Every directive takes a free-text reason after a semicolon."""

from __future__ import annotations

import pytest

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown import directives as d
from pytest_torchnotes.markdown.lexers import BodyLine, CommentLexeme
from pytest_torchnotes.markdown.requirements import parse_requirement


def parse(head: str, body: tuple[str, ...] = ()) -> d.Directive | None:
    lines = tuple(BodyLine(4 + i, "", text) for i, text in enumerate(body))
    return d.parse_directive(CommentLexeme(3, 3 + len(body) + bool(body), head, lines))


@pytest.mark.parametrize(
    ("head", "expected", "why"),
    [
        (
            " torchnotes: compare ignore; timings differ per machine ",
            d.Compare(3, 3, CompareOptions("ignore")),
            "timings differ per machine",
        ),
        (
            " torchnotes: compare numeric rtol=1e-3; float32 on GPUs ",
            d.Compare(3, 3, CompareOptions("numeric", 0.001)),
            "float32 on GPUs",
        ),
        (
            " torchnotes: requires cuda module:torchinfo; 模型在 GPU 上训练 ",
            d.Requires(3, 3, (parse_requirement("cuda"), parse_requirement("module:torchinfo"))),
            "模型在 GPU 上训练",
        ),
        (
            " torchnotes: raises ValueError: negative; the check is the point ",
            d.Raises(3, 3, "ValueError", "negative"),
            "the check is the point",
        ),
        (
            " torchnotes: timeout 30; downloads a dataset ",
            d.Timeout(3, 3, 30.0),
            "downloads a dataset",
        ),
        (
            " torchnotes: warns FutureWarning; deprecated API ",
            d.Warns(3, 3, "FutureWarning", None),
            "deprecated API",
        ),
        (" torchnotes: compare structure ", d.Compare(3, 3, CompareOptions("structure")), None),
    ],
)
def test_reason_after_a_semicolon(head: str, expected: d.Directive, why: str | None) -> None:
    directive = parse(head)
    assert directive == expected
    assert directive is not None
    assert directive.why == why


def test_skip_and_xfail_keep_their_semicolons() -> None:
    assert parse(" torchnotes: skip old API; see the changelog ") == d.Skip(
        3, 3, "old API; see the changelog"
    )
    assert parse(" torchnotes: xfail bug; fixed in 2.5 ") == d.Xfail(3, 3, "bug; fixed in 2.5")


def test_output_takes_a_reason_on_its_first_line() -> None:
    directive = parse(" torchnotes: output torch<2.0; the old repr ", ("tensor(1.)",))
    assert isinstance(directive, d.Output)
    assert directive.why == "the old repr"
    assert directive.text == "tensor(1.)"


def test_arguments_are_still_checked_before_the_reason() -> None:
    with pytest.raises(d.DirectiveError, match=r"'torch>>2' is not a valid requirement"):
        parse(" torchnotes: requires torch>>2; reason ")
    with pytest.raises(d.DirectiveError, match=r"compare: unknown mode"):
        parse(" torchnotes: compare fuzzy; reason ")


def test_a_reason_without_semicolon_is_an_error_that_says_where_it_goes() -> None:
    with pytest.raises(d.DirectiveError) as info:
        parse(" torchnotes: compare ignore timings differ ")
    assert "a reason goes after a semicolon: compare ignore; why" in info.value.message
