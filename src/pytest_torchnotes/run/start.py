"""What every note starts from: seeded random generators, torch's default print options, and
the display hook of ``>>>`` examples."""

from __future__ import annotations

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


def display(value: object) -> None:
    """``sys.displayhook`` for ``>>>`` examples: show the repr, leave ``builtins._`` alone."""
    if value is not None:
        sys.stdout.write(repr(value) + "\n")
