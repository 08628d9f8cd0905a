"""The flag a message gives to have fences of one more info string read as output, or run
as Python.

``torchnotes_output_fence`` lists every info string of a fence read as a block's output
right after it: a flag that names only the new one (``--torchnotes-output-fence=bare``)
replaces the list, so the note's ```` ```output ```` fences would no longer be read, and the
next run would name them with a flag that drops the bare ones again. The flag given keeps
the fences read now and adds the new one. ``torchnotes_languages`` is such a list too: a flag
that names only ``bare`` would stop running the note's ```` ```python ```` fences.
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
    return _list_flag("--torchnotes-output-fence", defaults.OUTPUT_FENCES, read_now, info)


def languages_flag(run_now: Collection[str], language: str) -> str:
    """The flag that runs fences tagged ``language`` (``""``: no info string) as Python, as
    well as those of ``run_now``.

    >>> languages_flag(frozenset({"python", "py"}), "")
    "--torchnotes-languages='python py bare'"
    """
    return _list_flag("--torchnotes-languages", defaults.LANGUAGES, run_now, language)


def _list_flag(flag: str, order_of: Collection[str], now: Collection[str], added: str) -> str:
    """``flag`` with the words of ``now`` (in the order of ``order_of``) and ``added``."""
    order = {name: index for index, name in enumerate(order_of)}
    kept = sorted(
        (name for name in now if name != added),
        key=lambda name: (order.get(name, len(order)), name),
    )
    words = [name or BARE for name in kept] + [added or BARE]
    value = " ".join(words)
    return f"{flag}={value if len(words) == 1 else repr(value)}"
