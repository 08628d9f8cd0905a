"""The versions that decide what notes print, as the run report names them."""

from __future__ import annotations

import platform
import re
import sys
from pathlib import Path

from pytest_torchnotes.reporting.report import Environment


def environment() -> Environment:
    """The versions that decide what notes print.

    torch and numpy give their own versions when a note loaded them, the installed ones
    otherwise (a run where every note was skipped, or an xdist controller): torch's from its
    ``version.py``, which keeps the build's local part (``2.14.1+cu130``) that the
    distribution's metadata drops, so a process that loaded torch and one that did not record
    the same version. Whether CUDA is available is probed only when torch is loaded; a
    process that never loaded it (the crash report's, an xdist controller, a run whose
    every note was skipped) cannot tell, and says ``None``, never ``False``.
    """
    from importlib.metadata import PackageNotFoundError, version

    torch = sys.modules.get("torch")
    numpy = sys.modules.get("numpy")
    try:
        plugin = version("pytest-torchnotes")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        plugin = "unknown"
    cuda_available = None if torch is None else bool(torch.cuda.is_available())
    build = _torch_build() if torch is None else None
    return Environment(
        torch=str(torch.__version__) if torch is not None else build and build[0],
        python=platform.python_version(),
        numpy=str(numpy.__version__) if numpy is not None else _installed("numpy"),
        platform=platform.platform(),
        cuda_available=cuda_available,
        cuda=torch.version.cuda if torch is not None else build and build[1],
        plugin=plugin,
    )


#: The assignments of torch's generated ``version.py``: ``__version__ = '2.14.1+cu130'``.
TORCH_VERSION_LINE = re.compile(
    r"^(?P<name>__version__|cuda)(?:\s*:[^=]*)?\s*=\s*(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\")",
    re.MULTILINE,
)


def _torch_build() -> tuple[str | None, str | None]:
    """The installed torch's version and CUDA version, read without importing torch.

    Falls back to the distribution's version (and no CUDA) when ``version.py`` cannot be
    read, e.g. for a build that does not generate one."""
    from importlib.util import find_spec

    try:
        spec = find_spec("torch")
    except (ImportError, ValueError):
        spec = None
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            text = (Path(folder) / "version.py").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = {
            match["name"]: match["single"] if match["single"] is not None else match["double"]
            for match in TORCH_VERSION_LINE.finditer(text)
        }
        if "__version__" in found:
            return found["__version__"], found.get("cuda")
    return _installed("torch"), None


def _installed(distribution: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
