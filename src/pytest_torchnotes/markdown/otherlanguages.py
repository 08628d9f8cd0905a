"""What a fence tagged Python holds when it is another language: the tag that would say so.

Translations of PyTorch's C++ tutorials tag every fence ``py``: C++, CMake, a shell session,
a folder tree. A page per function of PyTorch's API puts the function's signature, as its
docstring's first line writes it (``add(input, other, *, alpha=1, out=None) -> Tensor``), in
a fence of its own. Such a block does not compile; its failure, ``torchnotes check`` and
``triage`` name the tag that leaves it unrun, beside the ``skip`` directive. A signature
written as a call (``torch.rand(*size, out=None, dtype=None)``) compiles, and fails on a
parameter's name: :func:`signature_parameters` tells it from a call.
"""

from __future__ import annotations

import ast
import re

#: What a fence tagged Python holds when its first line is another language's, and the tag
#: that says so: C or C++ (``#include <torch/script.h>``), CMake, a shell session or command,
#: a folder tree (``libtorch/``), as translations of PyTorch's C++ tutorials tag every fence
#: ``py``.
OTHER_LANGUAGES = (
    (re.compile(r"^#include\s*[<\"]|^(?:int|void)\s+main\s*\("), "cpp", "C++"),
    (re.compile(r"^cmake_minimum_required\s*\(", re.IGNORECASE), "cmake", "CMake"),
    (
        re.compile(
            r"^(?:[\w.-]+@[\w.-]+:\S*[#$]|\$)\s|"
            r"^(?:mkdir|cd|cmake|make|pip3?|conda|git|wget|curl|sudo|apt(?:-get)?)\s"
        ),
        "console",
        "a shell session",
    ),
    (re.compile(r"^[\w.-]+/$"), "text", "a folder tree"),
)


#: A function's signature as a docstring's first line writes it: a name, its parameters in
#: brackets, and what it returns (``ones(*size, *, out=None) -> Tensor``,
#: ``torch.nn.init.xavier_uniform_(tensor, gain=1.0)``).
SIGNATURE = re.compile(r"[A-Za-z_][\w.]*\(.*\)(?:\s*->\s*\S.*)?")


def other_language(code: str) -> str | None:
    """The retagging that says what ``code`` holds, when its first line is another
    language's (:data:`OTHER_LANGUAGES`), or when it is signatures alone.

    >>> other_language("#include <torch/script.h>\\nint main() {}")
    "it reads as C++ ('#include <torch/script.h>'): tag the fence ```cpp instead"
    >>> other_language("x = 1") is None
    True
    """
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    for pattern, tag, language in OTHER_LANGUAGES:
        if pattern.match(first):
            return f"it reads as {language} ({first[:40]!r}): tag the fence ```{tag} instead"
    if lines and all(SIGNATURE.fullmatch(line) for line in lines) and not _all_compile(lines):
        return (
            f"it reads as a function's signature ({first[:40]!r}), not code: tag the fence "
            "```text instead"
        )
    return None


def _all_compile(lines: list[str]) -> bool:
    """Whether each of ``lines`` is a statement of its own: calls, not signatures."""
    try:
        for line in lines:
            compile(line, "<signature>", "exec")
    except SyntaxError:
        return False
    return True


def signature_parameters(code: str) -> frozenset[str]:
    """The parameters of the signatures ``code`` writes as calls, when it is nothing else:
    each statement (imports aside) a call whose arguments are bare names (``input``,
    ``*size``) and whose keywords are defaults (``out=None``, ``layout=torch.strided``), one
    of them at least a ``*`` parameter or a ``None`` default, as a page of an API's
    reference writes them.
    Empty for code that does more than that, or for imports alone.

    >>> sorted(signature_parameters("torch.rand(*size, out=None, requires_grad=False)"))
    ['size']
    >>> signature_parameters("print(x, end='')"), signature_parameters("x = f(a, b=None)")
    (frozenset(), frozenset())
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return frozenset()
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue  # the module of the function, imported above its signature
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not isinstance(call, ast.Call):
            return frozenset()
        starred = False
        for argument in call.args:
            if isinstance(argument, ast.Starred) and isinstance(argument.value, ast.Name):
                names.add(argument.value.id)
                starred = True
            elif isinstance(argument, ast.Name):
                names.add(argument.id)
            else:
                return frozenset()
        defaults = [keyword.value for keyword in call.keywords if keyword.arg is not None]
        if len(defaults) != len(call.keywords) or not all(map(_a_default, defaults)):
            return frozenset()
        none = any(isinstance(value, ast.Constant) and value.value is None for value in defaults)
        if not (starred or none):
            return frozenset()
    return frozenset(names)


def _a_default(value: ast.expr) -> bool:
    """Whether ``value`` reads as a parameter's default: a constant, maybe negated, or a
    dotted name (``torch.strided``)."""
    if isinstance(value, ast.UnaryOp):
        value = value.operand
    while isinstance(value, ast.Attribute):
        value = value.value
    return isinstance(value, ast.Constant | ast.Name)


def signature_hint(code: str, name: str) -> str | None:
    """What a block told ``NameError`` for ``name`` is told when ``name`` is a parameter of
    the signature it writes as a call."""
    if name not in signature_parameters(code):
        return None
    first = next(
        line.strip()
        for line in code.splitlines()
        if line.strip() and not line.lstrip().startswith(("import ", "from "))
    )
    return (
        f"it reads as a function's signature ({first[:40]!r}), not code: {name!r} is one of "
        "its parameters; tag the fence ```text instead, or mark it "
        "<!-- torchnotes: skip a function's signature, not code -->"
    )
