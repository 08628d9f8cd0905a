"""Judge one example of a transcript (a ``>>>`` example, an IPython cell) by what its run
printed and raised.

An example passes when it raises the exception its output shows, or prints its output as
our comparator compares it: :class:`ComparatorChecker` is doctest's output checker with our
comparison.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable

from pytest_torchnotes.comparison.compare import Comparator, CompareOptions
from pytest_torchnotes.run.exceptions import error_headline
from pytest_torchnotes.run.execute import Execution
from pytest_torchnotes.run.results import COMPARED, IGNORED

#: What an example whose output drifted says.
OUTPUT_DIFFERS = "output differs"


#: The compare modes that ``+ELLIPSIS`` turns into ``ellipsis``: those that compare every
#: character or number.
LOOSENED_BY_ELLIPSIS = frozenset({"numeric", "exact"})


class ComparatorChecker(doctest.OutputChecker):
    """doctest's output checker, comparing by our comparator under the block's compare
    options; ``+ELLIPSIS`` compares in ``ellipsis`` mode, ``+NORMALIZE_WHITESPACE`` reads
    every run of whitespace (line breaks too) as one space, as doctest does."""

    def __init__(
        self, comparator: Callable[[CompareOptions], Comparator], options: CompareOptions
    ) -> None:
        self.comparator = comparator
        self.options = options

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        options = self.options
        # +ELLIPSIS (on for every example under xdoctest's rules) lets ... match in a
        # comparison of numbers; a compare directive that asks for less (ignore, structure)
        # stays what it asks for
        if optionflags & doctest.ELLIPSIS and options.mode in LOOSENED_BY_ELLIPSIS:
            options = CompareOptions("ellipsis", options.rtol, options.atol)
        expected = want.replace(doctest.BLANKLINE_MARKER, "")
        if optionflags & doctest.NORMALIZE_WHITESPACE:
            expected, got = " ".join(expected.split()), " ".join(got.split())
        return self.comparator(options).compare(expected, got).matched


def option_flags(example: doctest.Example, defaults: int = 0) -> int:
    """The doctest option flags on for an example, as one bit mask: ``defaults`` (xdoctest's,
    under its rules), with those its directives turn on or off.

    >>> example = doctest.Example("x", "1", options={doctest.ELLIPSIS: False})
    >>> option_flags(example, doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE) == (
    ...     doctest.NORMALIZE_WHITESPACE
    ... )
    True
    """
    flags = defaults
    for flag, on in example.options.items():
        flags = flags | flag if on else flags & ~flag
    return flags


def check_example(
    comparator: Callable[[CompareOptions], Comparator],
    example: doctest.Example,
    execution: Execution,
    options: CompareOptions,
    ignore_want: bool = False,
    default_flags: int = 0,
    either_part: bool = False,
) -> str | None:
    """How ``example`` failed, run as ``execution``, if it did: the exception it shows was
    not raised, another was, or its output differs (:data:`OUTPUT_DIFFERS`). ``default_flags``
    are on unless the example turns them off (xdoctest's, under its rules); with
    ``either_part`` (xdoctest's rules too), the output may be what the example printed, or
    the repr of its value, alone."""
    flags = option_flags(example, default_flags)
    error = execution.error
    if example.exc_msg is not None:
        if error is None:
            return f"expected {example.exc_msg.strip()}, but nothing was raised"
        if example.options.get(doctest.IGNORE_EXCEPTION_DETAIL):
            matched = example.exc_msg.split(":")[0].strip().split(".")[-1] in error.names
        else:
            # compared as output is: <BLANKLINE>, +ELLIPSIS and +NORMALIZE_WHITESPACE hold
            got = f"{error.type_name.split('.')[-1]}: {error.message}".strip() + "\n"
            checker = ComparatorChecker(comparator, options)
            matched = checker.check_output(example.exc_msg, got, flags)
        if matched:
            return None
        return f"expected {example.exc_msg.strip()}, got {error.describe()}"
    if error is not None:
        return error_headline(error)
    if ignore_want:
        return None
    checker = ComparatorChecker(comparator, options)
    if checker.check_output(example.want, execution.stdout, flags):
        return None
    displayed = execution.displayed
    if either_part and displayed is not None:
        # xdoctest's rule (checker.check_got_vs_want): the output may show what the example
        # printed, or its value's repr, alone (nn.Module.apply's docstring shows the modules
        # it printed, not the module it returned)
        printed = execution.stdout[: -len(displayed) - 1]
        if printed.strip() and checker.check_output(example.want, printed, flags):
            return None
        if printed.strip() and checker.check_output(example.want, displayed + "\n", flags):
            return None
    return OUTPUT_DIFFERS


def example_checked(
    example: doctest.Example, options: CompareOptions, ignore_want: bool, so_far: str | None
) -> str | None:
    """What a transcript has checked once ``example`` ran: an exception or a non-empty
    output compared makes it :data:`COMPARED`."""
    if example.exc_msg is not None or (
        example.want.strip() and not ignore_want and options.mode != "ignore"
    ):
        return COMPARED
    if example.want.strip() and so_far is None:
        return IGNORED
    return so_far
