"""Freezing the garbage collector's view of the modules notes import: a module's objects
live as long as the process, and torch's hundreds of thousands would otherwise be walked by
every full collection of the session."""

from __future__ import annotations

import gc
import sys

#: Freeze the garbage collector's view of the heap after this many new modules.
FREEZE_AFTER_MODULES = 200


class ImportFreezer:
    """Freezes what notes imported, once they imported many modules, and gives it back to
    the collector at the end of the session when nothing was frozen before."""

    def __init__(self) -> None:
        self._frozen_modules = 0
        #: Whether nothing was frozen before the runner froze: then it may unfreeze all.
        self._unfreeze = False

    def unfreeze(self) -> None:
        """Give what :meth:`freeze` froze back to the garbage collector, when
        nothing was frozen before. pytest collects garbage at its very end (twice, each a
        walk of torch's objects once they are unfrozen): call this after that."""
        if self._frozen_modules and self._unfreeze:
            gc.unfreeze()  # the session's objects go back to the collector
            self._frozen_modules = 0

    def freeze(self) -> None:
        """Once notes have imported many modules (torch, the first time torch.optim is used),
        collect garbage and freeze what is left for the garbage collector: a module's objects
        live as long as the process, and torch's hundreds of thousands would otherwise be
        walked by every full collection of the session."""
        if len(sys.modules) - self._frozen_modules < FREEZE_AFTER_MODULES:
            return
        if self._frozen_modules:  # notes have run: their garbage must not be frozen
            gc.collect()
        else:
            self._unfreeze = gc.get_freeze_count() == 0
        gc.freeze()
        self._frozen_modules = len(sys.modules)
