"""The cause of one failing block, from its run report record: a missing module, a device
this machine lacks, a download without the network, code that is not Python, output that
changes with the seed, or real drift; with the directive that states it."""

from __future__ import annotations

import ast
import re

from pytest_torchnotes.commands.triage.findings import (
    CANNOT_RUN,
    DEVICE,
    DRIFT,
    MISSING_IMPORT,
    MISSING_MODULE,
    NETWORK,
    NOT_PYTHON,
    RAISES,
    RANDOM,
    Finding,
)
from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.comparison.gpuoutput import expected_device, queried_device
from pytest_torchnotes.comparison.missing import NO_NETWORK, import_for, missing_device
from pytest_torchnotes.comparison.saysraises import failing_line
from pytest_torchnotes.markdown.blocks import Block
from pytest_torchnotes.markdown.marker import misspelt_marker
from pytest_torchnotes.markdown.otherlanguages import other_language, signature_hint
from pytest_torchnotes.notelines import from_shown
from pytest_torchnotes.quoting import cut
from pytest_torchnotes.reporting.report import BlockRecord
from pytest_torchnotes.run.pseudocode import not_python_directive

#: ``No module named 'torchinfo'`` in a block's failure.
MISSING = re.compile(r"No module named '(?P<name>[\w.]+)'")

#: The directive a block's failure names for a module a library said in its own words was
#: missing (``nvidia-ml-py does not seem to be installed``: ``requires module:pynvml``).
REQUIRED_MODULE = re.compile(r"requires module:(?P<name>[\w.]+) -->")

#: Errors of torch on a machine without the device a block asks for.
DEVICE_ERRORS = {
    "cuda": re.compile(
        r"not compiled with CUDA|no NVIDIA driver|No CUDA GPUs|CUDA driver|"
        r"cuda\.is_available\(\) is False|'CUDA' backend",
        re.IGNORECASE,
    ),
    "mps": re.compile(r"\bMPS\b"),
}

#: How the reason of a ``requires`` names each device.
DEVICE_NAMES = {
    "cuda": "a CUDA device",
    "mps": "an MPS device (Apple GPU)",
    "xpu": "an XPU device (Intel GPU)",
}


#: A name the block used that nothing defined: ``NameError: name 'torch' is not defined``.
UNDEFINED_NAME = re.compile(r"NameError: name '(?P<name>\w+)' is not defined")

#: The import of each name a note may take as done (a book chapter that goes on from the
#: previous one, a blog post's snippets, PyTorch's docstrings), as the notes write it.
STANDARD_IMPORTS = {
    "torch": "import torch",
    "nn": "from torch import nn",
    "F": "import torch.nn.functional as F",
    "np": "import numpy as np",
}

#: A call that returns memory it leaves uninitialized (``torch.empty(5, 3)``,
#: ``x.new_empty(2)``): what it prints is whatever was there, on the author's machine and
#: on this one, whatever the seed.
UNINITIALIZED = re.compile(r"\b(?:empty|empty_like|empty_strided|new_empty)\(")

#: What a failure caused by code that does not compile says.
SYNTAX = re.compile(r"raised (?:SyntaxError|IndentationError|TabError): (?P<message>[^\n]*)")


def classify(
    path: str, record: BlockRecord, second: BlockRecord | None, block: Block | None = None
) -> Finding:
    reason = record.reason or ""
    headline = reason.splitlines()[0][:200] if reason else record.drift or "failed"
    if record.drift == "cannot run":  # the transcript is to be mended: no directive does it
        return Finding(path, record.line, CANNOT_RUN, headline.removeprefix("not run: "))
    missing = "ModuleNotFoundError" in reason and MISSING.search(reason) is not None
    if record.drift == "missing module" or missing:
        match = MISSING.search(reason) or REQUIRED_MODULE.search(reason)
        name = match.group("name") if match else "NAME"
        return Finding(
            path,
            record.line,
            MISSING_MODULE,
            f"module {name!r} is not installed",
            f"requires module:{name}; module {name} is not installed on every machine",
        )
    device = _device(record) or _cuda_query(record, block)
    if device is not None:
        return Finding(
            path,
            record.line,
            DEVICE,
            f"needs {DEVICE_NAMES[device]}: {headline}",
            f"requires {device}; runs on {DEVICE_NAMES[device]}",
        )
    if record.drift not in ("value", "text", "format-only") and NO_NETWORK.search(reason):
        return Finding(
            path,
            record.line,
            NETWORK,
            f"cannot reach the network: {headline}",
            "requires network; downloads over the network",
        )
    meant = _meant_to_raise(path, record, block)
    if meant is not None:
        return meant
    syntax = SYNTAX.search(reason)
    misspelt = block is not None and misspelt_marker(block.code) is not None
    if syntax is not None and not _compiles(block) and not misspelt:
        message = re.sub(r" \([^()]*, line \d+\)$", "", syntax.group("message"))
        return Finding(
            path,
            record.line,
            NOT_PYTHON,
            f"not valid Python: {message}",
            not_python_directive(message),
            instead=other_language(block.code if block else ""),
        )
    undefined = UNDEFINED_NAME.search(reason)
    name = undefined.group("name") if undefined is not None else ""
    signature = signature_hint(block.code, name) if block is not None and name else None
    if signature is not None:
        return Finding(
            path,
            record.line,
            NOT_PYTHON,
            f"a function's signature, not code: {name!r} is one of its parameters",
            "skip a function's signature, not code",
            instead="tag the fence ```text instead",
        )
    # the module the block's heading names first, as the run's own hint reads it
    heading = (block.heading or "") if block is not None else ""
    statement = STANDARD_IMPORTS.get(name) or (
        import_for(name, load=True, functions=False, heading=heading) if name else None
    )
    if statement is not None:
        return Finding(
            path,
            record.line,
            MISSING_IMPORT,
            f"the note uses {name} and never imports it",
            setup=(statement,),
        )
    if (
        record.drift in ("value", "text")
        and second is not None
        and second.drift in (None, "format-only", "value", "text")
        and second.actual is not None
        and record.actual is not None
        and second.actual != record.actual
    ):
        return _random(path, record, record.actual, second.actual)
    return _uninitialized(path, record, block) or Finding(path, record.line, DRIFT, headline)


#: What the failure of a block that raised says first: ``the block raised RuntimeError: ...``.
RAISED = re.compile(r"^the block raised (?P<name>[\w.]+)")


def _meant_to_raise(path: str, record: BlockRecord, block: Block | None) -> Finding | None:
    """A block that raised on a line whose comment says it fails (``# Error``, ``# 报错``,
    ``# RuntimeError``): the author meant it to, and the failure named the ``raises``
    directive that checks it. A comment that names another exception, or a block that
    raised on another line than the one that says it fails, is drift."""
    raised = RAISED.match(record.reason or "") if record.drift == "exception" else None
    if raised is None or block is None or block.doctest or block.ipython is not None:
        return None
    if record.raised_line is None:
        return None
    index = from_shown(record.raised_line) - block.code_line
    lines = block.code.split("\n")
    found = failing_line(lines[index]) if 0 <= index < len(lines) else None
    name = raised["name"].rpartition(".")[2]
    if found is None or name in ("SyntaxError", "IndentationError"):
        return None
    comment = found[1]
    said = comment.split()[0].rstrip(":!.,")
    if said.endswith("Error") and said not in (name, "Error") and said[0].isupper():
        return None  # the line says it raises another exception than the one it raised
    line = record.raised_line
    last = not any(text.strip() for text in lines[index + 1 :])
    after = "" if last else f"; the lines after line {line} do not run under raises"
    return Finding(
        path,
        record.line,
        RAISES,
        f"line {line} says it fails (`# {comment}`) and raised {name}{after}",
        # no line number in the reason: the inserted comment moves the block down
        f"raises {name}; the line marked `# {cut(comment, 40)}` fails on purpose",
    )


def _uninitialized(path: str, record: BlockRecord, block: Block | None) -> Finding | None:
    """The output of a block that prints memory it left uninitialized differs in its numbers
    alone, the same in the run with another seed: two runs may print the same bytes. (Where
    the seeds change it, it reads as random values first: ``torch.empty`` as the ``out=`` of
    random numbers.)"""
    if block is None or record.drift not in ("value", "text") or record.actual is None:
        return None
    call = UNINITIALIZED.search(block.code)
    if call is None:
        return None
    if (
        not Comparator(CompareOptions("structure"))
        .compare(record.expected or "", record.actual)
        .matched
    ):
        return None
    return Finding(
        path,
        record.line,
        RANDOM,
        f"prints memory that {call.group(0)}) leaves uninitialized: its numbers are whatever "
        "was there",
        f"compare structure; {call.group(0)}) leaves its memory uninitialized, the layout is "
        "what matters",
    )


def _compiles(block: Block | None) -> bool:
    """Whether the block's own code is Python (a ``SyntaxError`` then came from code it ran,
    ``eval`` or ``compile``: that is drift, not pseudo-code)."""
    if block is None or block.doctest:
        return False
    try:
        ast.parse(block.code)
    except (SyntaxError, ValueError):
        return False
    return True


def _device(record: BlockRecord) -> str | None:
    text = record.reason or ""
    if record.drift not in ("value", "text", "format-only"):
        found = missing_device(text, text)  # the reason holds the traceback
        if found is not None:
            return found
        for device, pattern in DEVICE_ERRORS.items():
            if pattern.search(text):
                return device
        return None
    expected = expected_device(record.expected or "")
    if expected is not None and expected[1] not in (record.actual or ""):
        return expected[0]
    return None


def _cuda_query(record: BlockRecord, block: Block | None) -> str | None:
    """The device when the block's output differs and its code asks torch about a device
    this machine has not (``torch.cuda.is_available()`` printed ``True`` for the author)."""
    if block is None or record.drift not in ("value", "text", "format-only"):
        return None
    return queried_device(block.code)


def _random(path: str, record: BlockRecord, first: str, second: str) -> Finding:
    structure = Comparator(CompareOptions("structure"))
    if not structure.compare(first, second).matched:
        return Finding(
            path,
            record.line,
            RANDOM,
            "the text changes between runs with different seeds, not only the numbers",
            "compare ignore; the output changes from run to run",
        )
    if not structure.compare(record.expected or "", first).matched:
        return Finding(
            path,
            record.line,
            DRIFT,
            "numbers change with the seed, and the rest of the output differs from the note "
            "too (update it, then mark it compare structure)",
        )
    return Finding(
        path,
        record.line,
        RANDOM,
        "numbers change between runs with different seeds",
        "compare structure; random values, the layout is what matters",
    )
