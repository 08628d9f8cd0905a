"""Lines that go on with an open bracket of a ``>>>`` line, indented and without a prompt.

xdoctest, for which PyTorch's docstrings are written, reads a line as going on with the
statement above it when that statement leaves a bracket (or a triple-quoted string) open and
the line's first four columns past the prompt's are blank: ``torch.nn.MaxUnpool2d`` writes
the rows of its input tensor under the line that opens it, ``input = torch.tensor([[[[ 1.,
2.,  3.,  4.],``, aligned with its first row and without a prompt.
doctest would take those rows for the output of the line above them. :func:`prompted` writes such
lines with doctest's ``...`` prompt, so that doctest reads them as xdoctest does; the lines
keep their numbers. A line indented less, or one after a statement whose brackets are closed
(the body of ``>>> def f(x):`` written as IDLE shows it), is left to doctest, and the note is
told (:func:`~.continuation.unprompted_continuation`).
"""

from __future__ import annotations

import io
import tokenize

#: doctest's prompts.
PROMPT = ">>>"
CONTINUATION = "..."
#: The blank columns past the prompt's that make a line go on with an open bracket.
WIDTH = 4


def goes_on_indented(prompt_line: str, line: str) -> bool:
    """Whether ``line`` has blank columns where the prompt of ``prompt_line`` and the space
    after it stand, and text after them.

    >>> goes_on_indented(">>> x = f(", "        2)")
    True
    >>> goes_on_indented("  >>> x = f(", "  2)"), goes_on_indented(">>> x = f(", "")
    (False, False)
    """
    indent = len(prompt_line) - len(prompt_line.lstrip())
    return len(line) > indent + WIDTH and not line[: indent + WIDTH].strip()


def open_bracket(source: str) -> bool:
    """Whether the tokens of ``source`` leave a bracket or a triple-quoted string open.

    >>> open_bracket("x = f(1,"), open_bracket("s = '''a"), open_bracket("def f(x):")
    (True, True, False)
    >>> open_bracket("if x:\\n    y\\n  z")  # an indentation tokenize cannot follow
    False
    """
    try:
        for _ in tokenize.generate_tokens(io.StringIO(source + "\n").readline):
            pass
    except tokenize.TokenError:
        return True
    except (SyntaxError, ValueError):
        return False
    return False


def in_open_string(prompt_line: str, line: str, source: list[str]) -> bool:
    """Whether ``line``, not indented past the prompt of ``prompt_line`` by four columns,
    is text of a triple-quoted string that the example's ``source`` leaves open: xdoctest
    reads it as a line of the string, the prompt's indentation off (its
    ``HACK_TRIPLE_QUOTE_FIX``); doctest would read it as output.

    >>> in_open_string(">>> s = '''", "at::Tensor f();", ["s = '''"])
    True
    >>> in_open_string(">>> x = f(", "2)", ["x = f("]), in_open_string(">>> s = '''", "", [""])
    (False, False)
    """
    indent = len(prompt_line) - len(prompt_line.lstrip())
    if line[:indent].strip() or line.lstrip().startswith((PROMPT, CONTINUATION)):
        return False
    return any('"""' in part or "'''" in part for part in source) and open_bracket(
        "\n".join(source)
    )


def prompted(code: str) -> str:
    """The transcript ``code`` with each line that goes on with an open bracket, indented
    as xdoctest reads it, written behind ``...``; its lines keep their numbers.

    >>> prompted(">>> t = f([1,\\n         2])\\n>>> t\\n")
    '>>> t = f([1,\\n...      2])\\n>>> t\\n'
    >>> prompted(">>> s = '''\\nint f();\\n\\n'''\\n")
    ">>> s = '''\\n... int f();\\n...\\n... '''\\n"
    """
    lines = code.split("\n")
    prompt: str | None = None
    source: list[str] = []
    # a transcript with no triple quote opens no string: most, not asked line by line
    quotes = '"""' in code or "'''" in code
    for index, line in enumerate(lines):
        text = line.lstrip()
        if text.startswith(PROMPT):
            prompt, source = line, [text[len(PROMPT) :]]
        elif prompt is not None and text.startswith(CONTINUATION):
            source.append(text[len(CONTINUATION) :])
        elif (
            prompt is not None
            and goes_on_indented(prompt, line)
            and open_bracket("\n".join(source))
        ):
            indent = len(prompt) - len(prompt.lstrip())
            lines[index] = prompt[:indent] + CONTINUATION + " " + line[indent + WIDTH :]
            source.append(line[indent + WIDTH :])
        elif quotes and prompt is not None and in_open_string(prompt, line, source):
            # the text of a triple-quoted string the prompt opened, as it stands past the
            # prompt's column (torch.utils.cpp_extension.load_inline's C++ source)
            indent = len(prompt) - len(prompt.lstrip())
            lines[index] = prompt[:indent] + CONTINUATION + (" " if line.strip() else "")
            lines[index] += line[indent:] if line.strip() else ""
            source.append(line[indent:])
        else:
            prompt = None
    return "\n".join(lines)
