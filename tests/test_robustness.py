"""Notes that misbehave, and input that is not what it should be."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from xml.etree import ElementTree

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.document import NoteReadError, decode_note
from pytest_torchnotes.markdown.parsers import NoteParser
from pytest_torchnotes.reporting.validate import problem as schema_problem
from pytest_torchnotes.run.exiting import CAN_DETACH_THREADS
from tests.conftest import WriteNote, block_counts

NEXT = "```python\nprint('next note runs')\n=== output ===\nnext note runs\n```\n"


def run_to_the_last_writer(
    pytester: pytest.Pytester, *args: str, timeout: float
) -> pytest.RunResult:
    """``runpytest_subprocess``, its output read through pipes to their end. The crash
    watcher, a process of its own, writes after the session process died: a file read as
    soon as the session ended may not hold its lines yet on a loaded machine, where a pipe
    ends only once its last writer closed it."""
    path = os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    basetemp = pytester.path / "basetemp"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", f"--basetemp={basetemp}", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": path},
        cwd=pytester.path,
        check=False,
    )
    out, err = (
        stream.decode(errors="replace").splitlines() for stream in (done.stdout, done.stderr)
    )
    return pytest.RunResult(done.returncode, out, err, 0.0)


def test_a_hang_fails_at_its_limit_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport threading\nthreading.Event().wait()\n```\n", "a.md")
    write_note("```python\nwhile True:\n    pass\n```\n" + NEXT, "b.md")
    write_note(NEXT, "c.md")
    result = pytester.runpytest("--torchnotes-timeout=0.3", "-p", "no:randomly")
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines_random(
        [
            "notes/a.md:1: block 1: the block did not finish within 0.3 s (see the timeout "
            "directive) (timeout)",
            "notes/b.md:1: block 1: the block did not finish within 0.3 s*",
        ]
    )


@pytest.mark.parametrize("capture", ["--capture=fd", "-s"])
def test_a_block_reading_input_does_not_wait(
    pytester: pytest.Pytester, write_note: WriteNote, capture: str
) -> None:
    write_note("```python\nname = input('name? ')\n```\n" + NEXT)
    result = pytester.runpytest(capture)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*block 1: the block raised EOFError: EOF when reading a line*"])
    assert "next note runs" not in result.stdout.str()  # block 2 passed, silently


@pytest.mark.parametrize("capture", ["--capture=fd", "-s"])
def test_a_block_calling_breakpoint_fails_at_its_line_without_a_debugger(
    pytester: pytest.Pytester, write_note: WriteNote, capture: str
) -> None:
    write_note("```python\nx = 1\nbreakpoint()\n```\n" + NEXT)
    result = pytester.runpytest(capture)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*block 1: the block raised RuntimeError: breakpoint() was called, but a note runs "
            "without a terminal to debug in: remove the call (or set PYTHONBREAKPOINT=0 to pass "
            "over it)*",
            '  File "notes/note.md", line 3, in <module>',
        ]
    )
    assert "PDB" not in result.stdout.str()
    assert "next note runs" not in result.stdout.str()  # block 2 passed, silently


def test_breakpoint_is_passed_over_with_pythonbreakpoint_0(
    pytester: pytest.Pytester, write_note: WriteNote, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")
    write_note("```python\nbreakpoint()\nprint(1)\n=== output ===\n1\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_a_hang_in_c_code_stops_the_process_after_a_grace(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    (pytester.path / "notes" / "a.md").write_text(
        "```python\nimport signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, "
        "[signal.SIGALRM])\ntime.sleep(60)\n```\n"
    )
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "1")
    result = run_to_the_last_writer(pytester, "--torchnotes-timeout=0.5", "-s", timeout=60)
    assert result.ret not in (0, None)
    result.stderr.fnmatch_lines(["Timeout (0:00:0*)!", '*File "notes/a.md", line 4 in <module>'])


def test_a_block_that_ignores_the_alarm_and_cancels_faulthandler_s_timer_is_still_stopped(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Cancelling faulthandler's timer took the hard limit off the running block, and the
    # ignored SIGALRM the soft one: the loop ran for ever. (The soft limit now comes another
    # way to a block that ignores SIGALRM, at its next bytecode: a sleep puts that off.)
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    (pytester.path / "notes" / "a.md").write_text(
        "```python\nimport faulthandler, signal, time\n"
        "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "faulthandler.cancel_dump_traceback_later()\nwhile True:\n    time.sleep(100)\n```\n"
    )
    monkeypatch.setenv("TORCHNOTES_HARD_LIMIT_GRACE", "1")
    result = run_to_the_last_writer(pytester, "--torchnotes-timeout=0.5", "-s", timeout=30)
    assert result.ret not in (0, None)
    # the loop's line or its body's, whichever the dump catches it at
    result.stderr.fnmatch_lines(["Timeout (0:00:0*)!", '*File "notes/a.md", line [56] in <module>'])


#: The session's process killed from outside, as the out-of-memory killer or ``kill`` does it
#: (a block that signals its own process fails with SignalledItself instead).
KILLED_FROM_OUTSIDE = (
    "import os, subprocess, time\n"
    "subprocess.run(['kill', '-{signal}', str(os.getpid())])\ntime.sleep(30)"
)


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (KILLED_FROM_OUTSIDE.format(signal="KILL"), "SIGKILL (Killed)"),
        ("import ctypes\nctypes.string_at(0)", "SIGSEGV (Segmentation fault)"),
        ("import os\nos.abort()", "SIGABRT (Aborted)"),
    ],
    ids=["sigkill", "segfault", "abort"],
)
def test_a_dying_process_under_xdist_is_reported_and_the_rest_runs(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, cause: str
) -> None:
    pytest.importorskip("xdist")
    write_note(f"```python\n{code}\n```\n", "a.md")
    for index in range(3):
        write_note(NEXT, f"b{index}.md")
    result = pytester.runpytest("-n", "2", "-p", "no:randomly", "--torchnotes-report=run.json")
    result.assert_outcomes(failed=1, passed=3)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*worker 'gw*' crashed while running 'notes/a.md::note'*"])
    notes = json.loads((pytester.path / "run.json").read_text())["notes"]
    crashed = [note for note in notes if note["path"] == "notes/a.md"]
    assert len(notes) == 4
    assert len(crashed) == 1
    assert crashed[0]["outcome"] == "error"
    assert re.fullmatch(
        r"worker 'gw\d+' crashed while running 'notes/a.md::note': the process was killed "
        f"by signal {re.escape(cause)}",
        crashed[0]["reason"],
    )


@pytest.mark.parametrize(
    ("code", "cause"),
    [
        (
            KILLED_FROM_OUTSIDE.format(signal="KILL"),
            "no fatal error was reported: a signal that faulthandler does not report ended it "
            "(SIGKILL*",
        ),
        (
            KILLED_FROM_OUTSIDE.format(signal="TERM"),
            "no fatal error was reported: a signal that faulthandler does not report ended it "
            "(SIGKILL: kill -9 or the out-of-memory killer; SIGTERM or SIGHUP sent to the "
            "process; SIGALRM: a signal.alarm or signal.setitimer timer left running), or C "
            "code called exit()",
        ),
        ("import ctypes\nctypes.string_at(0)", "Fatal Python error: Segmentation fault *"),
        ("import os\nos.abort()", "Fatal Python error: Aborted *"),
    ],
    ids=["sigkill", "sigterm", "segfault", "abort"],
)
def test_a_dying_process_without_xdist_names_the_block_and_never_exits_0(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, cause: str
) -> None:
    write_note(f"```python\nprint('first')\n```\n\n```python\n{code}\n```\n")
    result = run_to_the_last_writer(pytester, "--torchnotes-timeout=30", timeout=60)
    assert result.ret not in (0, None)
    result.stderr.fnmatch_lines(
        [f"notes/note.md:5: block 2 (time limit 30 s) was running when the process died: {cause}"]
    )


@pytest.mark.parametrize(
    "code", ["import ctypes\nctypes.string_at(0)", KILLED_FROM_OUTSIDE.format(signal="KILL")]
)
def test_a_dying_serial_run_names_the_notes_it_never_ran_and_how_to_run_them(
    pytester: pytest.Pytester, write_note: WriteNote, code: str
) -> None:
    # The watcher named the crashed block, and the notes after it were never run nor named.
    write_note(NEXT, "a.md")
    write_note(f"```python\n{code}\n```\n", "b.md")
    write_note(NEXT, "c.md")
    write_note(NEXT, "d d.md")
    result = run_to_the_last_writer(pytester, "-p", "no:randomly", "notes", timeout=120)
    assert result.ret not in (0, None)
    result.stderr.fnmatch_lines(
        [
            "notes/b.md:1: block 1 (time limit * s) was running when the process died: *",
            "2 tests were not run, the process having died in notes/b.md::note: "
            "notes/c.md::note, notes/d d.md::note. The run ended there: no report of it was "
            "written (--torchnotes-report, --junitxml, pytest's cache). Run the others with: "
            "pytest * notes --deselect notes/b.md::note",
        ]
    )
    command = result.stderr.lines[-1].rpartition("Run the others with: ")[2]
    again = pytester.runpytest_subprocess(*shlex.split(command)[1:], timeout=120)
    again.assert_outcomes(passed=3)


def _run_until_the_watcher_ends(pytester: pytest.Pytester, *args: str) -> tuple[int, str]:
    """Run pytest in a subprocess and read its standard error to the end: the crash
    watcher, which outlives the session's process, writes to it last."""
    process = pytester.popen(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("junit", ["out/results.xml", "results <&>.xml"])
def test_a_dying_serial_run_writes_the_junit_xml_of_what_it_knew(
    pytester: pytest.Pytester, write_note: WriteNote, junit: str
) -> None:
    # pytest writes its JUnit XML when the session ends: a crash left none, and CI saw no
    # test at all.
    write_note(NEXT, "a.md")
    write_note("```python\nprint(1)\n```\n\n```output\n2\n```\n", "b.md")
    write_note("```python\nimport ctypes\nctypes.string_at(0)\n```\n", "c.md")
    write_note(NEXT, "d.md")
    pytester.mkdir("out")
    returncode, stderr = _run_until_the_watcher_ends(pytester, f"--junitxml={junit}")
    assert returncode != 0
    path = pytester.path / junit
    assert (
        "1 test was not run, the process having died in notes/c.md::note: notes/d.md::note."
        f" The run ended there: the JUnit XML of what was known was written to {path}"
        " (--junitxml: 1 passed, 1 failed, 0 skipped or not known, the crashed item as an"
        " error, 1 not run as skipped); no other report of it was written"
        " (--torchnotes-report, pytest's cache). Run the others with: "
    ) in stderr
    suite = ElementTree.parse(path).getroot().find("testsuite")
    assert suite is not None
    assert {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")} == {
        "tests": "4",
        "failures": "1",
        "errors": "1",
        "skipped": "1",
    }
    cases = {case.get("classname"): [child.tag for child in case] for case in suite}
    assert cases == {
        "notes.a.md": [],
        "notes.b.md": ["failure"],
        "notes.c.md": ["error"],
        "notes.d.md": ["skipped"],
    }
    error = suite.find("testcase[@classname='notes.c.md']/error")
    assert error is not None
    assert "Segmentation fault" in (error.get("message") or "")


def test_a_dying_serial_run_in_its_last_note_says_where_the_junit_xml_went(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(NEXT, "a.md")
    write_note("```python\nimport os\nos.abort()\n```\n", "b.md")
    _, stderr = _run_until_the_watcher_ends(pytester, "--junitxml=r.xml")
    path = pytester.path / "r.xml"
    assert f"The run ended there: the JUnit XML of what was known was written to {path} (" in (
        stderr
    )
    cases = [case.get("classname") for case in ElementTree.parse(path).getroot().iter("testcase")]
    assert cases == ["notes.a.md", "notes.b.md"]


@pytest.mark.parametrize(
    ("ending", "cause"),
    [
        ("import ctypes\nctypes.string_at(0)", "Segmentation fault"),
        ("import os\nos.abort()", "Aborted"),
        (KILLED_FROM_OUTSIDE.format(signal="KILL"), "SIGKILL"),
    ],
)
def test_a_dying_serial_run_writes_the_run_report_of_what_it_knew(
    pytester: pytest.Pytester, write_note: WriteNote, ending: str, cause: str
) -> None:
    # the session writes --torchnotes-report at its end: a crash left none (the JUnit XML
    # was written by the watcher)
    write_note(NEXT, "a.md")
    write_note("```python\nprint(1)\n```\n\n```output\n2\n```\n", "b.md")
    write_note(f"```python\n{ending}\n```\n", "c.md")
    write_note(NEXT, "d.md")
    pytester.makepyfile(test_other="def test_other():\n    pass\n")
    returncode, stderr = _run_until_the_watcher_ends(
        pytester, "--torchnotes-report=out/report.json", "notes", "test_other.py"
    )
    assert returncode != 0
    path = pytester.path / "out" / "report.json"
    assert f"the run report was written to {path} (--torchnotes-report:" in stderr
    assert "no other report of it was written (--junitxml, pytest's cache)" in stderr
    report = json.loads(path.read_text())
    assert schema_problem(report) is None  # as the schema has it
    notes = {note["path"]: (note["outcome"], note["reason"]) for note in report["notes"]}
    assert list(notes) == ["notes/a.md", "notes/b.md", "notes/c.md", "notes/d.md"]
    assert [outcome for outcome, _ in notes.values()] == ["passed", "failed", "error", "skipped"]
    assert "lost with the process" in notes["notes/b.md"][1]
    assert "notes/c.md:1: block 1" in notes["notes/c.md"][1]
    assert cause in notes["notes/c.md"][1]
    assert notes["notes/d.md"][1] == "not run: the process died in notes/c.md::note"


def test_huge_output(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "```python\nfor i in range(200_000):\n    print('line', i)\n=== output ===\nline 0\n"
        "...\nline 199999\n```\n",
        "a.md",
    )
    write_note(
        "<!-- torchnotes: compare ellipsis -->\n" + (pytester.path / "notes" / "a.md").read_text(),
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    assert len(result.stdout.str()) < 40_000  # the diff of a huge output is cut short
    result.stdout.fnmatch_lines(["... * more diff lines"])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import sys\nsys.stdout.write('no newline at the end');", "no newline at the end"),
        ("print('\\x1b[1;32mgreen\\x1b[0m and plain')", "green and plain"),
        ("print('张量 (tensor) ✓ é')", "张量 (tensor) ✓ é"),
        ("import sys\nfor p in (10, 50, 100):\n    sys.stdout.write(f'\\r{p}%')\nprint()", "100%"),
        ("print('abc\\b\\bX')", "aXc"),
        ("print('Loading...', end='\\r')\nprint('Done')", "Doneing..."),
        ("print('Loading...', end='\\r\\x1b[2K')\nprint('Done')", "Done"),
        ("import sys\nprint('to stderr', file=sys.stderr)\nprint('to stdout')", "to stdout"),
    ],
    ids=[
        "no-trailing-newline",
        "ansi",
        "non-ascii",
        "carriage-returns",
        "backspaces-overwrite",
        "carriage-return-overwrites",
        "erased-line",
        "stderr",
    ],
)
def test_defined_output_behaviour(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, expected: str
) -> None:
    write_note(f"```python\n{code}\n=== output ===\n{expected}\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_stderr_is_shown_when_a_block_fails(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport sys\nprint('why', file=sys.stderr)\nraise ValueError('x')\n```\n")
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(["stderr:", "    why"])


def test_bad_input_never_stops_the_other_notes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("", "empty.md")
    (pytester.path / "notes" / "binary.md").write_bytes(bytes(range(256)) * 4)
    (pytester.path / "notes" / "latin1.md").write_bytes("café\n".encode("latin-1"))
    (pytester.path / "notes" / "gbk.md").write_bytes("# 笔记\n\n自动求导\n".encode("gbk"))
    (pytester.path / "notes" / "nul.md").write_bytes(b"# t\n\x00\n")
    (pytester.path / "notes" / "cr.md").write_bytes(b"# t\r\r```python\rprint(1)\r```\r")
    write_note("```python\nprint(1)\n", "unclosed.md")
    write_note("````markdown\n```python\nraise SystemExit\n```\n````\n", "nested.md")
    write_note("Prose\n\n=== output ===\n1\n", "marker.md")
    write_note("<!--\n" * 3, "comments.md")
    write_note(NEXT, "good.md")
    result = pytester.runpytest("-rs", "-W", "ignore::pytest_torchnotes.plugin.TorchnotesWarning")
    result.assert_outcomes(passed=1, failed=7, skipped=3)
    result.stdout.fnmatch_lines_random(
        [
            "notes/binary.md:1: contains NUL bytes: this is not a text file",
            "notes/latin1.md:1: not valid UTF-8: byte 0xe9 at column 4 (save the note as UTF-8; "
            "it reads as Windows-1252 (Latin-1) text: iconv -f WINDOWS-1252 -t UTF-8)",
            "notes/gbk.md:1: not valid UTF-8: byte 0xb1 at column 3 (save the note as UTF-8; "
            "it reads as GB18030 (GBK) Chinese text: iconv -f GB18030 -t UTF-8)",
            "notes/nul.md:2: contains NUL bytes: this is not a text file",
            "notes/cr.md:1: lines end with a bare CR (classic Mac OS line endings), so the note "
            "reads as one line: save it with LF or CRLF line endings",
            "notes/unclosed.md:1: code fence ```python is never closed (add a line ``` after "
            "its last line)",
            "notes/comments.md:1: HTML comment is never closed: everything after it is hidden "
            "(add --> where the comment ends)",
            "SKIPPED [[]1[]] notes/empty.md:1: no Python blocks in this note",
            "SKIPPED [[]1[]] notes/nested.md:1: no Python blocks in this note",
            "SKIPPED [[]1[]] notes/marker.md:1: no Python blocks in this note (1 warning names "
            "what is not run: torchnotes check lists them)",
        ]
    )


def test_state_leaks_under_xdist(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytest.importorskip("xdist")
    polluter = (
        "```python\nimport os, sys, torch\ntorch.set_default_dtype(torch.float64)\n"
        "torch.manual_seed(123)\nos.environ['LEAK'] = '1'\nsys.path.insert(0, '/leak')\n"
        "torch.set_printoptions(precision=1)\n```\n"
    )
    victim = (
        "```python\nimport os, sys, torch\nprint(torch.get_default_dtype(), 'LEAK' in os.environ,"
        " '/leak' in sys.path, torch.tensor([1 / 3]))\n=== output ===\n"
        "torch.float32 False False tensor([0.3333])\n```\n"
    )
    for index in range(4):
        write_note(polluter, f"p{index}.md")
        write_note(victim, f"v{index}.md")
    pytester.runpytest("-n", "2").assert_outcomes(passed=8)
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=8)


PRINTABLE_MARKDOWN = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400)


@given(PRINTABLE_MARKDOWN)
def test_parsing_any_text_never_raises(text: str) -> None:
    note = NoteParser().parse(text)
    for problem in note.problems:
        assert problem.line_index >= 0
        assert problem.severity in ("error", "warning")


@given(st.binary(max_size=300))
@example(b"\n\r")
def test_decoding_any_bytes_raises_only_the_documented_error(data: bytes) -> None:
    error: NoteReadError | None = None
    try:
        raw = decode_note(data)
    except NoteReadError as caught:
        error = caught
    if error is not None:
        assert error.line >= 0
        assert error.message
    else:  # CommonMark's line endings: LF, CRLF, or a CR not followed by LF
        assert raw.text == raw.original.replace("\r\n", "\n").replace("\r", "\n")


def test_utf16_is_named(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    (write_note("", "wide.md")).write_bytes("# 笔记\n".encode("utf-16"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/wide.md:1: UTF-16 text (it starts with a UTF-16 byte order mark): save the "
            "note as UTF-8: iconv -f UTF-16 -t UTF-8"
        ]
    )


PYTORCH_DOCSTRING = """\
# torch.abs, as its docstring shows it

```python
>>> torch.abs(torch.tensor([-1, -2, 3]))
tensor([ 1,  2,  3])
```

```python
>>> # xdoctest: +SKIP("undefined vars")
>>> model = SomeModel()
>>> model(x)
tensor([9.])
```

```python
>>> # xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)
>>> torch.ones(2, device="cuda")
tensor([1., 1.], device='cuda:0')
>>> # xdoctest: -REQUIRES
```

```python
>>> a = torch.randn(4)  # xdoctest: +SKIP
>>> torch.zeros(2)
tensor([0., 0.])
```

```python
>>> embedding = torch.nn.Embedding(10, 3)
>>> # xdoctest: +IGNORE_WANT("non-deterministic")
>>> embedding(torch.LongTensor([1, 2]))
tensor([[-0.0251, -1.6902,  0.7172],
        [-0.6431,  0.0748,  0.6969]], grad_fn=<EmbeddingBackward0>)
>>> embedding(torch.LongTensor([10]))
tensor([[0., 0., 0.]])
```
"""


def test_pytorch_docstring_examples(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\ntorchnotes_setup = import torch\n")
    write_note(PYTORCH_DOCSTRING)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"verified": 2, "failed": 1, "skipped": 2}
    result.stdout.fnmatch_lines_random(
        [
            'SKIPPED [[]1[]] notes/note.md:8: xdoctest: +SKIP("undefined vars")',
            "SKIPPED [[]1[]] notes/note.md:15: xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)",
            # IGNORE_WANT lets random numbers pass, not an error in a later example
            "notes/note.md:28: block 5 (*): example at line 34: the block raised IndexError: "
            "index out of range in self (exception)",
            "*5 blocks: 2 verified, 1 failed (1 exception), 2 skipped",
        ]
    )


FORKING = """\
```python
import os, sys
pid = os.fork()
if pid == 0:
    sys.exit(3)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
=== output ===
3
```

```python
pid = os.fork()
if pid == 0:
    print("the child ends with the block")
else:
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
=== output ===
0
```

```python
import multiprocessing

def square(x):
    return x * x

with multiprocessing.get_context("fork").Pool(2) as pool:
    print(pool.map(square, range(4)))
=== output ===
[0, 1, 4, 9]
```
"""


def test_forked_children_end_and_never_run_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(FORKING, "a.md")
    write_note(NEXT, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-v", timeout=120)
    result.assert_outcomes(passed=2)
    assert result.stdout.str().count("notes/b.md::note VERIFIED block 1") == 1
    assert result.stdout.str().count(" passed in ") == 1


@pytest.mark.skipif(
    not CAN_DETACH_THREADS, reason="this Python waits at exit for every non-daemon thread"
)
def test_a_thread_left_running_is_named_and_does_not_keep_pytest_alive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport threading\nstop = threading.Event()\n\n"
        "def spin(event=stop):\n    while not event.wait(0.05):\n        pass\n\n"
        "threading.Thread(target=spin, name='spinner').start()\n```\n"
        "```python\nimport threading\n"
        "threading.Thread(target=lambda: None, name='quick').start()\n```\n"
    )
    result = pytester.runpytest_subprocess(timeout=60)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*TorchnotesWarning: notes/note.md: the note left threads running: spinner; they are*"]
    )


@pytest.mark.skipif(not CAN_DETACH_THREADS, reason="this Python waits for the thread at exit")
def test_a_thread_pool_never_shut_down_with_a_blocked_task_does_not_keep_pytest_alive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # concurrent.futures joins its workers at exit by a function of its own: pytest
    # reported and then hung there.
    write_note(
        "```python\nimport concurrent.futures, threading\n"
        "pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix='stuck')\n"
        "pool.submit(threading.Event().wait)\n```\n"
    )
    result = pytester.runpytest_subprocess(timeout=60)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*the note left threads running: stuck_0; they are*"])


@pytest.mark.skipif(CAN_DETACH_THREADS, reason="this Python lets pytest exit without the thread")
def test_where_python_waits_for_threads_at_exit_the_warning_says_so(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\nimport threading, time\n"
        "threading.Thread(target=time.sleep, args=(1,), name='sleeper').start()\n```\n"
    )
    result = pytester.runpytest_subprocess(timeout=60)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*TorchnotesWarning: notes/note.md: the note left threads running: sleeper; "
            "pytest waits for them to end before it exits*"
        ]
    )


def test_an_example_without_output_says_how_to_fix_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "```python\n>>> import torch\n>>> torch.ones(2)\n>>> torch.ones(1)"
        "  # xdoctest: +IGNORE_WANT\n```\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:3: >>> torch.ones(2)",
            "  output differs",
            "  the transcript shows no output for this example: write what it prints below it, "
            "or add '# xdoctest: +IGNORE_WANT' if it is not to be compared "
            "(--torchnotes-transcripts=xdoctest compares no example that shows no output, as "
            "xdoctest, for which PyTorch's docstrings are written)",
            "*",
            "*",
            "*",
            "-",
            "+tensor([[]1., 1.[]])",
            "On torch *. If the new output is right, accept it: pytest notes/note.md "
            "--torchnotes-update",
        ]
    )
    assert "torch.ones(1)" not in result.stdout.str()  # ignored, so it passed


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("import sys\nprint('before')\nsys.stdout.close()", "sys.stdout"),
        ("import sys\nprint('before')\nsys.stdout.close()\nprint('after')", "sys.stdout"),
        ("import sys\nsys.stderr.close()\nprint('x', file=sys.stderr)", "sys.stderr"),
        ("import sys\nsys.stderr.close()", "sys.stderr"),
    ],
    ids=["stdout", "stdout-then-print", "stderr-then-print", "stderr"],
)
def test_a_block_that_closes_its_output_fails_and_the_note_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, name: str
) -> None:
    write_note(f"```python\n{code}\n```\n" + NEXT + NEXT.replace("next note", "third block"))
    result = pytester.runpytest("-v")
    result.assert_outcomes(failed=1)
    short = name.rpartition(".")[2]
    result.stdout.fnmatch_lines(
        [
            f"notes/note.md:1: block 1: the block closed {name}: what it printed after that is "
            f"lost (leave {name} open; to silence output, use contextlib.redirect_{short}("
            "io.StringIO())) (exception)",
        ]
    )
    second = code.count("\n") + 4
    result.stdout.fnmatch_lines(
        [f"*VERIFIED block 2, line {second} *", f"*VERIFIED block 3, line {second + 5} *"]
    )


#: A Ctrl-C of the person running the session, sent while the block runs: from another
#: process, as a terminal sends it (a block that signals its own process is its own
#: interrupt: tests/test_plugin_isolation.py).
CTRL_C_SENT = (
    "subprocess.run([sys.executable, '-c', "
    "'import os, signal, sys; os.kill(int(sys.argv[1]), signal.SIGINT)', str(os.getpid())])"
)

#: With a thread of the note sending it, the block waits in short sleeps: the system may hand
#: a signal sent to the process to any of its threads (torch's own, the note's), and CPython
#: breaks off a long call of the main thread only when the main thread was given it; it runs
#: the handler at the main thread's next bytecode otherwise, as in a plain script.
CTRL_C = {
    "kill": f"import os, subprocess, sys, time\n{CTRL_C_SENT}\ntime.sleep(30)",
    "thread": (
        "import os, subprocess, sys, threading, time\n"
        f"threading.Timer(0.2, lambda: {CTRL_C_SENT}).start()\n"
        "for _ in range(300):\n    time.sleep(0.1)"
    ),
    "swallowed": (
        f"import os, subprocess, sys, time\ntry:\n    {CTRL_C_SENT}\n"
        "    time.sleep(30)\nexcept KeyboardInterrupt:\n    print('caught')"
    ),
    "transcript": (
        f">>> import os, subprocess, sys, time\n>>> {CTRL_C_SENT}; time.sleep(30)\n"
        ">>> print('next example')\nnext example"
    ),
}


@pytest.mark.parametrize("update", [False, True], ids=["run", "update"])
@pytest.mark.parametrize("code", CTRL_C.values(), ids=CTRL_C.keys())
def test_ctrl_c_stops_the_session_in_the_running_block(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, update: bool
) -> None:
    write_note(
        "```python\nprint('first')\n=== output ===\nfirst\n```\n\n"
        f"```python\n{code}\n```\n\n```python\nprint('third')\n=== output ===\nwrong\n```\n",
        "a.md",
    )
    write_note(NEXT.replace("next note runs", "wrong"), "b.md")
    args = ["-v", "-p", "no:randomly"] + (["--torchnotes-update"] if update else [])
    started = time.monotonic()
    result = pytester.runpytest(*args, no_reraise_ctrlc=True)
    assert time.monotonic() - started < 20
    assert result.ret == pytest.ExitCode.INTERRUPTED
    output = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*VERIFIED block 1, line 1 *",
            "*FAILED block 2, line 7 *",
            "notes/a.md:7: block 2: *interrupted by Ctrl-C*; the session stops (exception)",
            "*KeyboardInterrupt: notes/a.md:7: block 2 was interrupted (Ctrl-C); no further "
            "block or note runs*",
        ]
    )
    assert "SessionInterrupted" not in output
    for later in ("block 3", "b.md", "next example"):
        assert later not in output
    assert "updated" not in output


def test_one_huge_line_is_cut_in_messages(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "```python\nprint('x' * 2_000_000)\n=== output ===\nxx\n```\n\n"
        "```python\nraise ValueError('y' * 2_000_000)\n```\n",
        "a.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    assert block_counts(result) == {"failed": 2}
    assert len(result.stdout.str()) < 40_000
    result.stdout.fnmatch_lines(
        ["+xxxxx* ... 1,999,501 more characters on this line", "*ValueError: yyy* more characters*"]
    )


@pytest.mark.parametrize(
    ("text", "encoding", "hint"),
    [
        ("# 自动求导\n", "gbk", "GB18030 (GBK) Chinese text: iconv -f GB18030 -t UTF-8"),
        # Every accented letter here pairs with the next byte into a GB18030 character:
        # it was named as Chinese.
        ("# Ménage naïve\n", "latin-1", "Windows-1252 (Latin-1) text: iconv -f WINDOWS-1252"),
        ("# \u201cquoted\u201d \u2013 dash\n", "cp1252", "Windows-1252 (Latin-1) text"),
    ],
)
def test_a_note_in_a_legacy_encoding_is_named_with_its_iconv_command(
    text: str, encoding: str, hint: str
) -> None:
    with pytest.raises(NoteReadError) as raised:
        decode_note(text.encode(encoding))
    assert hint in raised.value.message
