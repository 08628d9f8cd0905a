"""What pytest-xdist workers and the controller tell each other about notes: the
environment the workers ran them in, the exit status of a worker that crashed."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pytest_torchnotes.reporting.report import environment


def environment_data() -> dict[str, Any]:
    """The versions that decide what notes print (:func:`.report.environment`), as a worker
    sends them to the controller, which never loads torch."""
    return asdict(environment())


def worker_exit(report: Any) -> int | None:
    """The exit status of the crashed worker's process (negative: the signal that ended
    it), as execnet keeps it; ``None`` where that is not known."""
    gateway = getattr(getattr(report, "node", None), "gateway", None)
    popen = getattr(getattr(gateway, "_io", None), "popen", None)
    try:
        status = popen.wait(timeout=5) if popen is not None else None
    except Exception:
        return None
    return status if isinstance(status, int) else None
