"""Sphinx's doctest directives pasted as they are: a ``testcode`` body runs and is compared
with the ``testoutput`` body after it, ``testsetup`` runs, a ``doctest`` body is a session."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.compare import CompareOptions
from pytest_torchnotes.markdown.lexers import MarkdownLexer
from pytest_torchnotes.markdown.parsers import NoteParser
from tests.conftest import WriteNote

lex = MarkdownLexer()


def directives(text: str) -> list[tuple[str, list[str], list[str] | None, bool | None]]:
    """(name, code texts, output texts, ellipsis) of each directive found."""
    return [
        (
            doctest.code.name,
            [line.text for line in doctest.code.body.body],
            None if doctest.output is None else [line.text for line in doctest.output.body.body],
            None if doctest.output is None else doctest.output.ellipsis,
        )
        for doctest in lex(text).sphinx_doctests
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            ".. testcode::\n\n   print(1)\n\n.. testoutput::\n\n   1\n",
            [("testcode", ["print(1)"], ["1"], True)],
        ),
        # four spaces, options on both, text between them
        (
            ".. testcode::\n    :hide:\n\n    for i in range(2):\n        print(i)\n\nWords.\n\n"
            ".. testoutput::\n    :hide:\n    :options: -ELLIPSIS, +NORMALIZE_WHITESPACE\n\n"
            "    0\n\n    1\n",
            [("testcode", ["for i in range(2):", "    print(i)"], ["0", "", "1"], False)],
        ),
        (".. testsetup:: *\n\n   import torch\n", [("testsetup", ["import torch"], None, None)]),
        (".. testcode::\n\n   x = 1\n\nText.\n", [("testcode", ["x = 1"], None, None)]),
        # a testoutput with no testcode before it, a directive with no body
        (".. testoutput::\n\n   1\n", []),
        (".. testcode::\n\nText.\n", []),
        # inside a fence or a comment: shown, not run
        ("```rst\n.. testcode::\n\n   print(1)\n```\n", []),
        ("<!--\n.. testcode::\n\n   print(1)\n-->\n", []),
        # nested in a list's markup, indented as a whole
        (
            "  .. testcode::\n\n     print(2)\n\n  .. testoutput::\n\n     2\n",
            [("testcode", ["print(2)"], ["2"], True)],
        ),
    ],
)
def test_which_directives_are_read_and_what_they_hold(
    text: str, found: list[tuple[str, list[str], list[str] | None, bool | None]]
) -> None:
    assert directives(text) == found


@pytest.mark.parametrize("indent", ["   ", "    "])
def test_a_doctest_directive_body_is_a_session(indent: str) -> None:
    found = lex(f".. doctest::\n\n{indent}>>> 1 + 1\n{indent}2\n")
    assert [[line.text for line in session.body] for session in found.indented_sessions] == [
        [">>> 1 + 1", "2"]
    ]
    assert found.sphinx_doctests == []


def test_a_testcode_is_a_block_with_its_testoutput_as_output() -> None:
    note = NoteParser().parse(
        "# T\n\n.. testsetup::\n\n   import torch\n\n.. testcode::\n\n   print(1)\n\n"
        ".. testoutput::\n   :options: -ELLIPSIS\n\n   1\n\n.. testcode::\n\n   print(2)\n\n"
        ".. testoutput::\n\n   2\n   ...\n"
    )
    assert [
        (block.code_line, block.code, block.expected, block.compare) for block in note.blocks
    ] == [
        (4, "import torch", None, None),
        (8, "print(1)", "1", None),
        (17, "print(2)", "2\n...", CompareOptions("ellipsis")),
    ]
    assert not note.problems  # no indented code left unrun, no prompt in prose


def test_a_note_without_the_directives_reads_none() -> None:
    assert lex(".. code-block:: python\n\n    print(1)\n").sphinx_doctests == []


@given(
    st.integers(1, 8),
    st.lists(st.sampled_from([":hide:", ":options: +ELLIPSIS", ":skipif: False"]), max_size=2),
    st.lists(st.sampled_from(["x = 1", "    y = 2", "", "print(x)"]), min_size=1, max_size=5),
)
def test_a_body_is_read_back_as_written_whatever_its_indentation(
    indent: int, options: list[str], code: list[str]
) -> None:
    pad = " " * indent
    lines = [".. testcode::", *(pad + option for option in options), ""]
    lines += [(pad + line).rstrip() for line in ["print(0)", *code]]
    text = "\n".join([*lines, "", "Text after.", ""])
    [found] = lex(text).sphinx_doctests
    body = [line.text for line in found.code.body.body]
    assert "\n".join(body) == "\n".join(["print(0)", *code]).rstrip()
    assert all(line.prefix in ("", pad) for line in found.code.body.body)


def sphinx_note(*directives: tuple[str, str, str]) -> str:
    """A page of Sphinx's doctest directives: (name, argument, body) each."""
    return "".join(
        f".. {name}:: {argument}\n\n   {body}\n\n" for name, argument, body in directives
    )


@pytest.mark.parametrize(
    ("directives", "warned"),
    [
        # one group, named or not, and setups for every group: as Sphinx runs them
        ((("testsetup", "*", "x = 1"), ("testcode", "", "print(x)")), []),
        ((("testcode", "a", "print(1)"), ("testcode", "a", "print(2)")), []),
        # a second group: its first directive is named, once
        (
            (
                ("testcode", "a", "print(1)"),
                ("testcode", "b", "print(2)"),
                ("testcode", "c", "print(3)"),
            ),
            [(5, "`.. testcode:: b` names the group 'b'")],
        ),
        ((("testcode", "", "print(1)"), ("testsetup", "b", "y = 2")), [(5, "`.. testsetup")]),
        ((("testcode", "a, b", "print(1)"),), [(1, "`.. testcode:: a, b` names the group 'b'")]),
        # a testcleanup is not run
        (
            (("testcode", "", "print(1)"), ("testcleanup", "", "del x")),
            [(5, "`.. testcleanup:: default` is not run")],
        ),
    ],
)
def test_what_sphinx_runs_apart_is_named(
    directives: tuple[tuple[str, str, str], ...], warned: list[tuple[int, str]]
) -> None:
    note = NoteParser().parse(sphinx_note(*directives))
    found = [
        (p.line_index + 1, p.message[: len(message)])
        for p, (_, message) in zip(note.problems, warned, strict=False)
    ]
    assert found == warned
    assert len(note.problems) == len(warned)
    assert all(p.severity == "warning" for p in note.problems)
    ran = [name for name, _, _ in directives if name in ("testcode", "testsetup")]
    assert len(note.blocks) == len(ran)


def test_a_testcleanup_is_named_in_a_run(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        sphinx_note(
            ("testsetup", "*", "log = []"),
            ("testcode", "", "log.append(1)"),
            ("testcleanup", "", "log.clear()"),
            ("testcode", "b", "print(log)"),
        )
        + ".. testoutput:: b\n\n   [1]\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, warnings=2)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:9: `.. testcleanup:: default` is not run*write its body as a "
            "`.. testcode::` after that test*",
            "*notes/note.md:13: `.. testcode:: b` names the group 'b'*put each group in a note "
            "of its own*",
        ]
    )
