"""The parser part of directives: one small parser per directive name, and
:func:`parse_directive`, which lexes a comment (:mod:`.lexer`) and hands the directive to
the parser of its name.

A new directive is a class in :mod:`.model`, a parser ``(DirectiveLexeme) -> Directive``
in a module of its own, and an entry in :data:`SYNTAX`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from pytest_torchnotes.markdown.directives import comments, exceptions, reasons, requires
from pytest_torchnotes.markdown.directives.compare import compare
from pytest_torchnotes.markdown.directives.lexer import DirectiveLexeme, lex_directive, split_why
from pytest_torchnotes.markdown.directives.model import Directive, DirectiveError
from pytest_torchnotes.markdown.directives.timeout import timeout
from pytest_torchnotes.markdown.lexers import CommentLexeme
from pytest_torchnotes.quoting import cut


@dataclass(frozen=True)
class Syntax:
    """How a directive is written, and its parser."""

    parse: Callable[[DirectiveLexeme], Directive]
    #: Written on one line: a comment with more lines is an error.
    one_line: bool = True
    #: Its whole argument is a reason already: a ``;`` is part of it, not a ``why``.
    whole_arguments: bool = False


#: Each directive's syntax and parser, by name, in the order messages list them.
SYNTAX: dict[str, Syntax] = {
    "skip": Syntax(reasons.skip, whole_arguments=True),
    "xfail": Syntax(reasons.xfail, whole_arguments=True),
    "raises": Syntax(exceptions.raises),
    "requires": Syntax(requires.requires),
    "compare": Syntax(compare),
    "timeout": Syntax(timeout),
    "warns": Syntax(exceptions.warns),
    "output": Syntax(comments.output, one_line=False),
    "setup": Syntax(comments.setup, one_line=False, whole_arguments=True),
}

#: Every directive name, for error messages.
NAMES = tuple(SYNTAX)


def parse_directive(comment: CommentLexeme) -> Directive | None:
    """The directive in ``comment``, ``None`` for an ordinary comment.

    Raises :class:`DirectiveError` for a torchnotes comment that cannot be understood.
    """
    lexeme = lex_directive(comment)
    if lexeme is None:
        return None
    name, line = lexeme.name, lexeme.line
    syntax = SYNTAX.get(name)
    if syntax is None and not name:
        raise DirectiveError(
            line, f"empty torchnotes directive: expected one of {', '.join(NAMES)}"
        )
    if syntax is None:
        raise DirectiveError(
            line, f"unknown torchnotes directive {cut(name)!r}: expected one of {', '.join(NAMES)}"
        )
    why: str | None = None
    if not syntax.whole_arguments:
        arguments, why = split_why(lexeme.arguments)
        lexeme = dataclasses.replace(lexeme, arguments=arguments)
    if syntax.one_line and lexeme.body:
        raise DirectiveError(
            line, f"{name} is written on one line: <!-- torchnotes: {name} ... -->"
        )
    directive = syntax.parse(lexeme)
    return directive if why is None else dataclasses.replace(directive, why=why)
