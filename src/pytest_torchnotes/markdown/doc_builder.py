"""The framework branches of Hugging Face's doc-builder (the course, the library docs): the
same code once per framework, of which the reader's framework switch shows one.

The course writes them as Svelte blocks, each line on its own::

    {#if fw === 'pt'}
    ```python
    inputs = tokenizer(raw_inputs, return_tensors="pt")
    ```
    {:else}
    ```python
    inputs = tokenizer(raw_inputs, return_tensors="tf")
    ```
    {/if}

and the library docs as elements: ``<frameworkcontent>``, then ``<pt>`` ... ``</pt>``,
``<tf>`` ... ``</tf>``, ``<jax>`` ... ``</jax>``, then ``</frameworkcontent>``. Each branch is
a tab of :mod:`.framework_tabs`, titled by its framework; the block opens the group of tabs.
"""

from __future__ import annotations

import re

from pytest_torchnotes.markdown.hints import holds_any

#: What a note holds when it has framework branches: most notes are not read line by line.
HINTS = ("{#if fw", "<frameworkcontent>")

#: The line that opens a Svelte branch on the framework: ``{#if fw === 'pt'}``.
IF_FRAMEWORK = re.compile(
    r"^[ \t]*\{#if[ \t]+fw[ \t]*===?[ \t]*(?P<q>['\"])(?P<fw>\w+)(?P=q)[ \t]*\}[ \t]*$"
)

#: The line that opens the next branch: ``{:else}``, ``{:else if fw === 'tf'}``.
ELSE = re.compile(
    r"^[ \t]*\{:else(?:[ \t]+if[ \t]+fw[ \t]*===?[ \t]*(?P<q>['\"])(?P<fw>\w+)(?P=q))?[ \t]*\}"
    r"[ \t]*$"
)

#: The lines that open and close a group of branches.
GROUP_OPEN = r"\{#if[ \t]+fw\b|<frameworkcontent>"
GROUP_CLOSE = r"\{/if\}|</frameworkcontent>"

#: The element of one framework's branch, opening (``<pt>``) or closing (``</pt>``).
ELEMENT = re.compile(r"^[ \t]*<(?P<close>/)?(?P<fw>pt|tf|jax|flax)>[ \t]*$")
TAB_CLOSE = r"</(?:pt|tf|jax|flax)>"

#: The framework each short name stands for, as a tab title.
FRAMEWORKS = {"pt": "PyTorch", "tf": "TensorFlow", "jax": "JAX", "flax": "Flax"}

#: The lines that open PyTorch's branch: between a block and its output fence they are no
#: prose (``{#if fw === 'pt'}`` right above an output fence of the PyTorch branch).
PYTORCH_OPENING = (
    r"\{#if[ \t]+fw[ \t]*===?[ \t]*['\"]pt['\"][ \t]*\}|\{/if\}|</?frameworkcontent>|</?pt>"
)


def mentions(text: str) -> bool:
    """Whether the note's ``text`` may hold framework branches."""
    return holds_any(text, HINTS)


def branch_title(line: str, opened: str | None) -> str | None:
    """The title of the branch that ``line`` opens, as a tab's (``PyTorch``); ``opened``:
    the framework the group's ``{#if fw === ...}`` named, for its ``{:else}`` (the course
    has two frameworks: the other one).

    >>> branch_title("{#if fw === 'pt'}", None), branch_title("{:else}", "pt")
    ('PyTorch', 'TensorFlow')
    >>> branch_title("<tf>", None), branch_title("</tf>", None), branch_title("text", None)
    ('TensorFlow', None, None)
    """
    if "{" in line:
        found = IF_FRAMEWORK.match(line) or ELSE.match(line)
        if found is None:
            return None
        framework = found.group("fw")
        if framework is None:  # a bare {:else}: the framework the {#if} did not name
            framework = "tf" if opened == "pt" else "pt"
        return FRAMEWORKS.get(framework, framework)
    element = ELEMENT.match(line)
    if element is None or element.group("close"):
        return None
    return FRAMEWORKS[element.group("fw")]


def opened_framework(line: str) -> str | None:
    """The framework that ``line`` (a group's ``{#if fw === 'pt'}``) names, if it does."""
    found = IF_FRAMEWORK.match(line)
    return found.group("fw") if found else None
