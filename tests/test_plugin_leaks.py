"""End to end: global state one note sets is back as it was for the next note.

Each knob is a pair: code that changes the state in note A, and code in note B that prints
what the state does to it. B passes only when A's change was undone.
"""

from __future__ import annotations

import gc
import json
import locale
import os
import resource
import textwrap
import time

import pytest

from tests.conftest import WriteNote

#: knob name (as reported; after " #", which of its ways) -> (what note A runs, what note B
#: runs, what B prints).
KNOBS: dict[str, tuple[str, str, str]] = {
    "signal mask": (
        "import signal\nsignal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT, signal.SIGUSR1])",
        "import signal\nprint(sorted(signal.pthread_sigmask(signal.SIG_BLOCK, ())))",
        "[]",
    ),
    "sys.setswitchinterval": (
        "sys.setswitchinterval(0.5)",
        "print(sys.getswitchinterval())",
        "0.005",
    ),
    "decimal context": (
        """\
        import decimal
        decimal.getcontext().prec = 3
        decimal.getcontext().traps[decimal.Inexact] = True
        """,
        """\
        import decimal
        print(decimal.Decimal(1) / decimal.Decimal(7))
        """,
        "0.1428571428571428571428571429",
    ),
    "torch global module hooks": (
        "torch.nn.modules.module.register_module_forward_hook(lambda m, i, o: o * 0)",
        "print(torch.nn.Identity()(torch.ones(1)))",
        "tensor([1.])",
    ),
    "torch function modes": (
        """\
        from torch.overrides import TorchFunctionMode
        class Zero(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                return out * 0 if func is torch.add else out
        Zero().__enter__()
        """,
        "print(torch.add(torch.ones(1), 1))",
        "tensor([2.])",
    ),
    "torch dispatch modes": (
        """\
        from torch.utils._python_dispatch import TorchDispatchMode
        class Zero(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                return out * 0 if func is torch.ops.aten.sub.Tensor else out
        Zero().__enter__()
        """,
        "print(torch.sub(torch.ones(1), -1))",
        "tensor([2.])",
    ),
    "torch saved-tensor hooks": (
        "torch.autograd.graph.saved_tensors_hooks(lambda t: t * 0, lambda t: t).__enter__()",
        """\
        x = torch.ones(1, requires_grad=True)
        (x * x).sum().backward()
        print(x.grad)
        """,
        "tensor([2.])",
    ),
    "torch saved-tensor hooks disabled": (
        'torch._C._autograd._saved_tensors_hooks_disable("off")',
        "with torch.autograd.graph.save_on_cpu():\n    print('hooks allowed')",
        "hooks allowed",
    ),
    "torch autocast": (
        'torch.autocast("cpu").__enter__()',
        "print((torch.ones(2, 2) @ torch.ones(2, 2)).dtype)",
        "torch.float32",
    ),
    "torch flush denormal": (
        "torch.set_flush_denormal(True)",
        "print(torch.tensor([1e-323], dtype=torch.float64))",
        "tensor([9.8813e-324], dtype=torch.float64)",
    ),
    "torch.backends.opt_einsum.strategy": (
        "torch.backends.opt_einsum.strategy = 'greedy'",
        "print(torch.backends.opt_einsum.strategy != 'greedy')",
        "True",
    ),
    "torch.backends.mkldnn.enabled": (
        "torch.backends.mkldnn.enabled = False",
        "print(torch.backends.mkldnn.enabled)",
        "True",
    ),
    # Notes run with torch's warn-always on, so that every note reports the warnings it
    # triggers: a note that turns it off does not turn it off for the next.
    "torch warn always": (
        "torch.set_warn_always(False)",
        "print(torch.is_warn_always_enabled())",
        "True",
    ),
    "autograd multithreading": (
        "torch.autograd.set_multithreading_enabled(False)",
        "print(torch._C._is_multithreading_enabled())",
        "True",
    ),
    "int max str digits": (
        "sys.set_int_max_str_digits(640)",
        "print(len(str(10**1000)))",
        "1001",
    ),
    "garbage collection": ("gc.disable()", "print(gc.isenabled())", "True"),
    "garbage collection thresholds": (
        "gc.set_threshold(1)",
        "print(gc.get_threshold()[0] == THRESHOLD)",
        "True",
    ),
    "time zone": (
        'os.environ["TZ"] = "XYZ-9"\ntime.tzset()',
        "print(time.tzname == TZNAME)",
        "True",
    ),
    "socket default timeout": (
        "socket.setdefaulttimeout(0.001)",
        "print(socket.getdefaulttimeout())",
        "None",
    ),
    "threading trace function": (
        "def leaked(*args):\n    pass\nthreading.settrace(leaked)",
        'print(getattr(threading.gettrace(), "__name__", None) != "leaked")',
        "True",
    ),
    "threading profile function": (
        "def leaked(*args):\n    pass\nthreading.setprofile(leaked)",
        'print(getattr(threading.getprofile(), "__name__", None) != "leaked")',
        "True",
    ),
    "logger settings": (
        'logging.config.dictConfig({"version": 1})\nlogging.getLogger("torch").setLevel(50)',
        'print(logging.getLogger("torch").disabled, logging.getLogger("torch").level != 50)',
        "False True",
    ),
    "blocking standard file descriptors": (
        "os.set_blocking(0, False)\nos.set_blocking(2, False)",
        "print(os.get_blocking(0), os.get_blocking(2))",
        "True True",
    ),
    "tempfile.tempdir": (
        "import tempfile\ntempfile.tempdir = '.'",
        "import tempfile\nprint(tempfile.gettempdir() != '.')",
        "True",
    ),
    "locale": (
        "import locale\nlocale.setlocale(locale.LC_ALL, 'C.UTF-8')",
        "import locale\nprint(locale.setlocale(locale.LC_ALL) == LOCALE)",
        "True",
    ),
    "sys.unraisablehook": (
        "sys.unraisablehook = lambda unraisable: print('hooked')",
        "print(getattr(sys.unraisablehook, '__module__', None) == '__main__')",
        "False",
    ),
    "threading.excepthook": (
        "threading.excepthook = lambda args: print('hooked')",
        """\
        def boom():
            raise ValueError
        thread = threading.Thread(target=boom)
        thread.start(); thread.join()
        print('ok')
        """,
        "ok",
    ),
    "sys.breakpointhook": (
        "sys.breakpointhook = lambda *args, **kwargs: print('hooked')",
        "print(getattr(sys.breakpointhook, '__module__', None) == '__main__')",
        "False",
    ),
    "faulthandler": (
        "import faulthandler\nfaulthandler.disable()",
        "import faulthandler\nprint(faulthandler.is_enabled())",
        "True",
    ),
    "asyncio event loop #policy": (
        """\
        import asyncio
        class Policy(asyncio.DefaultEventLoopPolicy):
            pass
        asyncio.set_event_loop_policy(Policy())
        """,
        "import asyncio\nprint(type(asyncio.get_event_loop_policy()).__name__)",
        "_UnixDefaultEventLoopPolicy",
    ),
    "asyncio event loop #loop": (
        "import asyncio\nloop = asyncio.new_event_loop()\nasyncio.set_event_loop(loop)",
        "import asyncio\nprint(asyncio.get_event_loop_policy()._local._loop)",
        "None",
    ),
    "sys.set_asyncgen_hooks": (
        "sys.set_asyncgen_hooks(firstiter=lambda agen: None)",
        "print(sys.get_asyncgen_hooks().firstiter)",
        "None",
    ),
    "coroutine origin tracking depth": (
        "sys.set_coroutine_origin_tracking_depth(5)",
        "print(sys.get_coroutine_origin_tracking_depth())",
        "0",
    ),
    "copyreg.dispatch_table (torch.Tensor)": (
        "import copyreg\ncopyreg.pickle(torch.Tensor, lambda t: (int, (0,)))",
        "import pickle\nprint(pickle.loads(pickle.dumps(torch.ones(1))))",
        "tensor([1.])",
    ),
    "multiprocessing.reduction.ForkingPickler._extra_reducers (builtins.complex)": (
        """\
        from multiprocessing.reduction import ForkingPickler
        ForkingPickler.register(complex, lambda value: (str, ("leaked",)))
        """,
        """\
        from multiprocessing.reduction import ForkingPickler
        print(ForkingPickler.loads(ForkingPickler.dumps(1j)))
        """,
        "1j",
    ),
    "signal handlers": (
        "import signal\nsignal.signal(signal.SIGPIPE, signal.SIG_DFL)",
        "import signal\nprint(signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN)",
        "True",
    ),
    "interval timers": (
        """\
        import signal
        signal.signal(signal.SIGPROF, lambda *args: None)
        signal.setitimer(signal.ITIMER_PROF, 5, 5)
        """,
        "import signal\nprint(signal.getitimer(signal.ITIMER_PROF))",
        "(0.0, 0.0)",
    ),
    "gc.callbacks": (
        "gc.callbacks.append(lambda phase, info: None)",
        "print([f for f in gc.callbacks if getattr(f, '__module__', '') == '__main__'])",
        "[]",
    ),
    "gc debug flags": ("gc.set_debug(gc.DEBUG_SAVEALL)", "print(gc.get_debug())", "0"),
    # kept there, a note's objects held their memory for the rest of the session
    "gc.garbage": (
        "gc.garbage.append(torch.zeros(4))",
        "print([type(g).__name__ for g in gc.garbage])",
        "[]",
    ),
    "sys.meta_path": (
        """\
        class Finder:
            def find_spec(self, *args, **kwargs):
                return None
        sys.meta_path.insert(0, Finder())
        """,
        "print([type(f).__name__ for f in sys.meta_path if type(f).__name__ == 'Finder'])",
        "[]",
    ),
    "sys.path_hooks": (
        "sys.path_hooks.insert(0, print)",
        "print(print in sys.path_hooks)",
        "False",
    ),
    "sys.path_importer_cache": (
        "import os\nsys.path_importer_cache[os.path.dirname(os.__file__)] = None",
        "from importlib.machinery import PathFinder\n"
        "print(PathFinder.find_spec('colorsys') is not None)",
        "True",
    ),
    "torch safe globals": (
        "class Mine:\n    pass\ntorch.serialization.add_safe_globals([Mine])",
        """\
        safe = torch.serialization.get_safe_globals()
        print([g for g in safe if getattr(g, '__module__', '') == '__main__'])
        """,
        "[]",
    ),
    "environment variable TORCHNOTES_LEAKED (os.putenv)": (
        "os.putenv('TORCHNOTES_LEAKED', '1')",
        """\
        import subprocess
        command = ['sh', '-c', 'echo ${TORCHNOTES_LEAKED:-unset}']
        print(subprocess.run(command, capture_output=True, text=True).stdout.strip())
        """,
        "unset",
    ),
    "sys.addaudithook (line 4)": (
        "sys.addaudithook(lambda event, args: print('AUDIT') if event == 'os.listdir' else None)",
        "os.listdir('.')\nprint('listed')",
        "listed",
    ),
    "os.register_at_fork (line 4)": (
        "os.register_at_fork(after_in_child=lambda: os.write(1, b'CHILD HOOK\\n'))",
        """\
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        print('forked')
        """,
        "forked",
    ),
    "torch flags": (
        "torch.backends.cuda.enable_math_sdp(False)\ntorch.backends.nnpack.set_flags(False)",
        """\
        q = k = v = torch.ones(1, 2, 4)
        attention = torch.nn.functional.scaled_dot_product_attention(q, k, v)
        print(attention.shape, torch._C._get_nnpack_enabled())
        """,
        "torch.Size([1, 2, 4]) True",
    ),
    "torch flags #TorchScript's": (
        """\
        torch._C._jit_set_texpr_fuser_enabled(False)
        torch._C._jit_set_profiling_executor(False)
        torch._C._jit_override_can_fuse_on_cpu(True)
        """,
        """\
        C = torch._C
        print(C._jit_texpr_fuser_enabled(), C._jit_can_fuse_on_cpu())
        executor = C._jit_set_profiling_executor(True)
        print(executor)
        """,
        "True False\nTrue",
    ),
    "codecs error handlers": (
        """\
        import codecs
        codecs.register_error("strict", lambda error: ("?", error.end))
        codecs.register_error("replace", codecs.ignore_errors)
        """,
        """\
        try:
            b"caf\\xe9".decode("utf-8")
        except UnicodeDecodeError:
            print("refused", b"caf\\xe9".decode("utf-8", "replace"))
        """,
        "refused caf\ufffd",
    ),
    "torch profiler": (
        "profiler = torch.autograd.profiler.profile()\nprofiler.__enter__()",
        "print(torch.autograd._profiler_enabled())",
        "False",
    ),
    "resource limits": (
        """\
        import resource
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
        """,
        "import resource\nprint(resource.getrlimit(resource.RLIMIT_NOFILE) == SOFT_HARD)",
        "True",
    ),
    "json.encoder.JSONEncoder.item_separator": (
        'import json\njson.JSONEncoder.item_separator = ";"',
        "import json\nprint(json.dumps([1, 2]))",
        "[1, 2]",
    ),
    "json.encoder.JSONEncoder.item_separator #imported under another name": (
        'from json import JSONEncoder as E\nE.item_separator = ";"',
        "import json\nprint(json.dumps([1, 2]))",
        "[1, 2]",
    ),
    "json.encoder.JSONEncoder.item_separator #through a module imported as j": (
        'import json as j\nj.JSONEncoder.item_separator = ";"',
        "import json\nprint(json.dumps([1, 2]))",
        "[1, 2]",
    ),
    "json.encoder.JSONEncoder.x #a name bound to the class": (
        "import json\nenc = json.JSONEncoder\nenc.x = 1",
        "import json\nprint(hasattr(json.JSONEncoder, 'x'))",
        "False",
    ),
    "json.encoder.JSONEncoder.x #setattr under another name": (
        'from json import JSONEncoder as E\nsetattr(E, "x", 1)',
        "import json\nprint(hasattr(json.JSONEncoder, 'x'))",
        "False",
    ),
    "json.encoder.JSONEncoder.item_separator #on the type of an instance": (
        'import json\ntype(json.JSONEncoder()).item_separator = ";"',
        "import json\nprint(json.dumps([1, 2]))",
        "[1, 2]",
    ),
    "json.encoder.JSONEncoder.key_separator #setattr on the type of an instance": (
        'import json\nsetattr(type(json.JSONEncoder()), "key_separator", "=")',
        "import json\nprint(json.dumps({'a': 1}))",
        '{"a": 1}',
    ),
    "json.decoder.JSONDecoder.x #a class getattr gives": (
        'import json\ngetattr(json, "JSONDecoder").x = 1',
        "import json\nprint(hasattr(json.JSONDecoder, 'x'))",
        "False",
    ),
    "logging.Formatter.default_msec_format #through __class__": (
        'formatter = logging.Formatter()\nformatter.__class__.default_msec_format = "%s"',
        "print(logging.Formatter.default_msec_format)",
        "%s,%03d",
    ),
    "logging.Formatter.default_msec_format #deleted through type()": (
        "del type(logging.Formatter()).default_msec_format",
        "print(logging.Formatter.default_msec_format)",
        "%s,%03d",
    ),
    "pprint.PrettyPrinter._dispatch #changed in place through type()": (
        """\
        import pprint
        type(pprint.PrettyPrinter())._dispatch[dict.__repr__] = lambda *args: args[2].write("X")
        """,
        "import pprint\npprint.pprint({'a': 1}, width=1)",
        "{'a': 1}",
    ),
    "argparse.ArgumentParser.prog": (
        'import argparse\nargparse.ArgumentParser.prog = "leaked"',
        "import argparse\nprint(argparse.ArgumentParser(prog='p').prog)",
        "p",
    ),
    "logging.Formatter.default_time_format": (
        'logging.Formatter.default_time_format = "%Y"',
        "print(logging.Formatter.default_time_format)",
        "%Y-%m-%d %H:%M:%S",
    ),
    "pprint.PrettyPrinter._dispatch": (
        """\
        import pprint
        pprint.PrettyPrinter._dispatch[dict.__repr__] = lambda *args: args[2].write("X")
        """,
        "import pprint\npprint.pprint({'a': 1}, width=1)",
        "{'a': 1}",
    ),
    "Tensor.__repr__": (
        "torch.Tensor.__repr__ = lambda self: 'leaked'",
        "print(torch.ones(1))",
        "tensor([1.])",
    ),
}

IMPORTS = "import gc, logging, logging.config, os, socket, sys, threading, time\nimport torch\n"


def _values(text: str) -> str:
    return (
        text.replace("THRESHOLD", str(gc.get_threshold()[0]))
        .replace("TZNAME", repr(time.tzname))
        .replace("LOCALE", repr(locale.setlocale(locale.LC_ALL)))
        .replace("SOFT_HARD", repr(resource.getrlimit(resource.RLIMIT_NOFILE)))
    )


def setter(knob: str) -> str:
    return f"```python\n{IMPORTS}{textwrap.dedent(KNOBS[knob][0])}\n```\n"


def checker(knob: str) -> str:
    _, check, expected = KNOBS[knob]
    code = _values(textwrap.dedent(check)).rstrip("\n")
    return f"```python\n{IMPORTS}{code}\n=== output ===\n{expected}\n```\n"


@pytest.mark.parametrize("knob", sorted(KNOBS))
def test_a_knob_set_by_one_note_is_back_for_the_next(
    pytester: pytest.Pytester, write_note: WriteNote, knob: str
) -> None:
    write_note(setter(knob), "a_set.md", dedent=False)
    write_note(checker(knob), "b_check.md", dedent=False)
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    restored = {note["path"]: note["restored"] for note in notes}
    assert knob.partition(" #")[0] in restored["notes/a_set.md"]  # "#": one of two ways
    assert restored["notes/b_check.md"] == []


def test_every_knob_is_back_under_xdist(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    # Saved-tensor hooks cannot be pushed while they are disabled: one of the two is enough.
    knobs = sorted(set(KNOBS) - {"torch saved-tensor hooks disabled"})
    every_setter = "\n".join(setter(knob) for knob in knobs)
    every_check = "\n".join(checker(knob) for knob in knobs)
    for index in range(3):  # each worker gets a setter, then a checker
        write_note(every_setter, f"n{index}1_set.md", dedent=False)
        write_note(every_setter, f"n{index}2_set.md", dedent=False)
        write_note(every_check, f"n{index}3_check.md", dedent=False)
        write_note(every_check, f"n{index}4_check.md", dedent=False)
    result = pytester.runpytest("-p", "no:randomly", "-n", "2")
    result.assert_outcomes(passed=12)


UTILS_NOTE = """\
```python
import sys
print("utils" in sys.modules)
import utils
print(utils.CHAPTER)
=== output ===
False
CHAPTER
```
"""


def test_each_folder_imports_its_own_module(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    for chapter in ("ch1", "ch2"):
        (pytester.path / "notes" / chapter).mkdir(parents=True)
        (pytester.path / "notes" / chapter / "utils.py").write_text(f"CHAPTER = {chapter!r}\n")
        for name in ("a.md", "b.md"):
            write_note(UTILS_NOTE.replace("CHAPTER\n```", f"{chapter}\n```"), f"{chapter}/{name}")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=4)


REGISTERING = """\
import copyreg
import graphlib
from multiprocessing.reduction import ForkingPickler


class Point:
    pass


def reduce_sorter(value):
    return (str, ("reduced",))


copyreg.pickle(Point, lambda point: (Point, ()))
copyreg.pickle(graphlib.TopologicalSorter, reduce_sorter)
ForkingPickler.register(Point, lambda point: (Point, ()))
"""

REDUCERS = """\
```python
import copyreg
from multiprocessing.reduction import ForkingPickler
print(sorted(
    f"{key.__module__}.{key.__qualname__}"
    for table in (copyreg.dispatch_table, ForkingPickler._extra_reducers)
    for key, reducer in table.items()
    if "registering" in (key.__module__, getattr(reducer, "__module__", None))
))
=== output ===
[]
```
"""


def test_what_a_module_of_the_notes_folder_registers_is_gone_with_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """The module is forgotten after the note: the reducers it registered for its own
    classes, and for a class of a module it imported first (or that was imported before),
    are taken off too."""
    (pytester.path / "notes" / "registering.py").write_text(REGISTERING)
    write_note(
        """\
        ```python
        import pickle, graphlib
        import registering
        print(pickle.loads(pickle.dumps(graphlib.TopologicalSorter())))
        === output ===
        reduced
        ```
        """,
        "a.md",
    )
    write_note(REDUCERS, "b.md", dedent=False)
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    restored = {note["path"]: note["restored"] for note in notes}
    assert restored["notes/a.md"] == [
        "copyreg.dispatch_table (graphlib.TopologicalSorter, registering.Point)",
        "multiprocessing.reduction.ForkingPickler._extra_reducers (registering.Point)",
    ]


def test_a_module_a_note_writes_is_gone_for_the_next(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        open("made_here.py", "w").write("X = 1\\n")
        import made_here
        print(made_here.X)
        === output ===
        1
        ```
        """,
        "a.md",
    )
    write_note(
        """\
        ```python
        import made_here
        ```
        """,
        "b.md",
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*ModuleNotFoundError: No module named 'made_here'*"])


@pytest.mark.parametrize("limit", ["0", "120"])
def test_an_alarm_a_note_leaves_running_does_not_end_the_session(
    pytester: pytest.Pytester, write_note: WriteNote, limit: str
) -> None:
    """With its handler put back (the default ends the process), an alarm the note left
    running would end the session in a later note, without a word from pytest."""
    write_note("```python\nimport signal\nsignal.setitimer(signal.ITIMER_REAL, 0.5)\n```\n", "a.md")
    write_note(
        "```python\nimport time\ntime.sleep(1)\nprint('alive')\n=== output ===\nalive\n```\n",
        "b.md",
    )
    result = pytester.runpytest_subprocess("-o", f"torchnotes_timeout={limit}")
    result.assert_outcomes(passed=2)


def test_the_garbage_collector_is_unfrozen_after_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # An earlier test of this worker may have imported torch._dynamo (which freezes the
    # collector) outside a note: start from an unfrozen collector.
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    write_note("```python\nimport torch.optim\n```\n")
    pytester.runpytest().assert_outcomes(passed=1)
    assert gc.get_freeze_count() == 0


def test_pytest_collects_its_last_garbage_before_the_collector_is_unfrozen(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """pytest collects garbage at its end, after the session: a walk of every object of
    torch, unless they are still frozen then. (A process of its own: pytest collects no
    garbage at the end of an in-process run.)"""
    pytester.makeconftest(
        "import atexit, gc, json\n"
        "frozen = []\n"
        "collect = gc.collect\n"
        "def recording(*args):\n"
        "    frozen.append(gc.get_freeze_count())\n"
        "    return collect(*args)\n"
        "gc.collect = recording\n"
        "def write():\n"
        "    with open('collections.json', 'w') as handle:\n"
        "        json.dump([frozen, gc.get_freeze_count()], handle)\n"
        "atexit.register(write)\n"
    )
    write_note("```python\nimport torch.optim\n```\n")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    frozen, at_exit = json.loads((pytester.path / "collections.json").read_text())
    assert len(frozen) >= 2  # pytest's, at its unconfigure and its clean-up
    assert all(frozen)
    assert at_exit == 0


@pytest.mark.skipif(
    not hasattr(os, "setpriority") or os.geteuid() != 0,
    reason="lowering the niceness back takes privilege (root here)",
)
def test_the_niceness_a_note_raises_is_lowered_back(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    niceness = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > 19 - 3:  # a session started under ``nice -n 19``: the note cannot raise it
        pytest.skip(f"the session's niceness is {niceness} already")
    write_note("```python\nimport os\nos.nice(3)\n```\n", "a_set.md")
    write_note(
        f"```python\nimport os\nprint(os.nice(0))\n=== output ===\n{niceness}\n```\n", "b_check.md"
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    assert [note["restored"] for note in notes] == [["niceness"], []]
    assert os.getpriority(os.PRIO_PROCESS, 0) == niceness


@pytest.mark.skipif(
    not hasattr(os, "setpgid") or os.getpgrp() == os.getpid(),
    reason="the session leads its process group: setpgid(0, 0) changes nothing",
)
def test_a_process_group_of_its_own_is_left_after_the_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """In a group of its own the session would no longer get the terminal's Ctrl-C."""
    group = os.getpgrp()
    write_note("```python\nimport os\nos.setpgid(0, 0)\n```\n", "a_set.md")
    write_note(
        f"```python\nimport os\nprint(os.getpgrp())\n=== output ===\n{group}\n```\n", "b_check.md"
    )
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    assert [note["restored"] for note in notes] == [["process group"], []]
    assert os.getpgrp() == group
