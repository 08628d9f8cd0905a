"""The language of a fence, read from its info string as each publishing tool writes it.

Most tools put the language first (```` ```python title="x.py" ````), but several wrap it:
pandoc writes classes in braces (```` ```{.python .numberLines} ````), Quarto and R Markdown
name the engine in braces (```` ```{python} ````, ```` ```{python, eval=FALSE} ````), MyST
names a directive and gives the language as its argument (```` ```{code-cell} ipython3 ````),
and some renderers glue a file name or attributes to it (```` ```python:train.py ````,
```` ```python{.line-numbers} ````). The language is compared without case: ```` ```Python ````
is ``python``.
"""

from __future__ import annotations

import functools
import re

#: An info string that starts with braces: pandoc attributes (``{#id .python}``), a Quarto or
#: R Markdown engine, or a MyST directive; then what stands after the braces (the directive's
#: argument).
BRACED = re.compile(r"^\{(?P<inside>[^}]*)\}[ \t]*(?P<after>.*)$")

#: The language word at the start of an info string, without what is glued to it: a file name
#: after ``:`` (``python:train.py``), attributes in braces (``python{.line-numbers}``), a
#: comma (``python,``).
LEADING_WORD = re.compile(r"^[^\s{}:,]+")

#: A language, then a word that says the fence holds its output (Hugging Face's course and
#: docs write ```` ```python out ```` under a block): the fence's language is that word,
#: read as an output fence's.
OUTPUT_WORD = re.compile(r"^[^\s{}:,=]+[ \t]+(?P<word>out|output)[ \t]*$", re.IGNORECASE)

#: MyST directives whose argument is the language of the code they hold.
MYST_CODE_DIRECTIVES = frozenset({"code-cell", "code-block", "code", "sourcecode"})

#: MyST directives that hold notebook code: without an argument, their language is Python.
MYST_CELLS = frozenset({"code-cell", "jupyter-execute"})

#: A pandoc class that says a block is source code, not which language it is.
SOURCE_CODE_CLASS = "sourcecode"


@functools.lru_cache(maxsize=1024)
def language(info: str) -> str:
    """The language of a fence with the info string ``info``, in lower case; ``""`` for none.
    Kept for the info strings seen last: every fence is asked several times, by the
    lexer and by each output convention, and a note's fences repeat a few info strings.

    >>> [language(info) for info in ("Python", "{.python .numberLines}", "{python}")]
    ['python', 'python', 'python']
    >>> [language(info) for info in ("{code-cell} ipython3", "python:train.py", "")]
    ['ipython3', 'python', '']
    >>> [language(info) for info in ("python out", "py Output", "python output.txt")]
    ['out', 'output', 'python']
    """
    braced = BRACED.match(info.strip())
    if braced is None:
        said = OUTPUT_WORD.match(info.strip())
        return said.group("word").lower() if said else _leading(info)
    inside, after = braced.group("inside").strip(), braced.group("after")
    if inside.startswith((".", "#")):
        classes = [word[1:] for word in inside.split() if word.startswith(".")]
        named = [name for name in classes if name.lower() != SOURCE_CODE_CLASS]
        return named[0].lower() if named else ""
    directive = _leading(inside)
    if directive in MYST_CODE_DIRECTIVES or directive in MYST_CELLS:
        argument = _leading(after)
        return argument or ("python" if directive in MYST_CELLS else "")
    return directive


def _leading(text: str) -> str:
    """The first word of ``text``, in lower case; ``""`` when it is an attribute
    (```` ```title="x" ```` has no language)."""
    word = LEADING_WORD.match(text.strip())
    return word.group().lower() if word and "=" not in word.group() else ""
