"""Knobs of numpy, when a note or the session imported it."""

from __future__ import annotations

import sys

from pytest_torchnotes.run.knobs import Knob


def numpy_knobs() -> list[Knob]:
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return []
    return [
        Knob(
            "numpy print options",
            numpy.get_printoptions,
            lambda saved: numpy.set_printoptions(**saved),
        ),
        Knob("numpy error handling", numpy.geterr, lambda saved: numpy.seterr(**saved)),
    ]
