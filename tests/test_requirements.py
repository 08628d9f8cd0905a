"""``requires`` specs and how they are checked against the running environment."""

from __future__ import annotations

import platform
import socket
import sys
import threading
import time

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from pytest_torchnotes.markdown import networkprobe
from pytest_torchnotes.markdown import requirements as r
from pytest_torchnotes.markdown.requirements import _contains


def reason(text: str) -> str | None:
    return r.unmet_reason(r.parse_requirement(text))


def test_met_requirements() -> None:
    assert reason("torch>=2.1") is None
    assert reason("torch") is None
    assert reason(f"python>={platform.python_version()}") is None
    assert reason("module:torchinfo") is None
    assert reason("numpy>=1.0,<100") is None
    assert reason(f"platform:{sys.platform[:3]}") is None


def test_unmet_requirements_say_what_is_installed() -> None:
    assert reason("torch<2.0") == f"requires torch<2.0: torch {torch.__version__} is installed"
    assert reason("python<3.0") == (
        f"requires python<3.0: python {platform.python_version()} is installed"
    )
    assert reason("module:no_such_module_xyz") == (
        "requires module:no_such_module_xyz: module 'no_such_module_xyz' is not installed"
    )
    assert reason("no-such-dist>=1") == "requires no-such-dist>=1: no-such-dist is not installed"
    assert reason("platform:plan9") == f"requires platform:plan9: running on {sys.platform}"


def test_local_version_label_does_not_make_torch_older(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch, "__version__", "2.13.0+cu121")
    assert reason("torch>=2.13") is None
    assert reason("torch==2.13.0") is None
    monkeypatch.setattr(torch, "__version__", "2.14.0.dev20260101")
    assert reason("torch>=2.13") is None
    monkeypatch.setattr(torch, "__version__", "not a version")
    assert reason("torch>=2.13") == "requires torch>=2.13: torch not a version is installed"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the machine without CUDA")
def test_devices_without_cuda() -> None:
    assert reason("cuda") == "requires cuda: no CUDA device"
    assert reason("cuda>=12") == "requires cuda>=12: no CUDA device"


def test_mps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert reason("mps") == "requires mps: no MPS device"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert reason("mps") is None


def test_cuda_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.version, "cuda", "12.1")
    assert reason("cuda") is None
    assert reason("cuda>=12") is None
    assert reason("cuda>=13") == "requires cuda>=13: CUDA 12.1"


def test_parse_kinds() -> None:
    assert r.parse_requirement("Torch>=2").name == "torch"
    assert r.parse_requirement("platform:linux").kind == "platform"
    assert r.parse_requirement("module:a.b_c").name == "a.b_c"


def test_installed_version_of_a_distribution() -> None:
    assert r.installed_version("numpy") is not None
    assert r.installed_version("no-such-dist-xyz") is None


BUILDS = st.sampled_from(
    ["", "+cpu", "+cu121", ".dev20260101", "a0+git1234", "rc1", "b2", ".dev0+cpu", ".post1"]
)


@given(
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=3),
    BUILDS,
)
def test_every_build_of_a_release_counts_as_that_release(
    major: int, minor: int, patch: int, build: str
) -> None:
    """``requires torch>=X.Y`` holds for nightlies, source and local builds of X.Y.Z."""
    installed = f"{major}.{minor}.{patch}{build}"
    assert _contains(SpecifierSet(f">={major}.{minor}"), installed), installed
    assert _contains(SpecifierSet(f">={major}.{minor}.{patch}"), installed), installed
    assert _contains(SpecifierSet(f"=={major}.{minor}.*"), installed), installed
    assert _contains(SpecifierSet(f"~={major}.{minor}.{patch}"), installed), installed
    assert not _contains(SpecifierSet(f"<{major}.{minor}.{patch}"), installed), installed
    assert not _contains(SpecifierSet(f">{major}.{minor}.{patch}"), installed), installed
    assert not _contains(SpecifierSet(f">={major}.{minor + 1}"), installed), installed


def test_a_specifier_that_names_a_build_compares_the_whole_version() -> None:
    assert _contains(SpecifierSet(">=2.13.0.dev20260105"), "2.13.0.dev20260107")
    assert not _contains(SpecifierSet(">=2.13.0.dev20260105"), "2.13.0.dev20260101")
    assert _contains(SpecifierSet("==2.13.0+cpu"), "2.13.0+cpu")
    assert not _contains(SpecifierSet("==2.13.0+cpu"), "2.13.0+cu121")
    assert not _contains(SpecifierSet("===nightly"), "2.13.0")


@pytest.mark.parametrize(
    "version", ["2.13.0.dev20260101", "2.13.0a0+git1234", "2.13.0+cpu", "2.13.0rc1"]
)
def test_requires_torch_holds_for_builds_of_the_release(
    monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    monkeypatch.setattr(torch, "__version__", version)
    assert reason("torch>=2.13") is None
    assert reason("torch<2.13") == f"requires torch<2.13: torch {version} is installed"


@pytest.mark.parametrize(
    ("connect", "reason"),
    [
        (None, None),
        (
            OSError(-2, "Name or service not known"),
            "requires network: download.pytorch.org cannot be reached (Name or service not known)",
        ),
        (
            TimeoutError("timed out"),
            "requires network: download.pytorch.org cannot be reached (timed out)",
        ),
    ],
)
def test_network_is_a_connection_that_can_be_made(
    monkeypatch: pytest.MonkeyPatch, connect: OSError | None, reason: str | None
) -> None:
    """A download (a dataset, pretrained weights) needs the network; it is checked once per
    process, with one lookup and one connection."""
    looked_up: list[tuple[str, int]] = []
    connected: list[object] = []

    def getaddrinfo(host: str, port: int, *args: object) -> list[tuple[object, ...]]:
        looked_up.append((host, port))
        if isinstance(connect, OSError) and connect.errno == -2:
            raise connect
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.1", port))]

    class Connection:
        def __init__(self, *args: object) -> None:
            pass

        def __enter__(self) -> Connection:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def settimeout(self, seconds: float) -> None:
            assert 0 < seconds <= r.NETWORK_TIMEOUT_S

        def connect(self, address: object) -> None:
            connected.append(address)
            if connect is not None:
                raise connect

    monkeypatch.setattr(networkprobe, "GETADDRINFO", getaddrinfo)
    monkeypatch.setattr(networkprobe, "SOCKET", Connection)
    r._network_reason.cache_clear()
    try:
        requirement = r.parse_requirement("network")
        assert requirement.kind == "network"
        assert r.unmet_reason(requirement) == reason
        assert r.unmet_reason(requirement) == reason
        assert looked_up == [r.NETWORK_PROBE]
    finally:
        r._network_reason.cache_clear()


def test_a_lookup_of_the_network_s_host_that_hangs_is_bounded_and_asked_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The connection had a time limit, the lookup of the host's name before it none: a
    # resolver that never answers held the note (and every later one that asked) until the
    # block's limit.
    release = threading.Event()
    calls: list[str] = []

    def hanging(host: str, *args: object) -> list[tuple[object, ...]]:
        calls.append(host)
        release.wait(30)
        raise OSError(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(networkprobe, "GETADDRINFO", hanging)
    monkeypatch.setattr(r, "NETWORK_TIMEOUT_S", 0.2)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a: pytest.fail("the note's stand-in"))
    r._network_reason.cache_clear()
    try:
        before = set(threading.enumerate())
        started = time.monotonic()
        first = r.unmet_reason(r.parse_requirement("network"))
        second = r.unmet_reason(r.parse_requirement("network"))
        took = time.monotonic() - started
        assert set(threading.enumerate()) <= before  # no note is blamed for the lookup
    finally:
        release.set()
        r._network_reason.cache_clear()
    assert (
        first
        == second
        == (
            "requires network: download.pytorch.org cannot be reached "
            "(its name was not looked up within 0.2 s)"
        )
    )
    assert took < 2
    assert calls == ["download.pytorch.org"]
