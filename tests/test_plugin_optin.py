"""End to end: collection is opt-in, yet a note named on the command line runs, and a folder
of notes named there that nothing collected gets one line saying how to collect it."""

from __future__ import annotations

from pathlib import Path

import pytest

PASSING = "# A\n\n```python\nprint(1 + 1)\n\n======== output ==========\n2\n```\n"
DRIFTED = PASSING.replace("\n2\n", "\n3\n")
TEST_FILE = "def test_one():\n    pass\n"


def write(pytester: pytest.Pytester, name: str, text: str = PASSING) -> Path:
    path = pytester.path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


HINT = "torchnotes: * holds * not collected (collecting notes is opt-in)*"


# --- a note named on the command line -----------------------------------------------------


@pytest.mark.parametrize(
    "name", ["b.md", "notes/b.md", "deep/er/b.markdown", "my note.md", "x.md::note"]
)
def test_a_named_note_runs_without_configuration(pytester: pytest.Pytester, name: str) -> None:
    path = name.partition("::")[0]
    write(pytester, path)
    result = pytester.runpytest(name, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"{path}::note PASSED*"])


def test_a_named_note_that_drifted_fails_and_says_how_to_update(
    pytester: pytest.Pytester,
) -> None:
    write(pytester, "b.md", DRIFTED)
    result = pytester.runpytest("b.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*pytest b.md --torchnotes-update*"])


def test_a_named_note_is_updated(pytester: pytest.Pytester) -> None:
    path = write(pytester, "b.md", "Prose  kept.\r\n" + DRIFTED)
    pytester.runpytest("b.md", "--torchnotes-update").assert_outcomes(passed=1)
    assert path.read_bytes() == ("Prose  kept.\r\n" + PASSING).encode()
    pytester.runpytest("b.md").assert_outcomes(passed=1)


def test_a_named_note_runs_under_xdist(pytester: pytest.Pytester) -> None:
    write(pytester, "b.md")
    write(pytester, "c.md", DRIFTED)
    result = pytester.runpytest("-n", "2", "-v", "b.md", "c.md")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*PASSED b.md::note*"])


def test_a_named_note_is_reported(pytester: pytest.Pytester) -> None:
    write(pytester, "b.md")
    pytester.runpytest("b.md", "--torchnotes-report", "report.json").assert_outcomes(passed=1)
    assert '"b.md"' in (pytester.path / "report.json").read_text()


def test_only_the_named_note_runs(pytester: pytest.Pytester) -> None:
    write(pytester, "notes/b.md")
    write(pytester, "notes/c.md", DRIFTED)
    write(pytester, "test_x.py", TEST_FILE)
    pytester.runpytest("notes/b.md", "test_x.py").assert_outcomes(passed=2)


def test_a_named_note_outside_torchnotes_paths_runs(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    write(pytester, "notes/a.md")
    write(pytester, "other/b.md", DRIFTED)
    pytester.runpytest("other/b.md").assert_outcomes(failed=1)
    pytester.runpytest("notes", "other/b.md").assert_outcomes(passed=1, failed=1)


def test_a_note_named_twice_runs_once(pytester: pytest.Pytester) -> None:
    write(pytester, "b.md")
    pytester.runpytest("b.md", "./b.md").assert_outcomes(passed=1)


def test_a_file_another_plugin_collects_stays_theirs(pytester: pytest.Pytester) -> None:
    write(pytester, "README.md", "# Doc\n\n    >>> 1 + 1\n    2\n")
    result = pytester.runpytest("--doctest-glob=*.md", "README.md", "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["README.md::README.md PASSED*"])
    result.stdout.no_fnmatch_line("*::note*")


@pytest.mark.parametrize("name", ["b.txt", "b.py.md.bak"])
def test_a_named_file_that_is_not_a_note_is_still_not_found(
    pytester: pytest.Pytester, name: str
) -> None:
    write(pytester, name)
    result = pytester.runpytest(name)
    assert result.ret in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED)
    result.assert_outcomes()
    result.stdout.no_fnmatch_line("*::note*")


#: An R Markdown or Quarto document: a Python chunk that prints, and an R chunk (not run).
KNITTED = (
    "# Tensors\n\n```{python}\nimport torch\nprint(torch.ones(2).sum())\n```\n\n"
    "```{r}\nlibrary(rTorch)\n```\n"
)


@pytest.mark.parametrize("name", ["chapter.Rmd", "chapter.rmd", "docs/chapter.qmd"])
def test_a_named_r_markdown_or_quarto_document_runs_as_a_note(
    pytester: pytest.Pytester, name: str
) -> None:
    """Such a document is Markdown whose ```{python} chunks are blocks: named, it runs, where
    pytest stopped with "not found" and said nothing of the option that collects it."""
    write(pytester, name, KNITTED)
    result = pytester.runpytest(name, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"{name}::note PASSED*", "*1 note (1 passed), 1 block: 1 ran*"])


def test_a_folder_of_r_markdown_documents_is_collected_by_its_pattern(
    pytester: pytest.Pytester,
) -> None:
    write(pytester, "book/chapter.Rmd", KNITTED)
    pytester.makeini("[pytest]\ntorchnotes_paths = book\n")
    pytester.runpytest().assert_outcomes()
    pytester.makeini("[pytest]\ntorchnotes_paths = book\ntorchnotes_patterns = *.Rmd\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_named_patterns_follow_torchnotes_patterns(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_patterns = *.note\n")
    write(pytester, "b.note")
    write(pytester, "c.md")
    pytester.runpytest("b.note").assert_outcomes(passed=1)
    assert pytester.runpytest("c.md").ret == pytest.ExitCode.USAGE_ERROR


@pytest.mark.parametrize("testpaths", ["b.md test_x.py", "docs/*.md test_x.py", "docs/b.md"])
def test_a_note_in_testpaths_runs_as_a_named_note(
    pytester: pytest.Pytester, testpaths: str
) -> None:
    """A note ``testpaths`` names (a glob too) would otherwise stop pytest with "not found",
    as one named on the command line would: it runs."""
    pytester.makeini(f"[pytest]\ntestpaths = {testpaths}\n")
    write(pytester, "b.md")
    write(pytester, "docs/b.md", DRIFTED)
    write(pytester, "docs/c.md")
    write(pytester, "test_x.py", TEST_FILE)
    result = pytester.runpytest("-v")
    expected = {
        "b.md test_x.py": {"passed": 2},
        "docs/*.md test_x.py": {"passed": 2, "failed": 1},
        "docs/b.md": {"failed": 1},
    }[testpaths]
    result.assert_outcomes(**expected)
    if "docs" in testpaths:
        result.stdout.fnmatch_lines(["*pytest docs/b.md --torchnotes-update*"])
    result.stdout.no_fnmatch_line(HINT)


def test_a_folder_of_notes_in_testpaths_says_how_to_collect_them(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntestpaths = notes\n")
    write(pytester, "notes/a.md")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        [
            "torchnotes: notes holds a Markdown note, not collected (collecting notes is "
            "opt-in): run `pytest --torchnotes notes`, or set torchnotes_paths = notes in "
            "tox.ini"
        ]
    )


def test_the_folder_hint_is_shown_under_xdist(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    write(pytester, "notes/a.md")
    write(pytester, "notes/b.md")
    result = pytester.runpytest("notes", "-n", "2")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(["torchnotes: notes holds 2 Markdown notes, not collected*"])
    assert result.stdout.str().count("torchnotes: notes holds") == 1
    # and not where the notes were collected
    result = pytester.runpytest("--torchnotes", "notes", "-n", "2", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.no_fnmatch_line(HINT)


# --- a folder of notes named on the command line --------------------------------------------


def test_a_folder_of_notes_says_how_to_collect_them(pytester: pytest.Pytester) -> None:
    write(pytester, "notes/a.md")
    write(pytester, "notes/sub/b.markdown")
    write(pytester, "notes/.hidden/c.md")
    write(pytester, "notes/node_modules/d.md")
    result = pytester.runpytest("notes")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        [
            "torchnotes: notes holds 2 Markdown notes, not collected (collecting notes is "
            "opt-in): run `pytest --torchnotes notes`, or set "
            'torchnotes_paths = ["notes"] in [tool.pytest.ini_options] of a pyproject.toml'
        ]
    )
    # what it says works
    pytester.runpytest("--torchnotes", "notes").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("ini", "name", "line"),
    [
        ("pytest.ini", "[pytest]\n", "torchnotes_paths = docs/notes in pytest.ini"),
        ("tox.ini", "[pytest]\n", "torchnotes_paths = docs/notes in tox.ini"),
        (
            "pyproject.toml",
            "[tool.pytest.ini_options]\n",
            'torchnotes_paths = ["docs/notes"] in [tool.pytest.ini_options] of pyproject.toml',
        ),
        (
            "pyproject.toml",
            "[tool.pytest]\n",
            'torchnotes_paths = ["docs/notes"] in [tool.pytest] of pyproject.toml',
        ),
    ],
)
def test_the_ini_line_is_spelled_as_the_ini_file_reads_it(
    pytester: pytest.Pytester, ini: str, name: str, line: str
) -> None:
    write(pytester, ini, name)
    write(pytester, "docs/notes/a.md")
    result = pytester.runpytest("docs/notes")
    assert f"run `pytest --torchnotes docs/notes`, or set {line}\n" in result.stdout.str()
    # the ini line it gives collects the notes
    (pytester.path / ini).write_text(name + line.partition(" in ")[0] + "\n", encoding="utf-8")
    pytester.runpytest("docs/notes").assert_outcomes(passed=1)


def test_a_folder_with_tests_beside_its_docs_stays_quiet(pytester: pytest.Pytester) -> None:
    write(pytester, "docs/a.md")
    write(pytester, "docs/test_x.py", TEST_FILE)
    result = pytester.runpytest("docs")
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line(HINT)
    # under -v it is said, once
    verbose = pytester.runpytest("docs", "-v")
    verbose.assert_outcomes(passed=1)
    verbose.stdout.fnmatch_lines(["torchnotes: docs holds a Markdown note, not collected*"])
    assert verbose.stdout.str().count("torchnotes: docs holds") == 1


def test_no_line_for_a_folder_without_notes(pytester: pytest.Pytester) -> None:
    write(pytester, "empty/readme.txt")
    result = pytester.runpytest("empty", "-v")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.no_fnmatch_line(HINT)


def test_no_line_where_the_notes_were_collected(pytester: pytest.Pytester) -> None:
    write(pytester, "notes/a.md")
    for arguments in (["--torchnotes", "notes"], ["notes/a.md"]):
        result = pytester.runpytest(*arguments, "-v")
        result.assert_outcomes(passed=1)
        result.stdout.no_fnmatch_line(HINT)
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    # its notes deselected, not left out
    result = pytester.runpytest("notes", "-k", "nothing")
    result.stdout.no_fnmatch_line(HINT)


def test_no_line_without_a_folder_named(pytester: pytest.Pytester) -> None:
    """A bare ``pytest`` names no folder: a project's Markdown stays its own."""
    write(pytester, "docs/a.md")
    result = pytester.runpytest("-v")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.no_fnmatch_line(HINT)


def test_each_folder_named_gets_its_line(pytester: pytest.Pytester) -> None:
    write(pytester, "a/x.md")
    write(pytester, "b/y.md")
    write(pytester, "b/z.md")
    result = pytester.runpytest("a", "b")
    result.stdout.fnmatch_lines(
        ["torchnotes: a holds a Markdown note*", "torchnotes: b holds 2 Markdown notes*"]
    )
