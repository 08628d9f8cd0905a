"""The examples in docs/ and the README run as tests.

The docs' own Python blocks run as notes (``pytest docs/``). Examples of whole notes are
written in ```` ````markdown note ```` fences whose info string gives the expected outcome
of the note (``passed=1``, ``failed=1``: pytest counts notes), of its blocks
(``blocks="verified=2 failed=1"``, the torchnotes summary's counts), the file name
(``file=x.md``) and extra arguments (``args="..."``).
A ```` ```text ```` fence right after one, starting with ``$ pytest``, is a transcript: its
lines must appear in the output in that order (``...`` stands for lines left out); one
starting with ``$ torchnotes check`` or ``$ torchnotes triage`` is the output of that command
on the note. A ```` ````markdown after ```` fence next is what the note holds after the run.
"""

from __future__ import annotations

import contextlib
import io
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_torchnotes.commands.cli import main
from pytest_torchnotes.markdown.lexers import FenceLexeme, MarkdownLexer
from tests.conftest import block_counts

ROOT = Path(__file__).parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
OUTCOMES = ("passed", "failed", "skipped", "xfailed", "errors")
CHECK = "$ torchnotes check"
TRIAGE = "$ torchnotes triage"


@dataclass
class Example:
    page: Path
    line: int
    note: str
    file: str
    outcomes: dict[str, int]
    blocks: dict[str, int]
    args: list[str]
    transcript: list[str] | None
    after: str | None

    @property
    def id(self) -> str:
        return f"{self.page.name}:{self.line}"


def _examples(page: Path) -> list[Example]:
    fences = MarkdownLexer()(page.read_text(encoding="utf-8")).fences
    examples = []
    for index, fence in enumerate(fences):
        words = shlex.split(fence.info)
        if words[:2] != ["markdown", "note"]:
            continue
        settings = dict(word.split("=", 1) for word in words[2:])
        following = [*fences[index + 1 : index + 3], None, None]
        transcript = _transcript(following[0])
        after = following[1] if transcript is not None else following[0]
        args = shlex.split(settings.get("args", ""))
        if transcript is not None:
            args = shlex.split(transcript[0])[2:]
        examples.append(
            Example(
                page=page,
                line=fence.open_line + 1,
                note=_body(fence),
                file=settings.get("file", "example.md"),
                outcomes={key: int(value) for key, value in settings.items() if key in OUTCOMES},
                blocks={
                    key: int(value)
                    for key, value in (
                        word.split("=") for word in settings.get("blocks", "").split()
                    )
                },
                args=args,
                transcript=transcript[1:] if transcript is not None else None,
                after=_body(after)
                if after is not None and after.info == "markdown after"
                else None,
            )
        )
    return examples


def _body(fence: FenceLexeme) -> str:
    return "\n".join(line.text for line in fence.body) + "\n"


def _transcript(fence: FenceLexeme | None) -> list[str] | None:
    if fence is None or fence.language != "text" or not fence.body:
        return None
    lines = [line.text for line in fence.body]
    return lines if lines[0].startswith(("$ pytest", CHECK, TRIAGE)) else None


EXAMPLES = [example for page in PAGES for example in _examples(page)]


def test_the_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 5
    assert any(example.transcript for example in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.id)
def test_example(pytester: pytest.Pytester, example: Example) -> None:
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    (pytester.path / "notes").mkdir()
    (pytester.path / "notes" / example.file).write_text(example.note, encoding="utf-8")
    command = example.args[:1] if example.args[:1] in (["check"], ["triage"]) else None
    pytest_args = [] if command else example.args
    result = pytester.runpytest("-p", "no:randomly", *pytest_args)
    result.assert_outcomes(**example.outcomes)
    if example.blocks:
        assert block_counts(result) == example.blocks
    if example.transcript is not None and command:
        _assert_in_order(_command_output(example.args), example.transcript)
    elif example.transcript is not None:
        _assert_in_order(result.stdout.lines + result.stderr.lines, example.transcript)
    if example.after is not None:
        assert (pytester.path / "notes" / example.file).read_text(encoding="utf-8") == example.after


def _assert_in_order(output: list[str], expected: list[str]) -> None:
    position = 0
    lines = [line.rstrip() for line in output]
    for wanted in expected:
        if wanted.strip() in ("", "..."):
            continue
        try:
            position = lines.index(wanted.rstrip(), position) + 1
        except ValueError:
            pytest.fail(f"not in the output (in order): {wanted!r}\n\n" + "\n".join(output))


def test_the_options_page_lists_every_option() -> None:
    from pytest_torchnotes.options import OPTIONS

    text = (ROOT / "docs" / "options.md").read_text(encoding="utf-8")
    for option in OPTIONS:
        assert f"`{option.ini}`" in text
        if option.cli:
            assert f"`{option.cli}`" in text


def _command_output(arguments: list[str]) -> list[str]:
    """What ``torchnotes check PATH...`` (or triage) prints (pytester runs tests in its
    folder)."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        main(arguments)
    return output.getvalue().splitlines()
