"""A block whose own code is not Python fails naming the directive that leaves it unrun, the
one ``torchnotes triage`` proposes, and where it goes."""

from __future__ import annotations

import pytest

from pytest_torchnotes.commands.triage.causes import classify
from pytest_torchnotes.reporting.report import BlockRecord
from pytest_torchnotes.run.pseudocode import pseudocode_hint
from tests.conftest import WriteNote

SYNTAX = frozenset({"SyntaxError", "Exception"})

PSEUDO = [
    ("model = <your model>\nprint(model)", None),
    ("for batch in loader:\n    loss = ...\n    <backward and step>", None),
    ("pip install torch", "```console"),
    ("$ python train.py --epochs 3", "```console"),
    ("#include <torch/script.h>\nint main() {}", "```cpp"),
    ("def f(x):\nreturn x", None),  # IndentationError
]


@pytest.mark.parametrize(("code", "tag"), PSEUDO)
def test_the_run_names_the_directive_triage_proposes(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, tag: str | None
) -> None:
    path = write_note(f"# T\n\nProse.\n\n```python\n{code}\n```\n", dedent=False)
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    hint = next(line for line in result.stdout.lines if "not valid Python" in line).strip()
    assert hint.startswith("not valid Python: if the block is pseudo-code")
    assert "on the line above its fence (line 5)" in hint
    assert (f"tag the fence {tag} instead" in hint) == (tag is not None)
    # the same directive as triage's
    message = hint.partition("<!-- torchnotes: ")[2].partition(" -->")[0]
    reason = text[text.index("the block raised ") :].splitlines()[0].removesuffix(" (exception)")
    record = BlockRecord("block", 1, 5, "T", "failed", "exception", reason, None, "", "")
    assert classify("notes/note.md", record, None).directive == message
    # and it does what it says
    lines = path.read_text().splitlines()
    lines.insert(4, f"<!-- torchnotes: {message} -->")
    path.write_text("\n".join(lines) + "\n")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(skipped=1)


@pytest.mark.parametrize(
    "code",
    [
        "eval('1 +')",  # its code compiles: the SyntaxError is what it ran
        "compile('x =', 'f', 'exec')",
        '%time x = eval("1 +")',
    ],
)
def test_code_that_compiles_gets_no_hint(code: str) -> None:
    assert pseudocode_hint(code, SYNTAX, "invalid syntax (<string>, line 1)", 3) is None


def test_other_exceptions_get_no_hint() -> None:
    assert pseudocode_hint("x = <y>", frozenset({"ValueError"}), "bad", 3) is None


@pytest.mark.parametrize(
    "marker", ["======= ouput =====", "---- outptu ----", "=== Ouptut: ===", "~~~ otuput ~~~"]
)
def test_a_misspelt_output_marker_is_named_and_never_left_unrun(
    pytester: pytest.Pytester, write_note: WriteNote, marker: str
) -> None:
    """Its output runs as code and does not compile: leaving the block unrun, as pseudo-code
    is, would leave its output uncompared for good."""
    code = f"print(2)\n\n{marker}\n3"
    path = write_note(f"# T\n\n```python\n{code}\n```\n", dedent=False)
    assert pseudocode_hint(code, SYNTAX, "invalid syntax (note.md, line 6)", 3) is None
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"  line 6 reads as the output marker with its word misspelt: '{marker}'; write "
            "======== output ========== there, and what is under it is compared as the "
            "block's output",
        ]
    )
    assert "not valid Python" not in result.stdout.str()
    text = result.stdout.str()
    reason = text[text.index("the block raised ") :].splitlines()[0].removesuffix(" (exception)")
    record = BlockRecord("block", 1, 3, "T", "failed", "exception", reason, None, "", "")
    from pytest_torchnotes.markdown.parsers import NoteParser

    block = NoteParser().parse(path.read_text()).blocks[0]
    assert classify("notes/note.md", record, None, block).directive is None


@pytest.mark.parametrize("line", ["== input ==", "=== result ===", "--- outcome ---", "a = b"])
def test_other_ruled_words_are_not_the_marker(line: str) -> None:
    from pytest_torchnotes.markdown.marker import misspelt_marker

    assert misspelt_marker(f"x = 1\n{line}") is None
