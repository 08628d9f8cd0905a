"""Why a ``>>>`` example's output cannot match what its note writes under it, said in its
failure: a statement that shows nothing, memory left uninitialized, or a lone ``...`` that
xdoctest reads as output and doctest as code.

PyTorch's docstrings have the first two. ``torch.special.gammaincc``'s example writes a tensor under
``>>> a = torch.special.gammaincc(a1, a2)``: an assignment shows nothing at a prompt, so the
output written under it is never printed. ``torch.empty`` returns whatever the memory held:
no seed fixes its values (:func:`~.wanthints.random_hint` speaks of the values a seed does fix).
"""

from __future__ import annotations

import ast
import re
import warnings

#: A call that returns a tensor of uninitialized memory (``torch.empty(2, 3)``,
#: ``x.new_empty((2, 3))``).
UNINITIALIZED_CALL = re.compile(r"\b(?:new_empty|empty)(?:_strided|_like)?\(")


def silent_statement_hint(source: str, want: str, printed: str) -> str | None:
    """For an example whose output ``want`` was not printed (``printed`` is what was), what
    to write when its code is a statement that shows nothing at a prompt (an assignment, an
    import, a ``def``).

    >>> silent_statement_hint("a = f(1)\\n", "tensor([1.])\\n", "") is not None
    True
    >>> silent_statement_hint("f(1)\\n", "tensor([1.])\\n", "")
    >>> silent_statement_hint("a = f(1)\\n", "", "")
    """
    if not want.strip() or printed.strip():
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in the source
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, OverflowError):
            return None
    if not tree.body or isinstance(tree.body[-1], ast.Expr):
        return None
    kind = type(tree.body[-1]).__name__.lower()
    target = _assigned_name(tree.body[-1])
    shown = f"'>>> {target}' on a line of its own" if target else "the value on a line of its own"
    return (
        f"the example is a statement ({kind}) and shows nothing at a prompt, so the output "
        f"under it is never printed: write {shown} above that output, or remove the output "
        "(--torchnotes-update does)"
    )


def _assigned_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name):
            return target.id
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) and isinstance(
        statement.target, ast.Name
    ):
        return statement.target.id
    return None


def uninitialized_hint(code: str, want: str) -> str | None:
    """For an example whose output ``want`` differs after ``code`` that makes a tensor of
    uninitialized memory, that no run shows the same values.

    >>> uninitialized_hint("torch.empty((2, 3))", "tensor([[1e-40, 0.]])") is not None
    True
    >>> uninitialized_hint("torch.zeros((2, 3))", "tensor([[0., 0.]])")
    """
    found = UNINITIALIZED_CALL.search(code)
    if found is None or not want.strip():
        return None
    return (
        f"{found.group(0)}) returns uninitialized memory: its values change from run to run "
        "and no seed fixes them; add '# xdoctest: +IGNORE_WANT' at the end of the example's "
        "line to leave its output uncompared"
    )


#: A line that is doctest's continuation prompt and nothing else.
LONE_ELLIPSIS = re.compile(r"^[ \t]*\.\.\.[ \t]*$")

LONE_ELLIPSIS_HINT = (
    "the lone '...' under it is a continuation line to doctest, which ends the example with "
    "no output (xdoctest reads it as output that matches anything): write what it prints "
    "there, or add '# xdoctest: +IGNORE_WANT' at the end of the example's line"
)


def lone_ellipsis_hint(code: str, lineno: int, source: str) -> str | None:
    """For an example of the transcript ``code`` (its 0-based ``lineno`` and its ``source``)
    that expects no output, whether the line that ended it is a lone ``...``, which xdoctest
    reads as output matching anything and doctest as a blank line of the statement.

    >>> lone_ellipsis_hint(">>> f()\\n...\\n>>> g()", 0, "f()\\n") is not None
    True
    >>> lone_ellipsis_hint(">>> f()\\n>>> g()", 0, "f()\\n")
    """
    lines = code.split("\n")
    after = lineno + source.count("\n")
    if after < len(lines) and LONE_ELLIPSIS.match(lines[after]):
        return LONE_ELLIPSIS_HINT
    return None
