"""Class attributes set through an owner the note's text does not name: the names read off
the code, and what the guard puts back."""

from __future__ import annotations

import json
import logging
from typing import ClassVar

import pytest

from pytest_torchnotes.run import noterun
from pytest_torchnotes.run.opaqueattrs import OpaqueGuard, every_class, opaque_names


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("type(e).x = 1", {"x"}),
        ("type(e).x: int = 1", set()),  # an annotation is no assignment read here
        ("e.__class__.x += 1", {"x"}),
        ('getattr(json, "JSONEncoder").x = 1', {"x"}),
        ("items[0].x = 1", {"x"}),
        ("type(e)._hooks[key] = f", {"_hooks"}),
        ("type(e)._hooks.append(f)", {"_hooks"}),
        ('setattr(type(e), "x", 1)', {"x"}),
        ('delattr(classes[0], "x")', {"x"}),
        ("del type(e).x  # gone", {"x"}),
        # a name the text writes is classattrs's; reading and comparing set nothing
        ('json.JSONEncoder.x = 1\nsetattr(E, "x", 1)\nenc.x = 1', set()),
        ("print(type(e).x)\nif f(a).b == c: pass\ny = type(e).x", set()),
    ],
)
def test_the_names_set_on_a_class_the_text_does_not_name(code: str, names: set[str]) -> None:
    assert opaque_names(code) == names


def test_every_class_holds_the_libraries_and_not_the_plugin() -> None:
    classes = every_class()
    assert json.JSONEncoder in classes
    assert logging.Formatter in classes
    assert noterun.NoteRun not in classes
    assert every_class() is classes  # kept while no module is imported


class Library:
    """A class with what a note may change and what a library changes on its own."""

    mark = "before"
    hooks: ClassVar[list[str]] = ["a"]
    cache = None


def test_only_the_names_written_are_put_back() -> None:
    guard = OpaqueGuard([Library, json.JSONEncoder], ["mark", "hooks", "added"])
    type(Library()).mark = "after"
    Library.hooks.append("b")
    Library.added = 1  # type: ignore[attr-defined]
    Library.cache = {}  # a library's own cache, under a name the note does not write
    try:
        restored = guard.restore()
        assert restored == [f"{__name__}.Library.{name}" for name in ("added", "hooks", "mark")]
        assert (Library.mark, Library.hooks, hasattr(Library, "added")) == ("before", ["a"], False)
        assert Library.cache == {}
        assert guard.restore() == []  # nothing left to put back
    finally:
        Library.cache = None
