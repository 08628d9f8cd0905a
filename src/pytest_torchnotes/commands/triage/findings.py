"""The causes triage sorts failing blocks by, and :class:`Finding`, what it makes of one."""

from __future__ import annotations

from dataclasses import dataclass

#: The causes, in the order the table lists them.
MISSING_MODULE = "missing module"
DEVICE = "needs a device"
NETWORK = "needs the network"
RANDOM = "random output"
NOT_PYTHON = "not Python"
PASTED_OUTPUT = "pasted output"
RAISES = "meant to raise"
FOLLOW_ON = "follow-on"
DRIFT = "real drift"
NOTE_ERROR = "note error"
MISSING_IMPORT = "missing import"
CANNOT_RUN = "cannot run as written"
CAUSES = (
    MISSING_MODULE,
    MISSING_IMPORT,
    DEVICE,
    NETWORK,
    RANDOM,
    NOT_PYTHON,
    PASTED_OUTPUT,
    RAISES,
    FOLLOW_ON,
    CANNOT_RUN,
    DRIFT,
    NOTE_ERROR,
)


@dataclass(frozen=True)
class Finding:
    """One failing block (or note) and what triage makes of it."""

    #: The note as pytest names it, relative to where the command runs.
    path: str
    #: 1-based line of the block's opening fence, as the run report shows it.
    line: int
    cause: str
    #: What was seen, in one line.
    detail: str
    #: The directive that states the cause, without the comment around it.
    directive: str | None = None
    #: Why the directive cannot be inserted (another of its kind is there).
    conflict: str | None = None
    #: Imports of the block that later blocks use: kept in a setup comment above it, since
    #: the directive skips the block.
    setup: tuple[str, ...] = ()
    #: Another fix, that triage does not write, for the author who prefers it.
    instead: str | None = None
    #: The note's line (1-based) above which the output marker goes: output pasted under
    #: the block's code starts there.
    marker_above: int | None = None

    @property
    def proposed(self) -> bool:
        proposes = self.directive is not None or bool(self.setup) or self.marker_above is not None
        return proposes and self.conflict is None

    @property
    def comment(self) -> str:
        return f"<!-- torchnotes: {self.directive} -->"

    @property
    def skips(self) -> bool:
        """Whether the directive keeps the block from running here."""
        return self.proposed and str(self.directive).startswith(("requires ", "skip "))

    def comments(self) -> list[str]:
        """The lines inserted above the block: the setup comment, if any, and the directive."""
        setup = ["<!-- torchnotes: setup", *self.setup, "-->"] if self.setup else []
        return [*setup, safe(self.comment)] if self.directive is not None else setup


def safe(comment: str) -> str:
    """A reason must not end the comment early."""
    inner = comment[len("<!-- ") : -len(" -->")].replace("--", "-").replace("\n", " ")
    return f"<!-- {inner} -->"
