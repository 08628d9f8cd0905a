"""``torchnotes triage``: causes, the directives they get, and byte-safe writing."""

from __future__ import annotations

import dataclasses
import difflib
import keyword
import shutil
from pathlib import Path

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.commands import triage as t
from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.commands.names import used_names
from pytest_torchnotes.commands.triage import running
from pytest_torchnotes.markdown.noteformat import NoteFormat
from pytest_torchnotes.reporting.report import BlockRecord, NoteRecord
from pytest_torchnotes.update.rewrite import digest
from pytest_torchnotes.update.writer import CHANGED_ON_DISK

SAMPLES = Path(__file__).parent / "samples"
CORPUS = SAMPLES / "triage"

#: What the sample corpus holds: note:line of each block, by cause.
EXPECTED = {
    t.MISSING_MODULE: ["04-d2l.md:5", "11-crlf.md:16"],
    t.DEVICE: ["03-gpu.md:3", "03-gpu.md:27", "09-mps.md:5"],
    t.RANDOM: [
        "01-tensors.md:21",
        "02-张量运算.md:23",
        "07-sampling.md:5",
        "07-sampling.md:18",
        "11-crlf.md:5",
    ],
    t.NOT_PYTHON: ["05-install.md:5", "06-训练循环.md:5"],
    t.RAISES: ["12-报错.md:5", "12-报错.md:13"],
    t.FOLLOW_ON: ["03-gpu.md:16", "04-d2l.md:10", "04-d2l.md:23", "10-优化器.md:27"],
    t.DRIFT: ["08-autograd.md:3", "10-优化器.md:22"],
}


def _by_cause(findings: list[t.Finding]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in findings:
        found.setdefault(finding.cause, []).append(f"{Path(finding.path).name}:{finding.line}")
    return {cause: sorted(where) for cause, where in found.items()}


def _inserted(before: bytes, after: bytes) -> list[list[bytes]]:
    """The runs of lines ``after`` adds to ``before``; fails if anything else changed."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    runs = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, _, _, start, end in matcher.get_opcodes():
        assert tag in ("equal", "insert"), (tag, old, new)
        if tag == "insert":
            runs.append(new[start:end])
    return runs


@pytest.mark.skipif(
    torch.cuda.is_available() or torch.backends.mps.is_available(),
    reason="the corpus is triaged as on a machine without a GPU",
)
def test_the_corpus_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(CORPUS, tmp_path / "notes")
    monkeypatch.chdir(tmp_path)
    originals = {path.name: path.read_bytes() for path in (tmp_path / "notes").iterdir()}

    findings, digests = t.triage(["notes"])
    assert {path.name: path.read_bytes() for path in (tmp_path / "notes").iterdir()} == originals
    assert _by_cause(findings) == {cause: sorted(where) for cause, where in EXPECTED.items()}
    # The command prints what triage found (run once: each run costs two pytest runs).
    monkeypatch.setattr(t, "triage", lambda paths: (findings, digests))
    assert main(["triage", "notes"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["cause", "blocks", "note:line"]
    assert "random output        5  notes/01-tensors.md:21, " in out
    assert "17 directives proposed: torchnotes triage --write inserts them" in out
    by_line = {f"{Path(f.path).name}:{f.line}": f for f in findings}
    assert by_line["04-d2l.md:5"].directive == (
        "requires module:d2l; module d2l is not installed on every machine"
    )
    assert by_line["03-gpu.md:27"].directive.startswith("requires cuda; ")  # type: ignore[union-attr]
    assert by_line["09-mps.md:5"].directive.startswith("requires mps; ")  # type: ignore[union-attr]
    assert by_line["07-sampling.md:5"].directive.startswith("compare ignore; ")  # type: ignore[union-attr]
    assert by_line["07-sampling.md:18"].directive.startswith("compare structure; ")  # type: ignore[union-attr]
    assert by_line["06-训练循环.md:5"].directive.startswith("skip not valid Python")  # type: ignore[union-attr]
    assert by_line["04-d2l.md:23"].directive.startswith("requires module:d2l; ")  # type: ignore[union-attr]
    assert by_line["12-报错.md:5"].directive == (
        "raises RuntimeError; the line marked `# 报错` fails on purpose"
    )
    assert by_line["12-报错.md:13"].detail == (
        "line 15 says it fails (`# Error: shape '[3]' is invalid`) and raised RuntimeError; "
        "the lines after line 15 do not run under raises"
    )
    follow = by_line["10-优化器.md:27"]
    assert follow.directive is None
    assert "uses 'state' from the block at notes/10-优化器.md:22, which failed" in follow.detail
    assert all(f.directive is None for f in findings if f.cause == t.DRIFT)

    assert main(["triage", "--write", "notes"]) == 1
    out = capsys.readouterr().out
    assert "notes/03-gpu.md: 3 directives written" in out
    assert "notes/11-crlf.md: 2 directives written" in out
    for path in (tmp_path / "notes").iterdir():
        runs = _inserted(originals[path.name], path.read_bytes())
        expected = [f for f in findings if Path(f.path).name == path.name and f.directive]
        assert len(runs) == len(expected), path.name
        for run, finding in zip(runs, expected, strict=True):
            texts = [line.decode("utf-8").rstrip("\r\n") for line in run]
            prefix = texts[-1][: texts[-1].index("<!--")]
            assert texts == [prefix + line for line in finding.comments()], path.name
    d2l = (tmp_path / "notes" / "04-d2l.md").read_text(encoding="utf-8")
    assert d2l.startswith(
        "# 线性回归的简洁实现\n\n本节使用《动手学深度学习》的工具包：\n\n"
        "<!-- torchnotes: setup\nimport torch\n-->\n"
        "<!-- torchnotes: requires module:d2l; module d2l is not installed on every machine -->\n"
        "```python\nimport torch\nfrom d2l import torch as d2l\n```\n"
    )
    crlf = (tmp_path / "notes" / "11-crlf.md").read_bytes()
    assert crlf.startswith(b"\xef\xbb\xbf")
    assert (
        b"\n> <!-- torchnotes: compare structure; random values, the layout is what matters -->"
        b"\r\n> ```python\r\n" in crlf
    )
    assert (
        b"\n  <!-- torchnotes: requires module:d2l; "
        b"module d2l is not installed on every machine -->"
        b"\r\n  ```python\r\n" in crlf
    )

    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    findings, _ = t.triage(["notes"])
    assert not [f for f in findings if f.directive is not None]
    assert _by_cause(findings) == {
        t.FOLLOW_ON: ["10-优化器.md:27"],
        t.DRIFT: ["08-autograd.md:3", "10-优化器.md:22"],
    }
    report = t.run_notes(["notes"], tmp_path / "run.json")
    failing = sorted(
        f"{Path(note.path).name}:{block.line}"
        for note, block in report.blocks()
        if block.outcome == "failed"
    )
    assert failing == ["08-autograd.md:3", "10-优化器.md:22", "10-优化器.md:27"]


def test_nothing_to_triage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.md").write_text("```python\nprint(1)\n```\n```output\n1\n```\n")
    assert main(["triage", "ok.md"]) == 0
    assert "nothing to triage" in capsys.readouterr().out


def test_notes_that_cannot_run_are_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --no-such-flag\n")
    (tmp_path / "a.md").write_text("```python\nprint(1)\n```\n")
    assert main(["triage", "a.md"]) == 2
    err = capsys.readouterr().err
    assert "torchnotes triage: pytest could not run the notes (exit 4)" in err
    assert "--no-such-flag" in err
    # A bad torchnotes setting is named before pytest runs.
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_timeout = soon\n")
    assert main(["triage", "a.md"]) == 2
    assert capsys.readouterr().err == (
        "torchnotes triage: torchnotes_timeout in pytest.ini: 'soon' is not a number of seconds\n"
    )


def record(line: int, drift: str | None, reason: str, **fields: str) -> BlockRecord:
    return BlockRecord(
        "block",
        line,
        line,
        None,
        "failed",
        drift,
        reason,
        fields.get("expected"),
        fields.get("actual"),
        "",
    )


def classify(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    *records: BlockRecord,
    second: list[BlockRecord] | None = None,
) -> list[t.Finding]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.md").write_text(text, encoding="utf-8")
    other = NoteRecord("n.md", "failed", None, second) if second is not None else None
    return t.classify_note(NoteRecord("n.md", "failed", None, list(records)), other)


BLOCKS = "```python\nimport torch\nx = torch.ones(2).cuda()\n```\n\n```python\nprint(x)\n```\n"


@pytest.mark.parametrize(
    ("reason", "device"),
    [
        ("the block raised AssertionError: Torch not compiled with CUDA enabled", "cuda"),
        ("the block raised RuntimeError: Found no NVIDIA driver on your system.", "cuda"),
        ("the block raised RuntimeError: No CUDA GPUs are available", "cuda"),
        (
            "the block raised RuntimeError: Attempting to deserialize object on a CUDA device "
            "but torch.cuda.is_available() is False.",
            "cuda",
        ),
        ("the block raised RuntimeError: MPS backend is not available", "mps"),
    ],
)
def test_device_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str, device: str
) -> None:
    (finding,) = classify(tmp_path, monkeypatch, BLOCKS, record(1, "exception", reason))
    assert finding.cause == t.DEVICE
    assert finding.directive is not None
    assert finding.directive.startswith(f"requires {device}; ")


def test_a_block_that_cannot_run_as_written_is_named_and_gets_no_directive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transcript the plugin refuses fails alone: its own cause, not real drift, and no
    directive (the transcript is to be mended)."""
    why = "code not behind a >>> prompt in the transcript at line 1: doctest takes it for prose"
    refused = record(1, "cannot run", f"not run: {why}")
    (finding,) = classify(tmp_path, monkeypatch, ">>> x = 1\n\nprint(x)\n", refused)
    assert (finding.cause, finding.detail, finding.directive) == (t.CANNOT_RUN, why, None)


def test_expected_output_on_a_device_that_is_not_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drifted = record(
        1, "text", "text drift", expected="tensor([1.], device='cuda:0')", actual="tensor([1.])"
    )
    (finding,) = classify(tmp_path, monkeypatch, BLOCKS, drifted)
    assert finding.directive == "requires cuda; runs on a CUDA device"
    same = record(
        1,
        "value",
        "value drift",
        expected="tensor([1.], device='cuda:0')",
        actual="tensor([2.], device='cuda:0')",
    )
    (finding,) = classify(tmp_path, monkeypatch, BLOCKS, same)
    assert finding.cause == t.DRIFT


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        ("device(type='cuda', index=0)", "device(type='cpu')"),  # a notebook shows x.device
        ("cpu\ncuda:0", "cpu\ncpu"),  # print(x.device)
    ],
)
def test_a_device_the_expected_output_names_is_one_that_is_not_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expected: str, actual: str
) -> None:
    drifted = record(1, "text", "text drift", expected=expected, actual=actual)
    (finding,) = classify(tmp_path, monkeypatch, BLOCKS, drifted)
    assert finding.directive == "requires cuda; runs on a CUDA device"


def test_follow_on_of_a_device_block_needs_the_device_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = classify(
        tmp_path,
        monkeypatch,
        BLOCKS,
        record(
            1, "exception", "the block raised AssertionError: Torch not compiled with CUDA enabled"
        ),
        record(6, "exception", "the block raised NameError: name 'x' is not defined"),
    )
    assert first.cause == t.DEVICE
    assert second.cause == t.FOLLOW_ON
    assert second.directive == "requires cuda; uses x from an earlier block that needs it too"


def test_a_name_no_earlier_block_defines_is_not_a_follow_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        BLOCKS,
        record(6, "exception", "the block raised NameError: name 'y' is not defined"),
    )
    assert finding.cause == t.DRIFT
    assert finding.directive is None


def test_follow_on_of_a_block_skipped_by_requires(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skipped = BlockRecord(
        "block",
        1,
        1,
        None,
        "skipped",
        None,
        "requires module:d2l: module 'd2l' is not installed",
        None,
        None,
        "",
    )
    text = "```python\nfrom d2l import torch as d2l\n```\n\n```python\nd2l.plot()\n```\n"
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        text,
        skipped,
        record(5, "exception", "the block raised NameError: name 'd2l' is not defined"),
    )
    assert (
        finding.directive == "requires module:d2l; uses d2l from an earlier block that needs it too"
    )


@pytest.mark.parametrize(
    ("first", "second", "expected", "cause", "directive"),
    [
        (
            "tensor([0.5, 0.1])",
            "tensor([-1.2, 3.3])",
            "tensor([0.7, 0.2])",
            t.RANDOM,
            "compare structure",
        ),
        ("heads", "tails", "tails", t.RANDOM, "compare ignore"),
        ("tensor([0.5, 0.1])", "tensor([-1.2, 3.3])", "tensor([0.7])", t.DRIFT, None),
        ("tensor([0.5, 0.1])", "tensor([0.5, 0.1])", "tensor([0.7, 0.2])", t.DRIFT, None),
    ],
)
def test_output_that_changes_with_the_seed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    first: str,
    second: str,
    expected: str,
    cause: str,
    directive: str | None,
) -> None:
    text = "```python\nimport torch\nprint(torch.randn(2))\n```\n"
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        text,
        record(1, "value", "value drift", expected=expected, actual=first),
        second=[record(1, "value", "value drift", expected=expected, actual=second)],
    )
    assert finding.cause == cause
    assert (finding.directive or "").split(";")[0] == (directive or "")


def test_a_second_run_that_raises_says_nothing_about_randomness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "```python\nimport torch\nprint(torch.randn(2))\n```\n"
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        text,
        record(1, "value", "value drift", expected="tensor([1.])", actual="tensor([0.5])"),
        second=[record(1, "exception", "the block raised RuntimeError: flaky", actual="")],
    )
    assert finding.cause == t.DRIFT


def test_a_directive_of_the_same_kind_is_not_added_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "<!-- torchnotes: compare numeric rtol=0.1 -->\n"
        "```python\nimport torch\nprint(torch.randn(2))\n```\n"
    )
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        text,
        record(
            2, "value", "value drift", expected="tensor([1.0, 2.0])", actual="tensor([0.1, 0.2])"
        ),
        second=[
            record(2, "value", "v", expected="tensor([1.0, 2.0])", actual="tensor([0.3, 0.2])")
        ],
    )
    assert finding.cause == t.RANDOM
    assert not finding.proposed
    assert finding.conflict == (
        "the block already has a compare directive: change it to compare structure; "
        "random values, the layout is what matters"
    )
    assert t.details([finding])[0].endswith("not proposed: " + finding.conflict)


def test_a_syntax_error_raised_by_code_that_compiles_is_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "```python\neval('1 +')\n```\n\n```python\n1 +\n```\n"
    raised = "the block raised SyntaxError: invalid syntax (<string>, line 1)"
    first, second = classify(
        tmp_path, monkeypatch, text, record(1, "exception", raised), record(5, "exception", raised)
    )
    assert (first.cause, first.directive) == (t.DRIFT, None)
    assert second.cause == t.NOT_PYTHON
    assert second.directive == (
        "skip not valid Python (invalid syntax): pseudo-code or another tool's transcript"
    )


@pytest.mark.parametrize(
    ("comment", "raised", "directive"),
    [
        ("# Error", "RuntimeError", "raises RuntimeError"),
        ("# error!", "RuntimeError", "raises RuntimeError"),
        ("# raises", "IndexError", "raises IndexError"),
        ("# 报错", "RuntimeError", "raises RuntimeError"),
        ("# エラー", "ValueError", "raises ValueError"),
        ("# RuntimeError: shapes differ", "RuntimeError", "raises RuntimeError"),
        ("# 报错：维度不匹配", "torch.OutOfMemoryError", "raises OutOfMemoryError"),
        # the comment names another exception than the one raised: drift
        ("# ValueError", "RuntimeError", None),
        # no comment that says the line fails
        ("# the error term", "RuntimeError", None),
        ("", "RuntimeError", None),
    ],
)
def test_a_block_whose_line_says_it_fails_is_meant_to_raise(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    comment: str,
    raised: str,
    directive: str | None,
) -> None:
    text = f"```python\nimport torch\ntorch.ones(2).view(3)  {comment}\n```\n"
    raising = record(1, "exception", f"the block raised {raised}: no")
    (finding,) = classify(tmp_path, monkeypatch, text, dataclasses.replace(raising, raised_line=3))
    if directive is None:
        assert (finding.cause, finding.directive) == (t.DRIFT, None)
        return
    assert finding.cause == t.RAISES
    assert finding.directive is not None
    assert finding.directive.startswith(directive + "; the line marked `")
    assert finding.detail.startswith("line 3 says it fails (`")
    assert "do not run" not in finding.detail


@pytest.mark.parametrize(
    ("raised_line", "cause"),
    [
        (2, t.DRIFT),  # it raised above the line that says it fails: not what it meant
        (3, t.RAISES),
        (None, t.DRIFT),  # the report does not say where: nothing is proposed
    ],
)
def test_only_the_line_the_block_raised_on_says_what_it_meant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised_line: int | None, cause: str
) -> None:
    text = "```python\nt = torch.ones(2).to('gpu')\nt.numpy()  # error\nprint(t)\n```\n"
    raising = record(1, "exception", "the block raised RuntimeError: no")
    (finding,) = classify(
        tmp_path, monkeypatch, text, dataclasses.replace(raising, raised_line=raised_line)
    )
    assert finding.cause == cause
    if cause == t.RAISES:
        assert finding.detail == (
            "line 3 says it fails (`# error`) and raised RuntimeError; the lines after line 3 "
            "do not run under raises"
        )


def test_output_drift_of_a_block_whose_line_says_it_fails_is_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It did not raise: what it printed differs, which is no failure it meant."""
    text = "```python\nprint(1)  # Error\n```\n\n```output\n2\n```\n"
    (finding,) = classify(tmp_path, monkeypatch, text, record(1, "value", "value drift"))
    assert finding.cause == t.DRIFT


def test_a_note_that_cannot_run_is_named_with_its_line() -> None:
    (finding,) = t.classify_note(NoteRecord("n.md", "error", "line 7: unclosed fence"), None)
    assert (finding.cause, finding.line, finding.directive) == (t.NOTE_ERROR, 7, None)


def test_write_refuses_a_note_changed_during_the_run(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("# Models\n\n```python\nimport d2l\n```\n")
    before = digest(note.read_bytes())
    note.write_text("changed\n")
    finding = t.Finding(str(note), 3, t.MISSING_MODULE, "", "requires module:d2l; why")
    (message,) = t.write([finding], {str(note.resolve()): before})
    assert message == f"{note} not written: {CHANGED_ON_DISK}"
    assert note.read_text() == "changed\n"


def test_a_reason_cannot_end_the_comment_early(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("```python\nx\n```\n")
    finding = t.Finding(str(note), 1, t.NOT_PYTHON, "", "skip a --> b\nc")
    t.write([finding], {})
    assert note.read_text() == "<!-- torchnotes: skip a -> b c -->\n```python\nx\n```\n"


#: Where a fence may sit, and the prefix of its next lines: quotes, lists, both.
CONTINUATION = {
    "": "",
    "> ": "> ",
    "> > ": "> > ",
    "  ": "  ",
    "- ": "  ",
    "1. ": "   ",
    ">  - ": ">    ",
}
PREFIXES = st.sampled_from(sorted(CONTINUATION))


@given(
    prefixes=st.lists(PREFIXES, min_size=1, max_size=4),
    crlf=st.booleans(),
    bom=st.booleans(),
    prose=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
)
def test_writing_changes_no_byte_outside_the_inserted_lines(
    tmp_path_factory: pytest.TempPathFactory,
    prefixes: list[str],
    crlf: bool,
    bom: bool,
    prose: str,
) -> None:
    newline = "\r\n" if crlf else "\n"
    lines: list[str] = []
    fences = []
    for prefix in prefixes:
        # Prose that opens a fence or a comment would hold the blocks after it.
        lines.extend([prose.replace("`", "'").replace("~", "-").replace("<", "("), ""])
        fences.append(len(lines) + 1)
        cont = CONTINUATION[prefix]
        lines.extend([f"{prefix}```python", f"{cont}x = 1", f"{cont}```", ""])
    text = newline.join(lines) + newline
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    note = tmp_path_factory.mktemp("w") / "n.md"
    note.write_bytes(data)
    findings = [t.Finding(str(note), line, t.NOT_PYTHON, "", "skip why") for line in fences]
    assert t.write(findings, {}) == [
        f"{note}: {len(fences)} directive{'s' * (len(fences) != 1)} written"
    ]
    after = note.read_bytes()
    runs = _inserted(data, after)
    assert len(runs) == len(fences)
    for run in runs:
        (line,) = run
        assert line.endswith(f"<!-- torchnotes: skip why -->{newline}".encode())
    # Every directive is read back as the directive of its block.
    from pytest_torchnotes.markdown.document import decode_note
    from pytest_torchnotes.markdown.inforce import options_by_line
    from pytest_torchnotes.markdown.parsers import NoteParser

    parsed = NoteParser().parse(decode_note(after).text)
    assert not parsed.errors
    options = options_by_line(parsed)
    assert [options[block.first_line].skip for block in parsed.blocks] == ["why"] * len(fences)


def test_only_real_drift_proposes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    drift = t.Finding("notes/a.md", 3, t.DRIFT, "text drift")
    monkeypatch.setattr(t, "triage", lambda paths: ([drift], {}))
    assert main(["triage", "notes"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "cause       blocks  note:line",
        "real drift       1  notes/a.md:3",
        "",
        "notes/a.md:3: real drift: text drift",
        "",
        "no directive proposed: what fails is real drift, or follows from it",
    ]


def test_imports_of_a_skipped_block_that_later_blocks_use_move_to_setup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "```python\nimport torch\nfrom torch import nn\nx = 2\nimport d2l\n```\n\n"
        "```python\nprint(torch.ones(1), nn.Linear)\n```\n\n"
        "```python\nprint(x)\n```\n"
    )
    missing = record(1, "missing module", "ModuleNotFoundError: No module named 'd2l'")
    passed = [dataclasses.replace(record(line, None, ""), outcome="passed") for line in (8, 12)]
    findings = classify(tmp_path, monkeypatch, text, missing, *passed)
    first, follow = findings
    assert first.setup == ("from torch import nn", "import torch")
    assert first.comments()[:4] == [
        "<!-- torchnotes: setup",
        "from torch import nn",
        "import torch",
        "-->",
    ]
    # x was defined before the import failed; once the block is skipped, it is not.
    assert (follow.line, follow.cause) == (12, t.FOLLOW_ON)
    assert follow.directive == "requires module:d2l; uses x from an earlier block that needs it too"


def test_the_imports_of_a_notebook_cell_with_magics_move_to_setup_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook's first cell often starts with ``%matplotlib inline``: the block is read
    as it runs, with its magics made Python, to find what it imports."""
    text = (
        "```python\n%matplotlib inline\nimport torch\nfrom d2l import torch as d2l\n```\n\n"
        "```python\nprint(torch.ones(1))\n```\n"
    )
    missing = record(1, "missing module", "ModuleNotFoundError: No module named 'd2l'")
    passed = dataclasses.replace(record(7, None, ""), outcome="passed")
    (first,) = classify(tmp_path, monkeypatch, text, missing, passed)
    assert first.setup == ("import torch",)


def test_failing_setup_code_is_named_with_the_region_that_would_hold_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "<!-- torchnotes: setup\nimport d2l\n-->\n```python\nprint(1)\n```\n"
    setup = dataclasses.replace(
        record(1, "exception", "setup code raised ModuleNotFoundError: No module named 'd2l'"),
        kind="setup",
    )
    (finding,) = classify(tmp_path, monkeypatch, text, setup)
    assert finding.cause == t.MISSING_MODULE
    assert not finding.proposed
    assert finding.conflict == (
        "a directive applies to the next block, not to setup code: put the setup and the "
        "blocks that need it between <!-- torchnotes: requires start module:d2l --> and "
        "<!-- torchnotes: requires end -->"
    )


def test_a_note_that_cannot_be_decoded_is_not_written(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"\xff\xfe#\x00 \x00")
    finding = t.Finding(str(note), 1, t.NOT_PYTHON, "", "skip why")
    (message,) = t.write([finding], {})
    assert message.startswith(f"{note} not written: UTF-16 text")
    assert note.read_bytes() == b"\xff\xfe#\x00 \x00"


def test_the_notes_read_before_the_run_are_those_the_project_configures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes" / ".hidden").mkdir(parents=True)
    for name in ("a.md", "b.note", ".hidden/c.md", "d.txt"):
        (tmp_path / "notes" / name).write_text(name)
    monkeypatch.chdir(tmp_path)
    assert sorted(Path(path).name for path in running.note_digests(["notes"])) == ["a.md"]
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_patterns = *.note *.md\n")
    digests = running.note_digests(["notes"])
    assert sorted(Path(path).name for path in digests) == ["a.md", "b.note"]
    assert digests[str((tmp_path / "notes" / "b.note").resolve())] == digest(b"b.note")
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_seed = x\n")
    with pytest.raises(t.TriageError, match=r"torchnotes_seed in pytest\.ini"):
        running.note_digests(["notes"])


@pytest.mark.parametrize(
    "expects",
    ["```{python}\n#| error: true\n", "<!-- torchnotes: raises ValueError -->\n```python\n"],
)
def test_a_name_a_block_raised_before_defining_is_a_follow_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expects: str
) -> None:
    """The block passes (it raised, as expected) and never defines ``y``: the later block's
    NameError follows from it."""
    text = f"{expects}x = 1\nraise ValueError\ny = 2\n```\n\n```python\nprint(x + y)\n```\n"
    first = text.count("\n", 0, text.index("```")) + 1
    raised = dataclasses.replace(record(first, None, ""), outcome="passed")
    line = text.count("\n", 0, text.index("```python\nprint")) + 1
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        text,
        raised,
        record(line, "exception", "the block raised NameError: name 'y' is not defined"),
    )
    assert finding.cause == t.FOLLOW_ON
    assert finding.detail == (
        f"uses 'y' from the block at n.md:{first}, which raised before its end, as expected"
    )


CUDA_QUERIES = (
    "```python\nimport torch\ntorch.cuda.is_available()\n```\n\n"
    "```python\nprint(torch.ones(1) * 3)\n```\n"
)


@pytest.mark.skipif(torch.cuda.is_available(), reason="the answers are this machine's")
def test_output_of_cuda_queries_is_the_authors_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = classify(
        tmp_path,
        monkeypatch,
        CUDA_QUERIES,
        record(1, "text", "text drift", expected="True", actual="False"),
        record(6, "value", "value drift", expected="tensor([2.])", actual="tensor([3.])"),
    )
    assert (first.cause, first.directive) == (t.DEVICE, "requires cuda; runs on a CUDA device")
    assert (second.cause, second.directive) == (t.DRIFT, None)


NEVER_IMPORTED = (
    "```python\nx = torch.ones(2)\nprint(x)\n```\n\n"
    "```python\nprint(torch.zeros(1))\n```\n\n"
    "```python\nprint(F.relu(x))\n```\n"
)


def test_a_note_that_never_imports_torch_gets_a_setup_comment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    undefined = "the block raised NameError: name '{}' is not defined"
    first, second, third = classify(
        tmp_path,
        monkeypatch,
        NEVER_IMPORTED,
        record(1, "exception", undefined.format("torch")),
        record(6, "exception", undefined.format("torch")),
        record(10, "exception", undefined.format("F")),
    )
    assert (first.cause, first.directive) == (t.MISSING_IMPORT, None)
    assert first.setup == ("import torch",)
    assert first.proposed
    assert first.comments() == ["<!-- torchnotes: setup", "import torch", "-->"]
    assert (second.cause, second.proposed) == (t.MISSING_IMPORT, False)
    assert second.detail.endswith("the setup comment above line 1 imports it")
    assert third.setup == ("import torch.nn.functional as F",)
    assert t.details([first]) == [
        "n.md:1: missing import: the note uses torch and never imports it: a setup comment "
        "above it: import torch"
    ]
    data = NEVER_IMPORTED.encode()
    edits = t.directive_edits("n.md", [first, second, third], digest(data), data)
    assert [(edit.start, edit.lines) for edit in edits] == [
        (0, ("<!-- torchnotes: setup", "import torch", "-->")),
        (9, ("<!-- torchnotes: setup", "import torch.nn.functional as F", "-->")),
    ]


#: A bare fence is a block only under ``torchnotes_languages = python bare``.
BARE_FIRST = (
    "```\nimport torch\nfrom no_such_module_xyz import thing\nx = 1\n```\n\n"
    "```python\nprint(x)\n```\n```output\n1\n```\n"
)


def test_blocks_are_read_with_the_settings_the_run_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = record(1, "missing module", "ModuleNotFoundError: No module named 'no_such'")
    undefined = record(7, "exception", "the block raised NameError: name 'x' is not defined")
    _, follow = classify(tmp_path, monkeypatch, BARE_FIRST, missing, undefined)
    assert follow.cause == t.DRIFT  # no block at line 1 under the default settings
    bare = NoteFormat(languages=frozenset({"python", ""}))
    note = NoteRecord("n.md", "failed", None, [missing, undefined])
    _, follow = t.classify_note(note, None, bare)
    assert (follow.cause, follow.directive) == (
        t.FOLLOW_ON,
        "requires module:no_such; uses x from an earlier block that needs it too",
    )


def test_triage_reads_the_notes_with_the_projects_ini_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pytest.ini").write_text("[pytest]\ntorchnotes_languages = python bare\n")
    (tmp_path / "n.md").write_text(BARE_FIRST)
    findings, _ = t.triage(["n.md"])
    assert [(f.line, f.cause, f.directive) for f in findings] == [
        (
            1,
            t.MISSING_MODULE,
            "requires module:no_such_module_xyz; "
            "module no_such_module_xyz is not installed on every machine",
        ),
        (
            7,
            t.FOLLOW_ON,
            "requires module:no_such_module_xyz; uses x from an earlier block that needs it too",
        ),
    ]
    assert main(["triage", "--write", "n.md"]) == 1
    capsys.readouterr()
    assert (tmp_path / "n.md").read_text() == (
        "<!-- torchnotes: requires module:no_such_module_xyz; "
        "module no_such_module_xyz is not installed on every machine -->\n"
        + BARE_FIRST.replace(
            "```python\n",
            "<!-- torchnotes: requires module:no_such_module_xyz; "
            "uses x from an earlier block that needs it too -->\n```python\n",
        )
    )
    findings, _ = t.triage(["n.md"])
    assert findings == []


@pytest.mark.parametrize("where", ["PYTEST_ADDOPTS", "addopts"])
def test_triage_reads_the_notes_with_the_flags_of_the_run_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.chdir(tmp_path)
    flags = "--torchnotes-languages=python --torchnotes-languages=bare"
    if where == "PYTEST_ADDOPTS":
        monkeypatch.setenv("PYTEST_ADDOPTS", flags)
    else:
        (tmp_path / "pytest.ini").write_text(f"[pytest]\naddopts = {flags}\n")
    (tmp_path / "n.md").write_text(BARE_FIRST)
    findings, _ = t.triage(["n.md"])
    assert [(f.line, f.cause) for f in findings] == [(1, t.MISSING_MODULE), (7, t.FOLLOW_ON)]


#: Python fences that hold what code printed: under prose after a block that prints it,
#: after a block that prints nothing, right after a block that prints it.
PRINTED = (
    "# Tensors\n\n```python\nimport torch\nx = torch.ones(2)\nprint(x + 1)\n```\n\n"
    "Adding one gives:\n\n```python\ntensor([2., 2.])\n```\n\n"
    "```python\ny = torch.zeros(3)\n```\n\nA tensor of zeros:\n\n"
    "```python\ntensor([0., 0., 0.])\n```\n\n"
    "Right after:\n\n```python\ny + 1\n```\n```python\ntensor([1., 1., 1.])\n```\n"
)


def _ran(line: int, actual: str) -> BlockRecord:
    return dataclasses.replace(record(line, None, ""), outcome="passed", actual=actual)


def test_a_python_fence_that_holds_printed_output_is_not_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    undefined = "the block raised NameError: name 'tensor' is not defined"
    findings = classify(
        tmp_path,
        monkeypatch,
        PRINTED,
        _ran(3, "tensor([2., 2.])\n"),
        record(11, "exception", undefined),
        _ran(15, ""),
        record(21, "exception", undefined),
        _ran(27, "tensor([1., 1., 1.])\n"),
        record(30, "exception", undefined),
    )
    assert [(f.line, f.cause, f.directive, f.proposed) for f in findings] == [
        (11, t.NOT_PYTHON, "skip output of the block above, not code", True),
        (21, t.NOT_PYTHON, "skip printed output, not code", True),
        (30, t.NOT_PYTHON, "skip output of the block above, not code", False),
    ]
    assert t.details(findings) == [
        "n.md:11: not Python: <!-- torchnotes: skip output of the block above, not code -->"
        "; or, to compare it, put it right after the block at line 3 as an ```output fence",
        "n.md:21: not Python: <!-- torchnotes: skip printed output, not code -->",
        "n.md:30: not Python: printed output, not code: `tensor([1., 1., 1.])` is what the"
        " block at line 27 prints; not proposed: right after that block, it reads as its"
        " output: tag the fence ```output to compare it as that block's output",
    ]
    assert findings[1].detail == (
        "printed output, not code: `tensor([0., 0., 0.])`, and the block before it printed "
        "nothing in the run"
    )


def test_printed_output_that_the_block_before_no_longer_prints_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    undefined = "the block raised NameError: name 'tensor' is not defined"
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        PRINTED,
        _ran(3, "tensor([3., 3.])\n"),
        record(11, "exception", undefined),
    )
    assert finding.directive == "skip output of the block above, not code"
    assert finding.detail == (
        "printed output, not code: `tensor([2., 2.])` reads as the output of the block at "
        "line 3, which prints `tensor([3., 3.])` now"
    )
    assert finding.proposed


def test_a_change_triage_does_not_write_is_named_as_the_way_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = t.Finding(
        "notes/a.md",
        9,
        t.NOT_PYTHON,
        "printed output, not code: `tensor([1.])` is what the block at line 3 prints",
        "skip output of the block above, not code",
        "right after that block, it reads as its output: tag the fence ```output to compare "
        "it as that block's output",
    )
    monkeypatch.setattr(t, "triage", lambda paths: ([output], {}))
    assert main(["triage", "notes"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "no directive proposed: make the changes named above; what else fails is real drift, "
        "or follows from it"
    )


def test_code_that_looks_like_printed_output_but_ran_is_left_to_the_other_causes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "```python\nfrom torch import tensor\n```\n\n"
        "```python\ntensor([1, 2]) + tensor([1, 2, 3])\n```\n"
    )
    mismatch = "the block raised RuntimeError: The size of tensor a (2) must match the size"
    (finding,) = classify(
        tmp_path, monkeypatch, text, _ran(1, ""), record(5, "exception", mismatch)
    )
    assert (finding.cause, finding.directive) == (t.DRIFT, None)


def test_printed_output_that_is_not_even_python_is_named_as_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Its gradient:\n\n```python\ntensor([2.], grad_fn=<MulBackward0>)\n```\n"
    raised = "the block raised SyntaxError: invalid syntax (n.md, line 4)"
    (finding,) = classify(tmp_path, monkeypatch, text, record(3, "exception", raised))
    assert (finding.cause, finding.directive) == (t.NOT_PYTHON, "skip printed output, not code")
    assert finding.detail.endswith(", and no block comes before it")
    own = "```python\nprint(1)\n```\n```output\n1\n```\n\n" + text
    late = record(10, "exception", raised)
    (finding,) = classify(tmp_path, monkeypatch, own, _ran(1, "1\n"), late)
    assert finding.detail.endswith(", and the block before it has output of its own")


D2L_TABS = (
    "```{.python .input}\n%load_ext d2lbook.tab\ntab.interact_select('mxnet', 'pytorch')\n```\n\n"
    "```{.python .input}\n%%tab mxnet\nfrom mxnet import np\n```\n\n"
    "```{.python .input}\n%%tab all\nif tab.selected('pytorch'):\n    print(1)\n```\n\n"
    "```{.python .input}\n%%tab pytorch\nprint(np.ones(2))\n```\n"
)


def test_a_name_of_a_block_not_run_is_a_follow_on_not_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """d2l 1.0: the block that loads d2lbook.tab is not run, so ``tab`` is not defined."""
    tab, np = classify(
        tmp_path,
        monkeypatch,
        D2L_TABS,
        record(11, "exception", "the block raised NameError: name 'tab' is not defined"),
        record(17, "exception", "the block raised NameError: name 'np' is not defined"),
    )
    assert (tab.cause, tab.directive) == (t.FOLLOW_ON, None)
    assert tab.detail == (
        "uses 'tab' from the block at n.md:1, which is not run: it sets up the framework tabs "
        "of d2lbook (%load_ext d2lbook.tab), which are read from the %%tab line of each block "
        "here"
    )
    assert (np.cause, np.directive) == (t.FOLLOW_ON, None)
    assert np.detail.startswith("uses 'np' from the block at n.md:6, which is not run: its tab")


def test_a_name_no_block_not_run_defines_is_still_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (finding,) = classify(
        tmp_path,
        monkeypatch,
        D2L_TABS,
        record(17, "exception", "the block raised NameError: name 'npx' is not defined"),
    )
    assert finding.cause == t.DRIFT


def test_names_a_failed_star_import_would_have_bound_are_follow_ons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a fastai or nbdev notebook starts (``from fastai.vision.all import *``): the
    names later blocks miss are the missing module's, and take its ``requires``."""
    text = (SAMPLES / "star_import.md").read_text(encoding="utf-8")
    first, second = classify(
        tmp_path,
        monkeypatch,
        text,
        record(
            18,
            "exception",
            "the block raised ModuleNotFoundError: No module named 'fastdebug_not_installed'",
        ),
        record(23, "exception", "the block raised NameError: name 'nb_name' is not defined"),
    )
    assert first.cause == t.MISSING_MODULE
    assert second.cause == t.FOLLOW_ON
    assert second.directive == (
        "requires module:fastdebug_not_installed; uses nb_name from an earlier block that "
        "needs it too"
    )


def test_a_name_a_function_binds_for_itself_takes_no_directive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a Chinese translation of PyTorch's TorchScript tutorial: a transcript that
    follows on from a block with a missing module binds ``output``, and a later ``forward``
    assigns and returns an ``output`` of its own, which skipping the transcript takes
    nothing from."""
    text = (SAMPLES / "function_locals.md").read_text(encoding="utf-8")
    missing = record(1, "missing module", "ModuleNotFoundError: No module named 'tv'")
    follow = record(8, "exception", "the block raised NameError: name 'example' is not defined")
    passed = dataclasses.replace(record(13, None, ""), outcome="passed")
    findings = classify(tmp_path, monkeypatch, text, missing, follow, passed)
    assert [(finding.line, finding.cause) for finding in findings] == [
        (1, t.MISSING_MODULE),
        (8, t.FOLLOW_ON),
    ]


@given(
    st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
        lambda name: not keyword.iskeyword(name) and not keyword.issoftkeyword(name)
    ),
    st.sampled_from(
        ["def f(a):\n    {n} = a\n    return {n}", "class C:\n    {n} = 1\n    y = {n}"]
    ),
)
def test_a_name_read_only_where_it_is_bound_locally_is_not_the_notes(
    name: str, template: str
) -> None:
    assert name not in used_names(template.format(n=name))
    # read where nothing binds it: the note's
    assert name in used_names(f"def g_():\n    return {name}") or name == "g_"


@pytest.mark.parametrize(
    ("actual", "cause"),
    [
        ("tensor([[5.7328e+18, 4.5687e-41, 5.7328e+18],\n        [0.0000e+00]])", t.RANDOM),
        ("tensor([[5.7328e+18, 4.5687e-41]], dtype=torch.float64)", t.DRIFT),
    ],
)
def test_memory_left_uninitialized_prints_whatever_was_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, actual: str, cause: str
) -> None:
    """*Dive into DL* in PyTorch (ShusenTang/Dive-into-DL-PyTorch, 2.2_tensor.md) prints a
    ``torch.empty(5, 3)``: its numbers are the memory's, on every machine and whatever the
    seed, so two runs may agree and still differ from the note; the rest is compared."""
    text = (SAMPLES / "uninitialized.md").read_text(encoding="utf-8")
    expected = "tensor([[ 0.0000e+00,  1.5846e+29,  0.0000e+00],\n        [ 1.5846e+29]])"
    failed = record(2, "value", "value drift", expected=expected, actual=actual)
    (finding,) = classify(tmp_path, monkeypatch, text, failed, second=[failed])
    assert finding.cause == cause
    if cause == t.RANDOM:
        assert finding.directive == (
            "compare structure; empty() leaves its memory uninitialized, the layout is what matters"
        )


@pytest.mark.parametrize(
    ("reason", "drift", "cause"),
    [
        (
            "the block raised urllib.error.URLError: <urlopen error [Errno -2] Name or "
            "service not known>",
            "exception",
            t.NETWORK,
        ),
        (
            "the block raised requests.exceptions.ConnectionError: HTTPSConnectionPool("
            "host='download.pytorch.org', port=443): Max retries exceeded with url",
            "exception",
            t.NETWORK,
        ),
        ("value drift: expected 'ConnectionError', got 'ok'", "text", t.DRIFT),
    ],
)
def test_a_download_without_the_network_requires_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str, drift: str, cause: str
) -> None:
    text = (SAMPLES / "download.md").read_text(encoding="utf-8")
    first, follow = classify(
        tmp_path,
        monkeypatch,
        text,
        record(3, drift, reason),
        record(13, "exception", "the block raised NameError: name 'sd' is not defined"),
    )
    assert first.cause == cause
    if cause == t.NETWORK:
        assert first.directive == "requires network; downloads over the network"
        assert follow.directive == (
            "requires network; uses sd from an earlier block that needs it too"
        )


def test_a_python_fence_that_holds_another_language_names_its_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Chinese translation of PyTorch's tutorial on loading a TorchScript model in C++
    tags every fence ``py``: C++, CMake, a folder tree, a shell session. Each is skipped as
    not Python, and the retagging that says what it holds is named as the other way."""
    text = (SAMPLES / "other_languages.md").read_text(encoding="utf-8")
    lines = [
        text.count("\n", 0, at) + 1 for at in range(len(text)) if text.startswith("```py\n", at)
    ]
    records = [
        record(line, "exception", "the block raised SyntaxError: invalid syntax") for line in lines
    ]
    findings = classify(tmp_path, monkeypatch, text, *records)
    assert [finding.cause for finding in findings] == [t.NOT_PYTHON] * 5
    assert [
        finding.instead.split(": tag the fence ")[1] if finding.instead else None
        for finding in findings
    ] == ["```cpp instead", "```cmake instead", "```text instead", "```console instead", None]


def test_a_signature_written_as_a_call_is_not_python_and_names_the_text_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A post on ``torch.rand`` puts its signature in a Python fence as a call; it fails on
    a parameter's name, which no block defines: not drift, and no missing import."""
    text = (
        "```python\nimport torch\n```\n\n"
        "```python\ntorch.rand(*size, out=None, dtype=None, requires_grad=False)\n```\n\n"
        "```python\nmodel.fit(X, y, epochs=10)\n```\n"
    )
    signature, call = classify(
        tmp_path,
        monkeypatch,
        text,
        record(5, "exception", "the block raised NameError: name 'size' is not defined"),
        record(9, "exception", "the block raised NameError: name 'model' is not defined"),
    )
    assert (signature.cause, signature.directive, signature.instead) == (
        t.NOT_PYTHON,
        "skip a function's signature, not code",
        "tag the fence ```text instead",
    )
    assert call.cause != t.NOT_PYTHON


DEVICE_SET = (
    "```python\nimport torch\ntorch.set_default_device('cuda')\n```\n\n"
    "```python\nprint(torch.zeros(1))\n```\n\n"
    "```python\nprint(torch.ones(1))\n```\n"
)


def test_blocks_after_one_that_set_the_default_device_are_its_follow_ons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """torch.set_default_device's docstring sets CUDA for the rest of a note: the blocks
    after it need no device of their own, and pass once that block is left out."""
    cuda = "the block raised AssertionError: Torch not compiled with CUDA enabled"
    moved = f"{cuda}\n  torch's default device is 'cuda', not 'cpu': a block above, ..."
    findings = classify(
        tmp_path,
        monkeypatch,
        DEVICE_SET,
        record(1, "exception", cuda),
        record(6, "exception", moved),
        record(10, "exception", moved),
    )
    assert [finding.cause for finding in findings] == [t.DEVICE, t.FOLLOW_ON, t.FOLLOW_ON]
    assert findings[0].directive == "requires cuda; runs on a CUDA device"
    assert findings[1].detail == (
        "runs on the default device the block at n.md:1 set (torch.set_default_device), not "
        "on a device of its own"
    )
    assert findings[1].directive is None


def test_a_block_that_needs_cuda_with_no_default_set_above_still_needs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cuda = "the block raised AssertionError: Torch not compiled with CUDA enabled"
    findings = classify(
        tmp_path,
        monkeypatch,
        DEVICE_SET.replace("torch.set_default_device('cuda')", "x = 1"),
        record(6, "exception", f"{cuda}\n  torch's default device is 'cuda', not 'cpu': ..."),
    )
    assert [finding.cause for finding in findings] == [t.DEVICE]


def test_a_module_a_library_named_in_its_own_words_is_the_one_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "```python\nimport torch\ntorch.cuda.utilization()\n```\n"
    reason = (
        "ModuleNotFoundError: nvidia-ml-py does not seem to be installed or it can't be "
        "imported. (install it, or mark the block <!-- torchnotes: requires module:pynvml -->)"
    )
    (finding,) = classify(tmp_path, monkeypatch, text, record(1, "missing module", reason))
    assert finding.cause == t.MISSING_MODULE
    assert finding.directive == (
        "requires module:pynvml; module pynvml is not installed on every machine"
    )
