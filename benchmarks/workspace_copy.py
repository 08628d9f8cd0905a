"""What the scratch copy of a note folder costs, for a folder holding 200 MB of data.

    python benchmarks/workspace_copy.py [--megabytes 200] [--repeat 3]

Measures, in this process, the copy made for the first note of the folder, the check after a
note that changed nothing, and the repair after a note that rewrote one file; then, as
separate pytest runs, 10 notes in that folder against the same 10 notes in an empty folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pytest_torchnotes.run.workspace import Workspace

NOTE = "```python\nprint(open('data/labels.csv').read().strip())\n=== output ===\na,b\n```\n"


def make_folder(folder: Path, megabytes: int) -> None:
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "labels.csv").write_text("a,b\n")
    chunk = os.urandom(1 << 20)
    for index in range(megabytes // 10):
        part = folder / "data" / f"part{index // 5}"
        part.mkdir(exist_ok=True)
        with open(part / f"shard{index}.bin", "wb") as handle:
            for _ in range(10):
                handle.write(chunk)


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def pytest_seconds(folder: Path, repeat: int) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--torchnotes"]
    command.append(str(folder))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    return median_seconds(
        lambda: subprocess.run(command, check=True, capture_output=True, env=env), repeat
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp)
        folder = base / "notes"
        make_folder(folder, args.megabytes)
        scratch = base / "scratch"
        scratch.mkdir()
        entries = sorted(folder.iterdir())
        made: list[Workspace] = []
        first = median_seconds(
            lambda: made.append(Workspace(scratch, folder, entries)), args.repeat
        )
        workspace = made[-1]
        unchanged = median_seconds(workspace.leave, args.repeat)

        def rewrite_one() -> None:
            (workspace.path / "data" / "part0" / "shard0.bin").write_bytes(b"x")
            workspace.leave()

        repaired = median_seconds(rewrite_one, args.repeat)
        print(f"{args.megabytes} MB in {len(list(folder.rglob('*')))} entries")
        print(f"first note of the folder (copy):        {first * 1000:8.1f} ms")
        print(f"each later note, nothing changed:       {unchanged * 1000:8.1f} ms")
        print(f"a later note that rewrote a 10 MB file: {repaired * 1000:8.1f} ms")

        for index in range(10):
            (folder / f"note{index}.md").write_text(NOTE)
        empty = base / "empty" / "notes"
        (empty / "data").mkdir(parents=True)
        (empty / "data" / "labels.csv").write_text("a,b\n")
        for index in range(10):
            (empty / f"note{index}.md").write_text(NOTE)
        with_data = pytest_seconds(folder, args.repeat)
        without = pytest_seconds(empty, args.repeat)
        print(f"pytest, 10 notes beside {args.megabytes} MB: {with_data:6.2f} s")
        print(f"pytest, 10 notes beside 4 bytes:    {without:6.2f} s")


if __name__ == "__main__":
    main()
