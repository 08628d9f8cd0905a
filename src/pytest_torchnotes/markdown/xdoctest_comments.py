"""``# xdoctest:`` directives in a block that is no ``>>>`` transcript: not read, and reported.

PyTorch's examples carry xdoctest directives on lines of their own (``>>> # xdoctest:
+SKIP``, ``+REQUIRES(env:TORCH_DOCTEST_CUDA)``, ``+IGNORE_WANT``). Copied without their
prompts, as a notebook-style note splits an example into a code block and a block of its
output, the directive is a comment of plain code that nothing reads: the block runs whole and
its output is compared. Each such line gets a warning naming the directive that does the
same for a block.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.quoting import cut

#: An xdoctest directive in a comment: ``# xdoctest: +REQUIRES(env:TORCH_DOCTEST_CUDA)``.
XDOCTEST_COMMENT = re.compile(
    r"#\s*xdoctest\s*:\s*\+(?P<name>SKIP|REQUIRES|IGNORE_WANT)\b(?:\((?P<argument>[^)]*)\))?",
    re.IGNORECASE,
)


def block_directive(name: str, argument: str) -> str:
    """The directive of a block that does what xdoctest's ``name(argument)`` does.

    >>> block_directive("REQUIRES", "env:TORCH_DOCTEST_CUDA")
    '<!-- torchnotes: requires cuda -->'
    >>> block_directive("SKIP", '"undefined filepaths"')
    '<!-- torchnotes: skip undefined filepaths -->'
    """
    argument = argument.strip().strip("\"'")
    name = name.upper()
    if name == "IGNORE_WANT":
        return "<!-- torchnotes: compare ignore -->"
    if name == "REQUIRES":
        if "CUDA" in argument.upper():
            return "<!-- torchnotes: requires cuda -->"
        if argument.lower().startswith("module:"):
            return f"<!-- torchnotes: requires {argument} -->"
        if argument.upper() in ("LINUX", "WIN32", "DARWIN"):
            return f"<!-- torchnotes: requires platform:{argument.lower()} -->"
        return f"<!-- torchnotes: skip needs {argument} -->"
    return f"<!-- torchnotes: skip {argument or 'xdoctest: +SKIP'} -->"


def xdoctest_comments(code: str, code_line: int, note: NoteContext) -> None:
    """Warn of each xdoctest directive in the plain ``code`` of a block whose first line of
    code is ``code_line`` of the note."""
    if "xdoctest" not in code:
        return  # most blocks: one search of the code
    for offset, line in enumerate(code.split("\n")):
        found = XDOCTEST_COMMENT.search(line)
        if found is None:
            continue
        directive = block_directive(found.group("name"), found.group("argument") or "")
        note.problem(
            code_line + offset,
            f"`{cut(found.group().strip())}` is read in a >>> transcript only: in this block "
            f"of plain code it does nothing, and the block runs whole; put {directive} above "
            "the block, or write the example as a >>> transcript",
            "warning",
        )
