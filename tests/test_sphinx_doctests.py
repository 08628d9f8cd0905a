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
    # kept for the groups it names, run as the session
    assert [doctest.code.name for doctest in found.sphinx_doctests] == ["doctest"]
    assert len(NoteParser().parse(f".. doctest::\n\n{indent}>>> 1 + 1\n{indent}2\n").blocks) == 1


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
        # groups, setups for every group, cleanups: run as Sphinx runs them
        ((("testsetup", "*", "x = 1"), ("testcode", "", "print(x)")), []),
        ((("testcode", "a", "print(1)"), ("testcode", "b", "print(2)")), []),
        ((("testcode", "", "print(1)"), ("testcleanup", "", "del x")), []),
        ((("testcode", "a, b", "print(1)"), ("testsetup", "b", "y = 2")), []),
        # a test of every group runs in the group of the test above it: named
        (
            (("testcode", "a", "print(1)"), ("testcode", "*", "print(2)")),
            [(5, "`.. testcode:: *`")],
        ),
    ],
)
def test_only_a_test_of_every_group_is_named(
    directives: tuple[tuple[str, str, str], ...], warned: list[tuple[int, str]]
) -> None:
    note = NoteParser().parse(sphinx_note(*directives))
    found = [
        (p.line_index + 1, p.message[: len(message)])
        for p, (_, message) in zip(note.problems, warned, strict=False)
    ]
    assert found == warned
    assert len(note.problems) == len(warned)
    assert len(note.blocks) == len(directives)


def test_a_testcleanup_above_its_groups_tests_is_planned_after_the_last() -> None:
    note = NoteParser().parse(
        sphinx_note(
            ("testcleanup", "a", "print('a')"),
            ("testcode", "a", "x = 1"),
            ("testcode", "b", "y = 2"),
            ("testcode", "a", "x = 3"),
        )
    )
    cleanup, first, other, last = note.blocks
    assert cleanup.sphinx is not None
    assert (cleanup.sphinx.groups, cleanup.sphinx.after) == ((), last.code_line)
    assert first.sphinx is not None
    assert other.sphinx is not None
    assert not first.sphinx.cleanups
    assert not other.sphinx.cleanups
    assert last.sphinx is not None
    assert [(c.code, c.group) for c in last.sphinx.cleanups] == [("print('a')", "a")]


GROUPS_RUN = [
    # each group its own namespace, its setup and every group's
    (
        (
            ("testsetup", "*", "import os\nlog = []"),
            ("testcode", "", "log.append(1)\nprint(log)"),
            ("testcleanup", "", "log.clear()"),
            ("testcode", "b", "print(log, 'x' in dir())"),
            ("testcode", "", "x = 5\nprint(log)"),
            ("testcode", "b", "print(log, 'x' in dir())"),
        ),
        ["[1]", "[] False", "[1]", "[] False"],
    ),
    # a cleanup written above its group's tests runs after the last of them
    (
        (
            ("testcleanup", "a", "open('a-cleaned', 'w').close()"),
            ("testsetup", "*", "import os"),
            ("testcode", "a", "print(os.path.exists('a-cleaned'))"),
            ("testcode", "b", "print(os.path.exists('a-cleaned'))"),
            ("testcode", "a", "print(os.path.exists('a-cleaned'))"),
            ("testcode", "b", "print(os.path.exists('a-cleaned'))"),
        ),
        ["False", "False", "False", "True"],
    ),
    # a setup of every group written after a group was met runs in it too, and in later ones
    (
        (
            ("testcode", "a", "print('a')"),
            ("testsetup", "*", "z = 7"),
            ("testcode", "a", "print(z)"),
            ("testcode", "b", "print(z)"),
            ("testcode", "", "print(z)"),
        ),
        ["a", "7", "7", "7"],
    ),
    # a test of two groups runs in each
    (
        (
            ("testsetup", "a", "n = 1"),
            ("testsetup", "b", "n = 2"),
            ("testcode", "a, b", "n += 10\nprint(n > 10)"),
            ("testcode", "a", "print(n)"),
            ("testcode", "b", "print(n)"),
        ),
        ["True", "11", "12"],
    ),
]


def _with_outputs(directives: tuple[tuple[str, str, str], ...], outputs: list[str]) -> str:
    """A page of directives with a ``testoutput`` after each ``testcode``, in order."""
    text = ""
    printed = iter(outputs)
    for name, argument, body in directives:
        text += (
            f".. {name}:: {argument}\n\n"
            + "".join(f"   {line}\n" for line in body.split("\n"))
            + "\n"
        )
        if name == "testcode":
            text += f".. testoutput:: {argument}\n\n   {next(printed)}\n\n"
    return text


@pytest.mark.parametrize(("directives", "outputs"), GROUPS_RUN)
def test_groups_run_apart_as_sphinx_runs_them(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    directives: tuple[tuple[str, str, str], ...],
    outputs: list[str],
) -> None:
    write_note(_with_outputs(directives, outputs))
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*{len(outputs)} verified*"])
    result.stdout.no_fnmatch_line("*warning*")


def test_a_cleanup_that_raises_fails_the_test_it_runs_after(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        _with_outputs(
            (
                ("testcleanup", "a", "del missing"),
                ("testcode", "a", "print(1)"),
                ("testcode", "b", "print(2)"),
            ),
            ["1", "2"],
        )
    )
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*notes/note.md:7:*the testcleanup of group 'a' (line 3), run after this block, "
            "raised NameError: name 'missing' is not defined*"
        ]
    )


def test_a_doctest_session_runs_in_the_group_it_names(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        sphinx_note(("testsetup", "a", "x = 1"))
        + ".. doctest:: a\n\n   >>> print(x)\n   1\n\n"
        + ".. doctest:: b\n\n    >>> 'x' in dir()\n    False\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*3 blocks: 2 verified, 1 ran*"])


def test_update_rewrites_the_output_of_a_test_of_two_groups_once(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    path = write_note(
        _with_outputs((("testsetup", "*", "n = 1"), ("testcode", "a, b", "print(n + 1)")), ["3"])
    )
    result = pytester.runpytest("--torchnotes-update")
    result.assert_outcomes(passed=1)
    assert ".. testoutput:: a, b\n\n   2\n" in path.read_text()
    pytester.runpytest().assert_outcomes(passed=1)
