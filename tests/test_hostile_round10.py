"""End to end: hostile notes of a tenth round. Stand-ins a note puts into ``sys.modules``
for the modules the session uses, and notes in encodings other than UTF-8."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.markdown.document import NoteReadError, decode_note
from tests.conftest import WriteNote

#: What the next note checks: the modules the session and notes use are the real ones.
REAL_MODULES = """\
```python
import json, numpy, torch
print(hasattr(numpy, "zeros"), json.dumps(1), torch.ones(1))
=== output ===
True 1 tensor([1.])
```
"""


#: Ways a note reaches ``sys.modules``, and code that says "modules" of a model's.
REACHES_SYS_MODULES = [
    "import sys\nsys.modules['torch'] = None",
    "from sys import modules\nmodules['numpy'] = None",
    "import sys as s\ns.modules.update(torch=object())",
    "from unittest import mock\nmock.patch.dict('sys.modules', {'torch': None}).start()",
    "import os\nos.sys.modules.pop('json')",
]
MODEL_MODULES = [
    "for m in model.modules():\n    print(type(m).__name__)",
    "print(len(list(net.named_modules())))",
    "from torch.nn.modules import Linear",
]


@pytest.mark.parametrize(
    ("code", "guarded"),
    [(code, True) for code in REACHES_SYS_MODULES] + [(code, False) for code in MODEL_MODULES],
)
def test_the_entries_of_sys_modules_are_kept_for_the_notes_that_may_reach_them(
    code: str, guarded: bool
) -> None:
    # a copy of sys.modules and its comparison after the note cost about 90 us: not for
    # every note that walks a model's modules
    from pytest_torchnotes.run.note_modules import names_entries

    assert names_entries(code) is guarded


@pytest.mark.parametrize(
    "replace",
    [
        "import sys\nclass Fake: pass\nsys.modules['torch'] = Fake()",
        "import sys\nsys.modules['torch'] = None\nsys.modules['numpy'] = None",
        "import sys\ndel sys.modules['torch']\nsys.modules.pop('json')",
        "from sys import modules\nimport types\nmodules['numpy'] = types.ModuleType('numpy')",
        "import sys as s\ns.modules.update(torch=object(), json=object())",
    ],
    ids=["stand-in", "none", "removed", "from-sys-import", "update"],
)
def test_a_stand_in_for_a_module_the_session_uses_is_put_back_before_the_session_reads_it(
    pytester: pytest.Pytester, write_note: WriteNote, replace: str
) -> None:
    # The entries were put back after the session had read torch through sys.modules to
    # restore its own settings: the note failed with the session's AttributeError
    # ('Fake' object has no attribute 'is_warn_always_enabled') and the stand-in stayed for
    # the next note and the terminal summary. Named another way than "sys.modules", the
    # entry was not put back at all.
    write_note(f"```python\n{replace}\nprint('replaced')\n=== output ===\nreplaced\n```\n", "a.md")
    write_note(REAL_MODULES, "b.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    assert "sys.modules[" in (pytester.path / "report.json").read_text()
    assert "__main__" not in (pytester.path / "report.json").read_text()


CHINESE = "# 自动求导\n\n```python\nprint('梯度')\n```\n"
JAPANESE = "# 自動微分のノート\n\n```python\nprint('テンソル')\n```\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Named as GB18030 Chinese: Shift-JIS bytes read as Chinese characters there.
        (JAPANESE.encode("cp932"), "Shift-JIS (Japanese) text: iconv -f CP932 -t UTF-8"),
        (JAPANESE.encode("shift_jis"), "Shift-JIS (Japanese) text: iconv -f CP932 -t UTF-8"),
        (CHINESE.encode("gbk"), "GB18030 (GBK) Chinese text: iconv -f GB18030 -t UTF-8"),
        # "not valid UTF-8: byte 0x87 at column 7 (save the note as UTF-8)", or "contains
        # NUL bytes: this is not a text file" for an ASCII one.
        (CHINESE.encode("utf-16-le"), "UTF-16 text (little-endian, without a byte order mark)"),
        (CHINESE.encode("utf-16-be"), "iconv -f UTF-16BE -t UTF-8"),
        (b"# notes\n".decode().encode("utf-16-le"), "iconv -f UTF-16LE -t UTF-8"),
        # Named as UTF-16: its byte order mark starts with UTF-16's.
        (CHINESE.encode("utf-32"), "UTF-32 text (it starts with a UTF-32 byte order mark)"),
        (codecs.BOM_UTF32_BE + CHINESE.encode("utf-32-be"), "iconv -f UTF-32 -t UTF-8"),
        (CHINESE.encode("utf-16"), "UTF-16 text (it starts with a UTF-16 byte order mark)"),
        (codecs.BOM_UTF16_LE, "UTF-16 text (it starts with a UTF-16 byte order mark)"),
        # "not valid UTF-8: byte 0x89 at column 1 (save the note as UTF-8)"
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image"),
        (b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x00\x08", "a ZIP archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
    ],
    ids=[
        "cp932",
        "shift-jis",
        "gbk",
        "utf-16-le-no-mark",
        "utf-16-be-no-mark",
        "ascii-utf-16",
        "utf-32-le",
        "utf-32-be",
        "utf-16",
        "utf-16-mark-only",
        "png",
        "pdf",
        "zip",
        "jpeg",
    ],
)
def test_a_note_that_is_not_utf8_is_named_for_what_it_is(data: bytes, message: str) -> None:
    with pytest.raises(NoteReadError) as raised:
        decode_note(data)
    assert message in raised.value.message
    assert raised.value.line == 0


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1))
def test_text_with_ascii_in_it_saved_as_utf16_without_a_mark_is_named(text: str) -> None:
    note = f"# {text}\n\n```python\nprint(1)\n```\n"
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            data = note.encode(codec)
        except UnicodeEncodeError:  # a lone surrogate
            return
        with pytest.raises(NoteReadError, match=r"UTF-16 text .*-endian, without a byte order"):
            decode_note(data)


def test_a_nul_inside_a_utf8_note_is_named_at_its_line() -> None:
    with pytest.raises(NoteReadError) as raised:
        decode_note(b"# t\n\n```python\nprint('a\x00b')\n```\n")
    assert (raised.value.line, raised.value.message) == (
        3,
        "contains NUL bytes: this is not a text file",
    )


def test_notes_in_other_encodings_are_named_and_the_others_run(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    folder = pytester.path / "notes"
    folder.mkdir(exist_ok=True)
    (folder / "japanese.md").write_bytes(JAPANESE.encode("cp932"))
    (folder / "wide.md").write_bytes(CHINESE.encode("utf-16-le"))
    (folder / "image.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write_note("```python\nprint(1)\n=== output ===\n1\n```\n", "good.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "notes/japanese.md:1: not valid UTF-8: * (save the note as UTF-8; it reads as "
            "Shift-JIS (Japanese) text: iconv -f CP932 -t UTF-8)",
            "notes/wide.md:1: UTF-16 text (little-endian, without a byte order mark): save the "
            "note as UTF-8: iconv -f UTF-16LE -t UTF-8",
            "notes/image.md:1: not a text file: it starts as a PNG image does (leave it out of "
            "the notes with --ignore=PATH)",
        ]
    )


def test_a_note_that_replaces_the_strict_error_handler_cannot_damage_another_note_on_update(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The handler stayed for the session: the Latin-1 note was read with "?" for its "é",
    # and --torchnotes-update wrote it back so, outside the output it rewrote.
    write_note(
        "```python\nimport codecs\ncodecs.register_error('strict', lambda e: ('?', e.end))\n"
        "print('a')\n=== output ===\na\n```\n",
        "a.md",
    )
    latin = write_note("", "b.md")
    data = "# café\n\n```python\nprint('new')\n=== output ===\nold\n```\n".encode("latin-1")
    latin.write_bytes(data)
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-update")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*notes/b.md:1: not valid UTF-8: byte 0xe9 at column 6*"])
    assert latin.read_bytes() == data


@pytest.mark.parametrize(
    "code",
    [
        'os.execv("/bin/true", ["true"])',
        'os.execl("/bin/true", "true")',
        'os.execlp("true", "true")',
        'os.execvpe("true", ["true"], dict(os.environ))',
        'os.execve("/bin/true", ["true"], {})',
    ],
)
def test_a_block_cannot_replace_the_session_with_another_program(
    pytester: pytest.Pytester, write_note: WriteNote, code: str
) -> None:
    # pytest was replaced by `true`: the session ended at once with no report and exit
    # status 0. A subprocess, so that a regression cannot end the test session itself.
    write_note(
        f"```python\nimport os\n{code}\n```\n\n"
        "```python\nimport os\npid = os.fork()\nif pid == 0:\n"
        '    os.execv("/bin/sh", ["sh", "-c", "echo from the child"])\n'
        "os.waitpid(pid, 0)\nprint('forked')\n=== output ===\nfrom the child\nforked\n```\n",
        "a.md",
    )
    write_note("```python\nprint('b')\n=== output ===\nb\n```\n", "b.md")
    result = pytester.runpytest_subprocess("-p", "no:randomly", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*notes/a.md:1: block 1: the block raised PermissionError: [[]Errno 1[]] refused: os.ex*"]
    )
    assert result.ret == 1


@pytest.mark.parametrize(
    "code",
    [
        "sys.__stdout__.close()",
        "sys.__stderr__.close()",
        "sys.__stdout__.close()\nsys.__stderr__.close()\nprint('still captured')",
        "sys.stdout = sys.__stdout__\nsys.stdout.close()",
        "sys.__stdout__.detach()",
    ],
)
@pytest.mark.parametrize("faulthandler", [[], ["-p", "no:faulthandler"]])
def test_a_note_that_closes_the_interpreter_s_streams_leaves_the_session_its_own(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, faulthandler: list[str]
) -> None:
    # pytest's terminal writes to sys.__stdout__: closed by the note, the session ended
    # with "ValueError: I/O operation on closed file" and no report.
    write_note(
        f"```python\nimport sys\n{code}\n```\n\n"
        "```python\nprint('after')\n=== output ===\nafter\n```\n",
        "a.md",
    )
    write_note(
        "```python\nimport sys\nsys.__stdout__.write('direct\\n')\nprint('b')\n"
        "=== output ===\ndirect\nb\n```\n",
        "b.md",
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", *faulthandler, timeout=120)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*2 notes (2 passed), 3 blocks: 2 verified, 1 ran*"])
