"""Where inspect finds the classes a note defines (run/classsource.py)."""

from __future__ import annotations

import ast
import inspect
import linecache
import sys
import types

from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run import classsource
from pytest_torchnotes.run.classsource import CodeBlock, NoteClasses

FILE = "notes/classes.md"


def _define(module: types.ModuleType, block: CodeBlock) -> None:
    """Run ``block`` in ``module`` as the runner does: compiled at its note lines."""
    source = "\n" * block.line + "\n".join(block.lines())
    exec(compile(source, FILE, "exec"), module.__dict__)


def _note(*blocks: CodeBlock) -> tuple[types.ModuleType, NoteClasses]:
    module = types.ModuleType("a_note_of_the_tests")
    classes = classsource.register(module, FILE, lambda: blocks)
    return module, classes


def test_a_class_is_read_from_the_block_that_defined_it_not_the_first_of_its_name() -> None:
    first = CodeBlock(1, "class Point:\n    def norm(self):\n        return 1")
    magic = CodeBlock(5, "%timeit 1")
    second = CodeBlock(8, "class Point:\n    def norm(self):\n        return 2")
    module, classes = _note(first, magic, second)
    sys.modules[module.__name__] = module
    classsource.install()
    try:
        _define(module, first)
        old = module.Point
        _define(module, second)
        assert inspect.getsource(module.Point).endswith("return 2\n")
        assert inspect.getsource(old).endswith("return 1\n")
        assert inspect.getsourcelines(module.Point)[1] == 9  # the note's line
    finally:
        del sys.modules[module.__name__]
        classes.forget()
    assert not [name for name in linecache.cache if name.startswith(FILE)]


def test_a_class_without_methods_is_the_last_of_its_name_above_the_running_line() -> None:
    blocks = [CodeBlock(0, "class Cfg:\n    lr = 1"), CodeBlock(4, "class Cfg:\n    lr = 2")]
    module, classes = _note(*blocks)
    _define(module, blocks[0])
    assert classes.block_of(module.Cfg, running_line=2) == blocks[0]
    assert classes.block_of(module.Cfg, running_line=6) == blocks[1]
    assert classes.block_of(module.Cfg, running_line=None) == blocks[1]


def test_a_transcripts_class_is_read_without_its_prompts_and_output() -> None:
    block = CodeBlock(3, ">>> class A:\n...     x = 1\n...\n>>> A.x\n1", transcript=True)
    module, classes = _note(block)
    _define(module, block)
    name = classes.source_file(module.A, None)
    assert name is not None
    assert linecache.getlines(name)[3:] == ["class A:\n", "    x = 1\n", "\n", "A.x\n", "\n"]
    classes.forget()


def test_a_class_no_block_defines_and_a_class_of_another_module_are_not_answered() -> None:
    module, classes = _note(CodeBlock(0, "x = 1"))
    module.Made = type("Made", (), {"__module__": module.__name__})
    assert classes.source_file(module.Made, None) is None
    assert classsource.note_class_file(int) is None


def test_class_names_are_qualified_names() -> None:
    tree = ast.parse("class A:\n class B:\n  def f(self):\n   class C: pass\nif x:\n class D: pass")
    assert sorted(classsource.class_names(tree)) == ["A", "A.B", "A.B.f.<locals>.C", "D"]


@given(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=4))
def test_class_names_match_the_qualnames_python_gives(path: list[str]) -> None:
    source, indent = "", ""
    for name in path:
        source += f"{indent}class {name}:\n"
        indent += "    "
    source += f"{indent}pass\n"
    namespace: dict[str, object] = {}
    exec(source, namespace)
    inner = namespace[path[0]]
    for name in path[1:]:
        inner = getattr(inner, name)
    assert inner.__qualname__ in set(classsource.class_names(ast.parse(source)))  # type: ignore[attr-defined]
