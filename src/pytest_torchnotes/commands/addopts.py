"""The torchnotes options pytest takes from its ``addopts``: the configuration file's
``addopts`` and the ``PYTEST_ADDOPTS`` environment variable, which pytest reads before the
command line (in that order, a later flag winning). A command that reads the notes itself
(``torchnotes triage`` beside the pytest run it starts, ``torchnotes check``) reads them with
those flags and ``-o`` overrides too, so that its blocks are the ones pytest runs.
"""

from __future__ import annotations

import argparse
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from pytest_torchnotes.options import OPTIONS

#: The environment variable of extra pytest arguments.
ENVIRONMENT = "PYTEST_ADDOPTS"
#: pytest's flags that set an ini value (``-o torchnotes_seed=3``).
OVERRIDE_FLAGS = ("-o", "--override-ini")


class AddoptsError(ValueError):
    """Arguments pytest would refuse too (a flag without its value)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise AddoptsError(message)


def _parser() -> _Parser:
    """A parser of the torchnotes flags as the plugin registers them, and of ``-o``; any
    other argument is left alone."""
    parser = _Parser(add_help=False, allow_abbrev=False)
    parser.add_argument(*OVERRIDE_FLAGS, action="append", dest="override_ini", default=[])
    for option in OPTIONS:
        if not option.cli:
            continue
        if option.flag:
            parser.add_argument(option.cli, action="store_const", const="true", dest=option.ini)
        else:
            action = "append" if option.repeat else "store"
            parser.add_argument(option.cli, action=action, dest=option.ini)
    return parser


@dataclass
class Addopts:
    """The torchnotes flags and ``-o`` overrides of some arguments, by ini key."""

    #: Each flag's value as pytest's parser gives it (a list for a repeated flag).
    flags: dict[str, Any] = field(default_factory=dict)
    #: Each ``-o KEY=VALUE``, the last one of a key winning.
    overrides: dict[str, str] = field(default_factory=dict)


def read_addopts(arguments: Sequence[str]) -> Addopts:
    """The torchnotes flags and ``-o`` overrides among ``arguments``.

    >>> found = read_addopts(["-q", "--torchnotes-languages=py", "-o", "torchnotes_seed=3"])
    >>> found.flags, found.overrides
    ({'torchnotes_languages': ['py']}, {'torchnotes_seed': '3'})
    """
    namespace, _ = _parser().parse_known_args(list(arguments))
    found = Addopts()
    for option in OPTIONS:
        value = getattr(namespace, option.ini, None)
        if option.cli and value is not None:
            found.flags[option.ini] = value
    for override in namespace.override_ini:
        key, equals, value = override.partition("=")
        if not equals:
            raise AddoptsError(f"-o {override!r}: expected KEY=VALUE")
        found.overrides[key.strip()] = value
    return found


def environment_arguments(environ: Mapping[str, str] | None = None) -> list[str]:
    """The arguments of ``PYTEST_ADDOPTS``, split as a shell splits them."""
    return shlex.split((os.environ if environ is None else environ).get(ENVIRONMENT, ""))


def ini_arguments(value: Any) -> list[str]:
    """The arguments of a configuration file's ``addopts`` (a string, or a list in a TOML
    file).

    >>> ini_arguments("-q --torchnotes-seed 3"), ini_arguments(["-q"]), ini_arguments(None)
    (['-q', '--torchnotes-seed', '3'], ['-q'], [])
    """
    value = getattr(value, "value", value)  # pytest 9 keeps where a value came from
    if value is None:
        return []
    if isinstance(value, str):
        return shlex.split(value)
    return [str(item) for item in value]
