"""The command line as pytest reads it before the plugin's options are known.

pytest looks for its configuration file (and so decides the rootdir) before it loads the
plugins that installed packages provide: at that moment ``--torchnotes-report out.json``
is an unknown flag followed by a test path, and when ``out.json`` exists pytest looks for
the configuration file from its folder. With the report outside the project, the project's
ini file is not found and nothing is collected. Once the plugin's options are known, the
configuration is looked up again with the real test paths; when the answer differs, the
right one is put in place, or, where pytest already used the wrong one in a way that
cannot be undone, the run stops with a usage error that gives the ``--flag=value`` form.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from typing import Any

import pytest

from pytest_torchnotes.options import OPTIONS

#: ini keys pytest reads before plugins are loaded: a wrong configuration file cannot be
#: swapped for the right one after the fact when either of them sets one.
READ_EARLY = ("addopts", "pythonpath", "required_plugins", "minversion")


def value_taken_for_a_path(args: Sequence[str]) -> tuple[str, str] | None:
    """The first ``--torchnotes-NAME VALUE`` in ``args`` whose value is an existing path.

    >>> value_taken_for_a_path(["--torchnotes-report", ".", "-x"])
    ('--torchnotes-report', '.')
    >>> value_taken_for_a_path(["--torchnotes-report=.", "--torchnotes-update", "."]) is None
    True
    """
    flags = {option.cli for option in OPTIONS if option.cli and not option.flag}
    for flag, value in itertools.pairwise(args):
        if flag in flags and os.path.exists(value):
            return flag, value
    return None


def repair_setup(config: pytest.Config, args: Sequence[str]) -> None:
    """Put the rootdir and configuration file pytest would have found, had it known the
    plugin's options, in place of those it found; see the module's docstring."""
    taken = value_taken_for_a_path(args)
    if taken is None:
        return
    flag, value = taken
    refusal = (
        f"torchnotes: pytest took the value of {flag} ({value}) for a test path while it "
        f"looked for its configuration file; write {flag}={value}"
    )
    namespace = config.known_args_namespace
    try:
        from _pytest.config.findpaths import determine_setup

        rootpath, inipath, inicfg, *ignored = determine_setup(
            inifile=namespace.inifilename,
            override_ini=namespace.override_ini,
            args=namespace.file_or_dir,
            rootdir_cmd_arg=namespace.rootdir or None,
            invocation_dir=config.invocation_params.dir,
        )
    except (ImportError, TypeError, AttributeError):  # another pytest: refuse, never guess
        raise pytest.UsageError(refusal) from None
    if (rootpath, inipath) == (config.rootpath, config.inipath):
        return
    found: Any = config._inicfg
    if any(key in found or key in inicfg for key in READ_EARLY):
        raise pytest.UsageError(refusal)
    derived = str(config.inipath.parent) if config.inipath is not None else str(config.rootpath)
    config._rootpath = rootpath
    config._inipath = inipath
    config._inicfg = inicfg
    if ignored:
        config._ignored_config_files = ignored[0]
    config._inicache.clear()
    config._parser.extra_info["rootdir"] = str(rootpath)
    config._parser.extra_info["inifile"] = str(inipath)
    if namespace.confcutdir == derived:  # pytest's default, not the user's --confcutdir
        namespace.confcutdir = str(inipath.parent) if inipath is not None else str(rootpath)
