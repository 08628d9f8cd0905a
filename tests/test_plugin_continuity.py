"""End to end: a note that follows a note at once takes the state it found
(``run/continuity.py``), and what runs between two notes is honoured all the same."""

from __future__ import annotations

import decimal
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_torchnotes.plugin import RUNNER
from pytest_torchnotes.run import putenv, rawfds, rlimits, sessionfds
from tests.conftest import WriteNote
from tests.test_plugin_leaks import KNOBS, checker, setter

CLEAN = "```python\nprint(1 + 1)\n=== output ===\n2\n```\n"

#: A note that prints the precision of the decimal context it finds.
PRECISION = "```python\nimport decimal\nprint(decimal.getcontext().prec)\n=== output ===\n{}\n```\n"


@pytest.fixture(autouse=True)
def _decimal_context() -> Iterator[None]:
    """The notes and tests of these sessions run in this process: the precision they set is
    put back."""
    precision = decimal.getcontext().prec
    yield
    decimal.getcontext().prec = precision


class Taken:
    """How many notes of the session took the state the previous note found."""

    count = -1

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        runner: Any = session.config.stash.get(RUNNER, None)
        self.count = runner.continuity.taken if runner is not None else 0


def _restored(pytester: pytest.Pytester) -> dict[str, list[str]]:
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    return {note["path"]: note["restored"] for note in notes}


def test_notes_that_follow_one_another_take_the_state_found(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    for name in ("a.md", "b.md", "c.md"):
        write_note(CLEAN, name, dedent=False)
    taken = Taken()
    pytester.runpytest("-p", "no:randomly", plugins=[taken]).assert_outcomes(passed=3)
    assert taken.count == 2


def test_not_where_a_debugger_may_come_between_notes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    for name in ("a.md", "b.md", "c.md"):
        write_note(CLEAN, name, dedent=False)
    taken = Taken()
    pytester.runpytest("-p", "no:randomly", "--pdb", plugins=[taken]).assert_outcomes(passed=3)
    assert taken.count == 0


def test_not_where_pytest_cannot_say_which_fixture_gives_the_namespace(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``FixtureManager.getfixturedefs`` is pytest's own, and took a node id before pytest
    8.1: where asking it fails, every note reads the state anew."""
    from _pytest.fixtures import FixtureManager

    asked = FixtureManager.getfixturedefs

    def fails_for_the_plugin(self: FixtureManager, *args: Any) -> Any:
        if sys._getframe(1).f_code.co_name == "_nothing_around":
            raise TypeError("a node id was expected")
        return asked(self, *args)

    monkeypatch.setattr(FixtureManager, "getfixturedefs", fails_for_the_plugin)
    for name in ("a.md", "b.md", "c.md"):
        write_note(CLEAN, name, dedent=False)
    taken = Taken()
    pytester.runpytest("-p", "no:randomly", plugins=[taken]).assert_outcomes(passed=3)
    assert taken.count == 0


def _wrapped(code: str) -> bool:
    """Whether the isolation of a note of ``code`` puts a guard on before its snapshot (and so
    reads the state afresh: ``run/sandbox.py``)."""
    return any(word in code for word in putenv.WORDS) or any(
        module.names_one(code) for module in (rawfds, sessionfds, rlimits)
    )


def test_every_knob_set_by_a_note_that_took_the_state_is_put_back(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """Each knob's setter follows a note that changed nothing (the checker of the knob
    before it), so it takes that note's state unless a guard of its own is put on first."""
    knobs = sorted(KNOBS)
    write_note(CLEAN, "a_clean.md", dedent=False)
    for index, knob in enumerate(knobs):
        write_note(setter(knob), f"k{index:03}_1_set.md", dedent=False)
        write_note(checker(knob), f"k{index:03}_2_check.md", dedent=False)
    taken = Taken()
    result = pytester.runpytest(
        "-p", "no:randomly", "--torchnotes-report=report.json", plugins=[taken]
    )
    result.assert_outcomes(passed=1 + 2 * len(knobs))
    assert taken.count == sum(not _wrapped(setter(knob)) for knob in knobs) > len(knobs) / 2
    restored = _restored(pytester)
    for index, knob in enumerate(knobs):
        assert knob.partition(" #")[0] in restored[f"notes/k{index:03}_1_set.md"]
        assert restored[f"notes/k{index:03}_2_check.md"] == []


def test_a_test_between_two_notes_is_honoured(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(PRECISION.format(28), "a.md", dedent=False)
    write_note(PRECISION.format(7), "b.md", dedent=False)
    pytester.makepyfile(
        test_between="import decimal\n\ndef test_sets():\n    decimal.getcontext().prec = 7\n",
        test_after=(
            "import decimal\n\ndef test_kept():\n    assert decimal.getcontext().prec == 7\n"
            "    decimal.getcontext().prec = 28\n"
        ),
    )
    taken = Taken()
    result = pytester.runpytest(
        "-p",
        "no:randomly",
        "--torchnotes-report=report.json",
        "notes/a.md",
        "test_between.py",
        "notes/b.md",
        "test_after.py",
        plugins=[taken],
    )
    result.assert_outcomes(passed=4)
    assert taken.count == 0
    assert _restored(pytester) == {"notes/a.md": [], "notes/b.md": []}


@pytest.mark.parametrize(
    "where", ["fixture", "hook", "namespace", "pytest_plugins", "-p", "registered"]
)
def test_what_a_conftest_does_between_notes_is_honoured(
    pytester: pytest.Pytester, write_note: WriteNote, where: str
) -> None:
    """A conftest.py's autouse fixture, hook or ``torchnotes_namespace`` that gives each
    note another precision: every note finds its own, and none is named for changing it."""
    if where == "fixture":
        code = (
            "import decimal, pytest, itertools\nCOUNT = itertools.count(10)\n\n"
            "@pytest.fixture(autouse=True)\ndef precision():\n"
            "    decimal.getcontext().prec = next(COUNT)\n"
        )
    elif where == "hook":
        code = (
            "import decimal, itertools\nCOUNT = itertools.count(10)\n\n"
            "def pytest_runtest_setup(item):\n    decimal.getcontext().prec = next(COUNT)\n"
        )
    elif where == "namespace":  # its own torchnotes_namespace, which the note asks for
        code = (
            "import decimal, pytest, itertools\nCOUNT = itertools.count(10)\n\n"
            "@pytest.fixture\ndef torchnotes_namespace():\n"
            "    decimal.getcontext().prec = next(COUNT)\n    return {}\n"
        )
    elif where == "registered":  # the hook of an object the conftest.py registers
        code = (
            "import decimal, itertools\nCOUNT = itertools.count(10)\n\n"
            "class Precision:\n    def pytest_runtest_setup(self, item):\n"
            "        decimal.getcontext().prec = next(COUNT)\n\n"
            "def pytest_configure(config):\n    config.pluginmanager.register(Precision())\n"
        )
    else:  # the hook in a module of the project's, loaded as a plugin by name
        pytester.makepyfile(
            precision_plugin=(
                "import decimal, itertools\nCOUNT = itertools.count(10)\n\n"
                "def pytest_runtest_setup(item):\n    decimal.getcontext().prec = next(COUNT)\n"
            )
        )
        pytester.syspathinsert()
        code = 'pytest_plugins = ["precision_plugin"]\n' if where == "pytest_plugins" else ""
    pytester.makeconftest(code)
    for index, name in enumerate(("a.md", "b.md", "c.md")):
        write_note(PRECISION.format(10 + index), name, dedent=False)
    taken = Taken()
    loaded = ["-p", "precision_plugin"] if where == "-p" else []
    result = pytester.runpytest(
        "-p", "no:randomly", *loaded, "--torchnotes-report=report.json", plugins=[taken]
    )
    result.assert_outcomes(passed=3)
    assert taken.count == 0
    assert all(value == [] for value in _restored(pytester).values())


def test_a_note_that_leaves_a_daemon_thread_running_is_not_taken_after(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A daemon thread does not keep the process alive, so it is no thread left to name, but
    it may change the state after its note ended: the next note reads the state anew."""
    write_note(
        "```python\nimport threading\n"
        "threading.Thread(target=threading.Event().wait, daemon=True).start()\n```\n",
        "a.md",
        dedent=False,
    )
    write_note(CLEAN, "b.md", dedent=False)
    write_note(CLEAN, "c.md", dedent=False)
    taken = Taken()
    pytester.runpytest("-p", "no:randomly", plugins=[taken]).assert_outcomes(passed=3)
    assert taken.count == 1  # c after b, not b after a


#: A note whose thread changes sys.argv once the note's state was read back past it (its
#: display hook put back), and ends within the grace the note's end gives its threads.
LATE_THREAD = """```python
import sys, threading


def late(sys=sys, hook=sys.displayhook):  # the note's names are freed as it ends
    while sys.displayhook is hook:
        pass
    sys.argv.append("late")


threading.Thread(target=late).start()
```
"""


def test_a_thread_that_changes_the_state_as_its_note_ends_is_not_blamed_on_the_next(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The next note reads the state anew: taking the state the first note found, it was
    named for what the thread set."""
    write_note(LATE_THREAD, "a.md", dedent=False)
    write_note(CLEAN, "b.md", dedent=False)
    argv = list(sys.argv)
    try:
        result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    finally:
        sys.argv[:] = argv
    result.assert_outcomes(passed=2)
    assert _restored(pytester)["notes/b.md"] == []


def test_what_a_fixture_of_the_note_before_puts_back_as_it_ends_is_honoured(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The fixture of the first note's folder sets the precision for it and puts it back in
    the note's teardown: the note after it, which has no fixture, finds it put back and is
    not named for changing it."""
    write_note(PRECISION.format(10), "a/x.md", dedent=False)
    write_note(PRECISION.format(28), "b/y.md", dedent=False)
    (pytester.path / "notes" / "a" / "conftest.py").write_text(
        "import decimal, pytest\n\n@pytest.fixture(autouse=True)\ndef precision():\n"
        "    decimal.getcontext().prec = 10\n    yield\n    decimal.getcontext().prec = 28\n"
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    assert _restored(pytester) == {"notes/a/x.md": [], "notes/b/y.md": []}
