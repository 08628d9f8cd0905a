"""End to end: settings kept behind a setter (the stack size of new threads, the class of new
loggers, the factory of log records, numpy's error callback) that a note sets are back for
the next note, and the run report names them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WriteNote

SETS = """\
```python
import logging, threading
import numpy as np

class Mine(logging.Logger):
    pass

threading.stack_size(2**21)
logging.setLoggerClass(Mine)
logging.setLogRecordFactory(lambda *args, **kwargs: None)
np.seterrcall(print)
```
"""

READS = """\
```python
import logging, threading
import numpy as np

print(threading.stack_size(), logging.getLoggerClass().__name__, np.geterrcall())
print(type(logging.getLogger("a.new.logger")).__name__)
print(logging.getLogRecordFactory() is logging.LogRecord)
=== output ===
{stack} {logger} {errcall}
{logger}
True
```
"""


def test_what_a_note_sets_through_a_setter_is_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    import numpy as np

    write_note(SETS, "a.md")
    import logging
    import threading

    # What the session has (an earlier test of the same process may have set a logger class:
    # nox's, when the noxfile is imported): the next note must find it as it was.
    write_note(
        READS.format(
            stack=threading.stack_size(),
            logger=logging.getLoggerClass().__name__,
            errcall=np.geterrcall(),
        ),
        "b.md",
    )
    result = pytester.runpytest(
        "-p", "no:cacheprovider", "-p", "no:randomly", "--torchnotes-report=report.json"
    )
    result.assert_outcomes(passed=2)
    report = json.loads((pytester.path / "report.json").read_text())
    restored = report["notes"][0]["restored"]
    for name in (
        "threading.stack_size",
        "logging.setLoggerClass",
        "logging.setLogRecordFactory",
        "numpy.seterrcall",
    ):
        assert name in restored
    assert np.geterrcall() is None
