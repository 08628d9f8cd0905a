"""Objects held by imported modules whose methods a note calls: the owners read off its
code, the objects they reach, and what the guard puts back."""

from __future__ import annotations

import decimal
import doctest
import sys
import types
from collections.abc import Iterator

import pytest

from pytest_torchnotes.run import calledobjects
from pytest_torchnotes.run.calledobjects import CalledObjectGuard, called_owners, guard


def test_the_docstring_examples_hold() -> None:
    assert doctest.testmod(calledobjects).failed == 0


class Settings:
    def __init__(self) -> None:
        self.size = 3
        self.name = "a"


@pytest.fixture
def library() -> Iterator[types.ModuleType]:
    """A module imported before the note, holding an object, a function and a dict."""
    module = types.ModuleType("rt17objects")
    module.settings = Settings()  # type: ignore[attr-defined]
    module.table = {"a": 1}  # type: ignore[attr-defined]
    module.helper = len  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_the_objects_a_note_calls_methods_of(library: types.ModuleType) -> None:
    code = (
        "import rt17objects as lib\nfrom rt17objects import settings as s\n"
        "s.configure(1)\nlib.table.get('a')\nlib.helper.__call__([])\nrt17objects.x.y()\n"
        "decimal.DefaultContext.clear_traps()"  # a C object without a __dict__
    )
    assert "decimal.DefaultContext" in called_owners(code)
    guarded = guard(code)
    assert guarded is not None
    assert [(path, value) for path, value, _ in guarded.saved] == [
        ("rt17objects.settings", library.settings)
    ]
    assert decimal.DefaultContext not in [value for _, value, _ in guarded.saved]


def test_what_a_call_rebinds_or_deletes_is_put_back_and_what_it_adds_stays() -> None:
    settings = Settings()
    guarded = CalledObjectGuard([("lib.settings", settings)])
    settings.size = 9
    del settings.name
    settings.cache = {}  # type: ignore[attr-defined]
    assert guarded.restore() == ["lib.settings.name", "lib.settings.size"]
    assert (settings.size, settings.name, settings.cache) == (3, "a", {})  # type: ignore[attr-defined]
    assert guarded.restore() == []


def test_a_note_without_calls_on_dotted_names_costs_no_guard() -> None:
    assert guard("x = f(1)\nprint(x)") is None
