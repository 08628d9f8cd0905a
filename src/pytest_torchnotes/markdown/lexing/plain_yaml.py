"""Front matter of plain ``key: value`` lines, told to be a YAML mapping without PyYAML.

Whether text between two ``---`` lines is front matter is whether YAML reads it as a
mapping (:mod:`.front_matter`); composing it costs some 30 us a note, with Python's
resolver asked about every scalar, even with libyaml. Most front matter is a few lines of
``title: ...``, ``date: 2023-01-01 10:00:00 +0800``, ``tags: [a, b]``: when every line is
one key and a value of the simple forms below, YAML composes the text as a mapping, and the
parser is not asked. Anything else (indentation, comments, tabs, anchors, tags, a colon
followed by a space in a value, block scalars, escapes, characters YAML refuses) is left to
PyYAML, which decides as before.
"""

from __future__ import annotations

import re

#: Characters a plain value may hold after its first: not whitespace (tabs, YAML's line
#: breaks ``\x85``, ``\u2028``, ``\u2029``), not ``:`` or ``#`` (a mapping value or a
#: comment may follow them), nor what YAML refuses to read (C0 and C1 controls, DEL,
#: surrogates, U+FEFF, U+FFFE, U+FFFF).
_PLAIN_CHAR = r"[^\s:#\x00-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]"

#: A plain value: a word character first (no indicator such as ``-``, ``[``, ``&``, ``*``,
#: ``!``, ``|``, ``>``, ``%``, ``@``), then plain characters, single spaces before one, and
#: colons before one.
_PLAIN = rf"\w(?:{_PLAIN_CHAR}|:(?={_PLAIN_CHAR})| (?={_PLAIN_CHAR}))*"

#: What quotes may hold: no quote, no backslash (an escape may be invalid), none of the
#: characters YAML refuses.
_QUOTABLE = r"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"

#: A flow sequence of plain words: ``[pytorch, 笔记]``.
_WORD = r"\w[\w.+/-]*(?: [\w.+/-]+)*"
_SEQUENCE = rf"\[ *(?:{_WORD}(?: *, *{_WORD})* *)?\]"

#: One ``key: value`` line at the top level; the key is short (libyaml reads a key of at
#: most 1,024 characters).
PLAIN_ENTRY = re.compile(
    rf"\w[\w-]{{0,100}}:(?: (?:{_PLAIN}|\"[^\"\\{_QUOTABLE}]*\"|'[^'{_QUOTABLE}]*'|{_SEQUENCE}))?"
)


def plain_mapping(text: str) -> bool:
    """Whether every line of ``text`` is empty or a :data:`PLAIN_ENTRY`, one at least: then
    YAML composes ``text`` as a mapping (``False`` says nothing: ask PyYAML).

    >>> plain_mapping('title: "笔记 1"\\ndate: 2023-01-01 10:00:00 +0800\\ntags: [a, b]')
    True
    >>> plain_mapping("title: a: b"), plain_mapping("  nested: 1"), plain_mapping("")
    (False, False, False)
    """
    entries = False
    for line in text.split("\n"):
        if not line:
            continue
        if PLAIN_ENTRY.fullmatch(line) is None:
            return False
        entries = True
    return entries
