"""The settings of the project a command works in, read from its pytest configuration file
(``pytest.ini``, ``pyproject.toml``, ``tox.ini``, ``setup.cfg``) as pytest finds it for the
same paths, with the torchnotes flags of its ``addopts`` and of ``PYTEST_ADDOPTS``: the
commands see the notes as ``pytest`` does."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_torchnotes.commands.addopts import (
    ENVIRONMENT,
    AddoptsError,
    environment_arguments,
    ini_arguments,
    read_addopts,
)
from pytest_torchnotes.options import Option
from pytest_torchnotes.settings import Settings, SettingsError, build_settings


def project_settings(
    paths: Sequence[str],
    invocation_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The torchnotes settings pytest would use for ``paths``: those of its configuration
    file, under the torchnotes flags and ``-o`` overrides of the file's ``addopts`` and of
    ``PYTEST_ADDOPTS`` (:mod:`.addopts`; ``environ`` instead of the process's environment);
    the defaults where none is set. A bad value raises
    :class:`~pytest_torchnotes.settings.SettingsError` naming the key and where it is set."""
    inipath, values = _configuration(paths, invocation_dir or Path.cwd())
    where = inipath.name if inipath is not None else "the ini file"
    in_file = f"addopts in {where}"
    try:
        configured = ini_arguments(values.get("addopts"))
        read_addopts(configured)
    except (AddoptsError, ValueError) as error:
        raise SettingsError(f"{in_file}: {error}") from None
    try:
        environment = environment_arguments(environ)
        from_environment = read_addopts(environment)
    except (AddoptsError, ValueError) as error:
        raise SettingsError(f"{ENVIRONMENT}: {error}") from None
    # pytest reads the file's addopts first, then PYTEST_ADDOPTS: a later flag wins.
    given = read_addopts([*configured, *environment])

    def lookup(option: Option) -> tuple[Any, str]:
        if option.ini in given.flags:
            source = ENVIRONMENT if option.ini in from_environment.flags else in_file
            return given.flags[option.ini], f"{option.cli} in {source}"
        if option.ini in given.overrides:
            source = ENVIRONMENT if option.ini in from_environment.overrides else in_file
            return _ini_value(option, given.overrides[option.ini], None), (
                f"-o {option.ini} in {source}"
            )
        if option.ini in values:
            # pytest 9 keeps each value with where it came from; earlier ones the value.
            value = getattr(values[option.ini], "value", values[option.ini])
            folder = inipath.parent if inipath is not None else None
            return _ini_value(option, value, folder), f"{option.ini} in {where}"
        return option.default, f"the default of {option.ini}"

    return build_settings(lookup)


def _ini_value(option: Option, value: Any, folder: Path | None) -> Any:
    """An ini value written as text, read as pytest reads its type: ``args`` and ``paths``
    split as a shell splits them (``paths`` from the configuration file's ``folder``),
    ``linelist`` by lines.

    >>> from pytest_torchnotes.options import option
    >>> _ini_value(option("patterns"), "*.md *.txt", None), _ini_value(option("seed"), "3", None)
    (['*.md', '*.txt'], '3')
    """
    if not isinstance(value, str):
        return value
    if option.ini_type == "args":
        return shlex.split(value)
    if option.ini_type == "paths":
        return [str((folder or Path()) / path) for path in shlex.split(value)]
    if option.ini_type == "linelist":
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


def _configuration(paths: Sequence[str], invocation_dir: Path) -> tuple[Path | None, Any]:
    """The configuration file pytest finds for ``paths``, and its values."""
    from _pytest.config.findpaths import determine_setup

    arguments: dict[str, Any] = {
        "inifile": None,
        "args": list(paths),
        "rootdir_cmd_arg": None,
        "invocation_dir": invocation_dir,
    }
    try:
        found = determine_setup(override_ini=None, **arguments)
    except TypeError:  # pragma: no cover - a pytest that takes no override_ini here
        found = determine_setup(**arguments)
    return found[1], found[2]
