"""Guards of state a note may leave changed: class attributes, copyreg, faulthandler and
asyncio's loop."""

from __future__ import annotations

import argparse
import asyncio
import copyreg
import faulthandler
import json
import logging
import pprint
import sys
import tempfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.classattrs import ClassGuard, changed_owners, find_classes
from pytest_torchnotes.run.copyregs import CopyregGuard
from pytest_torchnotes.run.faulthandling import FaulthandlerGuard
from pytest_torchnotes.run.knobs import StateGuard
from pytest_torchnotes.run.knobs.async_state import async_knobs


@pytest.mark.parametrize(
    ("code", "assigns", "owners"),
    [
        ('json.JSONEncoder.item_separator = ";"', True, {"json.JSONEncoder"}),
        ("logging.Formatter.default_time_format += 'x'", True, {"logging.Formatter"}),
        ("pprint.PrettyPrinter._dispatch[f] = g", False, {"pprint.PrettyPrinter"}),
        ("PrettyPrinter._dispatch.update({})", False, {"PrettyPrinter"}),
        ("setattr(argparse.ArgumentParser, 'prog', 'x')", True, {"argparse.ArgumentParser"}),
        ("del argparse.ArgumentParser.prog", True, {"argparse.ArgumentParser"}),
        ('E.item_separator = ";"\nsetattr(enc, "x", 1)', True, {"E", "enc"}),
        ("model.weight.data = x\nA.b == c\nx = Net.y", True, {"model.weight"}),
        ("self.x = 1\ncls.y = 2\nx[0].y = 3\nf().z = 4", True, set()),
        ("json.JSONEncoder.item_separator = ';'", False, set()),  # no assignment found
    ],
)
def test_owners_a_note_changes(code: str, assigns: bool, owners: set[str]) -> None:
    assert changed_owners(code, assigns) == frozenset(owners)


@given(st.text(alphabet="aAjJ._ =[]()\n+,\"'", max_size=40))
def test_an_owner_is_a_dotted_name_of_the_code(code: str) -> None:
    for owner in changed_owners(code, True):
        assert owner in code
        assert owner[:1].isalpha() or owner[:1] == "_"
        assert owner.partition(".")[0] not in ("self", "cls")


def test_classes_are_found_by_name_in_the_standard_library() -> None:
    assert set(find_classes(["JSONEncoder", "PrettyPrinter", "NoSuchClass"])) == {
        json.JSONEncoder,
        pprint.PrettyPrinter,
    }
    assert find_classes([]) == []


ALIASES = """\
from json import JSONEncoder as E, dumps
from logging import (
    Formatter as F,
)
import argparse as ap
enc = E
model = Net()
"""


def test_classes_are_found_under_the_names_the_code_binds() -> None:
    owners = ["E", "enc", "F", "ap.ArgumentParser", "model", "dumps", "pprint.PrettyPrinter"]
    assert set(find_classes(owners, ALIASES)) == {
        json.JSONEncoder,
        logging.Formatter,
        argparse.ArgumentParser,
        pprint.PrettyPrinter,
    }
    assert find_classes(["E"], "E = 1") == []  # bound to no class
    assert find_classes(["json.nothing.Here", "json.dumps"]) == []


def test_a_class_attribute_and_a_container_are_put_back() -> None:
    dispatch = pprint.PrettyPrinter._dispatch  # type: ignore[attr-defined]
    before = dict(dispatch)
    guard = ClassGuard([json.JSONEncoder, pprint.PrettyPrinter])
    json.JSONEncoder.item_separator = ";"
    json.JSONEncoder.added = 1  # type: ignore[attr-defined]
    dispatch[dict.__repr__] = print
    assert guard.restore() == [
        "json.encoder.JSONEncoder.added",
        "json.encoder.JSONEncoder.item_separator",
        "pprint.PrettyPrinter._dispatch",
    ]
    assert json.JSONEncoder.item_separator == ", "
    assert not hasattr(json.JSONEncoder, "added")
    assert dispatch == before
    assert guard.restore() == []


class Kept:
    pass


def test_copyreg_keeps_what_importing_a_module_registers() -> None:
    guard = CopyregGuard(set(sys.modules) - {__name__})
    copyreg.pickle(Kept, lambda kept: (Kept, ()))  # as if this module were first imported
    copyreg.pickle(bytearray, lambda value: (bytearray, ()))
    try:
        assert guard.restore() == ["copyreg.dispatch_table (builtins.bytearray)"]
        assert bytearray not in copyreg.dispatch_table
        assert Kept in copyreg.dispatch_table
    finally:
        copyreg.dispatch_table.pop(Kept, None)


def test_copyreg_puts_back_a_replaced_or_removed_reducer() -> None:
    key, reducer = next(iter(copyreg.dispatch_table.items()))
    guard = CopyregGuard(set(sys.modules))
    del copyreg.dispatch_table[key]
    copyreg.pickle(Kept, lambda kept: (Kept, ()))
    assert len(guard.restore()) == 1
    assert copyreg.dispatch_table[key] is reducer
    assert Kept not in copyreg.dispatch_table


def test_reducers_of_the_notes_code_are_taken_off_from_both_tables() -> None:
    from multiprocessing.reduction import ForkingPickler

    def note_reducer(value: object) -> tuple[type, tuple[()]]:
        return (Kept, ())

    note_reducer.__module__ = "__main__"
    guard = CopyregGuard(set(sys.modules) - {__name__})
    copyreg.pickle(Kept, note_reducer)  # a class first imported: the note's reducer still goes
    ForkingPickler.register(bytearray, note_reducer)
    try:
        assert guard.restore() == [
            f"copyreg.dispatch_table ({__name__}.Kept)",
            "multiprocessing.reduction.ForkingPickler._extra_reducers (builtins.bytearray)",
        ]
        assert Kept not in copyreg.dispatch_table
        assert bytearray not in ForkingPickler._extra_reducers  # type: ignore[attr-defined]
    finally:
        copyreg.dispatch_table.pop(Kept, None)
        ForkingPickler._extra_reducers.pop(bytearray, None)  # type: ignore[attr-defined]


def test_faulthandler_enabled_to_another_file_is_enabled_to_ours_again() -> None:
    was = faulthandler.is_enabled()
    with tempfile.TemporaryFile() as ours, tempfile.TemporaryFile() as theirs:
        faulthandler.enable(file=ours)
        try:
            guard = FaulthandlerGuard(ours.fileno())
            faulthandler.enable(file=theirs)
            assert guard.restore() == ["faulthandler"]
            assert faulthandler.is_enabled()
            faulthandler.dump_traceback(file=ours)  # still writable: ours is the file now
            quiet = FaulthandlerGuard(ours.fileno())
            assert quiet.restore() == []
            disabled = FaulthandlerGuard(ours.fileno())
            faulthandler.disable()
            assert disabled.restore() == ["faulthandler"]
            assert faulthandler.is_enabled()
        finally:
            faulthandler.disable()
    if was:
        faulthandler.enable(file=sys.__stderr__)


def test_a_loop_the_note_set_is_closed_and_the_one_before_is_back() -> None:
    guard = StateGuard(async_knobs())
    guard.snapshot()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    assert guard.restore() == ["asyncio event loop"]
    assert loop.is_closed()
    assert asyncio.get_event_loop_policy()._local._loop is not loop  # type: ignore[attr-defined]


def test_a_policy_the_note_set_is_taken_off() -> None:
    guard = StateGuard(async_knobs())
    guard.snapshot()

    class Policy(asyncio.DefaultEventLoopPolicy):
        pass

    asyncio.set_event_loop_policy(Policy())
    assert guard.restore() == ["asyncio event loop"]
    assert not isinstance(asyncio.get_event_loop_policy(), Policy)


def test_a_note_that_only_asks_for_the_policy_changed_nothing() -> None:
    asyncio.events._event_loop_policy = None  # type: ignore[attr-defined]
    guard = StateGuard(async_knobs())
    guard.snapshot()
    asyncio.get_event_loop_policy()
    assert guard.restore() == []
