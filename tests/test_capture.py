"""What a block writes, as the capture sees it."""

from __future__ import annotations

import os
import sys

from pytest_torchnotes.capture import BlockCapture, CaptureStream, FileDescriptorCapture


def test_a_capture_stream_looks_like_stdout() -> None:
    stream = CaptureStream()
    assert (stream.encoding, stream.errors, stream.isatty()) == ("utf-8", "replace", False)
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


def test_unencodable_text_is_replaced_and_stdin_is_empty() -> None:
    with BlockCapture() as capture:
        print("tensor \udcff")
        assert sys.stdin.read() == ""
    assert capture.out == "tensor ?\n"
