"""End to end: notes cannot affect each other, the repository or the session."""

from __future__ import annotations

import json
import os

import pytest
import torch

from tests.conftest import WriteNote

POLLUTER = """\
```python
import builtins, logging, os, sys, warnings
import numpy as np
import torch
torch.set_default_dtype(torch.float64)
torch.set_grad_enabled(False)
torch.set_printoptions(precision=1, sci_mode=True)
torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)
torch.set_default_device("meta")
torch.set_anomaly_enabled(True)
torch.zeros = lambda *args, **kwargs: "patched"
torch.nn.functional.relu = None
torch.Tensor.shout = lambda self: "leaked method"
builtins.print_all = print
np.set_printoptions(precision=1)
os.makedirs("sub", exist_ok=True)
os.chdir("sub")
sys.path.append("/polluted")
os.environ["TORCHNOTES_LEAK"] = "1"
logging.basicConfig(level=logging.DEBUG)
warnings.simplefilter("error")
sys.argv[:] = ["polluted"]
logging.disable(logging.CRITICAL)
os.umask(0o077)
torch.randn(100, device="cpu")
```
"""

VICTIM = """\
```python
import logging, os, sys, warnings
import numpy as np
import torch
print(torch.get_default_dtype(), torch.is_grad_enabled())
print(torch.tensor([1 / 3]))
print(torch.are_deterministic_algorithms_enabled(), torch.is_anomaly_enabled())
print(torch.get_num_threads() == THREADS, torch.get_default_device())
print(torch.zeros(1), torch.nn.functional.relu is not None, hasattr(torch.Tensor, "shout"))
print(hasattr(__builtins__, "print_all") or "print_all" in dir(__builtins__))
print(np.array([1 / 3]))
print(os.path.basename(os.getcwd()) != "sub", "/polluted" in sys.path)
print("TORCHNOTES_LEAK" in os.environ, logging.getLogger().level == logging.WARNING)
warnings.warn("only a warning")
print(sys.argv != ["polluted"], logging.root.manager.disable, os.umask(0o022) == UMASK)
print(torch.randn(3))
=== output ===
torch.float32 True
tensor([0.3333])
False False
True cpu
tensor([0.]) True False
False
[0.33333333]
True False
False True
True 0 True
RANDOM
```
"""


def victim() -> str:
    torch.manual_seed(0)
    umask = os.umask(0o022)
    os.umask(umask)
    return (
        VICTIM.replace("RANDOM", repr(torch.randn(3)))
        .replace("THREADS", str(torch.get_num_threads()))
        .replace("UMASK", oct(umask))
    )


def test_a_note_that_changes_global_state_does_not_change_later_notes(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(POLLUTER, "a_polluter.md")
    write_note(victim(), "b_victim.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


def test_the_victim_passes_on_its_own(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(victim(), "b_victim.md")
    pytester.runpytest().assert_outcomes(passed=1)


def test_global_state_is_back_after_the_session(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(POLLUTER)
    before = (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads())
    pytester.runpytest().assert_outcomes(passed=1)
    assert (torch.get_default_dtype(), torch.is_grad_enabled(), torch.get_num_threads()) == before
    assert torch.zeros(1).tolist() == [0.0]
    assert torch.get_default_device() == torch.device("cpu")


def test_each_note_has_its_own_namespace(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note("```python\nsecret = 42\n```\n", "a.md")
    write_note("```python\nprint(secret)\n```\n", "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["NameError: name 'secret' is not defined"])


def test_blocks_of_a_note_share_one_main_module(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(
        """\
        ```python
        import io, pickle, sys
        import torch

        class Tiny(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.scale = torch.nn.Parameter(torch.ones(1))
        ```

        ```python
        buffer = io.BytesIO()
        torch.save(Tiny(), buffer)
        buffer.seek(0)
        print(type(torch.load(buffer, weights_only=False)).__name__, __name__)
        print(sys.modules["__main__"].Tiny is Tiny)
        === output ===
        Tiny __main__
        True
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_files_written_by_a_note_stay_out_of_the_repository(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    data = pytester.path / "notes" / "data.txt"
    write_note(
        """\
        ```python
        import torch
        print(open("data.txt").read())
        with open("data.txt", "w") as handle:
            handle.write("overwritten")
        with open("written.txt", "w") as handle:
            handle.write("scratch")
        torch.save(torch.ones(2), "model.pt")
        === output ===
        beside the note
        ```
        """
    )
    data.write_text("beside the note")
    pytester.runpytest().assert_outcomes(passed=1)
    assert data.read_text() == "beside the note"
    assert sorted(path.name for path in (pytester.path / "notes").iterdir()) == [
        "data.txt",
        "note.md",
    ]
    assert not (pytester.path / "written.txt").exists()


def test_sibling_folders_and_modules_are_readable(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    (pytester.path / "notes" / "data").mkdir(parents=True)
    (pytester.path / "notes" / "data" / "x.csv").write_text("1,2\n")
    (pytester.path / "notes" / "helper_mod_xyz.py").write_text("VALUE = 7\n")
    write_note(
        """\
        ```python
        import helper_mod_xyz
        print(open("data/x.csv").read().strip(), helper_mod_xyz.VALUE)
        === output ===
        1,2 7
        ```
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_running_in_place_when_isolation_is_off(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nopen('written.txt', 'w').write('x')\n```\n")
    pytester.runpytest("--torchnotes-isolate-cwd=false").assert_outcomes(passed=1)
    assert (pytester.path / "notes" / "written.txt").exists()


def test_a_notes_namespace_is_released_when_it_is_done(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    marker = pytester.path / "released.txt"
    write_note(
        f"""\
        ```python
        import weakref, torch
        big = torch.zeros(1000)
        weakref.finalize(big, open({str(marker)!r}, "w").close)
        ```
        """,
        "a.md",
    )
    write_note(
        f"""\
        ```python
        import os
        print(os.path.exists({str(marker)!r}))
        === output ===
        True
        ```
        """,
        "b.md",
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import sys\nsys.exit(3)", "the block raised SystemExit: 3 (exception)"),
        ("import sys\nsys.exit(0)", "the block raised SystemExit: 0 (exception)"),
        ("raise KeyboardInterrupt", "the block raised KeyboardInterrupt (exception)"),
        # A block that sends SIGINT to the session's process is its own interrupt, not the
        # Ctrl-C of the person running the session: it fails, the next note runs. (Sending
        # it to the process group is not tested: a parent such as timeout(1) passes it on.)
        *(
            (f"import os, signal\n{send}", "the block raised KeyboardInterrupt (exception)")
            for send in (
                "os.kill(os.getpid(), signal.SIGINT)",
                "signal.raise_signal(signal.SIGINT)",
                "import threading\nsignal.pthread_kill(threading.get_ident(), signal.SIGINT)",
            )
        ),
        ("exit()", "the block raised SystemExit: None (exception)"),
        (
            "import os\nos._exit(0)",
            "the block raised os._exit: the block called os._exit(0); the session was kept "
            "alive (exception)",
        ),
    ],
)
def test_a_block_that_exits_fails_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote, code: str, message: str
) -> None:
    write_note(f"```python\n{code}\n```\n", "a.md")
    write_note("```python\nprint('still running')\n```\n", "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1, passed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines([f"notes/a.md:1: block 1: {message}"])


def test_seed_option(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    torch.manual_seed(5)
    expected = repr(torch.randn(2))
    write_note(f"```python\nimport torch\nprint(torch.randn(2))\n=== output ===\n{expected}\n```\n")
    pytester.runpytest("--torchnotes-seed=5").assert_outcomes(passed=1)
    pytester.runpytest().assert_outcomes(failed=1)


#: A training note that logs to stdout, as it would in a script or a notebook.
LOGS_TO_STDOUT = """\
```python
import logging, sys
print(logging.getLogger().handlers)
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s:%(message)s")
logging.info("epoch 1 done")
=== output ===
[]
INFO:epoch 1 done
```
"""


def test_logging_basic_config_works_as_in_a_script(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # pytest's log capture sat on the root logger, so basicConfig did nothing and the log
    # line was missing from the output.
    write_note(LOGS_TO_STDOUT, "a.md")
    write_note(LOGS_TO_STDOUT, "b.md")  # the first note's handler is gone again
    result = pytester.runpytest("--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    notes = json.loads((pytester.path / "report.json").read_text())["notes"]
    # the note's handler counts as its change, pytest's own handlers do not
    assert [note["restored"] for note in notes] == [["logging root logger"]] * 2
