"""End to end: hostile notes of a twelfth round."""

from __future__ import annotations

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
