"""The flag a message gives to have fences of one more info string read as output.

``torchnotes_output_fence`` lists every info string of a fence read as a block's output
right after it: a flag that names only the new one (``--torchnotes-output-fence=bare``)
replaces the list, so the note's ```` ```output ```` fences would no longer be read, and the
next run would name them with a flag that drops the bare ones again. The flag given keeps
the fences read now and adds the new one.
"""

from __future__ import annotations

from collections.abc import Collection

from pytest_torchnotes import defaults
from pytest_torchnotes.options import BARE


def output_fence_flag(read_now: Collection[str], info: str) -> str:
    """The flag that reads fences tagged ``info`` (``""``: no info string) as output, as well
    as those of ``read_now``.

    >>> output_fence_flag(frozenset(defaults.OUTPUT_FENCES), "")
    "--torchnotes-output-fence='output out stdout result bare'"
    >>> output_fence_flag(frozenset(), "json")
    '--torchnotes-output-fence=json'
    """
    order = {name: index for index, name in enumerate(defaults.OUTPUT_FENCES)}
    kept = sorted(
        (name for name in read_now if name != info),
        key=lambda name: (order.get(name, len(order)), name),
    )
    words = [name or BARE for name in kept] + [info or BARE]
    value = " ".join(words)
    return f"--torchnotes-output-fence={value if len(words) == 1 else repr(value)}"
