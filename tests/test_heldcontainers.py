"""Containers held by imported modules that a note changes in place: the targets read off
its code, the containers they reach, and what the guard puts back."""

from __future__ import annotations

import collections
import decimal
import doctest
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_torchnotes.run import containertargets, heldcontainers
from pytest_torchnotes.run.containertargets import changed_targets
from pytest_torchnotes.run.heldcontainers import ContainerGuard, find_containers, guard


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(heldcontainers).failed == 0
    assert doctest.testmod(containertargets).failed == 0


@pytest.fixture
def library() -> Iterator[types.ModuleType]:
    """A module imported before the note, holding containers."""
    module = types.ModuleType("rt17containers")
    module.table = {"a": 1}  # type: ignore[attr-defined]
    module.names = ["x"]  # type: ignore[attr-defined]
    module.seen = {1, 2}  # type: ignore[attr-defined]
    module.queue = collections.deque([1])  # type: ignore[attr-defined]
    module.limit = 3  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


@pytest.mark.parametrize(
    ("code", "targets"),
    [
        ("a.b['k'] = 1", {"a.b"}),
        ("a.b[k[0]] += 1", {"a.b"}),
        ("del a.b[0]", {"a.b"}),
        ("a.b.setdefault(k, 1)\nc.d.appendleft(2)", {"a.b", "c.d"}),
        ("a.b |= {1}\nc -= 1", {"a.b", "c"}),
        ("x[0][1] = 2\nf()[0] = 1\nf().append(1)", set()),  # reached through a call or item
        ("y = x[0]\nif x[0] == 1: pass\nprint(a.b[0], a.b.get(1))", set()),  # read only
        # the name written out, read by the guard through containertargets.spelled_out
        ("getattr(a.b, 'c')['k'] = 1", {"a.b.c"}),
    ],
)
def test_the_targets_a_note_changes_in_place(code: str, targets: set[str]) -> None:
    assert changed_targets(containertargets.spelled_out(code)) == targets


def test_a_line_of_many_subscripts_is_read_back_a_bounded_way() -> None:
    # each match reads back at most TARGET_REACH characters, not to the line's start
    assert changed_targets("x" + "[0]" * 100 + " = 1;" + "a.b[0] = 1;" * 2000) == {"a.b"}


def _paths(found: list[tuple[str, Any]]) -> set[str]:
    return {path for path, _ in found}


def test_the_containers_reached_directly_and_through_what_the_code_binds(
    library: types.ModuleType,
) -> None:
    code = (
        "from rt17containers import names as N\nimport rt17containers as lib\n"
        "q = lib.queue\nN.append(1)\nlib.seen.add(3)\nq.append(2)\nlib.limit += 1\n"
        "rt17containers.table['b'] = 2\nmine = {}\nmine['c'] = 3"
    )
    found = find_containers(changed_targets(code), code)
    assert _paths(found) == {
        "rt17containers.names",
        "rt17containers.seen",
        "rt17containers.queue",
        "rt17containers.table",
    }


def test_a_container_reached_by_a_name_written_out_is_guarded(
    library: types.ModuleType,
) -> None:
    code = (
        "import rt17containers as lib\ngetattr(lib, 'table')['b'] = 2\n"
        "vars(rt17containers)['names'].append(1)\nq = getattr(lib, 'queue')\nq.clear()\n"
        "getattr(lib, name)['c'] = 3"  # a computed name: not read
    )
    guarded = guard(code)
    assert guarded is not None
    assert {path for path, *_ in guarded.saved} == {
        "rt17containers.table",
        "rt17containers.names",
        "rt17containers.queue",
    }


def test_the_dict_of_an_object_is_a_container_and_a_module_s_is_not(
    library: types.ModuleType,
) -> None:
    library.settings = types.SimpleNamespace(size=3)  # type: ignore[attr-defined]
    code = "vars(rt17containers.settings).update(size=9)\nvars(rt17containers).update(x=1)"
    guarded = guard(code)
    assert guarded is not None
    [(path, held, _)] = guarded.saved
    assert (path, held) == ("rt17containers.settings.__dict__", vars(library.settings))


def test_what_other_guards_own_is_left_to_them() -> None:
    code = (
        "sys.modules['x'] = m\nsys.path_importer_cache['/x'] = None\nsys.argv.append('-v')\n"
        "threading._active.clear()\nthreading._limbo[t] = t"
    )
    assert _paths(find_containers(changed_targets(code), code)) == {"sys.argv"}


def test_an_attribute_of_a_c_object_without_a_dict_is_read_by_its_own_getter() -> None:
    code = "decimal.DefaultContext.traps[decimal.Inexact] = True"
    [(path, traps)] = find_containers(changed_targets(code), code)
    assert path == "decimal.DefaultContext.traps"
    assert traps is decimal.DefaultContext.traps


def test_the_guard_puts_back_what_changed_and_names_it(library: types.ModuleType) -> None:
    targets = ["rt17containers.table", "rt17containers.names", "rt17containers.seen"]
    targets.append("rt17containers.queue")
    guard = ContainerGuard(find_containers(targets, ""))
    library.table["b"] = 2
    library.names.append("y")
    library.seen.discard(1)
    library.seen.add(1)  # the same members, in whatever order: not a change
    assert guard.restore() == ["rt17containers.names", "rt17containers.table"]
    assert library.table == {"a": 1}
    assert library.names == ["x"]
    assert guard.restore() == []


def test_a_mapping_whose_keys_cannot_be_deleted_gets_its_values_back() -> None:
    context = decimal.Context()
    guard = ContainerGuard([("context.traps", context.traps)])
    context.traps[decimal.Inexact] = True
    assert guard.restore() == ["context.traps"]
    assert not context.traps[decimal.Inexact]


class Refusing(dict[str, int]):
    """A mapping that refuses to be written once sealed."""

    sealed = False

    def __setitem__(self, key: str, value: int) -> None:
        if self.sealed:
            raise TypeError("sealed")
        super().__setitem__(key, value)


def test_a_container_that_refuses_its_contents_back_is_named_so() -> None:
    table = Refusing(a=1)
    guard = ContainerGuard([("lib.table", table)])
    table["a"] = 2
    table.sealed = True
    assert guard.restore() == ["lib.table (could not be restored: sealed)"]


class Unreadable(dict[str, int]):
    """A mapping whose items cannot be read."""

    def items(self) -> Any:
        raise RuntimeError("no items")


def test_a_container_whose_contents_cannot_be_read_is_named_so() -> None:
    guard = ContainerGuard([("lib.table", Unreadable(a=1))])
    assert guard.restore() == ["lib.table (not watched: its contents could not be read: no items)"]
