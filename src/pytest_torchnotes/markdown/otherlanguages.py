"""What a fence tagged Python holds when it is another language: the tag that would say so.

Translations of PyTorch's C++ tutorials tag every fence ``py``: C++, CMake, a shell session,
a folder tree. A page per function of PyTorch's API puts the function's signature, as its
docstring's first line writes it (``add(input, other, *, alpha=1, out=None) -> Tensor``), in
a fence of its own. Such a block does not compile; its failure, ``torchnotes check`` and
``triage`` name the tag that leaves it unrun, beside the ``skip`` directive.
"""

from __future__ import annotations

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
