"""Whether the text of a fence without info string is Python code: blogs that paste a
tutorial's cells write them all in such fences, code and output alike (```` ``` ````, then
``Out:`` and another ```` ``` ````)."""

from __future__ import annotations

import ast
import keyword
import re

from pytest_torchnotes.markdown.layout import PRINTED_REPR

#: Content that looks like Python in a fence without an info string: a ``>>>`` or IPython
#: ``In [1]:`` prompt, or a torch import, at the start of a line.
PYTHON_CONTENT = re.compile(r"^(?:>>> |In ?\[\d*\]: |import torch\b|from torch\b)", re.MULTILINE)

#: A line of a notebook cell that Python does not read: an IPython magic or shell escape.
MAGIC_LINE = re.compile(r"^[ \t]*[%!].*$", re.MULTILINE)

#: Two words side by side at the very start of a text: a shell command (``pip install
#: torch``, ``cd examples``, ``conda activate``). No Python statement opens with two names
#: unless one of them is a keyword (``import torch``, ``x if y else z``, ``match x:``).
TWO_WORDS = re.compile(r"([A-Za-z_]\w*)[ \t]+([A-Za-z_]\w*)")

#: Python's keywords, soft ones too (``match``, ``case``, ``type``).
KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)


def reads_as_python(text: str) -> bool:
    """Whether ``text`` is code to run: its first line is a prompt or a torch import, or the
    whole text is Python that does more than show a value (an import, an assignment of what
    a call returns, a call of ``print``, a loop...). A lone expression stays text, as printed
    output (``tensor([1., 2.])``, ``torch.Size([2])``) is one, and so are a shell command
    (``ls``) and a formula; so are settings that read as assignments (``MASTER_PORT=29500``,
    ``addopts = -q``, YAML's ``device: cuda``).

    >>> reads_as_python("from __future__ import print_function\\nimport torch")
    True
    >>> reads_as_python("x = torch.empty(5, 3)\\nprint(x)")
    True
    >>> reads_as_python("tensor([[1., 0.],\\n        [1., 0.]])")
    False
    >>> reads_as_python("$ python\\n>>> import torch")
    False
    """
    first = next((line for line in text.split("\n") if line.strip()), "")
    if PYTHON_CONTENT.match(first):
        return True
    if opens_with_two_words(first):
        return False  # no need to parse: Python reads none of it (a failed parse is slow)
    try:
        # magics blanked, not removed, so that the lines keep their numbers
        module = ast.parse(MAGIC_LINE.sub("", text))
    except (SyntaxError, ValueError):  # ValueError: a NUL byte
        return False
    return any(_does_more_than_show(statement) for statement in module.body)


def opens_with_two_words(line: str) -> bool:
    """Whether ``line``, a text's first line, opens with two names that are no keywords,
    which Python cannot parse, whatever follows: a shell command.

    >>> opens_with_two_words("pip install torch==2.13.0"), opens_with_two_words("import torch")
    (True, False)
    >>> opens_with_two_words("x = 1"), opens_with_two_words("print (x)")
    (False, False)
    """
    words = TWO_WORDS.match(line)
    return words is not None and KEYWORDS.isdisjoint(words.groups())


def _does_more_than_show(statement: ast.stmt) -> bool:
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        # an assignment that calls nothing is as often a setting as Python: an environment
        # variable (`CUDA_VISIBLE_DEVICES=0`), an ini line (`addopts = -q`), YAML's `name:
        # value`; it runs where another statement of the fence does
        value = statement.value
        return value is not None and any(isinstance(node, ast.Call) for node in ast.walk(value))
    if not isinstance(statement, ast.Expr):
        return True
    call = statement.value
    return (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print"
    )


def broken_torch_code(text: str) -> tuple[int, str] | None:
    """The 0-based line in ``text`` and the message of the error that keeps code using
    torch from compiling (cells whose lines a page export ran together: ``x = torch.ones(2)
    print(x)``), when it does not read as Python; ``None`` for text that does not use torch.

    >>> broken_torch_code("x = torch.ones(5) print(x)")
    (0, 'invalid syntax')
    >>> broken_torch_code("torch.Size([4, 4]) torch.Size([16])") is None
    True
    """
    if "torch." not in text or reads_as_python(text):
        return None
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if PRINTED_REPR.match(first):  # output: `torch.Size([4, 4]) torch.Size([16])`
        return None
    try:
        ast.parse(MAGIC_LINE.sub("", text))
    except SyntaxError as error:
        return max((error.lineno or 1) - 1, 0), error.msg
    except ValueError:  # a NUL byte
        return None
    return None
