"""A dictionary's version, read in one step, says whether anything changed it."""

from __future__ import annotations

import contextlib
import ctypes
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import dictversion, repowatch
from pytest_torchnotes.run.dictversion import VERSION

needs_version = pytest.mark.skipif(VERSION is None, reason="no version to read here")

KEYS = st.sampled_from(["a", "b", "c", "d"])
VALUES = st.sampled_from([None, 1, "x", ()])
#: Every way to change a dictionary in place, and reads that change nothing.
OPERATIONS = st.one_of(
    st.tuples(st.just("set"), KEYS, VALUES),
    st.tuples(st.just("delete"), KEYS, VALUES),
    st.tuples(st.just("pop"), KEYS, VALUES),
    st.tuples(st.just("setdefault"), KEYS, VALUES),
    st.tuples(st.just("update"), KEYS, VALUES),
    st.tuples(st.just("popitem"), KEYS, VALUES),
    st.tuples(st.just("clear"), KEYS, VALUES),
    st.tuples(st.just("read"), KEYS, VALUES),
)


def _apply(table: dict[str, Any], operation: tuple[str, str, Any]) -> None:
    name, key, value = operation
    if name == "set":
        table[key] = value
    elif name == "delete":
        with contextlib.suppress(KeyError):
            del table[key]
    elif name == "pop":
        table.pop(key, None)
    elif name == "setdefault":
        table.setdefault(key, value)
    elif name == "update":
        table.update({key: value})
    elif name == "popitem":
        if table:
            table.popitem()
    elif name == "clear":
        table.clear()
    else:
        _ = table.get(key), key in table, list(table.items())


def test_the_version_is_read_on_cpython_before_3_14() -> None:
    on_cpython = sys.implementation.name == "cpython" and sys.version_info < (3, 14)
    usual_build = not (
        hasattr(sys, "gettotalrefcount") or sysconfig.get_config_var("Py_GIL_DISABLED")
    )
    assert (VERSION is not None) is (on_cpython and usual_build)
    assert dictversion._reads_true() is (VERSION is not None)


@needs_version
@given(
    st.dictionaries(KEYS, VALUES),
    st.lists(OPERATIONS, max_size=6),
)
def test_the_same_version_means_the_same_entries(
    start: dict[str, Any], operations: list[tuple[str, str, Any]]
) -> None:
    assert VERSION is not None
    table = dict(start)
    before, entries = VERSION(table), list(table.items())
    for operation in operations:
        _apply(table, operation)
    if VERSION(table) == before:
        # The very same keys, in the same order, each with the very same object.
        assert [key for key, _ in entries] == list(table)
        assert all(table[key] is value for key, value in entries)
    elif not operations:
        pytest.fail("a version changed with nothing done")


@needs_version
def test_a_version_is_never_given_to_another_dictionary() -> None:
    assert VERSION is not None
    first: dict[str, Any] = {}
    second = dict(first)
    assert VERSION(first) != VERSION(second)
    first["a"] = 1
    second["a"] = 1
    assert len({VERSION(first), VERSION(second)}) == 2


@needs_version
def test_reading_a_version_raises_no_audit_event_of_a_note_reaching_memory(
    tmp_path: Path,
) -> None:
    """The session's own reads, at a note's end while its folder is watched, are not taken
    for the note reaching memory through ctypes (which makes the watch look at every entry
    of the folder, and under pytest-xdist blames the note for what changed there)."""
    assert VERSION is not None
    watch = repowatch.FolderWatch.of(str(tmp_path), "notes")
    watch.start()
    try:
        for table in ({}, sys.modules, sys.path_importer_cache, {"a": 1}):
            VERSION(table)
        assert watch.full is None
        ctypes.c_uint64.from_address(id(sys.modules))  # what did raise it
        assert watch.full is not None
    finally:
        watch.stop()


@needs_version
def test_the_views_kept_are_few_and_each_of_its_own_dictionary() -> None:
    assert VERSION is not None
    tables = [{"n": number} for number in range(3 * dictversion.KEPT)]
    versions = [VERSION(table) for table in tables]
    assert len(dictversion._VIEWS) <= dictversion.KEPT
    assert len(set(versions)) == len(tables)
    assert [VERSION(table) for table in tables] == versions
