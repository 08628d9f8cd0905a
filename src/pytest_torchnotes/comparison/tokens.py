"""The tokens of printed output: numbers, words, punctuation, ``...`` and line breaks.

Whitespace only separates tokens, and a line break inside brackets that close is
whitespace too, because torch wraps and re-aligns long tensors. A number is a number only
when it stands alone: digits glued to a name, a version, a date or a time are text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Letters, digits and ``_`` that glue to a number and make it part of a name (``conv1``,
#: ``5ms``, ``2nd``). Letters of scripts written without spaces between words (Chinese,
#: Japanese, Korean, full-width forms) do not: ``共15个`` holds the number 15.
SPACELESS = r"\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
GLUE = rf"[^\W{SPACELESS}]"

#: What may not stand just before a number (or its sign): a glued character, ``.``, ``:``,
#: ``#``, ``$``, ``@``, ``/``, ``\``, ``%``, or a ``-``/``+`` joined to one of them
#: (``x-1``, ``2026-11``).
NOT_AFTER = rf"(?<!{GLUE})(?<![.:#$@/\\%])(?<!{GLUE}[-+])(?<![.:#$@/\\%)\]][-+])"

#: What may not follow a number: a glued character, ``.`` or ``:`` before a letter or digit
#: (``2.10.0``, ``12:30``), ``-``, ``+`` or ``/`` before a digit (``2026-11-29``, ``1/2``).
NOT_BEFORE = rf"(?!{GLUE})(?![.:]\w)(?![-+/][0-9])"

#: A number's digits: a thousands-grouped integer (``15,771``, optionally with a fraction;
#: not first in brackets nor after a comma, where commas separate elements: ``[5,100]``),
#: an integer, a decimal (``4.`` and ``.5`` as torch and Python print them), then an exponent.
DIGITS = (
    r"(?:(?<![\[({,])(?<![\[({,][-+])[1-9][0-9]{0,2}(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?"
    r"|[0-9]+(?:\.(?!\.)[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
)

#: The real or imaginary part of a complex number as torch and Python print it.
PART = r"(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf|nan)"

#: A complex number, ``1.+2.j``, ``1.5000-0.2500j``, ``(1+2j)``, ``1j``, ``nan+infj``.
COMPLEX = re.compile(
    rf"(?:(?P<real>[-+]?{PART})(?P<imag>[-+]{PART})|(?P<alone>[-+]?{PART}))j", re.ASCII
)

#: One token of printed output. Order matters: ``...`` before numbers (so ``1...`` is 1 and
#: ...), complex numbers before real ones, ``inf``/``nan`` before words. A number is a number
#: only when it stands alone (:data:`NOT_AFTER`, :data:`NOT_BEFORE`); digits glued to a name,
#: a version, a date or a time are text (``glued``).
TOKEN = re.compile(
    rf"""
    (?P<newline>\n)
    |(?P<space>[ \t\f\v]+)
    |(?P<ellipsis>\.\.\.)
    |(?P<complex>{NOT_AFTER}{COMPLEX.pattern}{NOT_BEFORE})
    |(?P<special>(?:(?<![\w.)\]])[-+])?(?:inf|nan)\b)
    |(?P<number>(?:(?<![.:#$@/\\%)\]])[-+])?{NOT_AFTER}{DIGITS}{NOT_BEFORE})
    |(?P<word>[^\W\d{SPACELESS}]{GLUE}*|(?:(?=\w)[{SPACELESS}])+)
    |(?P<glued>\d\w*)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

OPENING = frozenset("([{")
CLOSING = frozenset(")]}")


@dataclass(frozen=True, slots=True)
class Token:
    #: ``number``, ``word``, ``other``, ``ellipsis`` or ``newline``.
    kind: str
    text: str
    #: 0-based line within the normalised text.
    line: int
    #: Where the token starts in the normalised text.
    start: int = 0


def tokenize(text: str) -> list[Token]:
    """Split normalised output into tokens; line breaks inside brackets are dropped.

    >>> [t.text for t in tokenize("tensor([1.5,\\n        2.])")]
    ['tensor', '(', '[', '1.5', ',', '2.', ']', ')']

    Only brackets that close count: after a bracket left open, line breaks stay, unless a
    ``...`` may stand for what closes it.

    >>> [t.text for t in tokenize("(a\\nb")]
    ['(', 'a', '\\n', 'b']
    """
    tokens: list[Token] = []
    # Each line break inside brackets, with the innermost one (an index of ``unclosed``);
    # whether each bracket is still open; the brackets open at this point, innermost last.
    breaks: list[tuple[int, int]] = []
    unclosed: list[bool] = []
    stack: list[int] = []
    line = 0
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        value = match.group()
        if kind == "newline":
            if stack:
                breaks.append((len(tokens), stack[-1]))
            tokens.append(Token("newline", value, line, match.start()))
            line += 1
            continue
        if kind == "space":
            continue
        if kind == "complex":
            tokens.extend(_complex_tokens(value, line, match.start()))
            continue
        if kind == "special":
            kind = "number"
        elif kind == "glued":
            kind = "word"
        elif kind == "ellipsis":
            for bracket in stack:
                unclosed[bracket] = False
        elif kind == "other":
            if value in OPENING:
                stack.append(len(unclosed))
                unclosed.append(True)
            elif value in CLOSING and stack:
                unclosed[stack.pop()] = False
        tokens.append(Token(kind or "other", value, line, match.start()))
    dropped = {position for position, bracket in breaks if not unclosed[bracket]}
    return [token for position, token in enumerate(tokens) if position not in dropped]


def _complex_tokens(text: str, line: int, start: int = 0) -> list[Token]:
    """A complex number as its real and imaginary parts (numbers) and the ``j``.

    >>> [t.text for t in _complex_tokens("1.5000-2.j", 0)]
    ['1.5000', '-2.', 'j']
    """
    match = COMPLEX.fullmatch(text)
    assert match is not None
    parts = ["real", "imag"] if match["alone"] is None else ["alone"]
    return [
        *(Token("number", match[part], line, start + match.start(part)) for part in parts),
        Token("other", "j", line, start + len(text) - 1),
    ]
