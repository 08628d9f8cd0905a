"""torch.distributed's store waits, kept within the running block's time limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

dist = pytest.importorskip("torch.distributed")
if not dist.is_available():  # pragma: no cover - a build without torch.distributed
    pytest.skip("torch.distributed is not built in", allow_module_level=True)

from pytest_torchnotes.run import storewaits  # noqa: E402


@pytest.fixture
def left() -> Iterator[None]:
    """A block with 0.2 s left to its time limit."""
    storewaits.install()
    ends = time.monotonic() + 0.2
    storewaits.lend(lambda: ends - time.monotonic())
    try:
        yield
    finally:
        storewaits.lend(None)


@pytest.mark.parametrize(
    "call",
    [
        lambda store: store.get("missing"),
        lambda store: store.multi_get(["missing"]),
        lambda store: store.wait(["missing"]),
        lambda store: store.wait(["missing"], timedelta(minutes=5)),
        lambda store: store.wait(["missing"], timedelta(0)),  # zero: for ever
    ],
)
def test_a_wait_longer_than_the_time_left_ends_with_it(left: None, call: object) -> None:
    store = dist.HashStore()
    started = time.monotonic()
    with pytest.raises(dist.DistStoreError):
        call(store)  # type: ignore[operator]
    assert time.monotonic() - started < 0.2 + storewaits.MARGIN + 2
    assert store.timeout == timedelta(minutes=5)  # its own timeout put back
    assert storewaits.hint().startswith("the block was waiting in torch.distributed's HashStore.")
    assert "<!-- torchnotes: skip needs another process -->" in storewaits.hint()


def test_a_wait_that_ends_in_time_is_left_as_it_is(left: None) -> None:
    store = dist.HashStore()
    store.set_timeout(timedelta(milliseconds=50))
    with pytest.raises(dist.DistStoreError):
        store.get("missing")
    store.set("key", "value")
    assert store.get("key") == b"value"
    assert store.timeout == timedelta(milliseconds=50)
    assert storewaits.hint() == ""  # no wait was cut: a time limit is no store's doing


def test_outside_a_time_limit_a_wait_is_not_touched() -> None:
    class Store:
        timeout = timedelta(minutes=5)

        def set_timeout(self, timeout: timedelta) -> None:
            raise AssertionError("the timeout was changed")

    wait = storewaits._bounded(lambda store, key: f"got {key}", "get")
    storewaits.lend(None)
    assert wait(Store(), "key") == "got key"
    storewaits.lend(lambda: 1.0)
    try:
        with pytest.raises(AssertionError, match="the timeout was changed"):
            wait(Store(), "key")
    finally:
        storewaits.lend(None)
