"""End to end: pytest's log capture around each phase is left out of note items that do not
ask for it, and kept for everything else."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WriteNote

NOTE = """\
```python
import logging
logging.getLogger("mine").warning("from the note")
print(1)
1 / 0
```

输出：

```
1
```
"""

#: Writes, for each item, whether pytest's logging plugin wraps its phases.
PHASES_CONFTEST = """\
import json

def pytest_collection_finish(session):
    phases = {}
    for item in session.items:
        for hook in ("pytest_runtest_setup", "pytest_runtest_call", "pytest_runtest_teardown"):
            impls = getattr(item.ihook, hook).get_hookimpls()
            phases.setdefault(item.nodeid, []).append(
                any(impl.plugin_name == "logging-plugin" for impl in impls)
            )
    with open("phases.json", "w") as handle:
        json.dump(phases, handle)
"""

TEST_FILE = """\
import logging

def test_logs():
    logging.getLogger("a.test").warning("from a test")
    assert False
"""


def phases(pytester: pytest.Pytester) -> dict[str, list[bool]]:
    with open(pytester.path / "phases.json") as handle:
        result: dict[str, list[bool]] = json.load(handle)
    return result


def test_note_items_go_without_log_capture_tests_keep_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE)
    pytester.makeconftest(PHASES_CONFTEST)
    pytester.makepyfile(test_it=TEST_FILE)
    result = pytester.runpytest("notes", "test_it.py")
    result.assert_outcomes(failed=2)
    assert phases(pytester) == {
        "notes/note.md::note": [False, False, False],
        "test_it.py::test_logs": [True, True, True],
    }
    # A test still has its records in its report; a note's own logging is in its block's
    # stderr, as when it runs as a script.
    result.stdout.fnmatch_lines(["*Captured log call*", "WARNING  a.test:test_it.py:4 from a test"])
    result.stdout.fnmatch_lines(["stderr:", "    from the note"])


@pytest.mark.parametrize(
    ("args", "ini"),
    [
        (("--log-cli-level=INFO",), ""),
        (("--log-level=INFO",), ""),
        ((), "log_cli = true\n"),
        ((), "log_level = INFO\n"),
    ],
)
def test_note_items_keep_log_capture_when_logging_is_asked_for(
    pytester: pytest.Pytester, write_note: WriteNote, args: tuple[str, ...], ini: str
) -> None:
    write_note(NOTE.replace("1 / 0\n", ""))
    pytester.makeini(f"[pytest]\ntorchnotes_paths = notes\n{ini}")
    pytester.makeconftest(PHASES_CONFTEST)
    pytester.runpytest(*args).assert_outcomes(passed=1)
    assert phases(pytester) == {"notes/note.md::note": [True, True, True]}


def test_a_note_whose_fixtures_use_caplog_keeps_log_capture(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NOTE.replace("1 / 0\n", ""))
    (pytester.path / "notes" / "conftest.py").write_text(
        "import logging, pytest\n\n"
        "@pytest.fixture(autouse=True)\n"
        "def logged(caplog):\n"
        '    logging.getLogger("fixture").warning("before the note")\n'
        "    yield\n"
        '    assert [r.getMessage() for r in caplog.get_records("setup")] == ["before the note"]\n'
    )
    pytester.makeconftest(PHASES_CONFTEST)
    pytester.runpytest().assert_outcomes(passed=1)
    assert phases(pytester) == {"notes/note.md::note": [True, True, True]}


#: Writes the note items grouped by the hooks object they call through.
HOOKS_CONFTEST = """\
import json

def pytest_collection_finish(session):
    groups = {}
    for item in session.items:
        groups.setdefault(id(item.ihook), []).append(item.nodeid)
    with open("hooks.json", "w") as handle:
        json.dump(sorted(sorted(nodeids) for nodeids in groups.values()), handle)
"""


def test_notes_whose_paths_have_the_same_conftest_files_share_their_hooks(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """Each hook of a note item is looked up once for the notes of the same conftest files,
    not at every note (some 30 us a note), and a conftest file's hooks still reach only
    the notes below it."""
    note = NOTE.replace("1 / 0\n", "")
    for name in ("a.md", "b.md", "sub/c.md", "sub/d.md"):
        write_note(note, name)
    (pytester.path / "notes" / "sub" / "conftest.py").write_text(
        "def pytest_runtest_setup(item):\n"
        '    with open("setups.txt", "a") as handle:\n'
        '        handle.write(item.nodeid + "\\n")\n'
    )
    pytester.makeconftest(HOOKS_CONFTEST)
    pytester.runpytest().assert_outcomes(passed=4)
    setups = (pytester.path / "setups.txt").read_text().split()
    assert setups == ["notes/sub/c.md::note", "notes/sub/d.md::note"]
    with open(pytester.path / "hooks.json") as handle:
        assert json.load(handle) == [
            ["notes/a.md::note", "notes/b.md::note"],
            ["notes/sub/c.md::note", "notes/sub/d.md::note"],
        ]
