"""The parse of a note kept between runs (``markdown/parsecache.py``): what a hit gives is
what parsing gives, and an entry that is not the note's, whole and of this code, is no
entry."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown import parsecache
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.markdown.parsecache import CachedNoteParser, ParseCache
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.plugin import PARSE_CACHE
from tests.conftest import WriteNote

ROOT = Path(__file__).resolve().parent.parent
#: Every note of the project: its notes, its documentation and the tests' samples.
NOTES = sorted(
    path for folder in ("notes", "docs", "tests/samples") for path in (ROOT / folder).rglob("*.md")
)
FORMATS = (NoteFormat(), NoteFormat(indented_output=True, comment_output=True))

PASSING = "```python\nprint(1 + 1)\n=== output ===\n2\n```\n"
FAILING = "```python\nprint(2 + 2)\n=== output ===\n5\n```\n"


def _cache(folder: Path, fingerprint: str = "this code") -> ParseCache:
    return ParseCache(lambda: folder, lambda: fingerprint)


def _entry(cache: ParseCache, text: str, note_format: NoteFormat = FORMATS[0]) -> Path:
    return cache.folder / f"{cache.key(text, note_format).hex()}.pickle"


@pytest.mark.parametrize("note_format", FORMATS, ids=("default", "indented+comments"))
def test_every_note_of_the_project_comes_back_as_its_parse(
    tmp_path: Path, note_format: NoteFormat
) -> None:
    cache = _cache(tmp_path)
    parser = NoteParser(note_format)
    for path in NOTES:
        text = path.read_text(encoding="utf-8", errors="replace")
        parsed = parser.parse(text)
        assert cache.load(text, note_format) is None
        cache.store(text, note_format, parsed)
        assert cache.load(text, note_format) == parsed, path
    assert all(entry.suffix == ".pickle" for entry in tmp_path.iterdir())  # no file half-written


PIECES = st.sampled_from(
    [
        "# Title\n",
        "Some prose.\n",
        "```python\nx = 1\nprint(x)\n```\n",
        "```python\nprint(2)\n=== output ===\n2\n```\n",
        "```output\n2\n```\n",
        "```python\n>>> 1 + 1\n2\n```\n",
        "```python\nIn [1]: 1 + 1\nOut[1]: 2\n```\n",
        "<!-- torchnotes: skip -->\n",
        "<!-- torchnotes: raises ValueError -->\n",
        "<!-- torchnotes: setup\nimport os\n-->\n",
        "---\ntorchnotes:\n  timeout: 3\n---\n",
        "    indented output\n",
        "> ```python\n> print(3)\n> ```\n",
        "```python\nprint(1)\n# Output:\n# 1\n```\n",
        "```python\nunclosed\n",
        "\n",
    ]
)


@given(pieces=st.lists(PIECES, max_size=8), note_format=st.sampled_from(FORMATS))
def test_what_the_cache_gives_back_is_what_parsing_gives(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], note_format: NoteFormat
) -> None:
    text = "".join(pieces)
    parser = CachedNoteParser(note_format, _cache(tmp_path_factory.mktemp("cache")))
    fresh = NoteParser(note_format).parse(text)
    assert parser.parse(text) == fresh  # parsed, and kept
    assert parser.cache.load(text, note_format) == fresh
    assert parser.parse(text) == fresh  # from the entry


def test_a_note_found_in_the_cache_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parser = CachedNoteParser(None, _cache(tmp_path))
    parsed = parser.parse(FAILING)
    parses: list[str] = []
    monkeypatch.setattr(
        NoteParser, "parse", lambda self, text: parses.append(text) or pytest.fail("parsed")
    )
    assert parser.parse(FAILING) == parsed
    assert parses == []


def test_the_key_holds_the_text_the_settings_and_the_code(tmp_path: Path) -> None:
    cache = _cache(tmp_path)
    keys = {
        cache.key(PASSING, FORMATS[0]),
        cache.key(PASSING + "\n", FORMATS[0]),
        cache.key(PASSING, FORMATS[1]),
        cache.key(PASSING, NoteFormat(languages=frozenset({"python"}))),
        _cache(tmp_path, "other code").key(PASSING, FORMATS[0]),
    }
    assert len(keys) == 5
    assert cache.key(PASSING, NoteFormat()) == cache.key(PASSING, FORMATS[0])


def test_the_fingerprint_names_python_and_every_module_of_the_plugin() -> None:
    fingerprint = parsecache.code_fingerprint()
    assert os.path.join("markdown", "parsers.py") in fingerprint
    assert os.path.join("markdown", "parsecache.py") in fingerprint
    assert repr(__import__("sys").version) in fingerprint


class _Calls:
    def __reduce__(self) -> tuple[object, tuple[()]]:
        return parsecache.code_fingerprint, ()


def _corrupt_entries(cache: ParseCache, text: str, other: str) -> dict[str, bytes]:
    """Entries that stand where ``text``'s entry would, each wrong in its own way."""
    cache.store(text, FORMATS[0], NoteParser().parse(text))
    cache.store(other, FORMATS[0], NoteParser().parse(other))
    good = _entry(cache, text).read_bytes()
    foreign = _cache(cache.folder, "another version")
    foreign.store(text, FORMATS[0], NoteParser().parse(text))
    flipped = bytearray(good)
    flipped[-20] ^= 0x01
    payload = pickle.dumps(shutil.rmtree)
    # a function of the plugin's own, called as the entry is read (it would fill the
    # fingerprint's cache: the test sees whether it was called)
    own = pickle.dumps(_Calls(), protocol=5)
    own_check = parsecache.hashlib.blake2b(cache.key(text, FORMATS[0]), digest_size=32)
    own_check.update(own)
    key = cache.key(text, FORMATS[0])
    check = parsecache.hashlib.blake2b(key, digest_size=32)
    check.update(payload)
    return {
        "another note's entry": _entry(cache, other).read_bytes(),
        "another version's entry": _entry(foreign, text).read_bytes(),
        "cut short": good[: len(good) // 2],
        "only its head": good[: len(parsecache.ENTRY_LAYOUT) + 32],
        "empty": b"",
        "a byte changed": bytes(flipped),
        "another layout": b"torchnotes-parse-0" + good[len(parsecache.ENTRY_LAYOUT) :],
        "something else pickled, its digest right": parsecache.ENTRY_LAYOUT
        + check.digest()
        + payload,
        "a function of the plugin pickled, its digest right": parsecache.ENTRY_LAYOUT
        + own_check.digest()
        + own,
    }


@pytest.mark.parametrize(
    "kind",
    [
        "another note's entry",
        "another version's entry",
        "cut short",
        "only its head",
        "empty",
        "a byte changed",
        "another layout",
        "something else pickled, its digest right",
        "a function of the plugin pickled, its digest right",
    ],
)
def test_an_entry_that_is_not_the_notes_is_no_entry(tmp_path: Path, kind: str) -> None:
    cache = _cache(tmp_path)
    entries = _corrupt_entries(cache, FAILING, PASSING)
    _entry(cache, FAILING).write_bytes(entries[kind])
    parsecache.code_fingerprint.cache_clear()
    assert cache.load(FAILING, FORMATS[0]) is None
    assert parsecache.code_fingerprint.cache_info().currsize == 0  # nothing of it was called
    parser = CachedNoteParser(None, cache)
    assert parser.parse(FAILING) == NoteParser().parse(FAILING)
    assert cache.load(FAILING, FORMATS[0]) == NoteParser().parse(FAILING)  # written anew


def test_a_folder_that_cannot_be_written_keeps_nothing(tmp_path: Path) -> None:
    parser = CachedNoteParser(None, _cache(tmp_path / "missing" / "folder"))
    assert parser.parse(PASSING) == NoteParser().parse(PASSING)
    assert not (tmp_path / "missing").exists()


def test_a_cache_folder_that_cannot_be_made_keeps_nothing_and_parses(tmp_path: Path) -> None:
    """pytest's ``cache.mkdir`` raises where the cache folder cannot be made (a read-only
    checkout): the note is parsed, as under ``-p no:cacheprovider``."""

    def refused() -> Path:
        raise PermissionError(13, "Permission denied", str(tmp_path / ".pytest_cache"))

    parser = CachedNoteParser(None, ParseCache(refused, lambda: "this code"))
    assert parser.parse(PASSING) == NoteParser().parse(PASSING)
    assert parser.parse(FAILING) == NoteParser().parse(FAILING)


def _entries(pytester: pytest.Pytester) -> list[Path]:
    return sorted((pytester.path / ".pytest_cache" / "d" / PARSE_CACHE).glob("*.pickle"))


def test_a_second_run_reads_the_notes_from_the_cache(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_note(PASSING, "a.md", dedent=False)
    write_note(FAILING, "b.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1, failed=1)
    assert len(_entries(pytester)) == 2
    parses: list[str] = []
    parse = NoteParser.parse
    monkeypatch.setattr(
        NoteParser, "parse", lambda self, text: parses.append(text) or parse(self, text)
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*b.md:*expected*5*", "*-5", "*+4"])
    assert parses == []


def test_an_edited_note_is_parsed_again(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(PASSING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    write_note(FAILING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(failed=1)
    assert len(_entries(pytester)) == 2


def test_another_notes_entry_in_the_cache_changes_no_verdict(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PASSING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    (passing_entry,) = _entries(pytester)
    write_note(FAILING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(failed=1)
    for entry in _entries(pytester):
        if entry != passing_entry:
            shutil.copyfile(passing_entry, entry)  # the passing note's parse, named as this one's
    pytester.runpytest("-p", "no:randomly").assert_outcomes(failed=1)


def test_without_pytests_cache_every_note_is_parsed(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PASSING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert not (pytester.path / ".pytest_cache").exists()


def test_cache_clear_empties_it(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(PASSING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    write_note(FAILING, "a.md", dedent=False)
    pytester.runpytest("-p", "no:randomly", "--cache-clear").assert_outcomes(failed=1)
    assert len(_entries(pytester)) == 1
