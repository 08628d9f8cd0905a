"""What a fence tagged Python holds when it is another language: the tag that would say so.

Translations of PyTorch's C++ tutorials tag every fence ``py``: C++, CMake, a shell session,
a folder tree. Such a block does not compile; ``torchnotes check`` and ``triage`` name the
tag that leaves it unrun, beside the ``skip`` directive.
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


def other_language(code: str) -> str | None:
    """The retagging that says what ``code`` holds, when its first line is another
    language's (:data:`OTHER_LANGUAGES`).

    >>> other_language("#include <torch/script.h>\\nint main() {}")
    "it reads as C++ ('#include <torch/script.h>'): tag the fence ```cpp instead"
    >>> other_language("x = 1") is None
    True
    """
    first = next((line.strip() for line in code.splitlines() if line.strip()), "")
    for pattern, tag, language in OTHER_LANGUAGES:
        if pattern.match(first):
            return f"it reads as {language} ({first[:40]!r}): tag the fence ```{tag} instead"
    return None
