"""``logging.captureWarnings``, read as one knob: the warnings module's ``showwarning`` and
the one logging keeps to put back when capture ends (``logging._warnings_showwarning``).

``logging.captureWarnings(True)`` in a note replaces ``showwarning`` with logging's and
keeps the one it found. Left behind, the next note's ``captureWarnings(True)`` did nothing
(logging takes capture to be on already), its ``captureWarnings(False)`` put back the
``showwarning`` of a note that had ended, and the session after the notes sent its warnings
to logging.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

#: The name under which logging keeps the ``showwarning`` it replaced (``None``: capture is
#: off), in every Python the plugin supports.
KEPT = "_warnings_showwarning"


def read() -> tuple[Any, Any]:
    """The ``showwarning`` logging keeps and the warnings module's own."""
    return getattr(logging, KEPT, None), warnings.showwarning


def restore(saved: tuple[Any, Any]) -> None:
    kept, shown = saved
    if hasattr(logging, KEPT):
        setattr(logging, KEPT, kept)
    warnings.showwarning = shown
