"""Capture what a block writes: ``sys.stdout``/``sys.stderr`` and, cheaply, file descriptor 1.

Python-level writes (``print``, ``sys.stdout.write``, prints from called code) go to an
in-memory stream. Output written below Python, by C++ code or a child process, reaches file
descriptor 1; when fd capture is on it is redirected to a temporary file for the duration of
the block and appended after the Python-level output.
"""

from __future__ import annotations

import ctypes
import functools
import io
import os
import sys
import tempfile
from types import TracebackType
from typing import Any


class CaptureStream(io.TextIOWrapper):
    """A text stream over bytes in memory, with ``.buffer`` like the real ``sys.stdout``."""

    def __init__(self) -> None:
        super().__init__(
            io.BytesIO(), encoding="utf-8", errors="replace", newline="", write_through=True
        )

    def getvalue(self) -> str:
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue().decode("utf-8", errors="replace")

    def isatty(self) -> bool:
        return False


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
        self._fflush = _libc_fflush()
        self._saved: int | None = None

    def start(self) -> None:
        self._flush()
        self._file.seek(0)
        self._file.truncate()
        self._saved = os.dup(1)
        os.dup2(self._file.fileno(), 1)

    def stop(self) -> str:
        self._flush()
        if self._saved is not None:
            os.dup2(self._saved, 1)
            os.close(self._saved)
            self._saved = None
        size = os.fstat(self._file.fileno()).st_size
        if not size:
            return ""
        return os.pread(self._file.fileno(), size, 0).decode("utf-8", errors="replace")

    def _flush(self) -> None:
        if self._fflush is not None:
            self._fflush(None)

    def close(self) -> None:
        self._file.close()


class BlockCapture:
    """Context manager: capture one block's stdout and stderr."""

    def __init__(self, fd: FileDescriptorCapture | None = None) -> None:
        self.fd = fd
        self.stdout = CaptureStream()
        self.stderr = CaptureStream()
        self.fd_output = ""

    def __enter__(self) -> BlockCapture:
        self._saved = (sys.stdout, sys.stderr)
        if self.fd is not None:
            if sys.__stdout__ is not None:
                sys.__stdout__.flush()
            self.fd.start()
        sys.stdout, sys.stderr = self.stdout, self.stderr
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        sys.stdout, sys.stderr = self._saved
        if self.fd is not None:
            self.fd_output = self.fd.stop()

    @property
    def out(self) -> str:
        """Everything written to stdout: Python-level first, then fd-level."""
        return self.stdout.getvalue() + self.fd_output

    @property
    def err(self) -> str:
        return self.stderr.getvalue()
