"""Expected output that is a traceback: what the block must print and raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.tracebacks import (
    EXCEPTION_LINE,
    TRACEBACK_HEADER,
    TRACEBACK_HINTS,
    as_traceback,
    may_hold_traceback,
    read_lines,
    read_traceback,
)
from pytest_torchnotes.markdown.parsers import NoteParser

SAMPLES = Path(__file__).parent / "samples" / "tracebacks"


def test_the_sample_tracebacks() -> None:
    note = NoteParser().parse((SAMPLES / "raises.md").read_text(encoding="utf-8"))
    expected = [read_traceback(block.expected or "") for block in note.blocks]
    assert [
        (item.printed, item.type_name, item.message) if item else None for item in expected
    ] == [
        (
            "adding",
            "RuntimeError",
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton "
            "dimension 0",
        ),
        ("", "ValueError", "first line\nsecond line"),
        ("", "torch.OutOfMemoryError", "out of memory: 2.00 GiB"),
    ]
    first = note.blocks[0]
    assert first.output is not None
    assert expected[0] is not None
    assert first.output.lines[expected[0].header].line + 1 == 12
    assert first.output.lines[expected[0].exception].line + 1 == 14


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Traceback (most recent call last):\n  ...\nKeyError: 'a'", ("KeyError", "'a'")),
        ("Traceback (most recent call last):\n...\nStopIteration", ("StopIteration", "")),
        ("Traceback (innermost last):\n  File x\nValueError:", ("ValueError", "")),
        (
            "Traceback (most recent call last):\n  ...\nKeyError: 'a'\n\nDuring handling of "
            "the above exception, another exception occurred:\n\nTraceback (most recent call "
            "last):\n  ...\nValueError: b",
            ("ValueError", "b"),
        ),
    ],
)
def test_what_is_read(text: str, found: tuple[str, str]) -> None:
    expected = read_traceback(text)
    assert expected is not None
    assert (expected.type_name, expected.message) == found


@pytest.mark.parametrize(
    "text",
    [
        "Traceback (most recent call last):\n  ...",
        "Traceback (most recent call last):\n  File x\n(not an exception)",
        "  Traceback (most recent call last):\n  ...\nKeyError: 'a'",
        "tensor([1, 2])",
    ],
)
def test_what_is_not_a_traceback(text: str) -> None:
    assert read_traceback(text) is None


def test_the_regexes() -> None:
    assert TRACEBACK_HEADER.match("Traceback (most recent call last):  ")
    assert not TRACEBACK_HEADER.match("Traceback (most recent call last)")
    assert EXCEPTION_LINE.match("torch.OutOfMemoryError: x")
    assert not EXCEPTION_LINE.match("9 errors")


TYPES = st.from_regex(r"[A-Za-z_]\w{0,8}(\.[A-Za-z_]\w{0,8}){0,2}", fullmatch=True)
TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=20)


@given(
    st.lists(TEXT.filter(lambda line: not TRACEBACK_HEADER.match(line)), max_size=3),
    TYPES,
    st.lists(TEXT.filter(lambda line: not TRACEBACK_HEADER.match(line)), max_size=3),
)
def test_what_update_writes_reads_back(
    printed: list[str], type_name: str, message: list[str]
) -> None:
    text = "\n".join(message).rstrip()
    written = as_traceback("\n".join(printed), type_name, text)
    expected = read_traceback(written)
    assert expected is not None
    assert expected.type_name == type_name
    assert expected.message == text
    assert expected.printed == "\n".join(printed).rstrip("\n")


def test_ipython_tracebacks_whole_or_only_their_end() -> None:
    # what a notebook's export or a post pasted from Jupyter shows of a cell that raised
    note = NoteParser().parse((SAMPLES / "ipython.md").read_text(encoding="utf-8"))
    expected = [read_traceback(block.expected or "") for block in note.blocks]
    assert [(e.printed, e.type_name, e.message) if e else None for e in expected] == [
        ("before", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"),
        ("", "RuntimeError", "shape '[3]' is invalid for input of size 2"),
        ("", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (1x3 and 2x3)"),
        ("", "RuntimeError", "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x2)"),
    ]
    first = note.blocks[0]
    assert first.output is not None
    assert expected[0] is not None
    # the rule above the title is where the traceback starts, not printed output
    assert first.output.lines[expected[0].header].line + 1 == 12
    assert first.output.lines[expected[0].exception].line + 1 == 19


@pytest.mark.parametrize(
    "text",
    [
        "---> 1 step\ndone",  # an arrow in printed text, and no exception after it
        "----> 1 x\n\nresult: 3",  # a line that names no exception
        "Cell In[3], line 1\n",  # a frame and nothing after it
        "RuntimeError                Traceback (most recent call last)\n    1 x",
    ],
)
def test_printed_text_that_is_not_an_ipython_traceback(text: str) -> None:
    assert read_traceback(text) is None


@given(
    st.sampled_from(["Cell In[2], line 1", "<ipython-input-2-ab12> in <module>", ""]),
    st.sampled_from(["RuntimeError", "ValueError", "torch.OutOfMemoryError"]),
    st.text(alphabet="abc xyz()[]:,0123456789", max_size=30),
    st.booleans(),
)
def test_ipython_traceback_property(frame: str, kind: str, message: str, whole: bool) -> None:
    # whatever the frames and the message, the exception read back is the one written
    head = ["-" * 75, f"{kind}{' ' * 20}Traceback (most recent call last)"] if whole else []
    lines = [*head, *([frame] if frame else []), "----> 1 x.f()", "", f"{kind}: {message}"]
    expected = read_traceback("\n".join(lines))
    assert expected is not None
    assert (expected.printed, expected.type_name) == ("", kind)
    assert expected.message == message.rstrip()


def test_an_exports_blank_lines_inside_an_ipython_traceback() -> None:
    # nbconvert writes a blank line between the lines of a cell's indented output
    text = "before\n\n" + "-" * 75 + "\n\nValueError     Traceback (most recent call last)\n\n"
    text += "Cell In[2], line 1\n----> 1 f()\n\n\nValueError: bad"
    expected = read_traceback(text)
    assert expected is not None
    assert (expected.printed, expected.type_name, expected.message) == (
        "before\n",
        "ValueError",
        "bad",
    )
    assert expected.header == 2


#: IPython's traceback of a cell that raised while it handled another exception.
CHAINED_IPYTHON = """printed first
---------------------------------------------------------------------------
KeyError                                  Traceback (most recent call last)
Cell In[2], line 2
      1 try:
----> 2     d["x"]
      3 except KeyError:

KeyError: 'x'

{link}

{kind}                                Traceback (most recent call last)
Cell In[2], line 4
      3 except KeyError:
----> 4     raise {kind}("no x")

{kind}: no x"""


@pytest.mark.parametrize(
    "link",
    [
        "During handling of the above exception, another exception occurred:",
        "The above exception was the direct cause of the following exception:",
    ],
)
@pytest.mark.parametrize("kind", ["ValueError", "RuntimeError", "torch.OutOfMemoryError"])
def test_a_chained_ipython_traceback_names_the_exception_raised_last(link: str, kind: str) -> None:
    # the block raised the last exception shown; the first is what it was handling
    expected = read_traceback(CHAINED_IPYTHON.format(link=link, kind=kind))
    assert expected is not None
    assert (expected.printed, expected.type_name, expected.message) == (
        "printed first",
        kind,
        "no x",
    )


@pytest.mark.parametrize(
    "frame",
    [
        r"C:\Users\me\anaconda3\lib\site-packages\torch\nn\modules\module.py in _call_impl"
        "(self, *input, **kwargs)",
        r"c:\work\model.py in forward(self, x)",
        "D:/envs/torch/lib/site-packages/torch/functional.py in <lambda>(x)",
    ],
)
@pytest.mark.parametrize("whole", [True, False])
def test_an_ipython_frame_in_a_windows_file_is_not_the_exception(frame: str, whole: bool) -> None:
    # IPython 7 named a frame by its file alone; on Windows that starts with a letter
    head = ["-" * 75, f"RuntimeError{' ' * 20}Traceback (most recent call last)"] if whole else []
    lines = [*head, "<ipython-input-3-1b2c> in <module>", "----> 1 model(x)", "", frame]
    lines += ["--> 727     result = self.forward(*input, **kwargs)", "", "RuntimeError: bad"]
    expected = read_traceback("\n".join(lines))
    assert expected is not None
    assert (expected.type_name, expected.message) == ("RuntimeError", "bad")


#: Pieces of tracebacks of every kind read here, and of text that resembles them.
TRACEBACK_PIECES = [
    "Traceback (most recent call last):",
    "Traceback (innermost last):",
    "Traceback (most recent call",
    "RuntimeError                Traceback (most recent call last)",
    "-" * 75,
    "----> 1 x.f()",
    "---> 1 step",
    "--> 727     result = self.forward(x)",
    "Cell In[3], line 1",
    "Input In [3], in <cell line: 1>()",
    "<ipython-input-3-1b2c> in <module>",
    "File ~/x.py:5, in f()",
    'File "<stdin>", line 1, in <module>',
    r"C:\Users\me\torch\nn\module.py in forward(self, x)",
    "D:/envs/torch/functional.py in <lambda>(x)",
    "  ...",
    "RuntimeError: bad",
    "ValueError",
    "torch.OutOfMemoryError: out of memory",
    "KeyboardInterrupt",
    "tensor([1., 2.])",
    "",
    "  indented",
]


@given(
    st.lists(
        st.one_of(
            st.sampled_from(TRACEBACK_PIECES),
            st.text(alphabet="TrcebkInF ->[]:/\\(),.0123456789abcxyzE_\n", max_size=20),
        ),
        max_size=8,
    )
)
def test_text_without_a_hint_is_no_traceback_and_the_hints_change_no_reading(
    pieces: list[str],
) -> None:
    # every block's expected output is asked; text holding no hint is not read line by line
    text = "\n".join(pieces)
    read = read_lines(text)
    assert read_traceback(text) == read
    if read is not None:
        assert may_hold_traceback(text)


@pytest.mark.parametrize(
    "first",
    [
        "Traceback (most recent call last):",
        "----> 1 x.f()",
        "Cell In[3], line 1",
        "Input In [3], in <cell line: 1>()",
        "<ipython-input-3-1b2c> in <module>",
        "File ~/x.py:5, in f()",
        r"C:\work\model.py in forward(self, x)",
        "D:/envs/functional.py in <lambda>(x)",
    ],
)
def test_each_hint_alone_starts_a_traceback(first: str) -> None:
    # a traceback that holds one hint only is still read: no hint can be left out
    text = f"{first}\nRuntimeError: bad"
    assert sum(hint in text for hint in TRACEBACK_HINTS) == 1
    expected = read_traceback(text)
    assert expected is not None
    assert (expected.type_name, expected.message) == ("RuntimeError", "bad")


def test_output_without_a_hint_is_not_read_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from pytest_torchnotes.comparison import tracebacks

    read: list[str] = []
    monkeypatch.setattr(tracebacks, "read_lines", read.append)
    printed = "tensor([[0, 1, 2, 3],\n        [4, 5, 6, 7]])\ntorch.Size([2, 4])"
    assert tracebacks.read_traceback(printed) is None
    assert tracebacks.read_traceback("Traceback (most recent call last):\nValueError") is None
    assert read == ["Traceback (most recent call last):\nValueError"]
