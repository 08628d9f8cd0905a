"""What every note starts from: seeded random generators, torch's default print options, a
bare root logger, and the display hook of ``>>>`` examples."""

from __future__ import annotations

import logging
import random
import sys


def seed_everything(seed: int) -> None:
    """Seed torch (CPU, and CUDA when it is in use), ``random`` and numpy's global generator."""
    import torch

    torch.random.default_generator.manual_seed(seed)  # type: ignore[attr-defined]
    if torch.cuda.is_initialized():  # type: ignore[no-untyped-call]
        torch.cuda.manual_seed_all(seed)
    random.seed(seed)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(seed % 2**32)


def reset_print_options() -> None:
    import torch

    torch.set_printoptions(profile="default", sci_mode=None)  # type: ignore[no-untyped-call]


def detach_root_handlers() -> list[logging.Handler]:
    """Take the root logger's handlers (pytest's log capture) away while a note runs, and
    return them: a note starts as a script or a notebook does, with a bare root logger, so
    that ``logging.basicConfig`` configures logging (it does nothing where handlers are)."""
    root = logging.getLogger()
    detached = list(root.handlers)
    for handler in detached:
        root.removeHandler(handler)
    return detached


def reattach_root_handlers(detached: list[logging.Handler]) -> None:
    """Give back what :func:`detach_root_handlers` took, before the note's own handlers,
    so that only what the note added counts as its change."""
    root = logging.getLogger()
    root.handlers[:] = [*detached, *(h for h in root.handlers if h not in detached)]


def display(value: object) -> None:
    """``sys.displayhook`` for ``>>>`` examples: show the repr, leave ``builtins._`` alone."""
    if value is not None:
        sys.stdout.write(repr(value) + "\n")
