"""Values from notes, front matter and options that the machinery under them cannot take
are refused where they are written, with their line, instead of failing inside a run."""

from __future__ import annotations

import signal

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.blocks import Problem
from pytest_torchnotes.markdown.directives import parse_timeout
from pytest_torchnotes.markdown.frontmatter import SEEDS
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.settings import parse_seed, parse_timeout_option


@given(st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=1e7, max_value=1e12))
def test_a_timeout_that_is_accepted_can_arm_the_timer(seconds: float) -> None:
    # timeout 1e308 was accepted, and the block failed with OverflowError from the timer.
    try:
        accepted = parse_timeout(repr(seconds))
    except ValueError:
        return
    handler = signal.signal(signal.SIGALRM, lambda *_: None)  # a tiny timeout goes off
    try:
        signal.setitimer(signal.ITIMER_REAL, accepted)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, handler)


@pytest.mark.parametrize("text", ["nan", "inf", "1e12", "-1"])
def test_the_timeout_option_refuses_what_no_timer_takes(text: str) -> None:
    with pytest.raises(ValueError, match="a timeout"):
        parse_timeout_option(text)


@given(st.integers(min_value=-(2**66), max_value=2**66))
def test_a_seed_that_is_accepted_can_seed_torch(seed: int) -> None:
    # A seed of 2**64 or more ended the note with "Overflow when unpacking long long".
    try:
        parse_seed(str(seed))
    except ValueError:
        assert seed not in SEEDS
        return
    torch.Generator().manual_seed(seed)


def test_a_front_matter_seed_out_of_range_is_a_problem_of_its_line() -> None:
    note = NoteParser().parse("---\ntorchnotes:\n  seed: 18446744073709551616\n---\n")
    assert [(problem.line_index, problem.message) for problem in note.problems] == [
        (
            1,
            "torchnotes front matter: seed 18446744073709551616 is out of range: a seed is from"
            " -2**63 to 2**64 - 1",
        )
    ]


def test_a_problem_quoting_a_huge_line_of_the_note_is_kept_short() -> None:
    """A fence of 100,000 backticks was quoted whole, twice, in the note's failure."""
    problems = NoteParser().parse("`" * 100_000 + "\nprint(1)\n").problems
    assert problems
    for problem in problems:
        assert len(problem.message) < 600
        assert "characters left out" in problem.message
    assert problems[0].message.endswith("after its last line)")  # what to do is kept


@given(st.text(max_size=700))
def test_a_problem_message_is_kept_whole_or_cut_in_its_middle(message: str) -> None:
    shown = Problem(0, message).message
    assert shown == message or (
        shown.startswith(message[:300]) and shown.endswith(message[-200:]) and len(shown) < 560
    )


#: YAML aliases that stand for 9**6 strings in 14 lines ("billion laughs").
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcde", "bcdef", strict=True)
)


@pytest.mark.parametrize(
    ("key", "refusal"),
    [
        ("setup", "setup must be text, got [[[...], [...], [...], ...], "),
        ("compare", "compare must be text or a number, got [[[...], "),
        ("timeout", "timeout must be text or a number, got [[[...], "),
        ("requires", "requires must be text or a number, got [[[...], "),
        ("seed", "seed must be an integer, got [[[...], "),
    ],
)
def test_a_front_matter_value_made_of_aliases_is_refused_in_a_short_message(
    key: str, refusal: str
) -> None:
    # The whole value was written into the message (a billion laughs took minutes and
    # gigabytes), then cut in its middle.
    note = NoteParser().parse(f"---\n{LAUGHS}torchnotes:\n  {key}: *f\n---\n")
    [problem] = note.problems
    assert problem.line_index == 7
    assert problem.message.startswith(f"torchnotes front matter: {refusal}")
    assert problem.message.endswith("...]")
    assert len(problem.message) < 200


def test_front_matter_nested_deeper_than_the_parser_goes_is_a_problem_of_its_line() -> None:
    # The YAML parser's RecursionError failed the note with pytest's own traceback.
    deep = "[" * 3000 + "]" * 3000
    note = NoteParser().parse(f"---\ntitle: x\ntorchnotes: {deep}\n---\n")
    assert [(problem.line_index, problem.message) for problem in note.problems] == [
        (2, "front matter is nested too deeply to read: flatten its lists and maps")
    ]
    # Without a torchnotes key, the same text is prose between two thematic breaks.
    assert NoteParser().parse(f"---\ntitle: x\nother: {deep}\n---\n").problems == []


@pytest.mark.parametrize(
    ("front_matter", "line"),
    [
        ('title = "x"\n[torchnotes]\nskip = "not on CI"', 2),
        ("torchnotes.seed = 1", 1),
        ("torchnotes = { timeout = 5 }", 1),
    ],
)
def test_torchnotes_settings_in_toml_front_matter_are_a_problem_of_their_line(
    front_matter: str, line: int
) -> None:
    # They were not read, and nothing said so: the note ran without its skip or its seed.
    note = NoteParser().parse(f"+++\n{front_matter}\n+++\n")
    assert [(problem.line_index, problem.message) for problem in note.problems] == [
        (
            line,
            "torchnotes settings in TOML front matter (+++) are not read: write them under a "
            "torchnotes: key of YAML front matter (---)",
        )
    ]
    assert NoteParser().parse('+++\ntitle = "torchnotes"\n+++\n').problems == []


@pytest.mark.parametrize("value", ["2023-13-45", "0b_", "1_000-99-99 10:00:00"])
def test_a_front_matter_value_yaml_cannot_convert_is_the_site_generators_business(
    value: str,
) -> None:
    # A value YAML parses but cannot convert (a date with month 13) failed the note with
    # PyYAML's ValueError and its traceback, whether or not the note configured torchnotes.
    plain = NoteParser().parse(f"---\ndate: {value}\n---\n\n```python\nprint(1)\n```\n")
    assert (plain.problems, len(plain.blocks)) == ([], 1)
    configured = NoteParser().parse(
        f"---\ndate: {value}\ntorchnotes:\n  seed: 3\n---\n\n```python\nprint(1)\n```\n"
    )
    assert (configured.problems, configured.config.seed) == ([], 3)


def test_a_torchnotes_value_yaml_cannot_convert_is_a_problem_of_its_line() -> None:
    note = NoteParser().parse("---\ntorchnotes:\n  skip: later\n  seed: 0b_\n---\n")
    [(line, message)] = [(problem.line_index, problem.message) for problem in note.problems]
    assert line == 3
    assert message.startswith("front matter holds a value YAML cannot convert (")
    assert message.endswith("): put it in quotes to read it as text")
