"""End to end: hostile notes of a twelfth round."""

from __future__ import annotations

import os

import pytest

from tests.conftest import WriteNote

#: What the next note checks: it runs, and sees the process as a fresh note does.
NEXT_NOTE = "```python\nprint('b')\n=== output ===\nb\n```\n"


@pytest.mark.parametrize(
    "in_child",
    ["pass", "raise ValueError('in the child')", "print('child')", "import torch"],
)
def test_a_process_forked_in_a_raw_thread_ends_with_the_thread(
    pytester: pytest.Pytester, write_note: WriteNote, in_child: str
) -> None:
    # A thread of _thread has no Thread object to hook: the child ran on after its function
    # returned, hung in the C library's exit handlers, and the block until its limit.
    write_note(
        "<!-- torchnotes: timeout 30 -->\n```python\nimport _thread, os, threading\n"
        "import torch\nforked = threading.Event()\npids = []\ndef f():\n"
        "    pid = os.fork()\n    if pid == 0:\n"
        f"        {in_child}\n        return\n    pids.append(pid)\n    forked.set()\n"
        "_thread.start_new_thread(f, ())\nforked.wait(10)\n"
        "print(os.waitpid(pids[0], 0)[1])\n=== output ===\n0\n```\n",
        "a.md",
    )
    write_note(NEXT_NOTE, "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=2)


#: A stand-in that says it equals any object.
LIAR = (
    "class Liar(types.ModuleType):\n    def __eq__(self, other): return True\n    __hash__ = None\n"
)


@pytest.mark.parametrize(
    "reach",
    [
        'sys.modules["json"] = Liar("json")',
        'vars(sys)["mod" + "ules"]["numpy"] = Liar("numpy")',
        "m = sys.modules\nm['json'], m['numpy'] = Liar('json'), Liar('numpy')",
        'd = type("D", (dict,), {"__eq__": lambda s, o: True})(sys.modules)\n'
        'd["json"] = Liar("json")\nsetattr(sys, "mod" + "ules", d)',
        'd = type("D", (dict,), {"__eq__": lambda s, o: True})(sys.modules)\n'
        'vars(sys)["modules"] = d',
    ],
)
def test_sys_modules_is_put_back_whatever_its_stand_ins_say_they_equal(
    pytester: pytest.Pytester, write_note: WriteNote, reach: str
) -> None:
    # The check compared the entries with ==: a stand-in whose __eq__ said it equalled the
    # module passed for it, and a dictionary put in place of sys.modules was never looked
    # at. The next note's json was the stand-in.
    write_note(f"```python\nimport sys, types\n{LIAR}{reach}\n```\n", "a.md")
    write_note(
        "```python\nimport json, numpy, sys\n"
        "print(json.dumps(1), hasattr(numpy, 'zeros'), type(sys.modules).__name__)\n"
        "=== output ===\n1 True dict\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("hook", "failed"),
    [
        ("def tr(frame, event, arg):\n    return tr\nsys.settrace(tr)", 0),
        ("def pr(frame, event, arg):\n    calls.append(event)\nsys.setprofile(pr)", 0),
        ("def pr(frame, event, arg):\n    raise RuntimeError('profiler')\nsys.setprofile(pr)", 1),
        (
            'def tr(frame, event, arg):\n    raise RuntimeError("tracer")\n'
            'getattr(sys, "set" + "trace")(tr)',
            1,
        ),
    ],
)
def test_a_trace_or_profile_function_a_note_leaves_on_runs_on_its_code_alone(
    pytester: pytest.Pytester, write_note: WriteNote, hook: str, failed: int
) -> None:
    # The note's hook stayed on for the session's code: between blocks and when the note's
    # namespace was released (the tracer's NameError for its own name failed the note's
    # clean-up, and its hooks, threading's too, leaked into the next note). One that raises
    # fails the note's own block, where it raised.
    write_note(
        f"```python\nimport sys, threading\ncalls = [1]\n{hook}\nthreading.settrace(print)\n```\n"
        "\n```python\ncalls.append(2)\n```\n",
        "a.md",
    )
    # The session's own hooks (coverage's tracer, under coverage) are no concern of the test:
    # none of the note's may be left on.
    write_note(
        "```python\nimport sys, threading\n"
        "hooks = (sys.gettrace(), sys.getprofile(), threading._trace_hook)\n"
        "print([getattr(hook, '__name__', None) in ('tr', 'pr', 'print') for hook in hooks])\n"
        "=== output ===\n[False, False, False]\n```\n",
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2 - failed, failed=failed)
    result.stdout.no_fnmatch_line("*NameError*")


def test_a_trace_function_a_block_sets_traces_the_note_s_later_blocks(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # As in a script: taken off between blocks, the note's tracer is on again for the next.
    write_note(
        "```python\nimport sys\nseen = []\ndef tr(frame, event, arg):\n"
        "    if event == 'call' and frame.f_code.co_name == 'f':\n        seen.append('f')\n"
        "    return None\nsys.settrace(tr)\n```\n\n"
        "```python\ndef f():\n    pass\nf()\nprint(seen)\n=== output ===\n['f']\n```\n",
        "a.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("helper", "warned"),
    [
        (
            "import atexit, os\natexit.register(lambda: open('wrote_at_exit', 'w').write('x'))\n"
            "atexit.register(os._exit, 0)\n",
            "*the note registered functions to run at exit: *helper_mod.py, line 2*",
        ),
        (
            "import sys\nsys.addaudithook(lambda event, args: print('audit', event)"
            " if event == 'open' else None)\n",
            None,  # named in the run report
        ),
    ],
)
def test_what_a_module_the_note_writes_registers_for_good_is_the_note_s(
    pytester: pytest.Pytester, write_note: WriteNote, helper: str, warned: str | None
) -> None:
    # Only the blocks' own registrations were the note's: a module the note wrote beside
    # itself and imported registered as a library, its atexit function wrote into the
    # folder pytest started in and changed a green run's exit status to 1, and its audit
    # hook printed into every later note.
    write_note(
        f"```python\nopen('helper_mod.py', 'w').write({helper!r})\nimport helper_mod\n```\n",
        "a.md",
    )
    write_note(
        "```python\nwith open('b.txt', 'w') as f:\n    pass\nprint('b')\n=== output ===\nb\n```\n",
        "b.md",
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    if warned is not None:
        result.stdout.fnmatch_lines([warned])
    assert not list(pytester.path.rglob("wrote_at_exit"))


def test_an_entry_named_as_a_note_that_is_not_a_file_is_named_not_left_out_silently(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # pytest collects regular files only: a FIFO, a dangling link or a link that loops,
    # named as a note, was left out without a word and the run was green.
    write_note(NEXT_NOTE, "b.md")
    notes = pytester.path / "notes"
    os.mkfifo(notes / "pipe.md")
    (notes / "gone.md").symlink_to(notes / "missing.md")
    (notes / "loop.md").symlink_to(notes / "loop.md")
    (notes / "pipe.txt").symlink_to(notes / "missing.txt")  # not named as a note
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines_random(
        [
            "*notes/gone.md: not collected: it is a symbolic link whose target does not exist,"
            " not a regular file*",
            "*notes/loop.md: not collected: it is a symbolic link that loops*",
            "*notes/pipe.md: not collected: it is a FIFO (named pipe)*rename it out of"
            " torchnotes_patterns)",
        ]
    )
    assert "pipe.txt" not in result.stdout.str()
