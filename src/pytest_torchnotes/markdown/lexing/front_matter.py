"""Front matter: YAML between ``---`` lines (Jekyll, Hugo) or TOML between ``+++`` (Hugo)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes.markdown.lexing.fences import FENCE_OPEN
from pytest_torchnotes.markdown.lexing.plain_yaml import plain_mapping

#: Front matter delimiters (Jekyll/Hugo YAML, Hugo TOML).
FRONT_MATTER_OPEN = re.compile(r"(?P<delim>---|\+\+\+)[ \t]*$")

#: The ``torchnotes:`` key at the top level of YAML front matter.
TORCHNOTES_KEY = re.compile(r"^torchnotes[ \t]*:", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class FrontMatterLexeme:
    #: 0-based index of the closing delimiter line.
    close_line: int
    #: ``yaml`` or ``toml``.
    kind: str
    text: str


def lex_front_matter(lines: list[str]) -> FrontMatterLexeme | None:
    """The front matter at the top of a note's ``lines``, or ``None``.

    >>> lex_front_matter(["+++", 'title = "x"', "+++", "# Title"])
    FrontMatterLexeme(close_line=2, kind='toml', text='title = "x"')
    """
    if not lines:
        return None
    opening = FRONT_MATTER_OPEN.match(lines[0])
    if opening is None:
        return None
    delim = opening.group("delim")
    closers = ("---", "...") if delim == "---" else ("+++",)
    for index in range(1, len(lines)):
        line = lines[index]
        if ("```" in line or "~~~" in line) and FENCE_OPEN.match(line.lstrip(" \t>")):
            return None  # a code fence: the --- was a thematic break, the rest is the note
        if line.rstrip(" \t") in closers:
            text = "\n".join(lines[1:index])
            if delim == "---" and not _yaml_front_matter(text):
                return None
            return FrontMatterLexeme(
                close_line=index, kind="yaml" if delim == "---" else "toml", text=text
            )
    return None


def _yaml_front_matter(text: str) -> bool:
    """Whether ``text`` between two ``---`` lines is front matter: empty, or YAML that holds
    keys. Text that is not (prose between two thematic breaks) belongs to the note. Text
    with a ``torchnotes:`` key is front matter in any case, so that its errors are reported.
    The YAML is parsed, not converted: a value it cannot convert (``date: 2023-13-45``) is
    the site generator's business, and a value made of aliases is not expanded.

    >>> _yaml_front_matter("title: Notes"), _yaml_front_matter("Some prose.")
    (True, False)
    """
    if not text.strip() or TORCHNOTES_KEY.search(text) or plain_mapping(text):
        return True
    import yaml  # only notes that start with --- pay for the YAML parser

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except (yaml.YAMLError, RecursionError):  # nested too deeply for the pure-Python parser
        return False
    return isinstance(root, yaml.MappingNode)
