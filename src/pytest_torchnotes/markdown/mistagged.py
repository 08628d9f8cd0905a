"""Python that uses torch in a fence tagged as another language: not run, and reported.

Editors tag a pasted block with whatever language they guess or default to: PyCharm's
Markdown editor writes ```` ```buildoutcfg ```` (an ini dialect), others ```` ```bash ```` or
```` ```js ````, or no language at all (```` ``` ````). A note whose every block is tagged
so runs nothing, silently. A fence whose language is not one the note runs, nor text on
purpose (``text``, ``output``, ...), and whose text is Python code
(:func:`.bare_python.reads_as_python`) that uses torch, is named: one warning per language,
at its first such fence, counting the others.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.bare_python import reads_as_python
from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.fence_option import languages_flag
from pytest_torchnotes.markdown.lexers import FenceLexeme
from pytest_torchnotes.markdown.notpython import PLAIN_TEXT, looks_like_python
from pytest_torchnotes.options import BARE
from pytest_torchnotes.words import and_more

#: A use of torch in code: ``import torch``, ``torch.ones(2)``.
USES_TORCH = re.compile(r"\btorch\b")


def mistagged_fences(note: NoteContext) -> None:
    """Warn, once per language, of the fences of other languages that hold torch code, and
    count the fences of Python (torch or not) of that language with them."""
    languages = note.format.languages
    candidates: dict[str, list[FenceLexeme]] = {}
    reported: set[str] = set()
    for fence in note.lexemes.fences:
        language = fence.language
        if (
            language in languages
            or language in PLAIN_TEXT
            or fence.close_line is None
            or fence.indented
            or fence.open_line in note.consumed
        ):
            continue
        if looks_like_python(fence):  # reported already, as a Python tag not run
            reported.add(language)
        candidates.setdefault(language, []).append(fence)
    found: dict[str, list[FenceLexeme]] = {}
    for language, fences in candidates.items():
        texts = ["\n".join(line.text for line in fence.body) for fence in fences]
        if language in reported or not any(
            USES_TORCH.search(text) and reads_as_python(text) for text in texts
        ):
            continue
        # the language hides torch code: its other fences of Python are the same mistake
        found[language] = [
            fence for fence, text in zip(fences, texts, strict=True) if reads_as_python(text)
        ]
    for language, fences in found.items():
        first = fences[0]
        kind = f"tagged {language}" if language else "without info string"
        more = and_more(len(fences), "fence", where=f" {kind} like it")
        note.problem(
            first.open_line,
            f"{first.opening} holds Python that uses torch, but a fence {kind} is not run{more}:"
            f" tag it ```python to run it, or add {language or BARE} to torchnotes_languages"
            f" ({languages_flag(note.format.languages, language)}); tag it text if it is not"
            " meant to run",
            "warning",
        )
