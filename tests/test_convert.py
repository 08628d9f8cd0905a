"""``torchnotes convert``: notebooks become notes, with exact Markdown for every rule."""

from __future__ import annotations

import shutil
import textwrap
import warnings
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
    new_raw_cell,
)

from pytest_torchnotes.commands.check import check_note
from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.commands.convert import (
    ConversionError,
    convert,
    ipython_syntax,
    notebook_to_note,
    read_notebook,
)
from pytest_torchnotes.markdown.lexers import MarkdownLexer

SAMPLE = Path(__file__).parent / "samples" / "autograd.ipynb"
DOCS = Path(__file__).parent.parent / "docs" / "convert.md"


def notebook(*cells: nbformat.NotebookNode, **metadata: Any) -> nbformat.NotebookNode:
    return new_notebook(cells=list(cells), metadata=metadata)


def stdout(text: str) -> nbformat.NotebookNode:
    return new_output("stream", name="stdout", text=text)


def stderr(text: str) -> nbformat.NotebookNode:
    return new_output("stream", name="stderr", text=text)


def result(data: dict[str, str]) -> nbformat.NotebookNode:
    return new_output("execute_result", data=data, execution_count=1)


def display(data: dict[str, str]) -> nbformat.NotebookNode:
    return new_output("display_data", data=data)


def error(name: str, value: str) -> nbformat.NotebookNode:
    return new_output("error", ename=name, evalue=value, traceback=[f"{name}: {value}"])


def code(source: str, *outputs: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return new_code_cell(source, outputs=list(outputs))


def note(*cells: nbformat.NotebookNode) -> str:
    return notebook_to_note(notebook(*cells))


def expected(text: str) -> str:
    return textwrap.dedent(text)


# Cells and their order


def test_markdown_stays_prose_and_code_cells_become_blocks_in_order() -> None:
    prose = "# 张量 Tensors\n\n*Prose* stays   as written,  \n<br> even <b>HTML</b>."
    converted = note(
        new_markdown_cell(prose + "\n\n"),
        code("import torch\nx = torch.arange(3)"),
        new_markdown_cell("Then:"),
        code("print(x)", stdout("tensor([0, 1, 2])\n")),
    )
    assert converted == prose + expected(
        """

        ```python
        import torch
        x = torch.arange(3)
        ```

        Then:

        ```python
        print(x)

        ======== output ==========
        tensor([0, 1, 2])
        ```
        """
    )


def test_empty_cells_are_dropped_and_blank_lines_around_code_go() -> None:
    converted = note(
        code(""),
        code("\n  \n"),
        new_markdown_cell(""),
        code("\n\nx = 1\n\n\ny = 2\n\n"),
        new_raw_cell("\n"),
    )
    assert converted == "```python\nx = 1\n\n\ny = 2\n```\n"


def test_raw_cells_are_kept_in_a_text_fence() -> None:
    converted = note(new_raw_cell(".. note:: reST, kept as it is\n"), code("x = 1"))
    assert converted == expected(
        """\
        ```text
        .. note:: reST, kept as it is
        ```

        ```python
        x = 1
        ```
        """
    )


def test_crlf_sources_become_lf() -> None:
    converted = note(new_markdown_cell("a\r\nb"), code("x = 1\r\ny = 2", stdout("3\r\n")))
    assert converted == "a\nb\n\n```python\nx = 1\ny = 2\n\n======== output ==========\n3\n```\n"


def test_a_notebook_without_text_cannot_be_converted() -> None:
    with pytest.raises(ConversionError, match=r"^nothing to convert: the notebook has no cell"):
        note(code(""), new_markdown_cell("  "))


# Outputs


def test_stdout_then_the_displayed_value_in_stored_order_and_stderr_dropped() -> None:
    converted = note(
        code(
            "print('before')\nprint('warned', file=sys.stderr)\nx",
            stdout("before\n"),
            stderr("warned\n"),
            result({"text/plain": "tensor([1, 2])", "text/html": "<b>x</b>"}),
        )
    )
    assert converted == expected(
        """\
        ```python
        print('before')
        print('warned', file=sys.stderr)
        x

        ======== output ==========
        before
        tensor([1, 2])
        ```
        """
    )


def test_the_value_follows_unfinished_stdout_on_its_line_as_plain_python_prints_it() -> None:
    converted = note(code("print('a', end='')\n5", stdout("a"), result({"text/plain": "5"})))
    assert converted.endswith("======== output ==========\na5\n```\n")


def test_a_cell_without_outputs_or_with_only_stderr_has_no_marker() -> None:
    converted = note(code("x = 1"), code("warn()", stderr("UserWarning: careful\n")))
    assert converted == "```python\nx = 1\n```\n\n```python\nwarn()\n```\n"


def test_output_that_is_only_blank_lines_gives_no_marker() -> None:
    assert note(code("print()", stdout("\n\n"))) == "```python\nprint()\n```\n"


def test_ansi_codes_trailing_whitespace_and_blank_edges_are_removed() -> None:
    converted = note(
        code("show()", stdout("\n\x1b[31mred\x1b[0m   \nplain\t\n\n\x1b[1mbold\x1b[0m\n\n"))
    )
    assert converted.endswith("======== output ==========\nred\nplain\n\nbold\n```\n")


def test_images_and_html_are_dropped_with_a_comment_naming_them() -> None:
    converted = note(
        code(
            "plot()\nplot()\nchart",
            stdout("plotting\n"),
            display({"image/png": "iVBOR", "text/plain": "<Figure size 640x480 with 1 Axes>"}),
            display({"image/png": "iVBOR", "text/plain": "<Figure size 640x480 with 1 Axes>"}),
            result({"text/html": "<div>chart</div>", "image/svg+xml": "<svg/>"}),
        )
    )
    assert converted == expected(
        """\
        ```python
        plot()
        plot()
        chart

        ======== output ==========
        plotting
        ```
        <!-- image/png output of this cell not kept: a note keeps text only -->
        <!-- image/svg+xml, text/html output of this cell not kept: a note keeps text only -->
        """
    )


def test_display_text_is_dropped_because_plain_python_does_not_print_it() -> None:
    converted = note(code("display(x)", display({"text/plain": "tensor([1])"})))
    assert converted == expected(
        """\
        ```python
        display(x)
        ```
        <!-- display() output of this cell not kept: only IPython shows it, plain Python does not print it -->
        """  # noqa: E501
    )


@pytest.mark.parametrize("line", ["```", "  ```  ", "``````"])
def test_backtick_lines_in_the_output_get_a_longer_fence(line: str) -> None:
    converted = note(code("print(fence)", stdout(f"{line}\nx\n")))
    fence = "`" * max(4, len(line.strip()) + 1)
    assert converted == (
        f"{fence}python\nprint(fence)\n\n======== output ==========\n{line.rstrip()}\nx\n{fence}\n"
    )


def test_backtick_lines_in_the_code_get_a_longer_fence() -> None:
    converted = note(code('text = """\n````\n"""'))
    assert converted == '`````python\ntext = """\n````\n"""\n`````\n'


def test_backticks_that_do_not_fill_a_line_keep_the_short_fence() -> None:
    converted = note(code("print('```python')", stdout("```python\n``` x\n")))
    assert converted == expected(
        """\
        ```python
        print('```python')

        ======== output ==========
        ```python
        ``` x
        ```
        """
    )


def test_output_with_carriage_returns_is_dropped_with_a_comment() -> None:
    converted = note(code("progress()", stdout("10%\r50%\r100%\n")))
    assert converted == expected(
        """\
        ```python
        progress()
        ```
        <!-- printed output of this cell not kept: it rewrites lines with carriage returns, which a note cannot keep -->
        """  # noqa: E501
    )


def test_output_with_a_nul_character_is_dropped_with_a_comment() -> None:
    converted = note(code("print(chr(0))", stdout("\x00\n")))
    assert converted == expected(
        """\
        ```python
        print(chr(0))
        ```
        <!-- printed output of this cell not kept: it holds NUL characters -->
        """
    )


def test_output_with_a_marker_line_is_dropped_with_a_comment() -> None:
    converted = note(code("report()", stdout("=== Output ===\n42\n")))
    assert converted == expected(
        """\
        ```python
        report()
        ```
        <!-- printed output of this cell not kept: a line of it would be read as the output marker -->
        """  # noqa: E501
    )


def test_a_code_line_like_the_marker_is_refused() -> None:
    with pytest.raises(ConversionError, match=r"^cell 2: the code line '=== output ===' would"):
        note(new_markdown_cell("x"), code('s = """\n=== output ===\n"""'))


@pytest.mark.parametrize(("character", "name"), [("\r", "a carriage return"), ("\x00", "a NUL")])
def test_a_source_with_a_character_a_note_cannot_hold_is_refused(character: str, name: str) -> None:
    with pytest.raises(ConversionError, match=f"^cell 1 holds {name}"):
        note(new_markdown_cell(f"a{character}b"))


# Errors


def test_an_error_becomes_a_raises_directive_and_what_was_printed_before_stays() -> None:
    converted = note(
        code(
            "print('checking')\ntorch.ones(3) + torch.ones(2)",
            stdout("checking\n"),
            error("RuntimeError", "The size of tensor a (3) must match the size of tensor b (2)"),
        )
    )
    assert converted == expected(
        """\
        <!-- torchnotes: raises RuntimeError: The size of tensor a (3) must match the size of tensor b (2) -->
        ```python
        print('checking')
        torch.ones(3) + torch.ones(2)

        ======== output ==========
        checking
        ```
        """  # noqa: E501
    )


@pytest.mark.parametrize(
    ("value", "directive"),
    [
        ("", "raises ValueError"),
        ("\x1b[31mbad\x1b[0m value", "raises ValueError: bad value"),
        ("\n  first line  \nsecond line", "raises ValueError: first line"),
        ("before --> after", "raises ValueError: before"),
        ("before --!> after", "raises ValueError: before"),
        ("-->", "raises ValueError"),
        ("\x1b[1m\x1b[0m", "raises ValueError"),
    ],
)
def test_the_error_message_is_made_safe_for_a_comment(value: str, directive: str) -> None:
    converted = note(code("fail()", error("ValueError", value)))
    assert converted == f"<!-- torchnotes: {directive} -->\n```python\nfail()\n```\n"


def test_an_interrupted_cell_is_skipped() -> None:
    converted = note(code("train()", stdout("epoch 1\n"), error("KeyboardInterrupt", "")))
    assert converted == expected(
        """\
        <!-- torchnotes: skip the stored run of this cell was interrupted (KeyboardInterrupt) -->
        ```python
        train()

        ======== output ==========
        epoch 1
        ```
        """
    )


@pytest.mark.parametrize("name", ["", "Bad Name", "Error: x", "1Error"])
def test_an_error_name_a_directive_cannot_hold_is_refused(name: str) -> None:
    with pytest.raises(ConversionError, match=f"^cell 1: it ended in an error named {name!r}"):
        note(code("fail()", error(name, "x")))


# IPython syntax


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("%timeit x + 1", "IPython magic %timeit"),
        ("%%time\ny = f(x)", "IPython magic %%time"),
        ("x = 1\n  %matplotlib inline", "IPython magic %matplotlib"),
        ("!pip install torchinfo", "shell escape !pip"),
        ("files = !ls", "shell escape !ls"),
        ("t = %timeit -o f()", "IPython magic %timeit"),
        ("torch.tensor?", "IPython help torch.tensor?"),
        ("??torch.nn.Linear", "IPython help ??torch.nn.Linear"),
    ],
)
def test_ipython_syntax_is_named(source: str, reason: str) -> None:
    assert ipython_syntax(source) == reason


@pytest.mark.parametrize(
    "source",
    [
        "x = (7\n% 4)",
        's = """\n!ls\n%timeit\n"""',
        "ok = (1\n!= 2)",
        "def f(:\n    pass",
    ],
)
def test_python_and_plain_syntax_errors_are_not_ipython_syntax(source: str) -> None:
    assert ipython_syntax(source) is None


def test_looking_for_ipython_syntax_warns_about_nothing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ipython_syntax('pattern = "\\d+"\n%time f()') == "IPython magic %time"
    assert caught == []


def test_a_magic_cell_is_skipped_with_its_output_kept_and_no_raises() -> None:
    converted = note(
        code(
            "%timeit torch.ones(3).sum()",
            stdout("2.1 μs ± 10 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)\n"),
            error("NameError", "name 'torch' is not defined"),
        )
    )
    assert converted == expected(
        """\
        <!-- torchnotes: skip IPython magic %timeit is not Python -->
        ```python
        %timeit torch.ones(3).sum()

        ======== output ==========
        2.1 μs ± 10 ns per loop (mean ± std. dev. of 7 runs, 100,000 loops each)
        ```
        """
    )


def test_a_magic_name_cannot_end_the_comment() -> None:
    converted = note(code("!ls-->x"))
    assert converted == (
        "<!-- torchnotes: skip shell escape !lsx is not Python -->\n```python\n!ls-->x\n```\n"
    )


# Reading notebooks


def write_notebook(path: Path, nb: nbformat.NotebookNode) -> Path:
    nbformat.write(nb, path)
    return path


def test_a_notebook_of_another_language_is_refused(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "r.ipynb",
        notebook(code("print(1)"), kernelspec={"name": "ir", "language": "R", "display_name": "R"}),
    )
    with pytest.raises(ConversionError, match=r"r\.ipynb: the notebook's kernel language is 'R'"):
        read_notebook(path)


def test_language_info_names_the_language_first(tmp_path: Path) -> None:
    python = {"name": "python", "version": "3.11"}
    julia = {"name": "julia", "language": "julia", "display_name": "Julia"}
    path = write_notebook(
        tmp_path / "p.ipynb", notebook(code("x = 1"), language_info=python, kernelspec=julia)
    )
    assert read_notebook(path).cells[0].source == "x = 1"


def test_a_notebook_that_names_no_language_is_python(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "plain.ipynb", notebook(code("x = 1")))
    assert read_notebook(path).cells[0].source == "x = 1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("hello", "not a readable notebook: Notebook does not appear to be JSON"),
        ('{"nbformat": 9, "nbformat_minor": 0}', "not a readable notebook: Unsupported"),
        (
            '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": '
            '"code", "id": "a", "source": "", "metadata": {}, "execution_count": null, '
            '"outputs": [{"output_type": "bogus"}]}]}',
            "not a valid notebook: ",
        ),
    ],
)
def test_a_file_that_is_not_a_valid_notebook_is_refused(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConversionError) as raised:
        read_notebook(path)
    assert str(raised.value).startswith(f"{path}: {message}")


def test_a_missing_notebook_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="cannot read the notebook: No such file"):
        read_notebook(tmp_path / "missing.ipynb")


# Writing notes


def test_convert_writes_beside_the_notebook_and_names_it_in_errors(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "n.ipynb", notebook(code("x = 1")))
    assert convert(path) == tmp_path / "n.md"
    assert (tmp_path / "n.md").read_bytes() == b"```python\nx = 1\n```\n"
    bad = write_notebook(tmp_path / "bad.ipynb", notebook(code("x", error("A B", "x"))))
    with pytest.raises(ConversionError, match=r"bad\.ipynb: cell 1: it ended in an error named"):
        convert(bad)
    assert not (tmp_path / "bad.md").exists()


def test_convert_never_replaces_the_notebook(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "odd.md", notebook(code("x = 1")))
    before = path.read_bytes()
    with pytest.raises(ConversionError, match="the note would replace the notebook itself"):
        convert(path, force=True)
    assert path.read_bytes() == before


def test_a_converted_notebook_passes_check(tmp_path: Path) -> None:
    path = write_notebook(
        tmp_path / "all.ipynb",
        notebook(
            new_markdown_cell("# Everything"),
            code("import torch\nx = torch.ones(2)\nx", result({"text/plain": "tensor([1., 1.])"})),
            code("x.view(3)", error("RuntimeError", "shape '[3]' is invalid for input of size 2")),
            code("%timeit x.sum()", stdout("1 μs ± 1 ns per loop\n")),
            code("show(x)", display({"image/png": "iVBOR"}), stdout("```\n")),
            code("print('=== output ===')", stdout("=== output ===\n")),
            new_raw_cell("```python\nprint('raw')\n```"),
        ),
    )
    assert check_note(convert(path)) == []


# The command


def test_the_command_writes_the_note_and_says_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_notebook(tmp_path / "n.ipynb", notebook(code("print(1)", stdout("1\n"))))
    assert main(["convert", str(path)]) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'n.md'}\n"
    text = (tmp_path / "n.md").read_text(encoding="utf-8")
    assert text == "```python\nprint(1)\n\n======== output ==========\n1\n```\n"


def test_the_command_writes_where_output_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_notebook(tmp_path / "n.ipynb", notebook(code("x = 1")))
    target = tmp_path / "notes" / "x.md"
    target.parent.mkdir()
    assert main(["convert", str(path), "-o", str(target)]) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == "```python\nx = 1\n```\n"
    assert not (tmp_path / "n.md").exists()


def test_the_command_overwrites_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_notebook(tmp_path / "n.ipynb", notebook(code("x = 1")))
    target = tmp_path / "n.md"
    target.write_text("my own note\n", encoding="utf-8")
    assert main(["convert", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"torchnotes convert: {target} already exists (use --force to overwrite it)\n"
    )
    assert target.read_text(encoding="utf-8") == "my own note\n"
    assert main(["convert", str(path), "--force"]) == 0
    assert target.read_text(encoding="utf-8") == "```python\nx = 1\n```\n"


def test_the_command_fails_on_a_bad_notebook_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text("{not json", encoding="utf-8")
    assert main(["convert", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"torchnotes convert: {path}: not a readable notebook: ")
    assert not (tmp_path / "bad.md").exists()


def test_the_command_fails_on_a_notebook_of_another_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    julia = {"name": "julia", "language": "julia", "display_name": "Julia"}
    path = write_notebook(tmp_path / "j.ipynb", notebook(code("1 + 1"), kernelspec=julia))
    assert main(["convert", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"torchnotes convert: {path}: the notebook's kernel language is 'julia', not Python\n"
    )


# End to end


def test_the_sample_notebook_becomes_a_note_that_passes(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    notebook_path = pytester.path / "autograd.ipynb"
    shutil.copyfile(SAMPLE, notebook_path)
    assert main(["convert", str(notebook_path), "-o", "notes/autograd.md"]) == 0
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] notes/autograd.md:61: IPython magic %timeit is not Python"]
    )
    assert check_note(pytester.path / "notes" / "autograd.md") == []


def test_the_sample_notebook_has_each_kind_of_cell_and_output() -> None:
    nb = read_notebook(SAMPLE)
    kinds = {output.output_type for cell in nb.cells for output in cell.get("outputs", [])}
    assert kinds == {"stream", "execute_result", "error"}
    assert sum(cell.cell_type == "markdown" for cell in nb.cells) >= 2
    assert any(cell.source.startswith("%timeit") for cell in nb.cells)


def test_the_docs_show_the_sample_notebook_converted() -> None:
    fences = MarkdownLexer()(DOCS.read_text(encoding="utf-8")).fences
    example = next(fence for fence in fences if fence.info.startswith("markdown note"))
    shown = "\n".join(line.text for line in example.body) + "\n"
    assert shown == notebook_to_note(read_notebook(SAMPLE))


def test_printed_and_displayed_output_compare_as_the_plugin_runs_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    path = write_notebook(
        pytester.path / "n.ipynb",
        notebook(
            code(
                "import torch\nprint('a', end='')\ntorch.tensor([5])",
                stdout("a"),
                result({"text/plain": "tensor([5])"}),
            ),
            code(
                "print('\\x1b[32mgreen\\x1b[0m  ')\n{}['k']",
                stdout("\x1b[32mgreen\x1b[0m  \n"),
                error("KeyError", "'k'"),
            ),
            code("x = 1;", stdout("")),
        ),
    )
    assert main(["convert", str(path), "-o", "notes/n.md"]) == 0
    pytester.runpytest().assert_outcomes(passed=1)


def test_stale_stored_outputs_fail_then_update_refreshes_them(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    path = write_notebook(
        pytester.path / "n.ipynb",
        notebook(
            code(
                "import torch\nx = torch.arange(3.0)\nprint(x * 2)",
                stdout("tensor([0., 2., 5.])\n"),
            ),
            code("x.sum()", result({"text/plain": "tensor(4.)"})),
            code("print(x.dtype)", stdout("torch.float32\n")),
        ),
    )
    assert main(["convert", str(path), "-o", "notes/n.md"]) == 0
    note = pytester.path / "notes" / "n.md"
    run = pytester.runpytest()
    run.assert_outcomes(failed=1)
    assert "-tensor([0., 2., 5.])\n+tensor([0., 2., 4.])" in run.stdout.str()
    pytester.runpytest("--torchnotes-update").assert_outcomes(passed=1)
    updated = note.read_text(encoding="utf-8")
    assert "tensor([0., 2., 4.])" in updated
    assert "tensor(3.)\n" in updated
    assert updated.count("torch.float32") == 1  # the passing block is left alone
    pytester.runpytest().assert_outcomes(passed=1)
    assert note.read_text(encoding="utf-8") == updated
