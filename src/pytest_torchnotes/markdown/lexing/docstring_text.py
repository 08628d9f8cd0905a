"""The lines of a docstring's text that are not words and still no Python to run.

A docstring pasted as it is into a note, indented as in its source (``torch.nn.MaxPool1d``'s
body four spaces in), is one indented code block from its second line to its end, and a
``>>>`` prompt in it opens a session only when what stands above the prompt is the
docstring's text (:func:`.docstring_sessions.prose_above`). Besides sentences, that text
holds what reStructuredText and Google style write with no sentence:

- the body of a literal block (a paragraph that ends in ``::``: ``For example::`` over
  code Sphinx shows and no doctest runs) or of a directive that is no admonition
  (``.. math::``, ``.. code-block:: python``, ``.. _link:``), indented under it;
- the body of a Google section (``Args:``, ``Returns:``, ``Shape:``), where ``Module:
  self`` or ``Default: 1e-5`` parse as Python annotations;
- list items (``- **output** (*Tensor*)``, ``* :attr:`stride` controls``, ``1. Using``),
  table borders (``======  =====``), and a lone lowercase word that goes on with the
  sentence above it (``dimensions``, ``where``);
- the function's signature on the docstring's first line, a call of names and defaults
  (``fractional_max_pool2d(input, kernel_size, output_size=None)``).
"""

from __future__ import annotations

import ast
import keyword
import re

#: Directives whose body is the docstring's words, read line by line: an admonition.
ADMONITIONS = frozenset(
    {
        "note",
        "warning",
        "tip",
        "important",
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "seealso",
        "admonition",
        "versionadded",
        "versionchanged",
        "deprecated",
    }
)

#: A reStructuredText directive line: its name.
DIRECTIVE = re.compile(r"\.\.[ \t]+(?P<name>[\w-]+)::|\.\.[ \t]+_")

#: Google style's section lines whose indented body is text.
GOOGLE_SECTIONS = re.compile(
    r"(?:Args|Arguments|Parameters|Params|Keyword [Aa]rgs|Keyword [Aa]rguments|Returns?|"
    r"Yields?|Raises|Shape|Attributes|Notes?|Warnings?|Inputs?|Outputs?|Variables|"
    r"See [Aa]lso|References?|Todo)[ \t]*:"
)

#: A list item of reStructuredText: a bullet, or a number or ``#`` and a dot.
LIST_ITEM = re.compile(r"(?:[-*+•]|\d{1,3}\.|#\.)[ \t]+\S")

#: reStructuredText's inline markup: a role, an inline literal, strong or emphasis.
INLINE_MARKUP = re.compile(r":[\w-]+:`|``|\*\*|\*\w")

#: A sentence that opens with a number and its unit (``4D is a mini-batch of 2D inputs``):
#: no Python, which reads no name right after a number.
NUMBERED_WORDS = re.compile(r"\d+[A-Za-z][\w-]*(?:[ \t]+[A-Za-z][\w-]*){2}")

#: A border of a reStructuredText table.
TABLE_BORDER = re.compile(r"[=+\-| ]*=[=+\-| ]*")


def opens_text_body(text: str) -> bool:
    """Whether the lines indented under the line ``text`` of a docstring are its text, not
    Python to read: a literal block's, a directive's that is no admonition, a Google
    section's.

    >>> [opens_text_body(t) for t in ("For example::", ".. math::", "Returns:", ".. note::")]
    [True, True, True, False]
    >>> opens_text_body("Example:"), opens_text_body("Examples::")
    (False, True)
    """
    directive = DIRECTIVE.match(text)
    if directive is not None:
        return directive.group("name") not in ADMONITIONS
    return text.endswith("::") or GOOGLE_SECTIONS.match(text) is not None


def is_markup(text: str, *, continuing: bool) -> bool:
    """Whether the stripped line ``text`` is a docstring's list item, table border, Google
    section line (``Outputs: (h_1, c_1)``), a sentence that opens with a number, or a lone
    lowercase word (``where`` over an equation; a short one only going on with the sentence
    above it, ``continuing``).

    >>> is_markup("- **output** (*Tensor*)", continuing=False)
    True
    >>> is_markup("* :attr:`stride` controls the stride.", continuing=False)
    True
    >>> is_markup("======  =====", continuing=False), is_markup("dimensions", continuing=True)
    (True, True)
    >>> is_markup("- x", continuing=False), is_markup("x = 1", continuing=True)
    (False, False)
    >>> is_markup("Outputs: (h_1, c_1)", continuing=False), is_markup("where", continuing=False)
    (True, True)
    >>> is_markup("4D is a mini-batch", continuing=False), is_markup("x", continuing=False)
    (True, False)
    """
    if TABLE_BORDER.fullmatch(text) or GOOGLE_SECTIONS.match(text) or NUMBERED_WORDS.match(text):
        return True
    if LIST_ITEM.match(text):
        item = text.split(None, 1)[1]
        return INLINE_MARKUP.search(item) is not None or len(item.split()) > 2
    return (
        (continuing or len(text) > 3)
        and text.isidentifier()
        and text.islower()
        and not keyword.iskeyword(text)
        and not keyword.issoftkeyword(text)
    )


def is_signature(text: str) -> bool:
    """Whether the stripped line ``text`` is a function's signature as a docstring's first
    line writes it: a call whose arguments are names, ``*`` or ``**`` names, and keywords
    with a constant default. Code calls with values (``f(torch.ones(2))``, ``f(1)``).

    >>> is_signature("fractional_max_pool2d(input, kernel_size, output_size=None)")
    True
    >>> is_signature("f(*args, **kwargs)"), is_signature("f(1)"), is_signature("x = f(a)")
    (True, False, False)
    """
    try:
        statement = ast.parse(text).body
    except (SyntaxError, ValueError):
        return False
    call = (
        statement[0].value if len(statement) == 1 and isinstance(statement[0], ast.Expr) else None
    )
    if not isinstance(call, ast.Call) or not isinstance(call.func, (ast.Name, ast.Attribute)):
        return False
    names = [arg.value if isinstance(arg, ast.Starred) else arg for arg in call.args]
    return all(isinstance(name, ast.Name) for name in names) and all(
        isinstance(given.value, (ast.Constant, ast.Name)) for given in call.keywords
    )
