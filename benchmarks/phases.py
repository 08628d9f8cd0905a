"""Where a passing note's time goes, phase by phase, beside ``pytest --doctest-glob``'s item.

Runs the first notes of a corpus of ``gen_corpus.py`` in-process (``pytest.main`` with
``-p no:cacheprovider``, as the benchmark's cold run), in fresh child processes taking turns
(A B A B ...), with the functions of each phase wrapped by a timer of the main thread's CPU
(``time.thread_time``) and of wall time. Functions are wrapped, not pytest's hooks: a hook of
ours between items would turn the state taken from the note before off.

- ``plugin``: ``pytest --torchnotes`` on the notes' Markdown;
- ``doctest``: ``pytest --doctest-glob='*.md'`` on the same notes written as ``>>>``
  transcripts (one item per note; its parse is in the collection, given a note at a time).

    python benchmarks/phases.py --corpus benchmarks/corpus/notes-1000x10 --notes 300 \\
        --repeat 3 plugin doctest

Prints, for each phase, the median over the runs of each run's median per note (the notes
after ``--skip``: the first imports torch), in microseconds, CPU then wall; and the load
average before and after. The rows "besides" are differences of those medians (a row of
little time can come out below zero). Each timed call pays two clock reads of each kind
(a microsecond or two at load): phases called per block carry ten of them a note.
``--fine MODULE:NAME`` (repeatable) times one more function of the plugin, as
``pytest_torchnotes.run.timers:TimeLimit.start``. Needs the development environment
(torch, pytest, the package on ``sys.path``). The plugin's modules are imported before
pytest starts, to be wrapped, so pytest does not rewrite their ``assert`` statements (it
warns so once): the phases run the same code.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: The phases of a note item, as functions of the plugin: (name, module, attribute path).
PLUGIN_PHASES = (
    ("read", "pytest_torchnotes.markdown.document", "NoteDocument.parse"),
    ("runtest", "pytest_torchnotes.plugin", "NoteItem.runtest"),
    ("run", "pytest_torchnotes.run.runner", "NoteRunner.run"),
    ("open", "pytest_torchnotes.run.runner", "NoteRunner.open"),
    ("close", "pytest_torchnotes.run.noterun", "NoteRun.close"),
    ("knobs put back", "pytest_torchnotes.run.knobs", "StateGuard.restore"),
    ("evaluate", "pytest_torchnotes.run.noterun", "NoteRun.evaluate"),
    ("executor", "pytest_torchnotes.run.execute", "Executor.run"),
    ("compile", "pytest_torchnotes.run.compiling", "compile_block"),
)

#: What each derived row is: a phase less the phases inside it.
PLUGIN_DERIVED = (
    ("pytest's item protocol", "item", ("runtest",)),
    ("runtest besides reading and running", "runtest", ("read", "run")),
    ("run besides open, close, evaluate", "run", ("open", "close", "evaluate")),
    ("close besides the knobs", "close", ("knobs put back",)),
    ("evaluate besides running and compiling", "evaluate", ("executor", "compile")),
    ("a block's run around its code (x blocks)", "executor", ("code",)),
    ("overhead over the blocks' code", "item", ("code",)),
)

DOCTEST_DERIVED = (
    ("pytest's item protocol", "item", ("runtest",)),
    ("runtest besides running and compiling", "runtest", ("code", "compile")),
    ("overhead over the blocks' code", "item", ("code",)),
)


class Clock:
    """Sums the CPU (main thread) and wall seconds of the calls it wraps, by phase."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        cpu, wall = self.cpu, self.wall
        thread_time, perf_counter = time.thread_time, time.perf_counter

        def timed(*args: Any, **kwargs: Any) -> Any:
            began_cpu, began_wall = thread_time(), perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                cpu[name] += thread_time() - began_cpu
                wall[name] += perf_counter() - began_wall

        return timed

    def now(self) -> tuple[dict[str, float], dict[str, float]]:
        return dict(self.cpu), dict(self.wall)


def _patch(clock: Clock, name: str, module_name: str, dotted: str) -> None:
    """Wrap ``module_name``'s ``dotted`` (``Class.method`` or a function, also where other
    modules of the plugin imported it by name)."""
    module = importlib.import_module(module_name)
    *owners, attribute = dotted.split(".")
    owner: Any = module
    for part in owners:
        owner = getattr(owner, part)
    raw = vars(owner)[attribute] if isinstance(owner, type) else getattr(owner, attribute)
    if isinstance(raw, classmethod):
        setattr(owner, attribute, classmethod(clock.wrap(name, raw.__func__)))
        return
    timed = clock.wrap(name, raw)
    setattr(owner, attribute, timed)
    if owner is module:
        for other in list(sys.modules.values()):
            name_ = getattr(other, "__name__", "")
            if name_.startswith("pytest_torchnotes.") and vars(other).get(attribute) is raw:
                setattr(other, attribute, timed)


def child(folder: Path, runner: str, notes: int, skip: int, fine: list[str]) -> dict[str, Any]:
    """One in-process run of ``runner`` on the first ``notes`` notes of ``folder``."""
    import _pytest.main
    import _pytest.runner
    import pytest

    clock = Clock()
    per_note: list[tuple[dict[str, float], dict[str, float]]] = []
    protocol = _pytest.runner.runtestprotocol

    def item_protocol(item: Any, log: bool = True, nextitem: Any = None) -> Any:
        cpu_before, wall_before = clock.now()
        began_cpu, began_wall = time.thread_time(), time.perf_counter()
        reports = protocol(item, log=log, nextitem=nextitem)
        cpu, wall = clock.now()
        cpu = {key: value - cpu_before.get(key, 0.0) for key, value in cpu.items()}
        wall = {key: value - wall_before.get(key, 0.0) for key, value in wall.items()}
        cpu["item"], wall["item"] = time.thread_time() - began_cpu, time.perf_counter() - began_wall
        per_note.append((cpu, wall))
        return reports

    _pytest.runner.runtestprotocol = item_protocol
    collect = _pytest.main.Session.perform_collect
    _pytest.main.Session.perform_collect = clock.wrap("collection", collect)  # type: ignore[method-assign]
    if runner == "plugin":
        from pytest_torchnotes.run import execute

        for name, module, dotted in PLUGIN_PHASES:
            _patch(clock, name, module, dotted)
        execute.exec = clock.wrap("code", exec)  # type: ignore[attr-defined]
        execute.eval = clock.wrap("code", eval)  # type: ignore[attr-defined]
        for spec in fine:
            module, _, dotted = spec.partition(":")
            _patch(clock, spec, module, dotted)
        source, args = "torchnotes", ["--torchnotes"]
    else:
        import doctest

        import _pytest.doctest

        doctest.exec = clock.wrap("code", exec)  # type: ignore[attr-defined]
        doctest.compile = clock.wrap("compile", compile)  # type: ignore[attr-defined]
        item = _pytest.doctest.DoctestItem
        item.runtest = clock.wrap("runtest", item.runtest)  # type: ignore[method-assign]
        source, args = "doctest", ["--doctest-glob=*.md"]
    with tempfile.TemporaryDirectory() as temporary:
        notes_folder = Path(temporary) / source
        notes_folder.mkdir()
        shutil.copy(folder / source / "pytest.ini", notes_folder)
        for path in sorted((folder / source).glob("*.md"))[:notes]:
            shutil.copy(path, notes_folder)
        began = time.process_time()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            status = pytest.main(["-q", "-p", "no:cacheprovider", *args, str(notes_folder)])
        process_cpu = time.process_time() - began
    counted = per_note[skip:]
    keys = sorted({key for cpu, _ in counted for key in cpu})
    return {
        "runner": runner,
        "status": int(status),
        "summary": out.getvalue().strip().splitlines()[-1:],
        "process_cpu": process_cpu,
        "collection_cpu": clock.cpu.get("collection", 0.0),
        "cpu": {key: statistics.median(cpu.get(key, 0.0) for cpu, _ in counted) for key in keys},
        "wall": {key: statistics.median(wall.get(key, 0.0) for _, wall in counted) for key in keys},
    }


def derived(phases: dict[str, float], rows: tuple[tuple[str, str, tuple[str, ...]], ...]) -> None:
    for name, whole, parts in rows:
        if whole in phases:
            phases[name] = phases[whole] - sum(phases.get(part, 0.0) for part in parts)


def run_child(folder: Path, runner: str, args: argparse.Namespace) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--corpus", str(folder), "--notes", str(args.notes)]
    argv += ["--skip", str(args.skip), "--child", runner]
    for spec in args.fine:
        argv += ["--fine", spec]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("PHASES "):
            result: dict[str, Any] = json.loads(line[len("PHASES ") :])
            return result
    raise SystemExit(f"{runner} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("benchmarks/corpus/notes-1000x10"))
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--skip", type=int, default=20, help="notes left out of the medians")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fine", action="append", default=[], help="MODULE:NAME, timed too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("runners", nargs="*", default=["plugin", "doctest"])
    args = parser.parse_args()
    folder = args.corpus.resolve()
    if args.child:
        result = child(folder, args.child, args.notes, args.skip, args.fine)
        print("PHASES " + json.dumps(result))
        return 0
    runs: dict[str, list[dict[str, Any]]] = {runner: [] for runner in args.runners}
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    for round_ in range(args.repeat):
        for runner in args.runners:
            result = run_child(folder, runner, args)
            for clock in ("cpu", "wall"):
                derived(result[clock], PLUGIN_DERIVED if runner == "plugin" else DOCTEST_DERIVED)
            runs[runner].append(result)
            print(
                f"round {round_ + 1} {runner}: {result['summary']}, process CPU"
                f" {result['process_cpu']:.2f} s, load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for runner, results in runs.items():
        notes = args.notes
        collection = statistics.median(result["collection_cpu"] for result in results)
        process = statistics.median(result["process_cpu"] for result in results)
        print(f"\n{runner}: process CPU {process:.2f} s, collection {collection * 1e6 / notes:.0f}")
        print(f"us a note; us a note, median of {len(results)} runs' medians: CPU  wall")
        names = sorted(results[0]["cpu"], key=lambda name: -results[0]["cpu"][name])
        names.remove("collection")  # outside the items: in the header
        for name in names:
            cpu = statistics.median(result["cpu"].get(name, 0.0) for result in results)
            wall = statistics.median(result["wall"].get(name, 0.0) for result in results)
            print(f"  {name:<44} {cpu * 1e6:9.0f} {wall * 1e6:9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
