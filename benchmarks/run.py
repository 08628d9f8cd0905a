#!/usr/bin/env python3
"""Benchmarks of pytest-torchnotes: what checking notes costs over just running their code.

    python3 benchmarks/run.py [--quick] [--only NAME] [--repeat N] [--json PATH] [-v]

One invocation makes what it needs under ``benchmarks/corpus/`` (ignored by git): a
virtualenv with only what a user has (``torch==2.13.0 numpy pytest pytest-xdist sybil`` and
this repository installed editable; no hypothesis, whose pytest plugin slows every start)
and the corpora of notes (``gen_corpus.py``). Both are reused by later runs while they match.

Every measurement is a separate child process, timed from start to exit (wall seconds), with
its CPU seconds (user + system, its reaped children included) and its peak RSS (the largest
single process of its tree, as ``wait4`` reports it). Each contender runs ``--repeat`` times,
the contenders taking turns, and the tables show medians. A run that fails, or whose summary
line does not count every note or block as passed, is reported as such, never timed as good.

Measurements (``--only`` takes these names):

  small    100 notes x 10 blocks. The raw floor (``raw_exec.py``: every block exec'd in one
           process with stdout redirected and compared, nothing else) against
           ``pytest --torchnotes`` and the two peers on the same notes written as ``>>>``
           transcripts: ``pytest --doctest-glob='*.md'`` (one item per note) and stock Sybil's
           Markdown ``PythonCodeBlockParser`` (one item per ``>>>`` example).
  large    1000 notes x 10 blocks: the same contenders, and the plugin with ``-p no:logging``
           (stock Sybil, ~60,000 items, runs once there whatever ``--repeat`` says).
  xdist    160 notes x 10 blocks: the plugin serial against ``-n 2``.
  collect  collection alone of the 10,000 blocks of ``large``: ``pytest --collect-only``
           with the plugin against the same with ``-p no:torchnotes`` (pytest's own start).
  cpu      40 notes x 5 blocks of ~0.2 s of single-threaded matmuls and convolutions each,
           serial against ``-n 2``.
  memory   200 notes that each make and hold a 64 MB tensor, against one such note.

Reading the ratios: ``plugin / raw`` is the price of the plugin (pytest's start, collection,
a fresh ``__main__``, seeding, capture, comparison and restoring state around each note) as
a multiple of the least work possible: 1.10 means 10 % more time than exec'ing the code
raw. ``collect`` gives the seconds collection adds to pytest's start. ``speed-up`` is serial
time over ``-n 2`` time: 2.0 would be perfect on two cores. ``RSS ratio`` is the peak memory
of 200 notes over that of one: 1.0 means memory of finished notes is given back. MB means
2**20 bytes. With ``--quick`` the corpora are small and each contender runs once, so the
ratios are only a smoke test.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "corpus"
VENV = WORK / "venv"
PYTHON = VENV / "bin" / "python"
GENERATOR = BENCH / "gen_corpus.py"
TORCH_PIN = "torch==2.13.0"
USER_PACKAGES = [TORCH_PIN, "numpy", "pytest", "pytest-xdist", "sybil"]
PYTEST = ["-m", "pytest", "-q", "-p", "no:cacheprovider"]
MEASUREMENTS = ("small", "large", "xdist", "collect", "cpu", "memory")
# Settings of the parent's environment that would change what a child pytest does.
# PYTHONDONTWRITEBYTECODE: the repository is installed editable, so its modules have no
# bytecode until a first run writes it (a user's installed plugin has it from pip), and
# pytest's rewritten copy of a plugin's modules is cached the same way; with the variable
# set, every run of the plugin compiles its ~90 modules again (about 0.25 CPU s), while
# torch's and pytest's modules, which the other contenders import, keep pip's bytecode.
DROPPED_ENV = (
    "PYTHONPATH",
    "PYTEST_ADDOPTS",
    "PYTEST_PLUGINS",
    "PYTEST_XDIST_AUTO_NUM_WORKERS",
    "PYTHONDONTWRITEBYTECODE",
)

# Other processes using more than this share of the CPUs while measuring make noise.
BUSY_WARNING = 0.10

VERBOSE = False


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def debug(message: str) -> None:
    if VERBOSE:
        log(message)


# --------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Sizes:
    small: tuple[int, int] = (100, 10)  # notes, blocks per note
    large: tuple[int, int] = (1000, 10)
    xdist: tuple[int, int] = (160, 10)
    cpu: tuple[int, int] = (40, 5)
    cpu_rounds: int = 20  # work of one heavy block: ~0.2 s at 20
    memory: int = 200  # notes of 64 MB each


FULL = Sizes()
QUICK = Sizes(small=(20, 10), large=(100, 10), xdist=(40, 10), cpu=(8, 5), memory=20)


# --------------------------------------------------------------------------
# The benchmark's own virtualenv and corpora
# --------------------------------------------------------------------------
CHECK_VENV = f"""
import sys, torch, numpy, pytest, xdist, sybil, pytest_torchnotes
assert torch.__version__.startswith("2.13.0"), torch.__version__
assert pytest_torchnotes.__file__.startswith({str(REPO)!r}), pytest_torchnotes.__file__
try:
    import hypothesis
except ImportError:
    pass
else:
    sys.exit("hypothesis is installed: its pytest plugin would slow every start")
print(sys.version.split()[0], torch.__version__, pytest.__version__, xdist.__version__)
"""


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env["PYTHONHASHSEED"] = "0"
    return env


def check_venv() -> str | None:
    """Versions line of the benchmark venv, or None when it is missing or not as needed."""
    if not PYTHON.exists():
        return None
    done = subprocess.run(
        [str(PYTHON), "-c", CHECK_VENV], capture_output=True, text=True, env=child_env()
    )
    if done.returncode != 0:
        debug(f"venv not usable:\n{done.stdout}{done.stderr}")
        return None
    return done.stdout.strip()


def run_step(argv: list[str]) -> None:
    """A preparation step; what it prints goes to stderr, keeping stdout for the report."""
    debug("$ " + shlex.join(argv))
    subprocess.run(argv, check=True, env=child_env(), stdout=sys.stderr)


def ensure_venv() -> dict[str, str]:
    """Make (or remake) the benchmark venv; return the versions it runs."""
    versions = check_venv()
    if versions is None:
        log(f"making the benchmark virtualenv {rel(VENV)} (about a minute)")
        run_step([sys.executable, "-m", "venv", "--clear", str(VENV)])
        pip = [str(PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        run_step([*pip, *USER_PACKAGES, "-e", str(REPO)])
        versions = check_venv()
        if versions is None:
            sys.exit(f"the virtualenv {VENV} is still not usable; rerun with -v")
    py, torch, pytest, xdist = versions.split()
    return {"python": py, "torch": torch, "pytest": pytest, "pytest_xdist": xdist}


def generator_sha() -> str:
    return hashlib.sha256(GENERATOR.read_bytes()).hexdigest()


def ensure_corpus(kind: str, docs: int, blocks: int, rounds: int = 20) -> Path:
    """The corpus of these sizes under WORK, generated unless a matching one is there."""
    name = f"{kind}-{docs}x{blocks}" + (f"-r{rounds}" if kind == "heavy" else "")
    root = WORK / name
    want = {"kind": kind, "docs": docs, "blocks_per_doc": blocks, "rounds": rounds}
    manifest = root / "manifest.json"
    if manifest.exists():
        have = json.loads(manifest.read_text())
        if {k: have.get(k) for k in want} == want and have.get(
            "generator_sha256"
        ) == generator_sha():
            return root
    log(f"generating {rel(root)}")
    args = ["--kind", kind, "--docs", str(docs), "--blocks", str(blocks)]
    run_step([str(PYTHON), str(GENERATOR), str(root), *args, "--rounds", str(rounds), "--force"])
    return root


class CpuWatch:
    """How much of the machine's CPU time went to processes other than ours (Linux only).

    All busy CPU time from /proc/stat, less what this process and its children used.
    """

    def __enter__(self) -> CpuWatch:
        self.start = (time.perf_counter(), machine_busy_seconds(), our_cpu_seconds())
        self.others_share: float | None = None
        return self

    def __exit__(self, *exc: object) -> None:
        wall0, busy0, ours0 = self.start
        busy1 = machine_busy_seconds()
        wall = time.perf_counter() - wall0
        if busy0 is None or busy1 is None or wall <= 0:
            return
        others = (busy1 - busy0) - (our_cpu_seconds() - ours0)
        self.others_share = max(0.0, others) / (wall * (os.cpu_count() or 1))


def machine_busy_seconds() -> float | None:
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    ticks = user + nice + system + irq + softirq + steal
    return ticks / os.sysconf("SC_CLK_TCK")


def our_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# Running one child and checking what it printed
# --------------------------------------------------------------------------
Check = Callable[[int, str], str | None]


def pytest_passed(notes: int) -> Check:
    """A pytest run that passed exactly ``notes`` items (one per note) and nothing else."""

    def check(rc: int, out: str) -> str | None:
        last = out.strip().splitlines()[-1] if out.strip() else ""
        if rc != 0:
            return f"exit status {rc}: {last}"
        if not re.match(rf"^=* ?{notes} passed(, \d+ warnings?)? in [\d.]+s", last):
            return f"expected '{notes} passed', got: {last}"
        return None

    return check


def raw_passed(blocks: int) -> Check:
    def check(rc: int, out: str) -> str | None:
        if rc != 0 or f"{blocks} passed, 0 failed" not in out:
            return f"exit status {rc}, expected '{blocks} passed, 0 failed'"
        return None

    return check


def collected(items: int | None) -> Check:
    """``--collect-only``: ``items`` collected, or none at all (exit 5) when None."""

    def check(rc: int, out: str) -> str | None:
        if items is None:
            return None if rc == 5 and "no tests collected" in out else f"exit status {rc}"
        if rc != 0 or not re.search(rf"\b{items} tests? collected", out):
            return f"exit status {rc}, expected '{items} tests collected'"
        return None

    return check


@dataclass
class Contender:
    label: str
    argv: list[str]
    cwd: Path
    check: Check
    #: Runs at most, whatever ``--repeat`` says (a slow peer on the large corpus).
    most: int | None = None


@dataclass
class Sample:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    error: str | None = None


def run_once(contender: Contender) -> Sample:
    """Run the contender as a child process; wall time, CPU time, peak RSS and a check."""
    debug(f"$ (cd {rel(contender.cwd)} && {shlex.join(contender.argv)})")
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(
            contender.argv,
            cwd=contender.cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_env(),
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    error = contender.check(rc, text)
    if error is not None:
        tail = "\n".join(text.rstrip().splitlines()[-30:])
        log(f"FAILED: {contender.label}: {error}\n$ {shlex.join(contender.argv)}\n{tail}")
    sample = Sample(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        error=error,
    )
    debug(f"  {seconds:.2f} s, {sample.cpu_seconds:.2f} cpu s, {sample.peak_rss_mb:.0f} MB")
    return sample


@dataclass
class Result:
    label: str
    command: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(s.error is not None for s in self.samples)

    def median(self, attribute: str) -> float:
        return float(statistics.median(getattr(s, attribute) for s in self.samples))


def compare(contenders: list[Contender], repeat: int) -> dict[str, Result]:
    """Run each contender ``repeat`` times, taking turns (each round starts one further on)."""
    results = {
        c.label: Result(c.label, f"(cd {rel(c.cwd)} && {shlex.join(c.argv)})") for c in contenders
    }
    for round_ in range(repeat):
        k = round_ % len(contenders)
        for contender in contenders[k:] + contenders[:k]:
            result = results[contender.label]
            if result.failed:
                continue  # once is enough to know
            if contender.most is not None and len(result.samples) >= contender.most:
                continue
            result.samples.append(run_once(contender))
    return results


# --------------------------------------------------------------------------
# The measurements
# --------------------------------------------------------------------------
@dataclass
class Ratio:
    name: str
    value: float | None  # None when a contender failed
    target: str  # e.g. "<= 1.25"
    unit: str = "x"

    @property
    def ok(self) -> bool | None:
        if self.value is None or not self.target:
            return None
        op, bound = self.target.split()
        limit = float(bound)
        return {"<=": self.value <= limit, ">=": self.value >= limit, "<": self.value < limit}[op]


@dataclass
class Section:
    name: str
    title: str
    results: dict[str, Result]
    ratios: list[Ratio]
    others_cpu: float | None = None  # share of all CPUs used by other processes meanwhile


def python() -> list[str]:
    return [str(PYTHON)]


def raw(corpus: Path, blocks: int) -> Contender:
    argv = [*python(), "raw_exec.py", "py"]
    return Contender("raw floor", argv, corpus, raw_passed(blocks))


def plugin(corpus: Path, notes: int, *extra: str, label: str = "") -> Contender:
    label = label or (" ".join(["plugin", *extra]) if extra else "plugin serial")
    argv = [*python(), *PYTEST, *extra, "--torchnotes", "torchnotes"]
    return Contender(label, argv, corpus, pytest_passed(notes))


#: The plugin with pytest's cache on, as a user runs it: the notes' readings and their
#: blocks' code kept by the run before (``.pytest_cache/d/`` of the corpus's ``torchnotes``
#: folder), filled by one untimed run before the timed ones (:func:`warm_parse_cache`).
CACHED = "plugin, notes read from cache"


def plugin_cached(corpus: Path, notes: int) -> Contender:
    argv = [*python(), "-m", "pytest", "-q", "--torchnotes", "torchnotes"]
    return Contender(CACHED, argv, corpus, pytest_passed(notes))


def warm_parse_cache(contender: Contender) -> None:
    """One untimed run, so that the timed runs find every note's reading in the cache (an
    entry of other code than the plugin's now is no entry)."""
    run_once(contender)


def collect_only(corpus: Path, notes: int | None) -> Contender:
    """``pytest --collect-only``, with the plugin (``notes`` items) or without it (None)."""
    if notes is None:
        argv = [*python(), *PYTEST, "--collect-only", "-p", "no:torchnotes", "torchnotes"]
        return Contender("pytest alone", argv, corpus, collected(None))
    argv = [*python(), *PYTEST, "--collect-only", "--torchnotes", "torchnotes"]
    return Contender("plugin collect", argv, corpus, collected(notes))


def medians(results: dict[str, Result], *labels: str, attr: str) -> list[float] | None:
    chosen = [results[label] for label in labels]
    if any(r.failed or not r.samples for r in chosen):
        return None
    return [r.median(attr) for r in chosen]


def ratio(
    results: dict[str, Result],
    top: str,
    bottom: str,
    *,
    name: str,
    target: str = "",
    attr: str = "seconds",
) -> Ratio:
    """median(top) / median(bottom)."""
    values = medians(results, top, bottom, attr=attr)
    return Ratio(name, None if values is None else values[0] / values[1], target)


def difference(
    results: dict[str, Result], top: str, bottom: str, *, name: str, target: str = ""
) -> Ratio:
    """median(top) - median(bottom), in seconds."""
    values = medians(results, top, bottom, attr="seconds")
    return Ratio(name, None if values is None else values[0] - values[1], target, unit=" s")


# Less sensitive than wall time to other processes sharing the CPUs.
CPU_RATIO = "plugin serial / raw, CPU seconds"


def blocks_title(docs: int, blocks: int) -> str:
    return f"{docs} notes x {blocks} blocks ({docs * blocks} blocks)"


def doctest_glob(corpus: Path, notes: int) -> Contender:
    """The peer ``pytest --doctest-glob='*.md'``: one item per note, ``>>>`` transcripts."""
    argv = [*python(), *PYTEST, "--doctest-glob=*.md", "doctest"]
    return Contender("pytest --doctest-glob", argv, corpus, pytest_passed(notes))


def stock_sybil(corpus: Path, most: int | None = None) -> Contender:
    """The peer stock Sybil (``PythonCodeBlockParser``): one item per ``>>>`` example."""
    examples = json.loads((corpus / "manifest.json").read_text())["doctest_examples"]
    argv = [*python(), *PYTEST, "sybil"]
    return Contender("stock Sybil", argv, corpus, pytest_passed(examples), most)


#: Stock Sybil makes one pytest item of each of the ~60,000 ``>>>`` examples of ``large``:
#: minutes a run, so it runs once there whatever ``--repeat`` says (the table shows runs).
LARGE_SYBIL_RUNS = 1


def peer_ratios(results: dict[str, Result]) -> list[Ratio]:
    """The plugin against each peer: below 1.0 when the plugin is faster."""
    return [
        ratio(results, plugin, peer, name=f"{plugin} / {peer}", target="< 1.0")
        for plugin in ("plugin serial", CACHED)
        if plugin in results
        for peer in ("pytest --doctest-glob", "stock Sybil")
    ]


def measure_small(sizes: Sizes, repeat: int) -> Section:
    docs, blocks = sizes.small
    corpus = ensure_corpus("notes", docs, blocks)
    cached = plugin_cached(corpus, docs)
    contenders = [
        raw(corpus, docs * blocks),
        plugin(corpus, docs),
        cached,
        doctest_glob(corpus, docs),
        stock_sybil(corpus),
    ]
    warm_parse_cache(cached)
    results = compare(contenders, repeat)
    ratios = [
        ratio(results, "plugin serial", "raw floor", name="plugin serial / raw", target="<= 1.10"),
        ratio(results, "plugin serial", "raw floor", name=CPU_RATIO, attr="cpu_seconds"),
        ratio(results, CACHED, "raw floor", name=f"{CACHED} / raw", target="<= 1.10"),
        *peer_ratios(results),
    ]
    return Section("small", blocks_title(docs, blocks), results, ratios)


def measure_large(sizes: Sizes, repeat: int) -> Section:
    docs, blocks = sizes.large
    corpus = ensure_corpus("notes", docs, blocks)
    cached = plugin_cached(corpus, docs)
    contenders = [
        raw(corpus, docs * blocks),
        plugin(corpus, docs),
        cached,
        plugin(corpus, docs, "-p", "no:logging"),
        doctest_glob(corpus, docs),
        stock_sybil(corpus, most=LARGE_SYBIL_RUNS),
    ]
    warm_parse_cache(cached)
    results = compare(contenders, repeat)
    ratios = [
        ratio(results, "plugin serial", "raw floor", name="plugin serial / raw", target="<= 1.25"),
        ratio(results, "plugin serial", "raw floor", name=CPU_RATIO, attr="cpu_seconds"),
        ratio(results, CACHED, "raw floor", name=f"{CACHED} / raw", target="<= 1.25"),
        ratio(results, "plugin -p no:logging", "raw floor", name="plugin -p no:logging / raw"),
        *peer_ratios(results),
    ]
    return Section("large", blocks_title(docs, blocks), results, ratios)


def measure_xdist(sizes: Sizes, repeat: int) -> Section:
    docs, blocks = sizes.xdist
    corpus = ensure_corpus("notes", docs, blocks)
    results = compare([plugin(corpus, docs), plugin(corpus, docs, "-n", "2")], repeat)
    ratios = [
        ratio(
            results, "plugin serial", "plugin -n 2", name="speed-up serial / -n 2", target=">= 1.0"
        ),
        ratio(
            results,
            "plugin -n 2",
            "plugin serial",
            name="CPU seconds -n 2 / serial",
            attr="cpu_seconds",
        ),
    ]
    return Section(
        "xdist", "small notes under pytest-xdist, " + blocks_title(docs, blocks), results, ratios
    )


def measure_collect(sizes: Sizes, repeat: int) -> Section:
    docs, blocks = sizes.large
    corpus = ensure_corpus("notes", docs, blocks)
    results = compare([collect_only(corpus, None), collect_only(corpus, docs)], repeat)
    top, bottom = "plugin collect", "pytest alone"
    ratios = [
        difference(results, top, bottom, name="seconds added by collection", target="< 1.0"),
        ratio(results, top, bottom, name="plugin collect / pytest alone"),
    ]
    title = "collection only, " + blocks_title(docs, blocks)
    return Section("collect", title, results, ratios)


def measure_cpu(sizes: Sizes, repeat: int) -> Section:
    docs, blocks = sizes.cpu
    corpus = ensure_corpus("heavy", docs, blocks, sizes.cpu_rounds)
    results = compare([plugin(corpus, docs), plugin(corpus, docs, "-n", "2")], repeat)
    ratios = [
        ratio(
            results, "plugin serial", "plugin -n 2", name="speed-up serial / -n 2", target=">= 1.6"
        )
    ]
    title = f"CPU-heavy, {docs} notes x {blocks} blocks of ~0.2 s single-threaded torch"
    return Section("cpu", title, results, ratios)


def measure_memory(sizes: Sizes, repeat: int) -> Section:
    n = sizes.memory
    one, many = ensure_corpus("memory", 1, 2), ensure_corpus("memory", n, 2)
    contenders = [
        plugin(one, 1, label="plugin, 1 note"),
        plugin(many, n, label=f"plugin, {n} notes"),
    ]
    results = compare(contenders, repeat)
    ratios = [
        ratio(
            results,
            f"plugin, {n} notes",
            "plugin, 1 note",
            name=f"peak RSS {n} notes / 1",
            target="<= 1.3",
            attr="peak_rss_mb",
        )
    ]
    title = f"notes that each hold a 64 MB tensor, {n} notes against 1"
    return Section("memory", title, results, ratios)


MEASURE: dict[str, Callable[[Sizes, int], Section]] = {
    "small": measure_small,
    "large": measure_large,
    "xdist": measure_xdist,
    "collect": measure_collect,
    "cpu": measure_cpu,
    "memory": measure_memory,
}


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------
def format_ratio(r: Ratio) -> str:
    value = "FAILED" if r.value is None else f"{r.value:.2f}{r.unit}"
    verdict = {True: "ok", False: "MISSED", None: ""}[r.ok]
    target = f"target {r.target}{r.unit.strip()}" if r.target else ""
    return f"  {r.name:<34} {value:>9}   {target:<16} {verdict}".rstrip()


def format_section(number: int, section: Section) -> str:
    lines = [f"{number}. {section.name}: {section.title}"]
    if section.others_cpu is not None:
        lines[0] += f"  [other processes: {section.others_cpu:.0%} of the CPUs]"
    lines.append(f"  {'contender':<34} {'seconds':>9} {'cpu s':>8} {'peak MB':>8}  runs")
    for result in section.results.values():
        if not result.samples:
            lines.append(f"  {result.label:<34} {'(not run)':>9}")
            continue
        if result.failed:
            lines.append(f"  {result.label:<34} {'FAILED':>9}  (see the output above)")
            continue
        lines.append(
            f"  {result.label:<34} {result.median('seconds'):>9.2f} "
            f"{result.median('cpu_seconds'):>8.2f} {result.median('peak_rss_mb'):>8.0f}"
            f"  {len(result.samples)}"
        )
    lines.extend(format_ratio(r) for r in section.ratios)
    return "\n".join(lines)


def report(sections: list[Section], meta: dict[str, Any]) -> str:
    head = (
        f"pytest-torchnotes benchmarks, {meta['date']}: python {meta['python']}, "
        f"torch {meta['torch']}, pytest {meta['pytest']}, {meta['cores']} cores, "
        f"median of {meta['repeat']} run(s){', QUICK sizes' if meta['quick'] else ''}"
    )
    body = [format_section(MEASUREMENTS.index(s.name) + 1, s) for s in sections]
    busy = max((s.others_cpu or 0.0 for s in sections), default=0.0)
    if busy > BUSY_WARNING:
        head += (
            f"\nwarning: other processes used up to {busy:.0%} of the CPUs while measuring:"
            " times (and -n 2 above all) are slower and noisier than on an idle machine"
        )
    return "\n\n".join([head, *body])


def to_json(sections: list[Section], meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {**meta, "measurements": {}}
    for s in sections:
        out["measurements"][s.name] = {
            "title": s.title,
            "contenders": {
                r.label: {
                    "command": r.command,
                    "failed": r.failed,
                    "median_seconds": None if r.failed else r.median("seconds"),
                    "median_cpu_seconds": None if r.failed else r.median("cpu_seconds"),
                    "median_peak_rss_mb": None if r.failed else r.median("peak_rss_mb"),
                    "samples": [asdict(x) for x in r.samples],
                }
                for r in s.results.values()
            },
            "ratios": [{**asdict(r), "ok": r.ok} for r in s.ratios],
            "others_cpu_share": s.others_cpu,
        }
    return out


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small corpora, 1 run each")
    ap.add_argument(
        "--only",
        action="append",
        choices=MEASUREMENTS,
        metavar="NAME",
        help=f"run only this measurement (repeatable): {', '.join(MEASUREMENTS)}",
    )
    ap.add_argument("--repeat", type=int, help="runs of each contender (default 3, quick 1)")
    ap.add_argument("--json", type=Path, metavar="PATH", help="also write the results here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command run")
    args = ap.parse_args(argv)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 3
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    return args


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def warm_up() -> None:
    """Read torch and the plugin from disk once, so no contender pays for a cold cache."""
    run_step([str(PYTHON), "-c", "import torch, numpy, pytest, xdist, sybil, pytest_torchnotes"])


def main(argv: list[str] | None = None) -> int:
    global VERBOSE
    args = parse_args(argv)
    VERBOSE = args.verbose
    if sys.platform != "linux":
        log("warning: peak RSS is read as KiB, which holds on Linux only")
    versions = ensure_venv()
    warm_up()
    sizes = QUICK if args.quick else FULL
    names = [n for n in MEASUREMENTS if not args.only or n in args.only]
    meta = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        **versions,
        "cores": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}, {cpu_model()}",
        "repeat": args.repeat,
        "quick": args.quick,
        "sizes": asdict(sizes),
    }
    sections = []
    for name in names:
        log(f"measuring {name} ...")
        with CpuWatch() as watch:
            section = MEASURE[name](sizes, args.repeat)
        section.others_cpu = watch.others_share
        sections.append(section)
    print(report(sections, meta), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(to_json(sections, meta), indent=2) + "\n")
        log(f"wrote {args.json}")
    failed = any(r.failed for s in sections for r in s.results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
