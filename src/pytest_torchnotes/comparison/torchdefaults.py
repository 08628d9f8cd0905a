"""torch's defaults that a block above changed for the rest of its note.

A note's blocks share torch's global settings, as a session's statements do. PyTorch's
docstrings set the default dtype (``torch.set_default_dtype(torch.float64)`` under
``torch.get_default_dtype``) or device (``torch.set_default_device('cuda')``) and do not set
it back: pasted into one note, every later example then prints ``dtype=torch.float32`` where
the docstring shows none, or fails for want of CUDA though it asks for none. Each note starts
with torch's defaults (its isolation sets them back), so a failure that finds them changed
names that cause. Read only when a block failed.
"""

from __future__ import annotations

import sys
from typing import Any

#: What the hint tells the author to do.
FIX = (
    "a block above, or torchnotes_setup, set it and did not set it back: set it back at the "
    "end of that example, or leave that example out ('# xdoctest: +SKIP', "
    "<!-- torchnotes: skip why -->)"
)


def changed_defaults() -> str | None:
    """The defaults of torch that differ from torch's own, and where they come from;
    ``None`` when none does (or torch is not imported).

    >>> import torch
    >>> changed_defaults() is None
    True
    >>> torch.set_default_dtype(torch.float64)
    >>> print(changed_defaults())  # doctest: +ELLIPSIS
    torch's default dtype is torch.float64, not torch.float32: a block above, ...
    >>> torch.set_default_dtype(torch.float32)
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    changed = []
    dtype = torch.get_default_dtype()
    if dtype != torch.float32:
        changed.append(f"default dtype is {dtype}, not torch.float32")
    device = default_device(torch)
    if device is not None:
        changed.append(f"default device is {device!r}, not 'cpu'")
    if not changed:
        return None
    return f"torch's {' and its '.join(changed)}: {FIX}"


def default_device(torch: Any) -> str | None:
    """The default device a block set with ``torch.set_default_device``, when it is not the
    CPU; read from torch's device context, as ``torch.get_default_device()`` itself fails
    where the device cannot be used."""
    context = getattr(getattr(torch, "_GLOBAL_DEVICE_CONTEXT", None), "device_context", None)
    device = getattr(context, "device", None)
    if device is None or getattr(device, "type", "cpu") == "cpu":
        return None
    return str(device)
