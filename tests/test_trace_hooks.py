"""A trace function set in C with no object of its own reads as none: still taken off.

``sys.gettrace()`` gives the object a trace function was set with, and ``None`` for one set
through the C API with none (``PyEval_SetTrace(func, NULL)``: a C extension's tracer, or
``ctypes``). Telling from ``sys.gettrace()`` that the note left nothing on, and skipping the
``sys.settrace`` that takes it off, would leave such a tracer on for the session's code and
every later note: the runner takes the session's hooks back after every block, whatever the
getters say.
"""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

#: A tracer set in C with no object, which records the files of the frames it sees.
C_TRACER = """\
import ctypes, sys
P = ctypes.c_void_p
TRACE = ctypes.CFUNCTYPE(ctypes.c_int, P, P, ctypes.c_int, P)
seen = []
@TRACE
def tracer(obj, frame, what, arg):
    seen.append(ctypes.cast(frame, ctypes.py_object).value.f_code.co_filename)
    return 0
set_trace = ctypes.pythonapi.PyEval_SetTrace
set_trace.argtypes = [TRACE, ctypes.c_void_p]
set_trace.restype = None
set_trace(tracer, None)
print(sys.gettrace())
"""


#: The next block: no frame of the session's code that runs between blocks was seen, and
#: its own call is not traced.
NEXT_BLOCK = """\
later = {name.rsplit("/", 1)[-1] for name in seen[mark:]}
print(sorted(later & {"noterun.py", "evaluate.py", "compare.py"}))
before = len(seen)
def f():
    pass
f()
print(len(seen) - before)
=== output ===
[]
0
"""


@pytest.mark.parametrize("setter", ["PyEval_SetTrace", "PyEval_SetProfile"])
def test_a_tracer_set_in_c_with_no_object_is_off_after_its_block(
    pytester: pytest.Pytester, write_note: WriteNote, setter: str
) -> None:
    code = C_TRACER.replace("PyEval_SetTrace", setter)
    if setter == "PyEval_SetProfile":
        code = code.replace("sys.gettrace()", "sys.getprofile()")
    write_note(
        f"```python\n{code}mark = len(seen)\n=== output ===\nNone\n```\n\n"
        f"```python\n{NEXT_BLOCK}```\n",
        "a.md",
    )
    # The session's own hooks (coverage's tracer, under coverage) are rightly kept.
    write_note(
        "```python\nimport sys\n"
        "hooks = (sys.gettrace(), sys.getprofile())\n"
        "print([hook is None or type(hook).__module__.startswith('coverage') for hook in hooks])\n"
        "=== output ===\n[True, True]\n```\n",
        "b.md",
    )
    # In a process of its own: a tracer left on once its note's callback is freed crashes.
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=2)


def test_a_session_run_under_cprofile_keeps_its_profiler(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """cProfile's profiler is no function: set again with ``sys.setprofile`` after a block, it
    was called as one, and the note's next call failed with "'Profile' object is not
    callable" (and the profile stopped). A block that sets a profiler of its own hands the
    session's back enabled."""
    import cProfile

    write_note("```python\nx = 1\n```\n\n```python\nprint(x + 1)\n=== output ===\n2\n```\n", "a.md")
    write_note(
        "```python\nimport sys\nsys.setprofile(lambda *args: None)\n```\n\n"
        "```python\nprint(sys.getprofile() is None)\n=== output ===\nFalse\n```\n",
        "b.md",
    )

    def called_after_the_session() -> None:
        pass

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        result = pytester.runpytest("-p", "no:randomly")
        called_after_the_session()
    finally:
        profiler.disable()
    result.assert_outcomes(passed=2)
    # What the profile holds, not ``sys.getprofile()``: from Python 3.12 cProfile profiles
    # through ``sys.monitoring``, and the getter reads None while it is on.
    profiled = {getattr(entry.code, "co_name", entry.code) for entry in profiler.getstats()}
    assert "called_after_the_session" in profiled
