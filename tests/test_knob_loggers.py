"""The logger settings knob: a reading of the same loggers takes the names and loggers of the
reading before and compares as lists; any other change compares by name, as before."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_torchnotes.run.dictversion import VERSION
from pytest_torchnotes.run.knobs import loggers

PREFIX = "torchnotes_test_knob_loggers"


def by_name_walked() -> dict[str, tuple[bool, int, bool]]:
    """What the knob read before: every logger of the manager walked, by name."""
    return {
        name: (logger.disabled, logger.level, logger.propagate)
        for name, logger in list(logging.root.manager.loggerDict.items())
        if isinstance(logger, logging.Logger)
    }


@pytest.fixture(autouse=True)
def forget_test_loggers() -> Iterator[None]:
    yield
    manager = logging.root.manager.loggerDict
    for name in [name for name in manager if str(name).startswith(PREFIX)]:
        del manager[name]


def test_a_reading_of_the_same_loggers_takes_the_names_of_the_one_before() -> None:
    first = loggers.read()
    second = loggers.read()
    assert second.names is first.names
    assert second.loggers is first.loggers
    assert second == first
    assert second.by_name() == by_name_walked()


def test_a_new_logger_is_walked_and_compared_by_name() -> None:
    first = loggers.read()
    logging.getLogger(f"{PREFIX}.new")
    second = loggers.read()
    assert second.names is not first.names
    assert second != first
    assert second.by_name() == by_name_walked()


class EqualsAnything:
    """An entry a note put into the manager whose ``__eq__`` says yes to everything."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def test_an_entry_that_claims_to_equal_a_logger_is_not_taken_for_it() -> None:
    name = f"{PREFIX}.replaced"
    logging.getLogger(name)
    first = loggers.read()
    logging.root.manager.loggerDict[name] = EqualsAnything()  # type: ignore[assignment]
    second = loggers.read()
    assert second != first
    assert name not in second.by_name()


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["new", "level", "disabled", "propagate", "placeholder", "remove"]),
        st.integers(0, 4),
        st.sampled_from([0, 10, 20, 50]),
    ),
    max_size=8,
)


def _apply(operation: str, index: int, level: int) -> None:
    name = f"{PREFIX}.{index}"
    manager: dict[str, Any] = logging.root.manager.loggerDict
    logger = manager.get(name)
    if operation == "new":
        logging.getLogger(name)
    elif operation == "placeholder":
        manager[name] = logging.PlaceHolder(logging.getLogger(PREFIX))
    elif operation == "remove":
        manager.pop(name, None)
    elif isinstance(logger, logging.Logger):
        if operation == "level":
            logger.setLevel(level)
        elif operation == "disabled":
            logger.disabled = not logger.disabled
        else:
            logger.propagate = not logger.propagate


@settings(max_examples=150, deadline=None)
@given(before=OPERATIONS, during=OPERATIONS)
def test_readings_compare_as_the_walk_by_name_does_and_restore_puts_the_settings_back(
    before: list[tuple[str, int, int]], during: list[tuple[str, int, int]]
) -> None:
    try:
        for operation in before:
            _apply(*operation)
        saved, walked = loggers.read(), by_name_walked()
        for operation in during:
            _apply(*operation)
        now = loggers.read()
        assert now.by_name() == by_name_walked()
        assert (now == saved) == (by_name_walked() == walked)
        loggers.restore(saved)
        after = by_name_walked()
        assert {name: after[name] for name in walked if name in after} == {
            name: walked[name] for name in walked if name in after
        }
    finally:
        manager = logging.root.manager.loggerDict
        for name in [name for name in manager if str(name).startswith(PREFIX)]:
            del manager[name]


@pytest.mark.skipif(VERSION is None, reason="no version to read here")
def test_a_manager_of_the_same_version_is_not_listed_and_a_renamed_entry_is_seen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = f"{PREFIX}.kept"
    logging.getLogger(name).setLevel(10)
    first = loggers.read()
    with monkeypatch.context() as patched:  # the entries are not listed and compared
        patched.setattr(loggers, "_same_objects", None)
        logging.getLogger(name).setLevel(30)  # a setting: no change of the manager
        second = loggers.read()
    assert second.names is first.names
    assert second != first
    assert second.by_name()[name] == (False, 30, True)
    manager: dict[str, Any] = logging.root.manager.loggerDict
    manager[f"{PREFIX}.renamed"] = manager.pop(name)  # the same logger under another name
    third = loggers.read()
    assert third.by_name() == by_name_walked()
    assert name not in third.by_name()
