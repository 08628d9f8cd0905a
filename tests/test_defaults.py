"""The built-in value of an option is the value the code that reads or runs notes starts from:
both take it from one module, which imports nothing of the package."""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import inspect
from typing import Any

from pytest_torchnotes import defaults, options
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.options import Option
from pytest_torchnotes.run.runner import RunSettings
from pytest_torchnotes.settings import Settings, build_settings


def _every_default(option: Option) -> tuple[Any, str]:
    return option.default, option.ini


def test_settings_from_the_option_defaults_are_the_settings_code_starts_from() -> None:
    built = build_settings(_every_default)
    assert built.note_format == NoteFormat()
    assert built.patterns == Settings().patterns
    unset = RunSettings()
    for name in ("compare", "seed", "update_max_bytes", "magics", "transcripts", "display"):
        assert getattr(built.run, name) == getattr(unset, name), name
    # A note run without a configuration (the Sybil entry point) has no time limit.
    assert built.run.timeout is not None
    assert unset.timeout is None


def written_again(source: str) -> list[str]:
    """The values of :mod:`.defaults` that ``source`` writes out as literals of its own."""
    shared = {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in vars(defaults).items()
        if name.isupper()
    }
    literals = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.List | ast.Tuple):
            with contextlib.suppress(ValueError):
                literals.append(list(ast.literal_eval(node)))
        elif isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant):
            value = node.value.value
            literals += [value, int(value)] if str(value).isdigit() else [value]
    return sorted(name for name, value in shared.items() if value in literals)


def test_options_write_no_shared_default_again() -> None:
    assert written_again(inspect.getsource(options)) == []


def test_a_default_written_again_is_found() -> None:
    assert written_again('Option("seed", "...", default="0")') == ["SEED"]
    assert written_again('Option("languages", "...", "args", ["python", "py"])') == []
    assert written_again("x = " + repr(list(defaults.LANGUAGES))) == ["LANGUAGES"]


def test_defaults_imports_nothing_of_the_package() -> None:
    tree = ast.parse(inspect.getsource(defaults))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name and name.startswith("pytest_torchnotes")]


def test_runsettings_fields_with_a_shared_default_take_it() -> None:
    fields = {field.name: field.default for field in dataclasses.fields(RunSettings)}
    assert fields["update_max_bytes"] == defaults.UPDATE_MAX_BYTES
    assert fields["magics"] == defaults.MAGICS
    assert fields["transcripts"] == defaults.TRANSCRIPTS
