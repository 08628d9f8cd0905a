"""The Sybil entry point runs notes with the same verdicts and messages as the plugin."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from pytest_torchnotes.markdown.directives import Directive
from pytest_torchnotes.markdown.lexers import FenceLexeme, MarkdownLexer
from pytest_torchnotes.notelines import shown
from pytest_torchnotes.settings import SettingsError
from pytest_torchnotes.sybil import parse_settings, parsers

FENCE = "```"
DOCS = Path(__file__).parent.parent / "docs"

NOTES = {
    "basics.md": f"""\
        # Basics

        {FENCE}python
        import torch
        x = torch.tensor([1.0, 2.0])
        print(x * 2)
        {FENCE}

        {FENCE}output
        tensor([2., 4.])
        {FENCE}

        ## Value drift

        {FENCE}python
        print(x.sum().item() + 0.5)
        {FENCE}

        {FENCE}output
        4.0
        {FENCE}

        {FENCE}python
        print("still runs in the same namespace", x.shape)
        {FENCE}

        {FENCE}output
        still runs in the same namespace torch.Size([2])
        {FENCE}
        """,
    "directives.md": f"""\
        # Directives

        <!-- torchnotes: setup
        import torch
        y = torch.arange(3.0)
        -->
        {FENCE}python
        print(y + 1)
        {FENCE}

        {FENCE}output
        tensor([1., 2., 3.])
        {FENCE}

        <!-- torchnotes: skip not on this machine -->
        {FENCE}python
        print("never")
        {FENCE}

        <!-- torchnotes: raises ValueError: bad -->
        {FENCE}python
        raise ValueError("bad value")
        {FENCE}

        <!-- torchnotes: raises KeyError -->
        {FENCE}python
        raise ValueError("not a key")
        {FENCE}

        <!-- torchnotes: xfail the sum is wrong on purpose -->
        {FENCE}python
        print(y.sum())
        {FENCE}

        {FENCE}output
        tensor(4.)
        {FENCE}

        {FENCE}python
        1 / 0
        {FENCE}

        {FENCE}python
        print("after the exception")
        {FENCE}

        {FENCE}output
        after the exception
        {FENCE}
        """,
    "transcript.md": f"""\
        # Transcript

        {FENCE}python
        >>> import torch
        >>> torch.ones(2)
        tensor([1., 1.])
        >>> 1 + 1
        3
        {FENCE}

        {FENCE}python
        >>> print("ok")
        ok
        {FENCE}
        """,
    "isolated.md": f"""\
        # Isolated

        {FENCE}python
        import os
        print("y" in globals(), "x" in globals())
        open("written.txt", "w").write("scratch")
        print(os.path.exists("written.txt"))
        {FENCE}

        {FENCE}output
        False False
        True
        {FENCE}
        """,
    "broken.md": f"""\
        # Broken

        <!-- torchnotes: skp typo -->
        {FENCE}python
        print(1)
        {FENCE}
        """,
}

CONFTEST = """\
from sybil import Sybil
from pytest_torchnotes.sybil import parsers

pytest_collect_file = Sybil(parsers=parsers({settings}), patterns=["*.md"]).pytest()
"""


class Recorder:
    """Each block's outcome and failure message lines, keyed by note and block line."""

    def __init__(self) -> None:
        self.blocks: dict[tuple[str, int], tuple[str, list[str]]] = {}
        self.notes: dict[str, tuple[str, list[str]]] = {}
        #: The outcome of each directive's item (Sybil's), by note and directive line.
        self.directives: dict[tuple[str, int], str] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: Any, call: Any) -> Any:
        report = yield
        example = getattr(item, "example", None)
        if example is not None and call.when == "call":
            parsed = example.parsed
            if isinstance(parsed, Directive):
                report.sybil_directive = shown(parsed.line)
            first_line = getattr(parsed, "first_line", None)
            report.sybil_line = None if first_line is None else shown(first_line)
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = Path(report.nodeid.split("::")[0]).name
        outcome = "xfailed" if hasattr(report, "wasxfail") else report.outcome
        block = getattr(report, "torchnotes_block", None)
        if block is not None:  # the plugin
            lines = report.longreprtext.splitlines() if report.failed else []
            self.blocks[name, block["line"]] = (outcome, lines)
            return
        if getattr(report, "torchnotes_note", None) is not None:
            if report.failed and not report.torchnotes_note["failed"]:
                self.notes[name] = (outcome, report.longreprtext.splitlines())
            return
        if report.when != "call" and not report.skipped:
            return
        directive = getattr(report, "sybil_directive", None)
        if directive is not None:
            self.directives[name, directive] = report.outcome
            return
        line = getattr(report, "sybil_line", None)
        text = report.longreprtext if report.failed else ""
        message = _sybil_message(text)
        if line is None:  # the one example of a note that does not parse
            self.notes[name] = (outcome, message)
        else:
            self.blocks[name, line] = (outcome, message)


def _sybil_message(text: str) -> list[str]:
    """The evaluator's failure string inside Sybil's failure report."""
    lines = text.splitlines()
    if not lines:
        return []
    start = next(i for i, line in enumerate(lines) if "did not evaluate as expected" in line)
    end = max(i for i, line in enumerate(lines) if line.endswith(": SybilFailure"))
    return [line for line in lines[start + 1 : end] if line] if lines else []


def _run_both(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    notes: dict[str, str],
    settings: str = "",
    *args: str,
) -> tuple[Recorder, Recorder]:
    for folder in ("plugin", "sybil"):
        for name, text in notes.items():
            path = pytester.path / folder / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
    (pytester.path / "sybil" / "conftest.py").write_text(CONFTEST.format(settings=settings))
    recorders = []
    for folder, extra in (("plugin", ["--torchnotes", "-v"]), ("sybil", [])):
        monkeypatch.chdir(pytester.path / folder)
        recorder = Recorder()
        pytester.runpytest_inprocess(*extra, *args, "-p", "no:cacheprovider", plugins=[recorder])
        recorders.append(recorder)
    return recorders[0], recorders[1]


def test_a_folder_of_notes_gives_the_same_verdicts_both_ways(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin, sybil = _run_both(pytester, monkeypatch, NOTES)
    assert sybil.blocks == plugin.blocks
    assert sybil.notes == plugin.notes
    # Under Sybil each directive is an item of its own that passes when applied.
    assert sybil.directives == {("directives.md", line): "passed" for line in (15, 20, 25, 30)}
    assert not plugin.directives
    outcomes = {key: outcome for key, (outcome, _) in plugin.blocks.items()}
    # Every kind of verdict is among them, so the comparison above compares something.
    assert sorted(set(outcomes.values())) == ["failed", "passed", "skipped", "xfailed"]
    assert outcomes == {
        ("basics.md", 3): "passed",
        ("basics.md", 15): "failed",
        ("basics.md", 23): "passed",
        ("directives.md", 3): "passed",
        ("directives.md", 7): "passed",
        ("directives.md", 16): "skipped",
        ("directives.md", 21): "passed",
        ("directives.md", 26): "failed",
        ("directives.md", 31): "xfailed",
        ("directives.md", 39): "failed",
        ("directives.md", 43): "passed",
        ("isolated.md", 3): "passed",
        ("transcript.md", 3): "failed",
        ("transcript.md", 11): "passed",
    }
    drift = plugin.blocks["basics.md", 15][1]
    assert drift[0].startswith("basics.md:15: block 2 ('Value drift'): value drift")
    assert "-4.0" in drift
    assert "+3.5" in drift
    assert sybil.notes["broken.md"][0] == "failed"
    assert sybil.notes["broken.md"][1][0].startswith("broken.md:3: unknown torchnotes directive")
    assert not (pytester.path / "sybil" / "written.txt").exists()


def test_settings_are_passed_as_arguments(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = {
        "tolerance.md": f"""\
            {FENCE}python
            print(1.004)
            {FENCE}

            Output:
            {FENCE}
            1.0
            {FENCE}

            {FENCE}python
            import time
            time.sleep(5)
            {FENCE}
            """
    }
    pytester.makeini(
        "[pytest]\ntorchnotes_compare = numeric rtol=0.01\ntorchnotes_output_fence = bare\n"
        "torchnotes_timeout = 0.5\n"
    )
    plugin, sybil = _run_both(
        pytester,
        monkeypatch,
        notes,
        'compare="numeric rtol=0.01", output_fence="bare", timeout=0.5',
    )
    assert sybil.blocks == plugin.blocks
    assert plugin.blocks["tolerance.md", 1][0] == "passed"
    assert plugin.blocks["tolerance.md", 10][0] == "failed"
    assert "timeout" in plugin.blocks["tolerance.md", 10][1][0]


def test_parsers_reject_unknown_and_bad_settings() -> None:
    with pytest.raises(TypeError, match="unknown settings updat; it accepts: compare"):
        parsers(updat="true")
    with pytest.raises(SettingsError, match=r"parsers\(timeout=...\): 'soon' is not a number"):
        parse_settings(timeout="soon")
    assert parse_settings(display=False, seed=3).run.display is False
    assert parse_settings(seed=3).run.seed == 3


AFTER = """\
import os, sys

def test_the_note_was_put_back():
    assert os.getcwd() == {cwd!r}
    assert "note_name" not in vars(sys.modules["__main__"])
"""


@pytest.mark.parametrize("teardown", [True, False])
def test_a_deselected_last_block_still_ends_the_notes_isolation(
    pytester: pytest.Pytester, teardown: bool
) -> None:
    """With torchnotes_sybil()'s teardown, pytest ends the note when it leaves its file;
    without it, the next note that runs does."""
    pytester.makefile(
        ".md",
        a=f"{FENCE}python\nnote_name = 1\nprint(note_name)\n{FENCE}\n\n"
        f"{FENCE}output\n1\n{FENCE}\n\n{FENCE}python\nprint(2)\n{FENCE}\n",
        b=f"{FENCE}python\nprint('b' in globals())\n{FENCE}\n\n{FENCE}output\nFalse\n{FENCE}\n",
    )
    if teardown:
        pytester.makeconftest(
            "from sybil import Sybil\n"
            "from pytest_torchnotes.sybil import torchnotes_sybil\n"
            "pytest_collect_file = Sybil(**torchnotes_sybil(), patterns=['a.md']).pytest()\n"
        )
    else:
        pytester.makeconftest(CONFTEST.format(settings=""))
    pytester.makepyfile(test_after=AFTER.format(cwd=str(pytester.path)))
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--deselect", "a.md::line:10,column:1"
    )
    outcomes = {"passed": 2 if teardown else 3}
    result.assert_outcomes(**outcomes, deselected=1)


def test_an_unreadable_note_fails_its_one_example(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        "from sybil import Sybil\n"
        "from pytest_torchnotes.sybil import torchnotes_sybil\n"
        "pytest_collect_file = Sybil(**torchnotes_sybil(), patterns=['*.md']).pytest()\n"
    )
    (pytester.path / "latin1.md").write_bytes(b"# caf\xe9\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["latin1.md:1: not valid UTF-8: byte 0xe9 at column 6 *"])


def test_a_byte_order_mark_in_a_plain_sybil_document(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST.format(settings=""))
    text = f"{FENCE}python\nprint(1)\n{FENCE}\n\n{FENCE}output\n2\n{FENCE}\n"
    (pytester.path / "bom.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["bom.md:1: block 1: value drift*"])


def test_the_example_of_the_docs_runs_as_shown(pytester: pytest.Pytester) -> None:
    """docs/sybil.md: its conftest and its note give the transcript it shows."""
    fences = MarkdownLexer()((DOCS / "sybil.md").read_text(encoding="utf-8")).fences
    conftest = next(fence for fence in fences if fence.info == "python")
    index, note = next(
        (index, fence) for index, fence in enumerate(fences) if fence.info.startswith("markdown")
    )
    transcript = [line.text for line in fences[index + 1].body]
    assert transcript[0] == "$ pytest"
    pytester.makeconftest(_body(conftest))
    pytester.makefile(".md", broadcasting=_body(note))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [line.replace("[", "[[]").replace("...", "*") for line in transcript[1:] if line != "..."]
    )


def _body(fence: FenceLexeme) -> str:
    return "\n".join(line.text for line in fence.body) + "\n"


def test_the_plugins_regions_evaluate_only_inside_a_run(tmp_path: Path) -> None:
    """Outside a note's run, a region's own evaluator says so; the run pushes itself."""
    from sybil.example import SybilFailure

    from pytest_torchnotes.markdown.document import NoteDocument
    from pytest_torchnotes.markdown.regions import note_parsers

    path = tmp_path / "note.md"
    path.write_text(f"# Note\n\n{FENCE}python\nprint(1)\n{FENCE}\n", encoding="utf-8")
    document = NoteDocument.parse(str(path), *note_parsers())
    (example,) = document.examples()
    assert example.parsed is document.note.items[0]
    with pytest.raises(SybilFailure, match=r"note\.md:3: the block is evaluated only while"):
        example.evaluate()


def test_a_note_whose_last_block_is_deselected_ends_before_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    """The note's isolation (scratch folder as cwd, its own ``__main__``) does not reach the
    test after it, though no later block of the note comes to close it."""
    pytester.makeconftest(CONFTEST.format(settings=""))
    fence = "```"
    pytester.makefile(
        ".md",
        a_note=f"{fence}python\nsecret = 1\nprint(secret)\n{fence}\n\n{fence}output\n1\n{fence}\n\n"
        f"{fence}python\nprint(secret + 1)\n{fence}\n\n{fence}output\n2\n{fence}\n",
    )
    pytester.makepyfile(
        test_z=f"""
        import os, sys

        def test_after_the_note():
            assert os.getcwd() == {str(pytester.path)!r}
            assert "secret" not in vars(sys.modules["__main__"])
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-k", "not line:10")
    result.assert_outcomes(passed=2, deselected=1)


def test_the_directive_items_of_a_note_skipped_whole_are_skipped(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(CONFTEST.format(settings=""))
    fence = "```"
    pytester.makefile(
        ".md",
        note=f"---\ntorchnotes:\n  skip: written for torch 1.x\n---\n\n"
        f"<!-- torchnotes: timeout 5 -->\n{fence}python\nprint(1)\n{fence}\n\n"
        f"{fence}output\n1\n{fence}\n",
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*written for torch 1.x*"])
