"""Why a note's own code takes longer inside the plugin than in the raw floor.

Times only the blocks' own code (``exec`` and the display ``eval``), in CPU seconds
(``time.process_time``) and wall seconds (``time.perf_counter``), on the first notes of a
corpus of ``gen_corpus.py``, in fresh child processes taking turns (A B C A B C ...):

- ``raw``: every block exec'd as ``raw_exec.py`` does (fresh namespace, stdout redirected
  to a ``StringIO``), torch imported first;
- ``raw+FEATURE``: the same with one feature of the plugin switched on (``FEATURES``);
- ``plugin``: ``pytest --torchnotes`` in-process on the same notes (``exec`` and ``eval`` of
  ``run/execute.py`` timed), torch imported first;
- ``plugin-FEATURE``: the plugin with one feature switched off (``WITHOUT``).

    python benchmarks/execgap.py --corpus benchmarks/corpus/notes-1000x10 --notes 150 \\
        --repeat 5 raw plugin raw+deep raw+knobs

Prints each configuration's median, minimum and runs, and the load average before and
after. Needs the development environment (torch, pytest, the package on ``sys.path``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

#: A cell of a plain-Python note of the corpus (raw_exec.py's pattern).
CELL = re.compile(r"^# %% block \d+\n", re.M)


class Timer:
    """Sums the CPU and wall seconds of the calls it wraps."""

    def __init__(self, every: int = 0) -> None:
        self.cpu = 0.0
        self.wall = 0.0
        #: The CPU seconds summed at every ``every`` calls (how the cost grows with the run).
        self.every = every
        self.calls = 0
        self.trace: list[float] = []
        #: The CPU seconds of each block (its display code added to it).
        self.blocks: list[float] = []

    def wrap(self, function: Callable[..., Any], *, counted: bool = True) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent = time.process_time() - cpu
                self.cpu += spent
                self.wall += time.perf_counter() - wall
                if counted:
                    self.blocks.append(spent)
                elif self.blocks:
                    self.blocks[-1] += spent
                if counted and self.every:
                    self.calls += 1
                    if self.calls % self.every == 0:
                        self.trace.append(round(self.cpu, 3))

        return timed

    def report(self, **extra: Any) -> None:
        steady = (self.trace[-1] - self.trace[0]) / (len(self.trace) - 1) if self.trace[1:] else 0
        result = {"cpu": self.cpu, "wall": self.wall, "steady": steady, "trace": self.trace}
        result.update(extra)
        dump = os.environ.get("EXECGAP_BLOCKS")
        if dump:
            Path(dump).write_text(json.dumps(self.blocks))
        print("EXECGAP " + json.dumps(result))


# --- features of the plugin, switched on one at a time in the raw loop -------------------
# Each is a function of the corpus folder giving (per_note, per_block) context managers.

Hooks = tuple[Callable[[], Any], Callable[[], Any]]


def _none() -> Any:
    return contextlib.nullcontext()


def _capture(fd_capture: bool) -> Hooks:
    """A block's capture as the plugin sets it up: BlockCapture and the write router."""
    from pytest_torchnotes.run.capture import BlockCapture, FileDescriptorCapture
    from pytest_torchnotes.run.routing import Router

    fd, router = (FileDescriptorCapture() if fd_capture else None), Router()

    @contextlib.contextmanager
    def block() -> Iterator[None]:
        with BlockCapture(fd) as capture:
            router.begin(capture, "line 1")
            try:
                yield
            finally:
                router.end()

    return _none, block


def f_capture(folder: Path) -> Hooks:
    """The plugin's capture of a block: BlockCapture with fd 1 and the write router."""
    return _capture(fd_capture=True)


def f_capturenofd(folder: Path) -> Hooks:
    """The capture of a block without fd 1 (``--torchnotes-capture-fd=false``)."""
    return _capture(fd_capture=False)


def f_audit(folder: Path) -> Hooks:
    """The write guard's audit hook, armed while each note runs."""
    from pytest_torchnotes.run import writeguard

    rule = writeguard.rule_for((folder,), (tempfile.gettempdir(),))
    return (lambda: writeguard.refusing(rule)), _none


def f_warnings(folder: Path) -> Hooks:
    """Warnings recorded as the plugin records them: every warning shown, to a function."""
    from pytest_torchnotes.run.execute import Executor

    executor = Executor(str(folder))
    executor._warnings = []

    @contextlib.contextmanager
    def note() -> Iterator[None]:
        with executor.recording_warnings(), contextlib.ExitStack():
            yield

    return note, _none


def f_gcfreeze(folder: Path) -> Hooks:
    """gc.freeze() after torch's import, as the runner does."""
    import gc

    gc.collect()
    gc.freeze()
    return _none, _none


def f_heap(folder: Path) -> Hooks:
    """A heap of objects with references (as pytest's), not frozen."""
    _heap.extend({"a": [i], "b": (i,)} for i in range(300_000))
    return _none, _none


_heap: list[Any] = []


def f_main(folder: Path) -> Hooks:
    """A fresh ``__main__`` module per note, its blocks sharing its namespace."""
    from pytest_torchnotes.run import note_modules

    @contextlib.contextmanager
    def note() -> Iterator[None]:
        saved = sys.modules["__main__"]
        module = note_modules.new_main_module()
        sys.modules["__main__"] = module
        _shared.append(module.__dict__)
        try:
            yield
        finally:
            _shared.pop()
            sys.modules["__main__"] = saved
            note_modules.release(module)

    return note, _none


_shared: list[dict[str, Any]] = []


def f_faulthandler(folder: Path) -> Hooks:
    """The faulthandler watchdog, armed once per note."""
    import faulthandler

    @contextlib.contextmanager
    def note() -> Iterator[None]:
        faulthandler.dump_traceback_later(600)
        try:
            yield
        finally:
            faulthandler.cancel_dump_traceback_later()

    return note, _none


def f_itimer(folder: Path) -> Hooks:
    """An interval timer (SIGALRM) armed around each block."""
    import signal

    signal.signal(signal.SIGALRM, lambda *_: None)

    @contextlib.contextmanager
    def block() -> Iterator[None]:
        signal.setitimer(signal.ITIMER_REAL, 600)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    return _none, block


def f_knobs(folder: Path) -> Hooks:
    """Per note: torch's warn-always, the snapshot and restore of every knob, the seeds
    and the print options, as the runner's sandbox does."""
    from pytest_torchnotes.run import knobs, start

    @contextlib.contextmanager
    def note() -> Iterator[None]:
        import torch

        state = knobs.StateGuard(knobs.every_knob())
        before = torch.is_warn_always_enabled()
        torch.set_warn_always(True)
        state.snapshot()
        start.seed_everything(0)
        start.reset_print_options()
        try:
            yield
        finally:
            state.restore()
            torch.set_warn_always(before)

    return note, _none


def f_warnalways(folder: Path) -> Hooks:
    """torch.set_warn_always(True) for the whole run."""
    import torch

    torch.set_warn_always(True)
    return _none, _none


def f_tracebacklimit(folder: Path) -> Hooks:
    """sys.tracebacklimit = 8 while each block runs."""

    @contextlib.contextmanager
    def block() -> Iterator[None]:
        sys.tracebacklimit = 8
        try:
            yield
        finally:
            del sys.tracebacklimit

    return _none, block


def f_ps1(folder: Path) -> Hooks:
    """sys.ps1 set while each block runs (the plugin's interactive blocks)."""

    @contextlib.contextmanager
    def block() -> Iterator[None]:
        sys.ps1 = ">>> "
        try:
            yield
        finally:
            del sys.ps1

    return _none, block


def f_thread(folder: Path) -> Hooks:
    """A Python thread left alive, waiting."""
    import threading

    event = threading.Event()
    threading.Thread(target=event.wait, daemon=True).start()
    return _none, _none


def f_deep(folder: Path) -> Hooks:
    """Blocks exec'd 60 frames deep, as under pytest (see ``_deep``)."""
    _depth[0] = 60
    return _none, _none


_depth = [0]


def f_compile(folder: Path) -> Hooks:
    """Blocks compiled as the plugin compiles them (``compile_block`` with display)."""
    _plugin_compile[0] = True
    return _none, _none


_plugin_compile = [False]

#: Blocks between two points of a child's trace (100 notes of 10 blocks).
TRACE_BLOCKS = 1000

FEATURES: dict[str, Callable[[Path], Hooks]] = {
    name[2:]: function for name, function in dict(globals()).items() if name.startswith("f_")
}


def _deep(depth: int, function: Callable[[], Any]) -> Any:
    return function() if depth <= 0 else _deep(depth - 1, function)


def raw_child(
    folder: Path, notes: int, features: list[str], skip: int = 0, passes: int = 1
) -> None:
    import torch  # noqa: F401 -- imported first, as the plugin's session has it

    from pytest_torchnotes.run.compiling import compile_block

    hooks = [FEATURES[name](folder) for name in features]
    timer = Timer(every=TRACE_BLOCKS)
    passed = failed = 0
    paths = sorted((folder / "py").glob("*.py"))[skip : skip + notes]
    # With passes, the first is untimed: the notes' imports and torch's caches happen there.
    warm = Timer() if passes > 1 else timer
    for index, path in enumerate([path for _ in range(passes) for path in paths]):
        clock = warm if index < len(paths) else timer
        timed_exec = clock.wrap(exec)
        timed_display = clock.wrap(exec, counted=False)
        text = path.read_text(encoding="utf-8")
        with contextlib.ExitStack() as note:
            for per_note, _ in hooks:
                note.enter_context(per_note())
            for cell in CELL.split(text)[1:]:
                want = "\n".join(line[3:] for line in cell.splitlines() if line.startswith("#|"))
                namespace = _shared[-1] if _shared else {"__name__": "__main__"}
                if _plugin_compile[0]:
                    compiled = compile_block(cell, str(path), 0, display=True)
                    codes = [compiled.body] + ([compiled.display] if compiled.display else [])
                else:
                    codes = [compile(cell, str(path), "exec")]
                buffer = io.StringIO()
                with contextlib.ExitStack() as block:
                    for _, per_block in hooks:
                        block.enter_context(per_block())
                    redirect = not {"capture", "capturenofd"} & set(features)
                    with contextlib.redirect_stdout(buffer) if redirect else _none():
                        for code, run in zip(codes, (timed_exec, timed_display), strict=False):
                            _deep(_depth[0], lambda c=code, r=run, n=namespace: r(c, n))
                    out = sys.stdout.getvalue() if hasattr(sys.stdout, "getvalue") else ""
                got = buffer.getvalue() or out
                if got.rstrip("\n") == want:
                    passed += 1
                else:
                    failed += 1
    timer.report(passed=passed, failed=failed)


# --- the plugin with one feature switched off ------------------------------------------


def w_audit() -> list[str]:
    from pytest_torchnotes.run import writeguard

    writeguard.refusing = lambda rule: contextlib.nullcontext()  # type: ignore[assignment]
    return []


def w_warnings() -> list[str]:
    from pytest_torchnotes.run.execute import Executor

    Executor.recording_warnings = lambda self: contextlib.nullcontext()  # type: ignore[assignment,method-assign]
    return []


def w_watcher() -> list[str]:
    import dataclasses

    from pytest_torchnotes.run.runner import NoteRunner

    init = NoteRunner.__init__

    def without(self: Any, settings: Any) -> None:
        init(self, dataclasses.replace(settings, watch_crashes=False))

    NoteRunner.__init__ = without  # type: ignore[method-assign]
    return []


def w_capturefd() -> list[str]:
    return ["--torchnotes-capture-fd=false"]


def w_knobs() -> list[str]:
    from pytest_torchnotes.run import knobs

    knobs.every_knob = list
    return []


def w_gcfreeze() -> list[str]:
    from pytest_torchnotes.run.runner import NoteRunner

    NoteRunner._freeze_imports = lambda self: None  # type: ignore[method-assign]
    return []


def w_faulthandler() -> list[str]:
    return ["-p", "no:faulthandler"]


WITHOUT: dict[str, Callable[[], list[str]]] = {
    name[2:]: function for name, function in dict(globals()).items() if name.startswith("w_")
}


def plugin_child(folder: Path, notes: int, without: list[str]) -> None:
    import pytest
    import torch  # noqa: F401

    from pytest_torchnotes.run import execute

    timer = Timer(every=TRACE_BLOCKS)
    execute.exec = timer.wrap(exec)  # type: ignore[attr-defined]
    execute.eval = timer.wrap(eval, counted=False)  # type: ignore[attr-defined]
    extra: list[str] = []
    for name in without:
        extra += WITHOUT[name]()
    with tempfile.TemporaryDirectory() as temporary:
        notes_folder = Path(temporary) / "notes"
        notes_folder.mkdir()
        shutil.copy(folder / "torchnotes" / "pytest.ini", notes_folder)
        for path in sorted((folder / "torchnotes").glob("*.md"))[:notes]:
            shutil.copy(path, notes_folder)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            status = pytest.main(
                ["-q", "-p", "no:cacheprovider", *extra, "--torchnotes", str(notes_folder)]
            )
    tail = out.getvalue().strip().splitlines()[-1:]
    timer.report(status=int(status), summary=tail)


# --- the parent ------------------------------------------------------------------------


def child(config: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--corpus", str(folder), "--notes", str(args.notes)]
    argv += ["--skip", str(args.skip), "--passes", str(args.passes), "--child", config]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("EXECGAP "):
            result: dict[str, Any] = json.loads(line[len("EXECGAP ") :])
            return result
    raise SystemExit(f"{config} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def run_child(config: str, folder: Path, args: argparse.Namespace) -> None:
    if config.startswith("plugin"):
        plugin_child(folder, args.notes, [name for name in config.split("-")[1:] if name])
    else:
        features = [name for name in config.split("+")[1:] if name]
        raw_child(folder, args.notes, features, args.skip, args.passes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("benchmarks/corpus/notes-1000x10"))
    parser.add_argument("--notes", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip", type=int, default=0, help="raw: start after this many notes")
    parser.add_argument(
        "--passes",
        type=int,
        default=1,
        help="raw: run the notes N times, the first untimed",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument(
        "configs",
        nargs="*",
        default=["raw", "plugin"],
        help=f"raw, raw+F+... (F: {', '.join(FEATURES)}),"
        f" plugin, plugin-W-... (W: {', '.join(WITHOUT)})",
    )
    args = parser.parse_args()
    folder = args.corpus.resolve()
    if args.child:
        run_child(args.child, folder, args)
        return 0
    results: dict[str, list[dict[str, Any]]] = {config: [] for config in args.configs}
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    for round_ in range(args.repeat):
        for config in args.configs:
            result = child(config, folder, args)
            results[config].append(result)
            print(f"round {round_ + 1} {config}: {json.dumps(result)}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(
        f"{'config':<28} {'CPU s median':>12} {'min':>7} {'wall s median':>14} {'min':>7}"
        f" {'steady CPU s/100 notes':>23}"
    )
    for config, runs in results.items():
        cpu = [run["cpu"] for run in runs]
        wall = [run["wall"] for run in runs]
        steady = [run["steady"] for run in runs]
        print(
            f"{config:<28} {statistics.median(cpu):12.3f} {min(cpu):7.3f}"
            f" {statistics.median(wall):14.3f} {min(wall):7.3f} {statistics.median(steady):23.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
