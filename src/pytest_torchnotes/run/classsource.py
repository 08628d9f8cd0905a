"""The source of a class a note defines, where :mod:`inspect` looks for it.

A note runs as ``__main__`` without ``__file__`` (with one, ``multiprocessing``'s spawn and
forkserver workers would run the note's file as a script), so ``inspect.getfile`` of a class
the note defines raises ``OSError: source code not available``: ``inspect.getsource(Point)``
fails, and so does ``torch.jit.script`` of a class (its docstring's own example), which reads
the class's source back. Functions need nothing: their code's file name is the note's, whose
lines :func:`.compiling.register_source` put into :mod:`linecache`.

``inspect.getfile`` is wrapped once per process: where the original raises for a class whose
module is a note's ``__main__``, the wrapper answers with a :mod:`linecache` entry of its own
(:meth:`NoteClasses.source_file`), made then: the lines of the block that defines the class,
at their note line numbers, the rest blank. The whole note's entry would not do: Python 3.11
finds a class by parsing the whole file (a transcript's lines keep their prompts' columns, a
block with a magic does not parse) and takes the first class of that name (a note may define
it again further down). A passing note pays for a weak reference to its module; the lines are
read only when a class's source is asked for.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import os
import sys
import types
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

#: What a transcript's line starts with when it holds code.
PROMPTS = (">>> ", "... ")


@dataclass(frozen=True)
class CodeBlock:
    """A block's code as the note holds it: its first code line (0-based), its text, and
    whether it is a ``>>>`` transcript (whose lines hold prompts and output)."""

    line: int
    code: str
    transcript: bool = False

    def lines(self) -> list[str]:
        """The block's code lines as Python reads them: a transcript's prompts taken off, its
        output blank."""
        if not self.transcript:
            return self.code.split("\n")
        return [_without_prompt(text) for text in self.code.split("\n")]


def _without_prompt(text: str) -> str:
    """A transcript's line as code: ``>>> x = 1`` is ``x = 1``, ``...`` alone an empty line,
    output nothing.

    >>> _without_prompt("  >>> x = 1"), _without_prompt("... "), _without_prompt("tensor(1)")
    ('x = 1', '', '')
    """
    code = text.lstrip(" \t")
    if code[:4] in PROMPTS:
        return code[4:]
    return ""


@dataclass
class NoteClasses:
    """The blocks of a note, read for the classes they define when one is asked for."""

    filename: str
    #: The note's blocks, read when a class's source is first asked for.
    blocks: Callable[[], Sequence[CodeBlock]]
    #: The entries made in :mod:`linecache`, by block line.
    entries: dict[int, str] = field(default_factory=dict)
    _defined: list[tuple[CodeBlock, frozenset[str]]] | None = None

    def _definitions(self) -> list[tuple[CodeBlock, frozenset[str]]]:
        """Each block that parses, with the qualified names of the classes it defines."""
        if self._defined is None:
            self._defined = []
            for block in self.blocks():
                try:
                    tree = ast.parse("\n".join(block.lines()))
                except (SyntaxError, ValueError):
                    continue  # a magic, pseudocode: its classes never ran
                names = frozenset(class_names(tree))
                if names:
                    self._defined.append((block, names))
        return self._defined

    def block_of(self, cls: type, running_line: int | None) -> CodeBlock | None:
        """The block that defined ``cls``: the one that holds one of its methods' code, else
        the last block that defines a class of its name and starts before ``running_line``
        (the note's line that runs now), else the last that defines it."""
        candidates = [block for block, names in self._definitions() if cls.__qualname__ in names]
        lines = list(_code_lines(cls, self.filename))
        for block in candidates:
            end = block.line + block.code.count("\n")
            if any(block.line <= line <= end for line in lines):
                return block
        if running_line is not None:
            earlier = [block for block in candidates if block.line <= running_line]
            if earlier:
                return earlier[-1]
        return candidates[-1] if candidates else None

    def source_file(self, cls: type, running_line: int | None) -> str | None:
        """The name of a :mod:`linecache` entry that holds the block defining ``cls`` at its
        note lines; ``None`` where no block defines it."""
        block = self.block_of(cls, running_line)
        if block is None:
            return None
        name = self.entries.get(block.line)
        if name is None:
            name = self.entries[block.line] = f"{self.filename} (block at line {block.line + 1})"
        if name not in linecache.cache:
            source = ["\n"] * block.line + [text + "\n" for text in block.lines()]
            linecache.cache[name] = (sum(map(len, source)), None, source, name)
        return name

    def forget(self) -> None:
        for name in self.entries.values():
            linecache.cache.pop(name, None)
        self.entries.clear()


def class_names(tree: ast.AST) -> Iterator[str]:
    """The qualified names of the classes ``tree`` defines, as ``__qualname__`` has them.

    >>> sorted(class_names(ast.parse("class A:\\n class B: pass\\ndef f():\\n class C: pass")))
    ['A', 'A.B', 'f.<locals>.C']
    """
    stack: list[tuple[ast.AST, str]] = [(node, "") for node in reversed(_children(tree))]
    while stack:
        node, prefix = stack.pop()
        if isinstance(node, ast.ClassDef):
            name = prefix + node.name
            yield name
            stack.extend((child, name + ".") for child in reversed(node.body))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inner = f"{prefix}{node.name}.<locals>."
            stack.extend((child, inner) for child in reversed(node.body))
        else:
            stack.extend((child, prefix) for child in reversed(_children(node)))


def _children(node: ast.AST) -> list[ast.AST]:
    return [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)]


def _code_lines(cls: type, filename: str) -> Iterator[int]:
    """The 0-based note lines where the code of ``cls``'s own methods starts."""
    for value in vars(cls).values():
        function = getattr(value, "__func__", value)  # classmethod, staticmethod
        if isinstance(value, property):
            function = value.fget
        code = getattr(function, "__code__", None)
        if isinstance(code, types.CodeType) and code.co_filename == filename:
            yield code.co_firstlineno - 1


#: The note of each note's module while it may run.
_notes: weakref.WeakKeyDictionary[types.ModuleType, NoteClasses] = weakref.WeakKeyDictionary()


def register(
    module: types.ModuleType, filename: str, blocks: Callable[[], Sequence[CodeBlock]]
) -> NoteClasses:
    """Let :mod:`inspect` find the classes ``module``'s note defines (:func:`install` first)."""
    classes = _notes[module] = NoteClasses(filename, blocks)
    return classes


def _running_line(filename: str) -> int | None:
    """The 0-based note line that runs now in the note ``filename``, read off the stack."""
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == filename:
            return frame.f_lineno - 1
        frame = frame.f_back
    return None


def note_class_file(cls: type) -> str | None:
    """The :mod:`linecache` entry of a class a note defines; ``None`` for another's."""
    module = sys.modules.get(getattr(cls, "__module__", None) or "")
    classes = _notes.get(module) if isinstance(module, types.ModuleType) else None
    if classes is None:
        return None
    return classes.source_file(cls, _running_line(classes.filename))


def _wrapped(original: Callable[[Any], str]) -> Callable[[Any], str]:
    def getfile(object: Any) -> str:
        try:
            return original(object)
        except (OSError, TypeError):  # TypeError: a module other than __main__ without a file
            if inspect.isclass(object):
                found = note_class_file(object)
                if found is not None:
                    return found
            raise

    getfile.__wrapped__ = original  # type: ignore[attr-defined]
    getfile.__doc__ = original.__doc__
    return getfile


#: The process whose ``inspect.getfile`` is wrapped (a forked one wraps its own).
_installed_in: int | None = None


def install() -> None:
    """Wrap ``inspect.getfile``, once a process: before anything of a note's is saved, so that
    a note that replaces it gets the wrapper back. Wrapped again it would nest: a library
    may wrap it over ours (``torch.package`` does, when it is imported)."""
    global _installed_in
    if _installed_in != os.getpid():
        inspect.getfile = _wrapped(inspect.getfile)  # type: ignore[assignment]
        _installed_in = os.getpid()
