"""Search functions a note's own code registers with :func:`codecs.register`.

Python keeps them for the rest of the process, with no way to list them: a note's
``codecs.register(search)`` answered every later ``codecs.lookup`` of the session, so that
a later note found an encoding it never registered (or, from a search function that
raises, failed wherever it decoded an unknown name). They are taken off when the note ends
(:func:`codecs.unregister`, which also forgets what they answered) and named; what a
library registers when a note first imports it stays, as the library stays imported.

:func:`codecs.register` and :func:`_codecs.register`, the function it is, are wrapped once
for the session: a note may reach either.
"""

from __future__ import annotations

import _codecs
import codecs
import functools
import sys
from collections.abc import Callable, Iterable
from typing import Any

#: The file name of the running note's code, or ``None`` between notes.
_filename: str | None = None
#: What the running note's code registered: the function and what names it.
_registered: list[tuple[Callable[..., Any], str]] = []
_wrapper: Callable[..., Any] | None = None
#: Bound at import: a note may replace them.
_REGISTER = _codecs.register
_UNREGISTER = getattr(codecs, "unregister", None)
_GET_FRAME = sys._getframe


def start(filename: str) -> None:
    """From now on, record what code compiled from ``filename`` registers."""
    global _filename
    _install()
    _filename = filename


def stop() -> list[str]:
    """Take the note's search functions off; name them."""
    global _filename
    _filename = None
    names = [name for _, name in _registered]
    if _UNREGISTER is not None:
        for function, _ in reversed(_registered):
            _UNREGISTER(function)
    _registered.clear()
    return names


def forget_lookups(restored: Iterable[str]) -> None:
    """Forget the codec lookups made so far when ``restored`` names a container of the
    ``encodings`` package that was put back (``encodings.aliases.aliases``): a lookup of
    the note's alias was cached under its name, in ``encodings._cache`` and in the
    interpreter's own cache, where the next note's lookup still found it. The interpreter
    empties its cache when a search function is taken off, the one way Python offers."""
    if _UNREGISTER is None or not any(name.startswith("encodings.") for name in restored):
        return
    cache = getattr(sys.modules.get("encodings"), "_cache", None)
    if isinstance(cache, dict):
        cache.clear()
    _REGISTER(_find_nothing)
    _UNREGISTER(_find_nothing)


def _find_nothing(name: str) -> None:
    """A codec search function that finds no codec."""


def _install() -> None:
    """Wrap the functions, and wrap them again where a note's patches were put back from
    under them (a note that patches through computed names has every attribute of the
    modules it may reach put back after it)."""
    global _wrapper
    if _UNREGISTER is None:  # pragma: no cover - Python 3.9 cannot take one off
        return
    if _wrapper is not None and codecs.register is _wrapper and _codecs.register is _wrapper:
        return
    _wrapper = _recording(_REGISTER)
    codecs.register = _codecs.register = _wrapper


def _recording(register: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(register)
    def recording(search_function: Any, /) -> None:
        register(search_function)
        caller = _GET_FRAME(1)
        if _filename is not None and caller.f_code.co_filename == _filename:
            name = getattr(search_function, "__qualname__", None) or repr(search_function)
            _registered.append(
                (search_function, f"codecs search function {name} (line {caller.f_lineno})")
            )

    return recording
