"""The ``torchnotes`` command: work on notes outside a pytest run.

Each subcommand lives in its own module; this one only parses arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _check(arguments: argparse.Namespace) -> int:
    from pytest_torchnotes.commands.check import check_notes, summary
    from pytest_torchnotes.commands.project import project_settings
    from pytest_torchnotes.settings import SettingsError

    try:
        settings = project_settings(arguments.paths)
    except SettingsError as error:
        print(f"torchnotes check: {error}", file=sys.stderr)
        return 2
    notes, findings = check_notes(arguments.paths, settings.note_format, settings.patterns)
    for finding in findings:
        print(finding)
    print(summary(notes, findings), file=sys.stderr if findings else sys.stdout)
    return 1 if findings else 0


def _convert(arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from pytest_torchnotes.commands.convert import ConversionError, convert

    output = Path(arguments.output) if arguments.output is not None else None
    try:
        written = convert(Path(arguments.notebook), output, force=arguments.force)
    except ConversionError as error:
        print(f"torchnotes convert: {error}", file=sys.stderr)
        return 1
    print(f"wrote {written}")
    return 0


def _diff(arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from pytest_torchnotes.reporting.diff import compare, load, render_markdown, render_text

    try:
        old, new = load(Path(arguments.old)), load(Path(arguments.new))
    except ValueError as error:
        print(f"torchnotes diff: {error}", file=sys.stderr)
        return 2
    changes = compare(old, new)
    render = render_markdown if arguments.format == "md" else render_text
    sys.stdout.write(render(old, new, changes))
    return 1 if any(change.regression for change in changes) else 0


def _history(arguments: argparse.Namespace) -> int:
    from pathlib import Path

    from pytest_torchnotes.reporting.history import HistoryError, history, load_runs

    try:
        runs = load_runs([Path(report) for report in arguments.reports])
    except HistoryError as error:
        print(f"torchnotes history: {error}", file=sys.stderr)
        return 2
    result = history(runs)
    if arguments.format == "html":
        from pytest_torchnotes.reporting.history_html import render_html as render
    elif arguments.format == "md":
        from pytest_torchnotes.reporting.history_render import render_markdown as render
    else:
        from pytest_torchnotes.reporting.history_render import render_text as render
    sys.stdout.write(render(result))
    return 1 if result.regressions else 0


def _triage(arguments: argparse.Namespace) -> int:
    from pytest_torchnotes.commands.triage import TriageError, details, table, triage, write

    try:
        findings, digests = triage(arguments.paths)
    except TriageError as error:
        print(f"torchnotes triage: {error}", file=sys.stderr)
        return 2
    if not findings:
        print("every block passes or is skipped: nothing to triage")
        return 0
    for line in [*table(findings), "", *details(findings)]:
        print(line)
    proposed = [finding for finding in findings if finding.proposed]
    print()
    if arguments.write:
        for line in write(findings, digests):
            print(line)
    elif proposed:
        print(
            f"{len(proposed)} directive{'s' * (len(proposed) != 1)} proposed: "
            "torchnotes triage --write inserts them"
        )
    elif any(finding.conflict is not None for finding in findings):
        print(
            "no directive proposed: make the changes named above; what else fails is real "
            "drift, or follows from it"
        )
    else:
        print("no directive proposed: what fails is real drift, or follows from it")
    return 1


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="torchnotes", description="Work on Markdown notes about PyTorch."
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report problems in notes without running them",
        description="Parse notes without running them and report, as FILE:LINE: MESSAGE, "
        "unclosed fences, markers outside a block, unknown or malformed directives, bad "
        "version specifiers, blocks that are not valid Python, Python-looking fences that "
        "would not run, output that would not be read and files that are not UTF-8. In "
        "folders, the files matching torchnotes_patterns are notes; the project's pytest "
        "configuration file gives them and the output conventions, as for pytest. Exit "
        "status 1 when anything is found, 2 when the configuration has a bad value.",
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="notes, or folders of notes")
    check.set_defaults(run=_check)
    convert = commands.add_parser(
        "convert",
        help="turn a Jupyter notebook into a note",
        description="Write a note from a Jupyter notebook: markdown cells as prose, code cells "
        "as Python blocks with the text they printed as expected output, a raises directive "
        "for a cell that ended in an error, a skip directive for IPython magics and a requires "
        "directive for a cell whose output shows a CUDA or MPS device. Output a "
        "note cannot hold is left out with an HTML comment saying so. Exit status 1 when the "
        "notebook cannot be converted or the note already exists.",
    )
    convert.add_argument("notebook", metavar="NOTEBOOK", help="the .ipynb file to convert")
    convert.add_argument(
        "-o",
        "--output",
        metavar="NOTE",
        help="where to write the note, or a folder to write it in (made if missing; default: "
        "the notebook's path with a .md suffix)",
    )
    convert.add_argument("--force", action="store_true", help="overwrite an existing note")
    convert.set_defaults(run=_convert)
    triage = commands.add_parser(
        "triage",
        help="sort the failing blocks of existing notes by cause, and mark them",
        description="Run the notes as pytest does (twice, the second time with another "
        "seed) and sort every failing block by cause: a missing module (requires module:NAME), "
        "a CUDA or MPS device (requires cuda), output that changes with the seed (compare "
        "structure, or compare ignore when the text changes too), code that is not Python "
        "(skip), a line whose comment says it fails (raises), a follow-on of an earlier "
        "failure, or real drift. Prints a table of causes and the directive each block needs; "
        "--write inserts them into the notes. Exit status 0 when nothing fails, 1 when "
        "something does, 2 when the notes cannot be run.",
    )
    triage.add_argument("paths", nargs="+", metavar="PATH", help="notes, or folders of notes")
    triage.add_argument(
        "--write",
        action="store_true",
        help="insert the proposed directives, each with its reason, into the notes",
    )
    triage.set_defaults(run=_triage)
    diff = commands.add_parser(
        "diff",
        help="compare two run reports (written with --torchnotes-report)",
        description="List the blocks whose outcome or output changed between two JSON run "
        "reports, for instance one per torch version, with warnings that appeared or went "
        "away; outputs are compared by the rules the run used, so what the comparison "
        "accepts is no change. Exit status 1 when something regressed (a block or note that "
        "now fails, a passing note that now errors or is gone), 2 when a report cannot be "
        "read or does not follow the report schema (the message names the field).",
    )
    diff.add_argument("old", metavar="OLD.json")
    diff.add_argument("new", metavar="NEW.json")
    diff.add_argument(
        "--format", choices=("text", "md"), default="text", help="md: for a pull request comment"
    )
    diff.set_defaults(run=_diff)
    history = commands.add_parser(
        "history",
        help="what changed across many run reports, one per torch version",
        description="Put two or more JSON run reports in torch version order (whatever the "
        "order of the files) and show every block whose outcome, output, warnings or "
        "exception changed anywhere in the range: its outcome in each version, and each "
        "change in the version where it first appears, by the rules of torchnotes diff. "
        "Exit status 1 when the newest version regressed against the oldest, 2 when a "
        "report cannot be read or fewer than two are given.",
    )
    history.add_argument("reports", nargs="+", metavar="REPORT.json")
    history.add_argument(
        "--format",
        choices=("text", "md", "html"),
        default="text",
        help="md: for a pull request or a job summary; html: one self-contained page",
    )
    history.set_defaults(run=_history)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser().parse_args(argv)
    status: int = arguments.run(arguments)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
