"""``requires`` specs: what a block needs from the environment, and whether it has it.

A spec is one word, parsed as data (nothing is evaluated)::

    torch>=2.1        python<3.10       numpy>=1.24,<3     torchinfo
    module:torchinfo  cuda              mps                platform:linux
    network
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import platform
import re
import sys
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as PackagingRequirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from pytest_torchnotes.markdown import networkprobe

#: ``module:NAME`` with a dotted module name.
MODULE_SPEC = re.compile(r"module:(?P<name>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)$")

#: ``platform:NAME`` where NAME is a prefix of ``sys.platform`` (linux, darwin, win32).
PLATFORM_SPEC = re.compile(r"platform:(?P<name>[a-z0-9]+)$")

#: ``cuda>=12.1`` asks for a CUDA build of at least that version with a usable GPU.
DEVICE_SPEC = re.compile(r"(?P<name>cuda|mps|xpu)(?P<specifier>[<>=!~].*)?$")


#: ``network``: the block downloads (a dataset, pretrained weights, a hub model).
NETWORK_SPEC = "network"

#: Where ``network`` is checked: a host that the downloads of PyTorch's own notes reach, and
#: how long looking its name up and connecting to it may take before the network counts as
#: absent.
NETWORK_PROBE = ("download.pytorch.org", 443)
NETWORK_TIMEOUT_S = 3.0


class RequirementError(ValueError):
    """A ``requires`` word that cannot be understood."""


@dataclass(frozen=True)
class Requirement:
    """One parsed ``requires`` word."""

    text: str
    #: ``distribution``, ``python``, ``module``, ``device``, ``platform`` or ``network``.
    kind: str
    name: str
    specifier: SpecifierSet | None = None


def parse_requirement(text: str) -> Requirement:
    """Parse one ``requires`` word; raise :class:`RequirementError` with a readable reason.

    >>> parse_requirement("torch>=2.1").specifier
    <SpecifierSet('>=2.1')>
    >>> parse_requirement("module:torchinfo").kind
    'module'
    """
    if text == NETWORK_SPEC:
        return Requirement(text, "network", text)
    if match := MODULE_SPEC.match(text):
        return Requirement(text, "module", match.group("name"))
    if match := PLATFORM_SPEC.match(text):
        return Requirement(text, "platform", match.group("name"))
    if match := DEVICE_SPEC.match(text):
        specifier = match.group("specifier")
        if specifier and match.group("name") != "cuda":
            raise RequirementError(f"{text!r}: only cuda takes a version")
        return Requirement(
            text, "device", match.group("name"), _specifier(text, specifier) if specifier else None
        )
    if text.startswith(("module:", "platform:")):
        raise RequirementError(f"{text!r}: expected module:NAME or platform:NAME")
    try:
        parsed = PackagingRequirement(text)
    except InvalidRequirement as error:
        reason = str(error).splitlines()[0]
        raise RequirementError(f"{text!r} is not a valid requirement: {reason}") from None
    if parsed.marker is not None or parsed.extras or parsed.url:
        raise RequirementError(f"{text!r}: only NAME and a version specifier are allowed")
    name = parsed.name.lower()
    kind = "python" if name == "python" else "distribution"
    return Requirement(text, kind, name, parsed.specifier or None)


def _specifier(text: str, specifier: str) -> SpecifierSet:
    try:
        return SpecifierSet(specifier)
    except ValueError:
        raise RequirementError(f"{text!r}: {specifier!r} is not a version specifier") from None


def unmet_reason(requirement: Requirement) -> str | None:
    """Why ``requirement`` is not met here, or ``None`` when it is."""
    if requirement.kind == "module":
        return (
            None
            if _module_available(requirement.name)
            else (f"requires {requirement.text}: module {requirement.name!r} is not installed")
        )
    if requirement.kind == "platform":
        if sys.platform.startswith(requirement.name):
            return None
        return f"requires {requirement.text}: running on {sys.platform}"
    if requirement.kind == "device":
        return _device_reason(requirement)
    if requirement.kind == "network":
        reason = _network_reason()
        return None if reason is None else f"requires network: {reason}"
    installed = (
        platform.python_version()
        if requirement.kind == "python"
        else installed_version(requirement.name)
    )
    if installed is None:
        return f"requires {requirement.text}: {requirement.name} is not installed"
    if requirement.specifier is None or _contains(requirement.specifier, installed):
        return None
    return f"requires {requirement.text}: {requirement.name} {installed} is installed"


def _contains(specifier: SpecifierSet, version: str) -> bool:
    """Whether ``version`` satisfies ``specifier``, comparing its base version (a nightly
    ``2.13.0.dev20260101``, a source build ``2.13.0a0+git1234`` and a local build
    ``2.13.0+cpu`` count as 2.13.0), unless the specifier itself names a pre-release or a
    local label.

    >>> _contains(SpecifierSet(">=2.13"), "2.13.0.dev20260101")
    True
    >>> _contains(SpecifierSet("<2.13"), "2.13.0a0+git1234")
    False
    """
    try:
        parsed = Version(version)
    except InvalidVersion:
        return False
    if any(_is_precise(spec.version) for spec in specifier):
        return specifier.contains(parsed, prereleases=True)
    return specifier.contains(Version(parsed.base_version), prereleases=True)


def _is_precise(text: str) -> bool:
    """A specifier version that names a pre-release or a local label (``2.13.0.dev5``)."""
    try:
        version = Version(text.removesuffix(".*"))
    except InvalidVersion:
        return False
    return version.is_prerelease or version.is_postrelease or version.local is not None


def installed_version(name: str) -> str | None:
    """Installed version of a distribution; torch's own ``__version__`` when it is loaded."""
    if name == "torch" and "torch" in sys.modules:
        return str(sys.modules["torch"].__version__)
    return _distribution_version(name)


@functools.cache
def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def _module_available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _device_reason(requirement: Requirement) -> str | None:
    import torch

    if requirement.name == "mps":
        backend = getattr(torch.backends, "mps", None)
        available = backend is not None and backend.is_available()
        return None if available else f"requires {requirement.text}: no MPS device"
    if requirement.name == "xpu":
        xpu = getattr(torch, "xpu", None)
        available = xpu is not None and xpu.is_available()
        return None if available else f"requires {requirement.text}: no XPU device"
    if not torch.cuda.is_available():
        return f"requires {requirement.text}: no CUDA device"
    if requirement.specifier is not None:
        version = torch.version.cuda or "0"
        if not _contains(requirement.specifier, version):
            return f"requires {requirement.text}: CUDA {version}"
    return None


@functools.cache
def _network_reason() -> str | None:
    """Why the network is not reachable from here (checked once per process: a connection
    to :data:`NETWORK_PROBE`, its name's lookup included, within
    :data:`NETWORK_TIMEOUT_S`), or ``None`` when it is."""
    why = networkprobe.unreachable(*NETWORK_PROBE, NETWORK_TIMEOUT_S)
    return None if why is None else f"{NETWORK_PROBE[0]} cannot be reached ({why})"
