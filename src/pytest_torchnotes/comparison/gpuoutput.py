"""Output that only a GPU prints, and code that asks torch about one: on a machine without
the device, the block's output differs for want of it, not because the note drifted.

A block whose expected output names a CUDA or MPS device (a tensor on it, the device's repr,
``print(x.device)``'s line), or whose code asks torch whether there is one, prints other
output where this run has none. The failure names the ``requires`` directive rather than the
update that would write this machine's output over the author's, and update keeps the output.
"""

from __future__ import annotations

import re
import sys

#: A GPU the expected output names: the device a tensor lives on (``device='cuda:0'``), a
#: ``torch.device``'s repr (``device(type='cuda', index=0)``, what a notebook shows of
#: ``x.device``), or a line of its own that ``print(x.device)`` writes (``cuda:0``).
EXPECTED_DEVICE = re.compile(
    r"device='(?P<name>cuda|mps)(?::\d+)?'"
    r"|device\(type='(?P<type>cuda|mps)'(?:, index=\d+)?\)"
    r"|^[ \t]*(?P<printed>cuda|mps)(?::\d+)?(?=[ \t]*$)",
    re.MULTILINE,
)

#: How the directive names each device a tensor may live on.
DEVICE_WORDS = {"cuda": "a CUDA device", "mps": "an MPS device (Apple GPU)"}


def device_hint(expected: str, actual: str) -> str | None:
    """The line that says why a block whose expected output shows tensors on a GPU printed
    none (a block under ``if torch.cuda.is_available():`` prints nothing where there is no
    GPU): accepting the new output would lose the GPU's, the directive keeps it.

    >>> print(device_hint("tensor([1.], device='cuda:0')", ""))  # doctest: +ELLIPSIS
    the expected output shows tensors on a CUDA device (device='cuda:0'), ...
    >>> device_hint("tensor([1.])", "") is None
    True
    """
    found = _lost_device(expected, actual)
    if found is None:
        return None
    name, written = found
    return (
        f"the expected output {_shows(written)} {DEVICE_WORDS[name]} ({written}), and this"
        f" run printed none: if the block needs one, mark it <!-- torchnotes: requires {name} -->"
        " rather than accept this output"
    )


def device_output_kept(expected: str, actual: str) -> str | None:
    """Why update keeps ``expected``, output with tensors on a GPU, where this run printed
    none (``actual``): the GPU's output is the author's, and the directive keeps it run
    only where there is one.

    >>> device_output_kept("tensor([1.], device='mps:0')", "")[:60]
    'its output shows tensors on an MPS device (Apple GPU) (devic'
    """
    found = _lost_device(expected, actual)
    if found is None:
        return None
    name, written = found
    return (
        f"its output {_shows(written)} {DEVICE_WORDS[name]} ({written}), and this run"
        f" printed none: that output is kept (mark the block <!-- torchnotes: requires {name}"
        " --> to run it only where there is one)"
    )


#: Code that asks torch about a device's presence or its properties: what it prints on a
#: machine without the device differs from the author's for want of it, no drift of the note.
DEVICE_QUERIES = {
    "cuda": re.compile(
        r"\btorch\.(?:cuda\.(?:is_available|device_count|get_device_name|current_device|"
        r"get_device_properties|get_device_capability|mem_get_info|memory_allocated|"
        r"memory_reserved|max_memory_allocated|max_memory_reserved|memory_summary|"
        r"get_arch_list|is_bf16_supported)|backends\.cudnn\.(?:version|is_available)|"
        r"version\.cuda)\b"
    ),
    "mps": re.compile(r"\btorch\.(?:backends\.mps\.is_(?:available|built)|mps\.device_count)\b"),
}


def queried_device(code: str) -> str | None:
    """The device ``code`` asks torch about that this run has not, if it asks about one.

    >>> import torch
    >>> queried_device("print(torch.cuda.device_count())") == (
    ...     None if torch.cuda.is_available() else "cuda")
    True
    >>> queried_device("print(torch.ones(2))") is None
    True
    """
    torch = sys.modules.get("torch")
    if torch is None:
        return None  # nothing ran that could ask it
    for device, query in DEVICE_QUERIES.items():
        if query.search(code) is None:
            continue
        if device == "cuda" and not torch.cuda.is_available():
            return device
        backend = getattr(torch.backends, "mps", None)
        if device == "mps" and not (backend is not None and backend.is_available()):
            return device
    return None


def device_query_hint(code: str) -> str | None:
    """The line that says why the output of ``code``, which asks torch about a device this
    run has not, differs: accepting it would write this machine's answer over the author's."""
    device = queried_device(code)
    if device is None:
        return None
    return (
        f"the block asks torch about {DEVICE_WORDS[device]}, and this run has none: its"
        f" output is that of a machine with one; mark it <!-- torchnotes: requires {device} -->"
        " rather than accept this output"
    )


def device_query_kept(code: str) -> str | None:
    """Why update keeps the output of ``code``, which asks torch about a device this run
    has not (:func:`device_query_hint`)."""
    device = queried_device(code)
    if device is None:
        return None
    return (
        f"it asks torch about {DEVICE_WORDS[device]}, and this run has none: the output"
        f" written is kept (mark the block <!-- torchnotes: requires {device} --> to run it"
        " only where there is one)"
    )


def expected_device(text: str) -> tuple[str, str] | None:
    """The first GPU that ``text`` names, in any of the forms :data:`EXPECTED_DEVICE` reads:
    ``(name, as written)``.

    >>> expected_device("device(type='cuda', index=0)")
    ('cuda', "device(type='cuda', index=0)")
    >>> expected_device("cpu\\ncuda:0\\n"), expected_device("cudaMalloc failed")
    (('cuda', 'cuda:0'), None)
    """
    found = EXPECTED_DEVICE.search(text)
    if found is None:
        return None
    name = found.group("name") or found.group("type") or found.group("printed")
    return name, found.group().strip()


def _lost_device(expected: str, actual: str) -> tuple[str, str] | None:
    """The first GPU device of ``expected`` when ``actual`` names none of its kind."""
    found = expected_device(expected)
    if found is None:
        return None
    name = found[0]
    if any(
        name in (match.group("name"), match.group("type"), match.group("printed"))
        for match in EXPECTED_DEVICE.finditer(actual)
    ):
        return None
    return found


def _shows(written: str) -> str:
    """How output that names a device as ``written`` shows it: tensors on it, or the
    device itself."""
    return "shows tensors on" if written.startswith("device='") else "names"
