"""Whether code is the note's own: its blocks, or a module the note wrote itself.

A guard that tells the note's registrations from a library's by the file of the code that
registers (``atexit.register``, ``sys.addaudithook``) counted only the blocks: a module the
note writes into its scratch folder and imports (``open("helper.py", "w")``, then
``import helper``) registered as a library, and outlived the note: its ``atexit`` function
wrote into the folder pytest was started from and changed the session's exit status, its
audit hook printed into every later note. A module that was beside the note before it ran
(copied into the scratch folder with the rest of the note's folder) is a library of the
project's, and what it registers stays.
"""

from __future__ import annotations

import functools
import os


class NoteCode:
    """The note compiled as ``filename``, and the modules it wrote into ``scratch`` (its
    working folder) that are not in ``beside`` (the note's own folder, which the scratch
    folder copies). Without a scratch folder of its own (``scratch`` is ``beside``), only
    the blocks."""

    def __init__(self, filename: str, scratch: str = "", beside: str = "") -> None:
        self.filename = filename
        self.beside = beside
        self._prefixes = _scratch_prefixes(scratch, beside)

    def owns(self, co_filename: str) -> bool:
        """Whether code compiled from ``co_filename`` is the note's.

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as beside:
        ...     code = NoteCode("notes/a.md", scratch, beside)
        ...     print(code.owns("notes/a.md"), code.owns(os.path.join(scratch, "helper.py")))
        ...     open(os.path.join(beside, "library.py"), "w").close()
        ...     print(code.owns(os.path.join(scratch, "library.py")), code.owns("/lib/x.py"))
        True True
        False False
        """
        if co_filename == self.filename:
            return True
        for prefix in self._prefixes:
            if co_filename.startswith(prefix):
                copied = os.path.join(self.beside, co_filename[len(prefix) :])
                return not os.path.exists(copied)
        return False

    def where(self, co_filename: str, line: int) -> str:
        """``line 3`` in the note, ``helper.py, line 3`` in a module it wrote.

        >>> NoteCode("notes/a.md").where("/tmp/s/helper.py", 3)
        'helper.py, line 3'
        """
        if co_filename == self.filename:
            return f"line {line}"
        return f"{os.path.basename(co_filename)}, line {line}"


@functools.lru_cache(maxsize=64)
def _scratch_prefixes(scratch: str, beside: str) -> tuple[str, ...]:
    """Where the modules a note writes into ``scratch`` are, as given and resolved; none
    when ``scratch`` is ``beside`` itself. Made once for each folder of notes: resolving
    the two paths asks the file system about each of their parents, twice for every note
    (its ``atexit`` and audit hook guards), about 0.1 ms of a note in a run."""
    if not scratch or os.path.realpath(scratch) == os.path.realpath(beside):
        return ()
    return tuple({os.path.join(root, "") for root in (scratch, os.path.realpath(scratch))})
