"""The frames of the plugin's own checks (``__tracebackhide__ = True``) are not shown in the
traceback of a block."""

from __future__ import annotations

from pytest_torchnotes.run.errors import describe_error

NOTE = "notes/note.md"


def _check(value: int) -> None:
    __tracebackhide__ = True
    _library(value)


def _library(value: int) -> None:
    raise ValueError(f"bad {value}")


def test_a_hidden_frame_is_left_out_and_the_rest_kept() -> None:
    code = compile("\n\ncheck(3)\n", NOTE, "exec")
    try:
        exec(code, {"check": _check})
    except ValueError as error:
        info = describe_error(error, NOTE)
    lines = info.traceback.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1] == f'  File "{NOTE}", line 3, in <module>'
    assert "_check" not in info.traceback
    assert "in _library" in info.traceback
    assert lines[-1] == "ValueError: bad 3"
    assert info.line_index == 2
