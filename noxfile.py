"""Run the notes under several torch versions and compare what changed.

    nox -s matrix        # one venv and one JSON report per torch version, then the diff
    nox -s notes         # only the runs
    nox -s diff          # only the diff of the reports already written
    nox -s oldest newest # the test suite on the oldest and the newest supported Python

Reports go to reports/torch-VERSION.json, the diff to reports/diff.md.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import nox

#: The versions to compare, oldest first. On the project's machines these two lie on
#: local disk (2.13.0 as a CPU wheel, 2.14.1 as the default CUDA build).
TORCH_VERSIONS = ["2.13.0", "2.14.1"]

REPORTS = Path("reports")

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["matrix"]


def report_path(version: str) -> Path:
    return REPORTS / f"torch-{version}.json"


@nox.session(python="3.11")
@nox.parametrize("torch", TORCH_VERSIONS)
def notes(session: nox.Session, torch: str) -> None:
    """Run the project's notes and docs on one torch version and write its report."""
    session.install(f"torch=={torch}", "numpy", "-e", ".")
    session.run("python", "-c", "import torch; print('torch', torch.__version__)")
    REPORTS.mkdir(exist_ok=True)
    session.run(
        "pytest",
        "notes/",
        "docs/",
        "-p",
        "no:cacheprovider",
        "-q",
        f"--torchnotes-report={report_path(torch)}",
        # A drifted note is what this session is here to find, not a reason to stop.
        success_codes=[0, 1],
    )


@nox.session(python="3.11")
def diff(session: nox.Session) -> None:
    """Compare the reports of consecutive torch versions."""
    session.install(f"torch=={TORCH_VERSIONS[0]}", "numpy", "-e", ".")
    pieces = []
    for old, new in itertools.pairwise(TORCH_VERSIONS):
        session.run(
            "torchnotes", "diff", str(report_path(old)), str(report_path(new)), success_codes=[0, 1]
        )
        pieces.append(
            session.run(
                "torchnotes",
                "diff",
                "--format",
                "md",
                str(report_path(old)),
                str(report_path(new)),
                silent=True,
                success_codes=[0, 1],
            )
        )
    (REPORTS / "diff.md").write_text("\n".join(str(piece) for piece in pieces))


@nox.session(python=False)
def matrix(session: nox.Session) -> None:
    """Every torch version, then the diff."""
    for version in TORCH_VERSIONS:
        session.notify(f"notes(torch='{version}')")
    session.notify("diff")


#: The oldest and the newest Python the package supports (``requires-python``), where code
#: that differs by version (threads left at exit on 3.13, for one) is tested.
OLDEST_PYTHON = "3.10"
NEWEST_PYTHON = "3.13"


def run_suite(session: nox.Session) -> None:
    """The whole suite, as ``scripts/gate`` runs it, on the session's Python. The CPU build of
    torch 2.13.0 lies on the project's machines for Python 3.11 only: on another Python pip
    takes torch from PyPI (the default CUDA build, several GB; it runs on the CPU)."""
    session.install("torch<=2.14.1", "-e", ".[test]")
    session.run("python", "-c", "import sys, torch; print(sys.version, 'torch', torch.__version__)")
    session.run(
        "pytest",
        "--doctest-modules",
        "src/pytest_torchnotes",
        "tests",
        "notes",
        "docs",
        "-p",
        "no:cacheprovider",
        *session.posargs,
    )


@nox.session(python=OLDEST_PYTHON)
def oldest(session: nox.Session) -> None:
    """The test suite on the oldest supported Python."""
    run_suite(session)


@nox.session(python=NEWEST_PYTHON)
def newest(session: nox.Session) -> None:
    """The test suite on the newest supported Python."""
    run_suite(session)
