"""Shared test set-up."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy  # noqa: F401
import pytest
import torch
import torch._dynamo
import torch._dynamo.repro.after_dynamo  # torch.compile's backends, registered once a process
import torch.optim
import torchinfo  # noqa: F401
import yaml  # noqa: F401  (front matter: a C parser must not be imported twice)
from hypothesis import HealthCheck, settings

# pytester removes modules first imported by an in-process run when the test ends; torch
# cannot be imported twice in one process, so everything notes import is imported here.
# torch.export imports some 1,200 modules at its first export (the inductor's caches among
# them, which register their classes once per process): the write guard's tests export.
torch.export.export(torch.nn.ReLU(), (torch.ones(2),))

settings.register_profile("default", deadline=None)
settings.register_profile(
    "deep", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


WriteNote = Callable[..., Path]


@pytest.fixture(autouse=True)
def _not_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions run by the tests cut their short summary to the terminal's width, as they do
    for a person: pytest does not cut it where ``CI`` or ``BUILD_NUMBER`` is set."""
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)


@pytest.fixture
def write_note(pytester: pytest.Pytester) -> WriteNote:
    """Write a note under ``notes/`` of a pytester project that collects that folder."""
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir(exist_ok=True)

    def write(text: str, name: str = "note.md", *, dedent: bool = True) -> Path:
        path = pytester.path / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if dedent else text, encoding="utf-8")
        return path

    return write


def block_counts(result: pytest.RunResult) -> dict[str, int]:
    """Blocks by status, from the torchnotes summary (``not compared`` as ``not_compared``)."""
    import re

    for line in result.stdout.lines:
        match = re.search(r"\b\d+ blocks?: (.*)$", line)
        if match and line.startswith("torch "):
            counts = re.findall(r"(\d+) ([a-z][a-z -]*?)(?: \([^)]*\))?(?:,|$)", match.group(1))
            return {status.replace(" ", "_"): int(n) for n, status in counts}
    return {}


class FakeFaultTimer:
    """faulthandler's one timer (``run/faulttimer.py``), for tests that count its arming:
    like faulthandler, it keeps the file object it was armed with until it is cancelled or
    armed again. :attr:`log` has the seconds of each arming and ``0`` for each cancel."""

    def __init__(self) -> None:
        self.file: Any = None
        self.log: list[float] = []

    @property
    def arms(self) -> int:
        return sum(1 for seconds in self.log if seconds)

    @property
    def cancels(self) -> int:
        return self.log.count(0)

    def dump_later(self, seconds: float, exit: bool = False, file: Any = None) -> None:
        self.file = file
        self.log.append(seconds)

    def cancel(self) -> None:
        self.file = None
        self.log.append(0)


@pytest.fixture
def fault_timer(monkeypatch: pytest.MonkeyPatch) -> FakeFaultTimer:
    """faulthandler's timer replaced by a :class:`FakeFaultTimer` for the test."""
    from pytest_torchnotes.run import faulttimer

    fake = FakeFaultTimer()
    monkeypatch.setattr(faulttimer, "DUMP_LATER", fake.dump_later)
    monkeypatch.setattr(faulttimer, "CANCEL_DUMP", fake.cancel)
    return fake
