"""The conventions a collection of notes is written in, as the options and ini keys set them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pytest_torchnotes import defaults
from pytest_torchnotes.markdown.layout import LABELED_FENCES, OUTPUT_FENCES, OUTPUT_LABEL
from pytest_torchnotes.markdown.marker import OUTPUT_MARKER

#: Languages collected as Python blocks (:data:`.defaults.LANGUAGES`).
LANGUAGES = frozenset(defaults.LANGUAGES)


@dataclass(frozen=True)
class NoteFormat:
    """The conventions a collection of notes is written in."""

    languages: frozenset[str] = LANGUAGES
    marker: re.Pattern[str] = OUTPUT_MARKER
    #: Info strings of an output fence right after a block; ``""`` is a bare fence.
    output_fences: frozenset[str] = OUTPUT_FENCES
    #: A label line allowed between a block and its output fence (``None``: no label).
    output_label: re.Pattern[str] | None = OUTPUT_LABEL
    #: Info strings of a fence read as output when a label line stands before it.
    labeled_fences: frozenset[str] = LABELED_FENCES
    #: Indented text right after a block is its output (``jupyter nbconvert --to markdown``);
    #: a note's front matter may say otherwise.
    indented_output: bool = False
    #: An indented code block whose first line is a ``>>>`` prompt (a docstring pasted as it
    #: is) runs as a transcript; a note's front matter may say otherwise.
    indented_sessions: bool = True
    #: Comments at the end of a block, under ``# Output:`` or as ``#>`` lines, are its output.
    comment_output: bool = False
