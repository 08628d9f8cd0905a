"""Note-wide settings from the ``torchnotes`` key of a note's YAML front matter::

    ---
    title: My notes
    torchnotes:
      setup: |
        import torch
      compare: numeric rtol=1e-3
      requires: torch>=2.1
      timeout: 30
      seed: 1
      indented_output: true
    ---

Only front matter that mentions ``torchnotes`` is parsed, so other notes cost nothing.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass
from typing import Any

from pytest_torchnotes.comparison.compare import (
    CompareOptions,
    CompareSpecError,
    parse_compare_spec,
)
from pytest_torchnotes.markdown.directives import parse_timeout
from pytest_torchnotes.markdown.errors import LineError
from pytest_torchnotes.markdown.lexers import TORCHNOTES_KEY, FrontMatterLexeme
from pytest_torchnotes.markdown.requirements import Requirement, RequirementError, parse_requirement

#: Keys allowed under ``torchnotes:``.
KEYS = (
    "setup",
    "compare",
    "skip",
    "requires",
    "timeout",
    "seed",
    "indented_output",
    "indented_sessions",
)


class FrontMatterError(LineError):
    """A problem in the ``torchnotes`` front matter; ``line`` is 0-based."""


@dataclass(frozen=True)
class NoteConfig:
    """What a note's front matter says about the whole note."""

    setup: str = ""
    #: 0-based line where the setup code is written (for tracebacks).
    setup_line: int = 0
    compare: CompareOptions | None = None
    skip: str | None = None
    requires: tuple[Requirement, ...] = ()
    timeout: float | None = None
    seed: int | None = None
    #: Indented text right after a block is its output (``None``: as the options say).
    indented_output: bool | None = None
    #: Whether indented ``>>>`` sessions run; ``None`` when the front matter does not say.
    indented_sessions: bool | None = None


#: A ``torchnotes`` table or key in TOML front matter (``[torchnotes]``, ``torchnotes.seed =``,
#: ``torchnotes = {...}``), which is not read.
TOML_TORCHNOTES = re.compile(
    r"^[ \t]*(?:\[[ \t]*torchnotes[ \t]*[\].]|torchnotes[ \t]*[.=])", re.MULTILINE
)


def parse_front_matter(front_matter: FrontMatterLexeme | None) -> NoteConfig:
    """Read the ``torchnotes`` settings of a note; raise :class:`FrontMatterError`."""
    if front_matter is None:
        return NoteConfig()
    if front_matter.kind != "yaml":
        toml = TOML_TORCHNOTES.search(front_matter.text)
        if toml is not None:
            raise FrontMatterError(
                1 + front_matter.text.count("\n", 0, toml.start()),
                "torchnotes settings in TOML front matter (+++) are not read: write them "
                "under a torchnotes: key of YAML front matter (---)",
            )
        return NoteConfig()
    key = TORCHNOTES_KEY.search(front_matter.text)
    if key is None:
        return NoteConfig()
    key_line = 1 + front_matter.text.count("\n", 0, key.start())
    settings = _torchnotes_value(front_matter.text, key_line)
    if settings is None:
        return NoteConfig()
    if not isinstance(settings, dict):
        raise FrontMatterError(key_line, "torchnotes: in the front matter must hold keys")
    return _config(settings, key_line, front_matter.text)


def _torchnotes_value(text: str, key_line: int) -> Any:
    """The value of the ``torchnotes`` key of YAML front matter ``text``, or ``None``.

    Only that value is made into Python objects: a value elsewhere that YAML parses but cannot
    convert (``date: 2023-13-45``, ``x: 0b_``) is the site generator's business, not the note's.
    """
    import yaml  # only notes that configure torchnotes pay for the YAML parser

    loader_class = yaml.SafeLoader
    try:
        root = yaml.compose(text, Loader=loader_class)
    except RecursionError:
        raise FrontMatterError(
            key_line, "front matter is nested too deeply to read: flatten its lists and maps"
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 1 + mark.line if mark is not None else key_line
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(line, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(root, yaml.MappingNode):
        return None
    values = [
        v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "torchnotes"
    ]
    if not values:
        return None
    loader = loader_class("")
    try:
        return loader.construct_document(values[-1])  # the last of repeated keys, as YAML reads
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as error:
        line = _unreadable_line(loader, values[-1])
        raise FrontMatterError(
            key_line if line is None else line,
            f"front matter holds a value YAML cannot convert ({error}): put it in quotes to "
            "read it as text",
        ) from None
    finally:
        loader.dispose()


def _unreadable_line(loader: Any, node: Any) -> int | None:
    """The 0-based line of the first scalar under ``node`` that ``loader`` cannot convert."""
    import yaml

    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except Exception:  # whatever the conversion raised, this is the node
                return int(node.start_mark.line) + 1
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            pending.extend(item for pair in reversed(node.value) for item in reversed(pair))
    return None


def _config(settings: dict[str, Any], key_line: int, text: str) -> NoteConfig:
    unknown = sorted(str(key) for key in settings if key not in KEYS)
    if unknown:
        raise FrontMatterError(
            key_line,
            f"unknown torchnotes front matter key {unknown[0]!r}: expected one of "
            f"{', '.join(KEYS)}",
        )
    try:
        setup = _string(settings, "setup")
        compare = _compare(settings.get("compare"))
        skip = _string(settings, "skip") or None
        requires = _requires(settings.get("requires"))
        timeout = (
            None
            if settings.get("timeout") is None
            else parse_timeout(_scalar(settings["timeout"], "timeout"))
        )
        seed = _seed(settings.get("seed"))
        indented_output = _bool(settings, "indented_output")
        indented_sessions = _bool(settings, "indented_sessions")
    except (ValueError, TypeError) as error:
        raise FrontMatterError(key_line, f"torchnotes front matter: {error}") from None
    setup_line = key_line
    if setup:
        match = re.search(r"^[ \t]+setup[ \t]*:", text, re.MULTILINE)
        if match is not None:
            setup_line = 1 + text.count("\n", 0, match.start()) + 1
    return NoteConfig(
        setup,
        setup_line,
        compare,
        skip,
        requires,
        timeout,
        seed,
        indented_output,
        indented_sessions,
    )


def _string(settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{key} must be text, got {_shown(value)}")
    return value


def _bool(settings: dict[str, Any], key: str) -> bool | None:
    value = settings.get(key)
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{key} must be true or false, got {_shown(value)}")
    return value


def _compare(value: object) -> CompareOptions | None:
    if value is None:
        return None
    try:
        return parse_compare_spec(_scalar(value, "compare"))
    except CompareSpecError as error:
        raise ValueError(f"compare: {error}") from None


def _requires(value: object) -> tuple[Requirement, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        words = value.split()
    elif isinstance(value, list):
        words = [_scalar(word, "requires") for word in value]
    else:
        raise TypeError(f"requires must be text or a list, got {_shown(value)}")
    try:
        return tuple(parse_requirement(word) for word in words)
    except RequirementError as error:
        raise ValueError(f"requires: {error}") from None


def _seed(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"seed must be an integer, got {_shown(value)}")
    return check_seed(value)


#: How a value of the front matter is shown in a message: a list or map built from YAML
#: aliases can stand for billions of items, and one that holds itself has no end.
_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxlist, _SHOWN.maxdict, _SHOWN.maxstring = 2, 3, 3, 60


def _shown(value: object) -> str:
    """``value`` as a message shows it: short, however large it is.

    >>> _shown([[1] * 9] * 9)
    '[[1, 1, 1, ...], [1, 1, 1, ...], [1, 1, 1, ...], ...]'
    """
    return _SHOWN.repr(value)


def _scalar(value: object, key: str) -> str:
    """The text of a setting that is one word or number, never a list or a map."""
    if isinstance(value, (list, dict)):
        raise TypeError(f"{key} must be text or a number, got {_shown(value)}")
    return str(value)


#: The seeds torch's generator takes: a signed or an unsigned 64-bit integer.
SEEDS = range(-(2**63), 2**64)


def check_seed(seed: int) -> int:
    """``seed``, if torch can be seeded with it; raise ``ValueError`` otherwise.

    >>> check_seed(2**64)
    Traceback (most recent call last):
    ...
    ValueError: seed 18446744073709551616 is out of range: a seed is from -2**63 to 2**64 - 1
    """
    if seed not in SEEDS:
        raise ValueError(f"seed {seed} is out of range: a seed is from -2**63 to 2**64 - 1")
    return seed
