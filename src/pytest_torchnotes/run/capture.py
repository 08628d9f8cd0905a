"""Capture what a block writes: ``sys.stdout``/``sys.stderr`` and, cheaply, file descriptor 1.

Python-level writes (``print``, ``sys.stdout.write``, prints from called code) go to an
in-memory stream. Output written below Python, by C++ code or a child process, reaches file
descriptor 1; when fd capture is on it is redirected to a temporary file for the duration of
the block. Before each Python-level write, the C library's stdio buffers are flushed and
what reached the file since the last write is taken into the stream first, so the two kinds
of output keep the order in which they were written.
"""

from __future__ import annotations

import codecs
import ctypes
import functools
import io
import os
import sys
import tempfile
import threading
from types import TracebackType
from typing import Any

#: ``io.StringIO.write``, which a :class:`CaptureStream` writes its text with.
_STRING_WRITE = io.StringIO.write
#: The builtins a write calls, bound at import: a block that deletes them from ``builtins``
#: (``del builtins.isinstance``) still prints, as it would in a script.
_ISINSTANCE, _STR = isinstance, str


class CaptureStream(io.StringIO):
    """Text in memory that also takes bytes through ``.buffer``, like the real ``sys.stdout``.

    A ``StringIO`` costs a fraction of a ``TextIOWrapper`` over ``BytesIO``, and a block
    gets two of them. Text that UTF-8 cannot encode (a lone surrogate) is handled as a
    script's stream in a UTF-8 locale handles it: standard output raises
    ``UnicodeEncodeError`` (``errors="strict"``), standard error writes an escape
    (``errors="backslashreplace"``).
    """

    def __init__(self, errors: str = "strict") -> None:
        super().__init__()
        self._errors = errors
        self._encoding = "utf-8"

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    @property
    def errors(self) -> str:  # type: ignore[override]
        return self._errors

    def reconfigure(
        self, *, encoding: str | None = None, errors: str | None = None, **_: Any
    ) -> None:
        """``sys.stdout.reconfigure(encoding="utf-8")``, as notes written on Windows do: the
        block's text is then what that encoding and error handler let through."""
        if encoding is not None:
            self._encoding = codecs.lookup(encoding).name
        if errors is not None:
            self._errors = errors

    def write(self, text: str, /) -> int:
        if _ISINSTANCE(text, _STR) and not text.isascii():
            encoded = text.encode(self._encoding, self._errors)  # raises, with "strict"
            text = encoded.decode(self._encoding, "replace")
        return _STRING_WRITE(self, text)  # super().write, without making a super object

    @functools.cached_property
    def buffer(self) -> _BytesInto:  # type: ignore[override]
        return _BytesInto(self)

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        """A block that closes ``sys.stdout`` loses no output printed before: the text is
        kept, and :attr:`closed` tells the block's report what happened."""
        if not self.closed:
            self._kept = self.getvalue()
        super().close()

    def getvalue(self) -> str:
        return self._kept if self.closed else super().getvalue()

    def __del__(self) -> None:
        """Freed: no one reads the text any more, so it is not kept. (Left to ``IOBase``, a
        stream freed while open is closed first, and :meth:`close` copies its text.)"""


#: The interpreter's standard output as the session started, whose buffer is pushed to file
#: descriptor 1 before a block's capture starts: a note may close or replace
#: ``sys.__stdout__`` (it gets a stand-in of its own, :mod:`.stdstreams`).
SESSION_STDOUT = sys.__stdout__


class _InOrderStream(CaptureStream):
    """A :class:`CaptureStream` that takes in what reached fd 1 before each write."""

    def __init__(self, fd: FileDescriptorCapture) -> None:
        super().__init__()
        #: ``None`` once the block is over: a thread that still writes here must not take
        #: what the next block writes to fd 1.
        self.fd_capture: FileDescriptorCapture | None = fd

    def write(self, text: str) -> int:
        fd = self.fd_capture
        if fd is not None and fd.pending():  # most writes: nothing new on fd 1
            earlier = fd.drain()
            if earlier:
                CaptureStream.write(self, earlier)
        return CaptureStream.write(self, text)


class _BytesInto(io.RawIOBase):
    """The ``.buffer`` of a :class:`CaptureStream`: UTF-8 bytes decoded into its text."""

    def __init__(self, text: io.StringIO) -> None:
        super().__init__()
        self._text = text
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._text.write(self._decoder.decode(chunk))
        return len(chunk)


#: What a write during a block calls, as the interpreter has them: the block may have
#: replaced the module's (they are put back after it, run/between.py).
_LSEEK = os.lseek
_PREAD = os.pread
_SEEK_CUR = os.SEEK_CUR


@functools.cache
def _libc_fflush() -> Any:
    """``fflush`` from the C library, to push C stdio buffers before fd 1 is switched back."""
    if sys.platform == "win32":
        return None
    try:
        return ctypes.CDLL(None).fflush  # the running process's C library
    except (OSError, AttributeError):
        return None


class FileDescriptorCapture:
    """Redirect fd 1 into a temporary file while a block runs; reused across blocks."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the runner
        self._fd = self._file.fileno()
        self._fflush = _libc_fflush()
        self._saved: int | None = None
        #: How many bytes of the file were already taken by :meth:`drain`.
        self._read = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._lock = threading.Lock()  # two threads printing must not take a chunk twice
        #: Bytes that reached fd 1 while the last block ran (set by :meth:`stop`).
        self.took = 0

    def start(self) -> None:
        self._flush()
        self._saved = os.dup(1)
        os.dup2(self._fd, 1)

    def held(self) -> tuple[int, ...]:
        """The descriptors this capture holds now: its file, and fd 1 as it was while a
        block runs."""
        return (self._fd,) if self._saved is None else (self._fd, self._saved)

    def pending(self) -> bool:
        """Whether fd 1 took bytes since the last :meth:`drain`, C stdio buffers flushed
        first: a flush and one ``lseek``, without the lock (:meth:`drain` looks again)."""
        if self._fflush is not None:
            self._fflush(None)
        return _LSEEK(self._fd, 0, _SEEK_CUR) > self._read

    def drain(self) -> str:
        """What reached fd 1 since the last call, C stdio buffers flushed first."""
        self._flush()
        with self._lock:
            # fd 1 shares the file's offset: where the next write to it will land.
            size = _LSEEK(self._fd, 0, _SEEK_CUR)
            if size <= self._read:
                return ""
            data = _PREAD(self._fd, size - self._read, self._read)
            self._read += len(data)
            return self._decoder.decode(data)

    def stop(self) -> str:
        """Switch fd 1 back; return what was written to it since the last :meth:`drain`."""
        self._flush()
        if self._saved is not None:
            os.dup2(self._saved, 1)
            os.close(self._saved)
            self._saved = None
        text = self.drain() + self._decoder.decode(b"", final=True)
        self.took = self._read
        if self._read:
            os.ftruncate(self._fd, 0)  # empty, and writing from the start, for the next block
            os.lseek(self._fd, 0, os.SEEK_SET)
            self._read = 0
        return text

    def _flush(self) -> None:
        if self._fflush is not None:
            self._fflush(None)

    def close(self) -> None:
        self._file.close()


#: What ``breakpoint()`` raises in a block.
NO_DEBUGGER = (
    "breakpoint() was called, but a note runs without a terminal to debug in: remove the "
    "call (or set PYTHONBREAKPOINT=0 to pass over it)"
)


def no_debugger(*args: Any, **kwargs: Any) -> None:
    """``sys.breakpointhook`` while a block runs: no debugger can read commands, so say so
    where the block called it, rather than start one that quits at once."""
    if os.environ.get("PYTHONBREAKPOINT") != "0":
        raise RuntimeError(NO_DEBUGGER)


class BlockCapture:
    """Context manager: capture one block's stdout and stderr, and give it an empty stdin.

    A note is not interactive: ``input()`` in a block raises ``EOFError`` at once instead of
    waiting for a keyboard, whether or not pytest captures output (``-s``), and
    ``breakpoint()`` raises :data:`NO_DEBUGGER`.
    """

    def __init__(self, fd: FileDescriptorCapture | None = None) -> None:
        self.fd = fd
        self.stdout = CaptureStream() if fd is None else _InOrderStream(fd)
        self.stderr = CaptureStream("backslashreplace")
        self.fd_output = ""
        #: Bytes that reached fd 1 while the block ran.
        self.fd_took = 0

    def __enter__(self) -> BlockCapture:
        self._saved = (sys.stdout, sys.stderr, sys.stdin)
        self._hook = sys.breakpointhook
        sys.breakpointhook = no_debugger
        if self.fd is not None:
            if SESSION_STDOUT is not None:
                SESSION_STDOUT.flush()
            self.fd.start()
        sys.stdout, sys.stderr, sys.stdin = self.stdout, self.stderr, io.StringIO()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        sys.stdout, sys.stderr, sys.stdin = self._saved
        if sys.breakpointhook is no_debugger:  # a block that set its own keeps it
            sys.breakpointhook = self._hook
        if isinstance(self.stdout, _InOrderStream):
            self.stdout.fd_capture = None
        if self.fd is not None:
            self.fd_output = self.fd.stop()
            self.fd_took = self.fd.took

    def closed(self) -> str | None:
        """``sys.stdout`` or ``sys.stderr`` if the block closed it."""
        if self.stdout.closed:
            return "sys.stdout"
        if self.stderr.closed:
            return "sys.stderr"
        return None

    @property
    def out(self) -> str:
        """Everything written to stdout, Python-level and fd-level, in the order written."""
        return self.stdout.getvalue() + self.fd_output

    @property
    def err(self) -> str:
        return self.stderr.getvalue()
