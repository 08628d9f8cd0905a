"""What would fix a ``>>>`` example that failed, said in its failure: the doctest directive
under which it passes, or the directive that leaves random values uncompared.

PyTorch's docstrings are written for xdoctest, which turns ``ELLIPSIS`` and
``NORMALIZE_WHITESPACE`` on by default: ``tensor(0.20...)`` and an exception's message
wrapped on two lines pass there and not under doctest's rules, which a transcript follows.
A hint names the directive only when the example passes with it.
"""

from __future__ import annotations

import doctest
import re
from collections.abc import Callable

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.run.examples import OUTPUT_DIFFERS, check_example, option_flags
from pytest_torchnotes.run.execute import Execution

#: The directives xdoctest turns on by default, doctest does not.
XDOCTEST_DEFAULTS = (
    (doctest.ELLIPSIS, "+ELLIPSIS"),
    (doctest.NORMALIZE_WHITESPACE, "+NORMALIZE_WHITESPACE"),
)

#: A call that draws random numbers (``torch.randn(4)``, ``x.uniform_(1, 2)``).
RANDOM_CALL = re.compile(
    r"\b(?:rand|randn|randint|randperm|rand_like|randn_like|randint_like|normal_?|uniform_"
    r"|bernoulli_?|multinomial|exponential_|cauchy_|geometric_|log_normal_|random_|r?sample"
    # a module of torch.nn whose parameters start random (torch.nn.Embedding's example)
    r"|nn\.(?:Linear|Bilinear|Embedding|EmbeddingBag|Conv\w*|RNN|LSTM|GRU|\w+Cell"
    r"|MultiheadAttention|Transformer\w*|PReLU|Lazy\w+))\("
)


def directive_hint(
    comparator: Callable[[CompareOptions], Comparator],
    example: doctest.Example,
    execution: Execution,
    options: CompareOptions,
) -> str | None:
    """The doctest directives under which ``example``, run as ``execution``, passes, said as
    a line of its failure; ``None`` when no set of them would make it pass."""
    flags = option_flags(example)
    missing = [(flag, name) for flag, name in XDOCTEST_DEFAULTS if not flags & flag]
    tries = [[one] for one in missing] + ([missing] if len(missing) > 1 else [])
    for chosen in tries:
        with_them = doctest.Example(
            example.source,
            example.want,
            example.exc_msg,
            lineno=example.lineno,
            indent=example.indent,
            options={**example.options, **{flag: True for flag, _ in chosen}},
        )
        if check_example(comparator, with_them, execution, options) is None:
            names = ", ".join(name for _, name in chosen)
            return (
                f"it passes with '# doctest: {names}' at the end of its first line "
                "(xdoctest, for which PyTorch's docstrings are written, has it on by default, "
                "as --torchnotes-transcripts=xdoctest does; doctest does not)"
            )
    return None


def random_hint(code: str, want: str, failure: str) -> str | None:
    """For an example whose output ``want`` differs after ``code`` that draws random
    numbers, how to accept the seeded run's values or leave them uncompared (an example
    that shows no output is told what to write instead).

    >>> random_hint("a = torch.randn(4)\\na", "tensor([0.1])", "output differs") is not None
    True
    >>> random_hint("a = torch.ones(4)\\na", "tensor([0.1])", "output differs") is None
    True
    >>> random_hint("a = torch.randn(4)\\na", "", "output differs") is None
    True
    >>> random_hint("e = nn.Embedding(10, 3)\\ne(i)", "tensor([0.1])", "output differs")[:45]
    'the block draws random numbers with nn.Embedd'
    """
    found = RANDOM_CALL.search(code)
    if failure != OUTPUT_DIFFERS or found is None or not want.strip():
        return None
    return (
        f"the block draws random numbers with {found.group(0)}): its values are those of the "
        "run seeded by torchnotes_seed (--torchnotes-seed); accept them with "
        "--torchnotes-update, or add '# xdoctest: +IGNORE_WANT' at the end of the example's "
        "line to leave its output uncompared"
    )


#: An exception as the last line of a traceback writes it (``RuntimeError: The size of
#: tensor a (2) must match ...``), standing under a prompt without the
#: ``Traceback (most recent call last):`` line by which doctest reads it as an exception, as
#: PyTorch's notes write it.
BARE_EXCEPTION = re.compile(r"^(?:\w+\.)*(?P<type>\w*(?:Error|Exception))(?::|$)")

#: A warning as the ``warnings`` module prints it, to stderr: ``__main__:1: UserWarning: ...``.
WARNING_LINE = re.compile(r"^\S+:\d+: (?P<type>\w*Warning): ")


def want_hint(want: str, execution: Execution) -> str | None:
    """What an example's expected output ``want`` is, when it cannot be what the example
    prints and doctest reads it so: an exception without its traceback line, comments, a
    warning.

    >>> print(want_hint("# x and y are broadcastable\\n", Execution()))  # doctest: +ELLIPSIS
    the lines under the prompt are comments, which doctest reads as what it prints: put a ...
    >>> want_hint("tensor([1])\\n", Execution()) is None
    True
    """
    lines = [line for line in want.splitlines() if line.strip()]
    if not lines:
        return None
    error = execution.error
    bare = BARE_EXCEPTION.match(lines[0])
    if error is not None and bare is not None and bare.group("type") in error.names:
        return (
            f"the output under the prompt names the {bare.group('type')} it raises without the "
            "line 'Traceback (most recent call last):' above it, by which doctest reads an "
            "exception: write that line above it"
        )
    warning = WARNING_LINE.match(lines[0])
    if warning is not None:
        return (
            f"the output under the prompt is a {warning.group('type')}, which goes to stderr "
            "and is not compared: delete it, and check the warning with "
            f"<!-- torchnotes: warns {warning.group('type')} --> above the block"
        )
    if (
        error is None
        and not execution.stdout.strip()
        and all(line.lstrip().startswith("#") for line in lines)
    ):
        return (
            "the lines under the prompt are comments, which doctest reads as what it prints: "
            "put a blank line between the prompt's code and the comments"
        )
    return None
