"""What a block writes, as the capture sees it."""

from __future__ import annotations

import ctypes
import os
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.run.capture import BlockCapture, CaptureStream, FileDescriptorCapture
from tests.conftest import WriteNote


def test_a_capture_stream_looks_like_stdout() -> None:
    stream = CaptureStream()
    assert (stream.encoding, stream.errors, stream.isatty()) == ("utf-8", "strict", False)
    stream.write("text ")
    assert stream.buffer.writable()
    character = "中".encode()
    stream.buffer.write(character[:2])  # a character split over two writes
    stream.buffer.write(character[2:] + b"\n")
    assert stream.getvalue() == "text 中\n"


def test_python_then_fd_output_and_a_fresh_file_each_block() -> None:
    fd = FileDescriptorCapture()
    try:
        for word in ("first", "second"):
            with BlockCapture(fd) as capture:
                print(f"{word} print")
                os.write(1, f"{word} fd\n".encode())
                sys.stderr.write("to stderr\n")
            assert capture.out == f"{word} print\n{word} fd\n"
            assert capture.err == "to stderr\n"
    finally:
        fd.close()


def test_stdin_is_empty() -> None:
    with BlockCapture() as capture:
        assert sys.stdin.read() == ""
    assert capture.out == ""


def test_fd_output_keeps_its_place_among_python_prints() -> None:
    fd = FileDescriptorCapture()
    try:
        with BlockCapture(fd) as capture:
            print("python 1")
            os.write(1, b"fd 1\n")
            sys.stdout.write("python 2\n")
            os.write(1, "中".encode()[:2])  # a character split over two writes
            os.write(1, "中".encode()[2:] + b"\n")
            print("python 3")
            os.write(1, b"fd last\n")
        assert capture.out == "python 1\nfd 1\npython 2\n中\npython 3\nfd last\n"
        with BlockCapture(fd) as capture:
            print("next block")
        assert capture.out == "next block\n"
    finally:
        fd.close()


@pytest.mark.skipif(sys.platform == "win32", reason="C stdio is flushed where libc is found")
def test_c_stdio_output_keeps_its_place_among_python_prints() -> None:
    libc = ctypes.CDLL(None)
    fd = FileDescriptorCapture()
    try:
        with BlockCapture(fd) as capture:
            print("python")
            libc.printf(b"printf %d\n", 1)  # buffered by the C library, not yet written
            print("python again")
            libc.puts(b"puts")
        assert capture.out == "python\nprintf 1\npython again\nputs\n"
    finally:
        fd.close()


@pytest.mark.skipif(sys.platform == "win32", reason="C stdio is flushed where libc is found")
def test_pending_tells_new_fd_output_c_stdio_buffers_included() -> None:
    libc = ctypes.CDLL(None)
    fd = FileDescriptorCapture()
    try:
        fd.start()
        try:
            assert not fd.pending()
            os.write(1, b"fd\n")
            assert fd.pending()
            assert fd.drain() == "fd\n"
            assert not fd.pending()
            libc.printf(b"printf\n")  # still in the C library's buffer
            assert fd.pending()
            assert fd.drain() == "printf\n"
        finally:
            fd.stop()
    finally:
        fd.close()


@given(st.lists(st.tuples(st.booleans(), st.text(st.characters(codec="utf-8"), max_size=5))))
def test_any_mix_of_writes_comes_back_in_order(writes: list[tuple[bool, str]]) -> None:
    fd = FileDescriptorCapture()
    try:
        with BlockCapture(fd) as capture:
            for at_fd_level, text in writes:
                if at_fd_level:
                    os.write(1, text.encode())
                else:
                    sys.stdout.write(text)
        assert capture.out == "".join(text for _, text in writes)
    finally:
        fd.close()


def test_a_finished_block_takes_nothing_from_the_next() -> None:
    fd = FileDescriptorCapture()
    try:
        with BlockCapture(fd) as first:
            late = sys.stdout  # what a thread of the first block keeps writing to
        with BlockCapture(fd) as second:
            os.write(1, b"second fd\n")
            late.write("late\n")
            print("second print")
        assert first.out == "late\n"
        assert second.out == "second fd\nsecond print\n"
    finally:
        fd.close()


UNENCODABLE = st.text(
    alphabet=st.one_of(
        st.sampled_from("ab 张\n"), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
    ),
    min_size=1,
).filter(lambda text: any(0xD800 <= ord(char) <= 0xDFFF for char in text))


@given(UNENCODABLE)
def test_unencodable_text_raises_on_stdout_as_in_a_script(text: str) -> None:
    """``python script.py`` in a UTF-8 locale: ``UnicodeEncodeError``, surrogates not allowed."""
    with BlockCapture() as capture:
        print("before")
        with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):
            print(text)
    assert capture.out == "before\n"


@given(UNENCODABLE)
def test_unencodable_text_is_escaped_on_stderr_as_in_a_script(text: str) -> None:
    with BlockCapture() as capture:
        sys.stderr.write(text)
    assert capture.err == text.encode("utf-8", "backslashreplace").decode("utf-8")
    assert "?" not in capture.err


def test_a_note_that_prints_a_lone_surrogate_fails_as_a_script_would(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note('```python\nprint("tensor \\udcff")\n\n=== output ===\ntensor ?\n```\n')
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*UnicodeEncodeError*surrogates not allowed*"])


#: What notes written on Windows start with, so that Chinese text prints in a console.
RECONFIGURED = """\
```python
import sys
sys.stdout.reconfigure(encoding="utf-8")
print("损失", sys.stdout.encoding)
sys.stdout.reconfigure(encoding="ascii", errors="replace")
print("损失", sys.stdout.encoding)
=== output ===
损失 utf-8
?? ascii
```
"""


def test_a_block_can_reconfigure_its_standard_output(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # It raised AttributeError: '_InOrderStream' object has no attribute 'reconfigure'.
    write_note(RECONFIGURED)
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.runpytest("--torchnotes-capture-fd=false").assert_outcomes(passed=1)


def _write(text: str) -> str:
    """Write ``text`` to ``sys.stdout``; what the write gave: its count or its error."""
    try:
        return str(sys.stdout.write(text))
    except UnicodeEncodeError as error:
        return error.reason


def _write_each(texts: list[str]) -> list[str]:
    return [_write(text) for text in texts]


@given(st.lists(st.text(st.sampled_from(["a", " ", "\n", "张", "\udc80", "é"]))))
def test_stdout_with_fd_capture_takes_text_as_the_plain_stream(texts: list[str]) -> None:
    fd = FileDescriptorCapture()
    try:
        with BlockCapture(fd) as in_order:
            outcomes = _write_each(texts)
    finally:
        fd.close()
    with BlockCapture() as plain:
        assert _write_each(texts) == outcomes
    assert in_order.out == plain.out
