"""A block whose own code is not Python: pseudo-code (``model = <your model>``), a shell
command or another tool's transcript in a Python fence. Its failure names the directive
that leaves it unrun, the one ``torchnotes triage`` proposes (and writes), and where it
goes; and the fence's tag when the code reads as another language.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.magics import as_run
from pytest_torchnotes.markdown.marker import misspelt_marker
from pytest_torchnotes.markdown.otherlanguages import other_language

#: The exceptions of code that does not compile.
SYNTAX_ERRORS = frozenset({"SyntaxError", "IndentationError", "TabError"})

#: The ``(a.md, line 9)`` that ends a ``SyntaxError``'s message.
_WHERE = re.compile(r" \([^()]*, line \d+\)$")


def not_python_directive(message: str) -> str:
    """The directive that leaves unrun a block that does not compile with ``message``.

    >>> not_python_directive("invalid syntax (a.md, line 9)")
    "skip not valid Python (invalid syntax): pseudo-code or another tool's transcript"
    """
    what = _WHERE.sub("", message)
    return f"skip not valid Python ({what}): pseudo-code or another tool's transcript"


def pseudocode_hint(code: str, names: frozenset[str], message: str, fence_line: int) -> str | None:
    """The hint of a block of ``code`` that raised an exception of ``names`` with
    ``message``, when the block's own code does not compile (a ``SyntaxError`` that code
    which compiles raised, ``eval`` or ``compile``, is drift: ``None``). ``fence_line`` is
    the 1-based line of its opening fence.

    >>> print(pseudocode_hint("pip install torch", frozenset({"SyntaxError"}),
    ...     "invalid syntax (a.md, line 13)", 12))
    not valid Python: if the block is pseudo-code or another tool's transcript, mark it \
<!-- torchnotes: skip not valid Python (invalid syntax): pseudo-code or another tool's \
transcript --> on the line above its fence (line 12); or, it reads as a shell session \
('pip install torch'): tag the fence ```console instead
    >>> pseudocode_hint("eval('1 +')", frozenset({"SyntaxError"}), "invalid syntax", 1)
    """
    if not SYNTAX_ERRORS & names or as_run(code) is not None:
        return None
    if misspelt_marker(code) is not None:
        return None  # the output marker misspelt: the failure names it, no skip leaves it unrun
    hint = (
        "not valid Python: if the block is pseudo-code or another tool's transcript, mark it "
        f"<!-- torchnotes: {not_python_directive(message)} --> on the line above its fence "
        f"(line {fence_line})"
    )
    instead = other_language(code)
    return hint if instead is None else f"{hint}; or, {instead}"


def example_hint(source: str, names: frozenset[str], message: str) -> str | None:
    """The hint of a ``>>>`` example whose ``source`` raised an exception of ``names`` with
    ``message``, when the example itself does not compile (a docstring that writes a shell
    command or a signature behind a prompt): the directive that leaves it unrun.

    >>> print(example_hint("$ nvprof -o t.prof python t.py", frozenset({"SyntaxError"}),
    ...     "invalid syntax (a.md, line 3)"))
    the example is not valid Python: leave it unrun with '# xdoctest: +SKIP' at the end of \
its line, or with '>>> # xdoctest: +SKIP' on a line of its own above it (the examples below \
it too, up to '>>> # xdoctest: -SKIP'), or mark the block <!-- torchnotes: skip not valid \
Python (invalid syntax): pseudo-code or another tool's transcript --> on the line above it
    >>> example_hint("eval('1 +')", frozenset({"SyntaxError"}), "invalid syntax") is None
    True
    """
    if not SYNTAX_ERRORS & names:
        return None
    try:
        compile(source, "<example>", "single")
    except SyntaxError:
        return (
            "the example is not valid Python: leave it unrun with '# xdoctest: +SKIP' at the "
            "end of its line, or with '>>> # xdoctest: +SKIP' on a line of its own above it "
            "(the examples below it too, up to '>>> # xdoctest: -SKIP'), or mark the block "
            f"<!-- torchnotes: {not_python_directive(message)} --> on the line above it"
        )
    return None
