"""Code that a note holds in HTML ``<pre><code>`` elements rather than in fences: shown, not
run, and reported so that nothing is lost.

Notes converted from HTML (a blog's page, an exported notebook) keep each code cell as raw
HTML, often with its output in a ``<pre>`` element after it (:mod:`.pre_output`)::

    <pre><code>target = torch.tensor([1, 2, 3])
    F.one_hot(target)
    </code></pre>

A Markdown renderer shows such an element as code, but it is HTML, not a code block, so it is
never run. A note with ``<pre><code>`` elements that hold Python (their class names it, as
``language-python`` does, or, with no language, their text parses as Python code that is not
a printed value) gets one warning, at the first of them, counting the others.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterator

from pytest_torchnotes.markdown.context import NoteContext
from pytest_torchnotes.markdown.hints import holds_any
from pytest_torchnotes.markdown.indented_python import not_text
from pytest_torchnotes.markdown.layout import PRINTED_REPR
from pytest_torchnotes.markdown.notpython import PYTHON_LOOKING
from pytest_torchnotes.words import and_more

#: The opening of a code element: ``<pre><code>``, ``<pre class="x"><code
#: class="language-python">``; group ``attributes`` holds the code tag's, ``rest`` what
#: follows it on the line.
PRE_CODE = re.compile(
    r"^[ \t]*<pre\b[^>]*>[ \t]*<code\b(?P<attributes>[^>]*)>(?P<rest>.*)$", re.IGNORECASE
)
#: The class attribute of a code tag; group ``names`` its value.
CLASS_ATTRIBUTE = re.compile(r"""\bclass[ \t]*=[ \t]*["']?(?P<names>[^"'>]*)""", re.IGNORECASE)
#: The closing tag of the code element.
CODE_CLOSE = re.compile(r"</code\s*>", re.IGNORECASE)
#: Any tag inside the code (a highlighter's ``<span class="n">``).
TAG = re.compile(r"<[^>]*>")
#: Most lines read after an opening tag in search of its closing tag.
LONGEST = 400


def html_code(note: NoteContext) -> None:
    """Warn once of the ``<pre><code>`` elements of Python outside fences, HTML comments and
    front matter."""
    if not holds_any(note.text, ("<code", "<CODE")):
        return  # most notes: not read line by line
    found = list(python_elements(note))
    if not found:
        return
    others = and_more(len(found))
    note.problem(
        found[0],
        f"the HTML `<pre><code>` element here holds Python, which is not run{others}: a "
        "Markdown renderer shows it as code, but it is HTML; write it as a ```python fence "
        "(ending in ```) to run it",
        "warning",
    )


def python_elements(note: NoteContext) -> Iterator[int]:
    """The 0-based first line of each ``<pre><code>`` element of Python."""
    hidden = not_text(note)
    for index, line in enumerate(note.lines):
        opening = PRE_CODE.match(line) if "<" in line and index not in hidden else None
        if opening is not None and _is_python(opening, note.lines[index + 1 : index + LONGEST]):
            yield index


def _is_python(opening: re.Match[str], after: list[str]) -> bool:
    names = CLASS_ATTRIBUTE.search(opening.group("attributes"))
    if names is not None and names.group("names").strip():
        language = names.group("names").split()[0].removeprefix("language-").removeprefix("lang-")
        return bool(PYTHON_LOOKING.match(language))
    return reads_as_code(_text(opening.group("rest"), after))


def _text(rest: str, after: list[str]) -> str:
    lines = []
    for line in [rest, *after]:
        close = CODE_CLOSE.search(line)
        lines.append(line[: close.start()] if close else line)
        if close:
            break
    return html.unescape(TAG.sub("", "\n".join(lines)))


#: What code does that data does not: JSON parses as a Python dict, and YAML's ``lr: 0.01``
#: as an annotated name, but neither calls, imports, assigns or defines anything.
CODE_NODES = (
    ast.Call,
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AugAssign,
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.FunctionDef,
    ast.ClassDef,
)


def reads_as_code(text: str) -> bool:
    """Whether ``text`` parses as Python code, not as a printed value or as data.

    >>> reads_as_code("F.nll_loss(inp, target)"), reads_as_code("import torch")
    (True, True)
    >>> reads_as_code("tensor(-0.5000)"), reads_as_code("$ pip install torch"), reads_as_code("")
    (False, False, False)
    >>> reads_as_code('{"lr": [0.1, 0.01]}'), reads_as_code("lr: 0.01\\nepochs: 3")
    (False, False)
    """
    stripped = text.strip()
    if not stripped or PRINTED_REPR.match(stripped.splitlines()[0].strip()):
        return False
    try:
        tree = ast.parse(stripped)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, CODE_NODES) for node in ast.walk(tree))
