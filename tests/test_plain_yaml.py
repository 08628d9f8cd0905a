"""Front matter of plain ``key: value`` lines, told to be a YAML mapping without PyYAML: what
the check accepts, YAML composes as a mapping (with libyaml and without), and the lexer's
answer is PyYAML's."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.lexing import front_matter, plain_yaml
from pytest_torchnotes.markdown.lexing.plain_yaml import plain_mapping

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])

#: Characters that matter to YAML's reading of a line, and some that do not.
TRICKY = st.sampled_from(
    [*" \t:#-[]{},&*!|>'\"%@`?=\\", "\x85", "\u2028", "\ufeff", "\x7f", "\x01", *"ab1_张é²٣"]
)
LINES = st.lists(TRICKY, max_size=12).map("".join)
KEYS = st.from_regex(r"\A\w[\w-]{0,8}\Z")
WORDS = st.from_regex(r"\A\w[\w.+/-]{0,5}\Z")
VALUES = st.one_of(
    st.just(""),
    st.lists(
        st.one_of(WORDS, st.sampled_from([":", "a:b", "[x]", "'q'", '"d"', "(p)", "&", "*"])),
        min_size=1,
        max_size=4,
    )
    .map(" ".join)
    .map(lambda value: " " + value),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n\r'), max_size=8
    ).map(lambda t: f' "{t}"'),
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="'\n\r"), max_size=8
    ).map(lambda t: f" '{t}'"),
    st.lists(WORDS, max_size=3).map(lambda words: " [" + ", ".join(words) + "]"),
)
ENTRIES = st.tuples(KEYS, VALUES).map(":".join)


def composes_as_mapping(text: str) -> list[bool]:
    return [composes_with(text, loader) for loader in LOADERS]


def composes_with(text: str, loader: type) -> bool:
    try:
        return isinstance(yaml.compose(text, Loader=loader), yaml.MappingNode)
    except yaml.YAMLError:
        return False


@given(st.lists(st.one_of(LINES, ENTRIES), min_size=1, max_size=6).map("\n".join))
@example('title: "PyTorch 笔记 1：张量基础"\ndate: 2023-01-01 10:00:00 +0800\ntags: [dtype, 笔记]')
@example("a: b:c d\n\nb: 'x'")
def test_what_the_check_accepts_yaml_composes_as_a_mapping(text: str) -> None:
    if plain_mapping(text):
        assert composes_as_mapping(text) == [True] * len(LOADERS)


#: Entries of the forms the check knows, of printable text YAML reads: each is accepted.
SIMPLE_VALUES = st.one_of(
    st.just(""),
    st.lists(WORDS, min_size=1, max_size=3).map(lambda words: " " + " ".join(words)),
    st.from_regex(r"\A\w+(?::\w+){1,2}\Z").map(lambda value: " " + value),
    st.from_regex(r"\A[\w ,:#&*!\[\]{}|>%@`-]{0,8}\Z").map(lambda text: f' "{text}"'),
    st.from_regex(r'\A[\w ,:#&*!\[\]{}|>%@`"-]{0,8}\Z').map(lambda text: f" '{text}'"),
    st.lists(WORDS, max_size=3).map(lambda words: " [" + ", ".join(words) + "]"),
)
SIMPLE_ENTRIES = st.tuples(KEYS, SIMPLE_VALUES).map(":".join)


@given(st.lists(st.one_of(SIMPLE_ENTRIES, st.just("")), min_size=1, max_size=6).map("\n".join))
def test_plain_entries_are_accepted(text: str) -> None:
    if text.strip():
        assert plain_mapping(text)
        assert composes_as_mapping(text) == [True] * len(LOADERS)


@pytest.mark.parametrize(
    "text",
    [
        "title: a: b",  # a mapping value in a plain scalar: YAML refuses it
        "title: x\n  more: y",  # indentation
        "title: x # comment",
        "title:\tx",
        "- a\n- b",
        "title: &anchor x",
        "title: !tag x",
        "title: |",
        'title: "a\\qb"',  # an escape YAML may refuse
        "title: x\u2028y",
        "%YAML 1.2",
        "k" * 200 + ": v",
        "title: [a, [b]]",
        "title: x ",
        "",
    ],
)
def test_other_front_matter_is_left_to_pyyaml(text: str) -> None:
    assert not plain_mapping(text)


@given(st.lists(st.one_of(LINES, ENTRIES), max_size=6).map("\n".join))
def test_the_lexer_answers_as_pyyaml_alone(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(front_matter, "plain_mapping", lambda text: False)
        alone = front_matter._yaml_front_matter(text)
    assert front_matter._yaml_front_matter(text) == alone


def test_plain_front_matter_is_not_composed(monkeypatch: pytest.MonkeyPatch) -> None:
    composed: list[str] = []
    real = yaml.compose

    def compose(text: str, Loader: type) -> object:
        composed.append(text)
        return real(text, Loader=Loader)

    monkeypatch.setattr(yaml, "compose", compose)
    lines = ["---", 'title: "笔记"', "date: 2023-01-01 10:00:00 +0800", "tags: [a, b]", "---"]
    assert front_matter.lex_front_matter(lines) is not None
    assert composed == []
    assert front_matter.lex_front_matter(["---", "title: x", "  nested: 1", "---"]) is None
    assert composed == ["title: x\n  nested: 1"]
    assert plain_yaml.PLAIN_ENTRY.pattern.startswith(r"\w")
