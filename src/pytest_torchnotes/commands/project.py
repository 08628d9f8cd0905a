"""The settings of the project a command works in, read from its pytest configuration file
(``pytest.ini``, ``pyproject.toml``, ``tox.ini``, ``setup.cfg``) as pytest finds it for the
same paths: the commands see the notes as ``pytest`` does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_torchnotes.options import Option
from pytest_torchnotes.settings import Settings, build_settings


def project_settings(paths: Sequence[str], invocation_dir: Path | None = None) -> Settings:
    """The torchnotes settings of the configuration file pytest would use for ``paths``;
    the defaults where there is none. A bad value raises
    :class:`~pytest_torchnotes.settings.SettingsError` naming the key and the file."""
    inipath, values = _configuration(paths, invocation_dir or Path.cwd())
    where = inipath.name if inipath is not None else "the ini file"

    def lookup(option: Option) -> tuple[Any, str]:
        if option.ini in values:
            value = values[option.ini]
            # pytest 9 keeps each value with where it came from; earlier ones the value.
            return getattr(value, "value", value), f"{option.ini} in {where}"
        return option.default, f"the default of {option.ini}"

    return build_settings(lookup)


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
