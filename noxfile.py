"""Run the notes under several torch versions and compare what changed.

    nox -s matrix                      # each of TORCH_VERSIONS, then torchnotes history
    nox -s matrix -- 2.5.1 2.9.1 2.14.1  # the versions given
    nox -s notes                       # only the runs of TORCH_VERSIONS
    nox -s diff                        # only the diff of the reports already written
    nox -s oldest newest               # the test suite on the oldest and newest Python

Reports go to reports/torch-VERSION.json, the history to reports/history.{md,html}, the diff
to reports/diff.md.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import nox
from packaging.version import InvalidVersion, Version

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


def numpy_for(torch: str) -> str:
    """The numpy to install beside a torch version: torch before 2.3 was built for numpy 1.

    >>> numpy_for("2.1.2"), numpy_for("2.5.1")
    ('numpy<2', 'numpy')
    """
    return "numpy<2" if Version(torch) < Version("2.3") else "numpy"


def is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


@nox.session(python="3.11")
def matrix(session: nox.Session) -> None:
    """Run the notes and docs under each torch version, then ``torchnotes history``.

    The versions come after ``--`` (``nox -s matrix -- 2.5.1 2.9.1 2.14.1``), TORCH_VERSIONS
    when none are given. Each version gets its own virtual environment, ``.nox/torch-VERSION``,
    kept for the next run.
    """
    versions = session.posargs or TORCH_VERSIONS
    typos = [version for version in versions if not is_version(version)]
    if typos:  # before any download
        session.error(f"not a torch version: {', '.join(typos)}")
    REPORTS.mkdir(exist_ok=True)
    for version in versions:
        python = str(Path(".nox") / f"torch-{version}" / "bin" / "python")
        if not Path(python).exists():
            session.run("python", "-m", "venv", str(Path(python).parent.parent))
        session.run(
            python,
            "-m",
            "pip",
            "install",
            "-q",
            f"torch=={version}",
            numpy_for(version),
            "-e",
            ".",
            external=True,
        )
        session.run(
            python,
            "-m",
            "pytest",
            "notes/",
            "docs/",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--torchnotes-report={report_path(version)}",
            # A drifted note is what this session is here to find, not a reason to stop.
            external=True,
            success_codes=[0, 1],
        )
    reports = [str(report_path(version)) for version in versions]
    history = [python, "-m", "pytest_torchnotes.commands.cli", "history", *reports]
    for suffix, form in (("md", "md"), ("html", "html")):
        text = session.run(
            *history, "--format", form, external=True, silent=True, success_codes=[0, 1]
        )
        (REPORTS / f"history.{suffix}").write_text(str(text), encoding="utf-8")
    # Last, so that its exit status is the session's: 1 when the newest version regressed.
    session.run(*history, external=True)


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
