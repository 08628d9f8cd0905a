"""What pytest-xdist workers and the controller tell each other about notes: what a note's
report carries, the environment the workers ran notes in, the exit status of a worker that
crashed."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from pytest_torchnotes.notelines import shown
from pytest_torchnotes.reporting.versions import environment

if TYPE_CHECKING:
    from pytest_torchnotes.reporting.report import NoteRecord
    from pytest_torchnotes.run.results import BlockResult


def note_payload(
    display_path: str, record: NoteRecord, blocks: list[BlockResult], torch_import: float | None
) -> dict[str, Any]:
    """What the report of a note carries (``torchnotes_note``), from an xdist worker to the
    controller too: its record, how many blocks failed, the edits of update mode and the
    failing blocks it does not fix, and the seconds the note spent importing torch."""
    return {
        "torch_import": torch_import,
        "failed": sum(1 for block in blocks if block.failed and not block.rewritten),
        "path": display_path,
        "record": record.to_json(),
        "edits": [edit.to_json() for block in blocks for edit in block.edits],
        "not_updated": [
            [
                shown(block.first_line),
                block.not_updated
                or f"{block.summary}: update rewrites expected output, not code or directives",
            ]
            for block in blocks
            if block.failed and not block.rewritten
        ],
    }


def environment_data() -> dict[str, Any]:
    """The versions that decide what notes print (:func:`.versions.environment`), as a worker
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


def encodable(data: Any) -> Any:
    """``data`` (a report as xdist sends it: dicts, lists, tuples and strings) with every
    string that UTF-8 cannot encode written with backslashes: a lone surrogate a note
    raised or warned (``ValueError("\\udc80")``) made the worker fail to send the note's
    report, and its blocks' results were lost.

    >>> encodable({"longrepr": "ValueError: v" + chr(0xDC80), "n": [1, ("ok",)]})
    {'longrepr': 'ValueError: v\\\\udc80', 'n': [1, ('ok',)]}
    """
    if isinstance(data, str):
        if data.isascii():
            return data
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            return data.encode("utf-8", "backslashreplace").decode("utf-8")
        return data
    if isinstance(data, dict):
        return {key: encodable(value) for key, value in data.items()}
    if isinstance(data, list):
        return [encodable(value) for value in data]
    if isinstance(data, tuple):
        return tuple(encodable(value) for value in data)
    return data
