"""The module a library's own words about a missing package name.

A library that imports an optional package and fails may raise a ``ModuleNotFoundError`` of
its own, naming the package as ``pip`` knows it rather than the module:
torch.cuda.utilization says ``nvidia-ml-py does not seem to be installed`` (the module is
``pynvml``), torch.utils.data ``Please use `pip install Pillow` `` (``PIL``). The
``requires module:`` directive takes the module.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable

from pytest_torchnotes.notelines import location
from pytest_torchnotes.run.errors import WarningInfo

#: Where such words name the package: ``X does not seem to be installed``, ``X is not
#: installed``, ``pip install X``, ``requires the 'X' package``, ``Package `X` is
#: required``, ``Please install X``.
PACKAGE_NAMED = re.compile(
    r"(?P<seem>[A-Za-z][\w.-]*) does not seem to be installed"
    r"|(?P<isnot>[A-Za-z][\w.-]*) is not installed"
    r"|pip install (?P<pip>[A-Za-z][\w.-]*)"
    r"|requires the '(?P<quoted>[A-Za-z][\w.-]*)' package"
    r"|Package `(?P<ticked>[A-Za-z][\w.-]*)` is required"
    r"|Please install (?P<install>[A-Za-z][\w.-]*)"
)

#: The module of each package whose module has another name (lower-case package names).
MODULE_OF_PACKAGE = {
    "nvidia-ml-py": "pynvml",
    "nvidia-ml-py3": "pynvml",
    "pillow": "PIL",
    "apache-tvm": "tvm",
    "cuda-python": "cuda",
    "scikit-learn": "sklearn",
    "opencv-python": "cv2",
    "pyyaml": "yaml",
    "protobuf": "google.protobuf",
}

#: A package name that is its module's name too.
MODULE_NAME = re.compile(r"[A-Za-z_]\w*")


def module_named_by(message: str) -> str | None:
    """The module of the package the words ``message`` say is missing; ``None`` when they
    name none, or one whose module cannot be told.

    >>> module_named_by("nvidia-ml-py does not seem to be installed or it can't be imported.")
    'pynvml'
    >>> module_named_by("Please use `pip install scipy`"), module_named_by("bad value")
    ('scipy', None)
    """
    found = PACKAGE_NAMED.search(message)
    if found is None:
        return None
    package = next(name for name in found.groups() if name is not None).rstrip(".")
    module = MODULE_OF_PACKAGE.get(package.lower())
    if module is not None:
        return module
    return package if MODULE_NAME.fullmatch(package) else None


def warned_missing_hint(warnings: Iterable[WarningInfo]) -> str | None:
    """The directive for a block that failed after a library warned that a package it would
    use is not installed, and went on without it (``torch.jit.script``'s ``example_inputs``
    without MonkeyType: ``Warning: monkeytype is not installed``, then the script's types
    are wrong); ``None`` when no warning names a module that cannot be imported here. Asked
    only of a block that failed.

    >>> warned = WarningInfo("UserWarning", "Warning: monkeytype is not installed. Please "
    ...     "install https://github.com/Instagram/MonkeyType", "_script.py", 1, "n.md", 4)
    >>> print(warned_missing_hint([warned]).replace(": ", ":\\n"))
    n.md:5 warned that the module monkeytype is not installed:
    install it, or mark the block <!-- torchnotes:
    requires module:monkeytype -->
    """
    for warning in warnings:
        if "install" not in warning.message:
            continue
        module = module_named_by(warning.message)
        if module is None or _importable(module):
            continue
        where = (
            "a library"
            if warning.note_line_index is None
            else location(warning.note, warning.note_line_index)
        )
        return (
            f"{where} warned that the module {module} is not installed: install it, or mark "
            f"the block <!-- torchnotes: requires module:{module} -->"
        )
    return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
