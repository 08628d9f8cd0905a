"""End to end: hostile notes of an eleventh round. Refusals that a note's spelling cannot
evade, timers and codecs that do not leak into the next note."""

from __future__ import annotations

import os

import pytest

from tests.conftest import WriteNote

#: What the next note checks: it runs, and sees the process as a fresh note does.
NEXT_NOTE = "```python\nprint('b')\n=== output ===\nb\n```\n"


@pytest.mark.parametrize(
    "code",
    [
        'getattr(os, "ex" + "ecv")("/bin/true", ["true"])',
        'importlib.import_module("posix").execv("/bin/true", ["true"])',
        'vars(importlib.import_module("posix"))["execve"]("/bin/true", ["true"], {})',
        'f = getattr(os, "".join(["ex", "ecl", "p"]))\nf("true", "true")',
    ],
)
def test_a_block_cannot_replace_the_session_whatever_it_calls_the_function(
    pytester: pytest.Pytester, write_note: WriteNote, code: str
) -> None:
    # The refusal acted only on notes whose text named execv or execl: these spellings
    # replaced pytest with `true`, and the run ended with no report and exit status 0.
    write_note(f"```python\nimport importlib, os\n{code}\n```\n", "a.md")
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/a.md:1: block 1: the block raised PermissionError: [[]Errno 1[]] refused: os.ex*"]
    )
    assert result.ret == 1


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="refused without privilege anyway"
)
@pytest.mark.parametrize(
    "code",
    [
        'getattr(os, "set" + "uid")(65534)',
        'importlib.import_module("posix").chroot("/tmp")',
        'vars(os)["set" + "groups"]([65534])',
    ],
)
def test_a_block_run_as_root_cannot_change_the_session_s_identity_whatever_it_calls_it(
    pytester: pytest.Pytester, write_note: WriteNote, code: str
) -> None:
    # The refusal acted only on notes whose text named the function: as root, the session
    # lost its privilege (or its root directory) for good and ended with no report.
    write_note(f"```python\nimport importlib, os\n{code}\n```\n", "a.md")
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/a.md:1: block 1: the block raised PermissionError: [[]Errno 1[]] refused: os.*"]
    )


def test_the_exec_functions_run_outside_a_note(pytester: pytest.Pytester) -> None:
    # Wrapped once for the session, they refuse only while a note runs in its process.
    from pytest_torchnotes.run import execs

    guard = execs.guard()
    assert guard.notes_running == 0
    with pytest.raises(FileNotFoundError):  # the real function, outside a note
        os.execv("/a/program/that/is/not/there", ["x"])
    guard.notes_running += 1
    try:
        # a program that is not there: a guard that let it through raises FileNotFoundError
        with pytest.raises(PermissionError, match=r"refused: os\.execv"):
            os.execv("/a/program/that/is/not/there", ["x"])
    finally:
        guard.notes_running -= 1


@pytest.mark.parametrize(
    ("code", "printed"),
    [
        ("print(signal.alarm(0))", "0"),
        ("print(signal.alarm(30))\nprint(signal.alarm(0))", "0\n30"),
        ("print(signal.getitimer(signal.ITIMER_REAL))", "(0.0, 0.0)"),
        ("print(signal.setitimer(signal.ITIMER_REAL, 0))", "(0.0, 0.0)"),
        ("print(signal.setitimer(signal.ITIMER_REAL, 40)[0])\nprint(signal.alarm(0))", "0.0\n40"),
    ],
)
def test_a_block_reads_its_own_interval_timer_not_its_time_limit(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, printed: str
) -> None:
    # signal.alarm(0) returned the block's time limit (120) where a script gets 0.
    write_note(f"```python\nimport signal\n{code}\n=== output ===\n{printed}\n```\n", "a.md")
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_a_block_that_cancels_its_limit_s_timer_still_stops_at_its_limit(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        "<!-- torchnotes: timeout 0.5 -->\n```python\nimport signal, time\n"
        "print(signal.alarm(0))\nwhile True:\n    time.sleep(0.01)\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*notes/a.md:2: block 1: the block did not finish within 0.5 s*"])


@pytest.mark.parametrize(
    "register",
    [
        "codecs.register(search)",
        "import _codecs\n_codecs.register(search)",
        "getattr(codecs, 'reg' + 'ister')(search)",
    ],
)
def test_a_codec_search_function_a_note_registers_is_taken_off_after_it(
    pytester: pytest.Pytester, write_note: WriteNote, register: str
) -> None:
    # Python keeps search functions for the process: the next note found the codec.
    write_note(
        "```python\nimport codecs\ndef search(name):\n"
        "    return codecs.lookup('utf-8') if name == 'a_note_s_codec' else None\n"
        f"{register}\nprint(codecs.lookup('a_note_s_codec').name)\n"
        "=== output ===\nutf-8\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport codecs\ntry:\n    codecs.lookup('a_note_s_codec')\n"
        "except LookupError:\n    print('unknown')\n=== output ===\nunknown\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    assert "codecs search function search (line " in (pytester.path / "report.json").read_text()


@pytest.mark.parametrize(
    "exhaust",
    [
        "files = []\ntry:\n    while True:\n        files.append(open('/dev/null'))\n"
        "except OSError:\n    pass",
        "import os\nfds = []\ntry:\n    while True:\n"
        "        fds.append(os.open('/dev/null', os.O_RDONLY))\nexcept OSError:\n    pass",
        "import resource, os\nsoft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)\n"
        "used = len(os.listdir('/proc/self/fd'))\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (used + 40, hard))\n"
        "files = []\ntry:\n    while True:\n        files.append(open('/dev/null'))\n"
        "except OSError:\n    pass",
    ],
)
def test_a_block_that_leaves_no_file_descriptor_fails_and_the_next_note_runs(
    pytester: pytest.Pytester, write_note: WriteNote, exhaust: str
) -> None:
    # The session's next lazy import or report failed with the block's EMFILE: an internal
    # error of pytest, not the block's failure.
    write_note(
        f"```python\n{exhaust}\n```\n\n```python\nprint('second')\n=== output ===\nsecond\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport tempfile\nwith tempfile.TemporaryFile() as f:\n    print('b')\n"
        "=== output ===\nb\n```\n",
        "b.md",
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/a.md:1: block 1: the block raised OSError: the block left the process no free "
            "file descriptor*"
        ]
    )
    assert "INTERNALERROR" not in result.stdout.str()


@pytest.mark.parametrize(
    "in_child",
    ["pass", "raise ValueError('in the child')", "print('child')", "import torch"],
)
def test_a_process_forked_in_a_block_s_thread_ends_with_the_thread(
    pytester: pytest.Pytester, write_note: WriteNote, in_child: str
) -> None:
    # The child's only thread ended, the C library's exit handlers (torch's) called into
    # Python, which stopped with a fatal error and waited for faulthandler's watchdog
    # thread, absent in a child: it hung, and the block waiting for it until its limit.
    write_note(
        "<!-- torchnotes: timeout 30 -->\n```python\nimport os, threading\nimport torch\n"
        "status = []\ndef f():\n    pid = os.fork()\n    if pid == 0:\n"
        f"        {in_child}\n        return\n    status.append(os.waitpid(pid, 0)[1])\n"
        "t = threading.Thread(target=f)\nt.start()\nt.join()\nprint(status)\n"
        "=== output ===\n[0]\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    "reach",
    [
        'vars(sys)["mod" + "ules"]["json"] = None',
        'getattr(sys, "mod" + "ules")["numpy"] = importlib.import_module("types")',
        'importlib.import_module("s" + "ys").__dict__["modul" + "es"]["numpy"] = None',
        'm = vars(sys)["mod" + "ules"]\nm["torch"], m["json"] = m["json"], m["torch"]',
    ],
)
def test_sys_modules_is_put_back_however_a_note_reaches_it(
    pytester: pytest.Pytester, write_note: WriteNote, reach: str
) -> None:
    # The guard acted only on notes whose text named sys and modules: the next note's
    # import json failed with "import of json halted; None in sys.modules".
    write_note(f"```python\nimport importlib, sys\n{reach}\n```\n", "a.md")
    write_note(
        "```python\nimport json, numpy, torch\n"
        "print(json.dumps(1), hasattr(numpy, 'zeros'), torch.ones(1))\n"
        "=== output ===\n1 True tensor([1.])\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_tb_line_shows_the_failing_block_s_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # pytest's --tb=line prints str() of the failure's crash entry: it showed
    # "<pytest_torchnotes.reporting.blocktext._Crash object at 0x...>".
    write_note("```python\nprint(1)\n=== output ===\n2\n```\n", "a.md")
    result = pytester.runpytest("-p", "no:randomly", "--tb=line")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["notes/a.md:1: block 1: value drift*"])
    assert "object at 0x" not in result.stdout.str()


@pytest.mark.parametrize(
    "finalizer",
    [
        "class Forker:\n    def __del__(self, os=os):\n        pid = os.fork()\n"
        "        if pid:\n            os.waitpid(pid, 0)\nkeep = Forker()",
        "class A:\n    pass\na = A()\n"
        "weakref.finalize(a, lambda os=os: os.waitpid(os.fork() or 0, 0))",
    ],
)
def test_a_process_a_finalizer_forks_after_the_note_ends_there(
    pytester: pytest.Pytester, write_note: WriteNote, finalizer: str
) -> None:
    # The child came back from freeing the note's objects into the session's code and ran
    # the rest of the session beside it; the parent waited for it until the note's limit,
    # and named the child, a second pytest, as a process the note left running.
    write_note(
        "<!-- torchnotes: timeout 20 -->\n"
        f"```python\nimport os, weakref\n{finalizer}\nprint('made')\n"
        "=== output ===\nmade\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=2)
    assert "did not finish within" not in result.stdout.str()
    assert "left processes running" not in result.stdout.str()


def test_a_process_an_exception_s_text_forks_ends_there(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The session reads the text of what a block raised after the block: a child forked
    # in __str__ came back into the session's code and ran the rest of the session.
    write_note(
        "```python\nimport os\nclass Odd(Exception):\n    def __str__(self, os=os):\n"
        "        pid = os.fork()\n        if pid:\n            os.waitpid(pid, 0)\n"
        "        return 'odd'\nraise Odd()\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    assert result.stdout.str().count("notes/a.md:1: block 1: the block raised Odd: odd") == 1
    assert "left processes running" not in result.stdout.str()


def test_the_guards_stay_on_after_a_note_that_patches_through_computed_names(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # A note whose code patches through computed names has every attribute of os put back
    # after it, as saved before its first block: the exec guard, put on in its first
    # note after that snapshot, was taken off, and the next note's execv replaced pytest.
    write_note('```python\nimport os\nname = "x" + "y"\nsetattr(os, name, 1)\n```\n', "a.md")
    write_note(
        '```python\nimport os\ngetattr(os, "ex" + "ecv")("/bin/true", ["true"])\n```\n', "b.md"
    )
    write_note(
        "```python\nimport signal, codecs\nprint(signal.alarm(0))\n"
        "codecs.register(lambda name: None)\n=== output ===\n0\n```\n",
        "c.md",
    )
    write_note(NEXT_NOTE, "d.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*notes/b.md:1: block 1: the block raised PermissionError*"])
