"""End to end: hostile notes of a fifteenth round: what one note leaves that the next note
would meet."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote


def _block(code: str, output: str | None = None) -> str:
    if output is None:
        return f"```python\n{code}\n```\n"
    return f"```python\n{code}\n=== output ===\n{output}\n```\n"


def _leave_then_check(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> str:
    """Run a note that leaves ``leave`` behind, then one whose ``check`` must print
    ``fresh``, as on a fresh interpreter; both pass. The run's report, as text."""
    write_note(_block(f"import logging, torch\n{leave}\nprint('left')", "left"), "a.md")
    write_note(_block(f"import torch\n{check}", fresh), "b.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    return (pytester.path / "report.json").read_text()


#: A step of an optimizer, which the next note prints.
OPTIMIZER_STEP = (
    "p = torch.nn.Parameter(torch.ones(1))\nopt = torch.optim.SGD([p], lr=0.5)\n"
    "p.sum().backward()\nopt.step()\nprint(p.data)"
)


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's optimizer step printed the hook's line, or failed in it
            "from torch.optim.optimizer import register_optimizer_step_pre_hook\n"
            "register_optimizer_step_pre_hook(lambda opt, args, kwargs: print('pre hook'))",
            OPTIMIZER_STEP,
            "tensor([0.5000])",
        ),
        (
            "from torch.optim.optimizer import register_optimizer_step_post_hook\n"
            "def zero(opt, args, kwargs):\n"
            "    for group in opt.param_groups:\n"
            "        for p in group['params']:\n"
            "            p.data.zero_()\n"
            "register_optimizer_step_post_hook(zero)",
            OPTIMIZER_STEP,
            "tensor([0.5000])",
        ),
        (  # the next note's invalid distribution parameters were accepted silently
            "torch.distributions.Distribution.set_default_validate_args(False)",
            "try:\n    torch.distributions.Normal(0.0, -1.0)\nexcept ValueError:\n"
            "    print('refused')",
            "refused",
        ),
        (  # the next note's module.to() replaced parameters instead of changing them
            "torch.__future__.set_overwrite_module_params_on_conversion(True)",
            "print(torch.__future__.get_overwrite_module_params_on_conversion())",
            "False",
        ),
        (
            "torch.__future__.set_swap_module_params_on_conversion(True)",
            "print(torch.__future__.get_swap_module_params_on_conversion())",
            "False",
        ),
        (  # the next note's TransformerEncoder took the slow path
            "torch.backends.mha.set_fastpath_enabled(False)",
            "print(torch.backends.mha.get_fastpath_enabled())",
            "True",
        ),
        (
            'torch.utils.checkpoint.DefaultDeviceType.set_device_type("meta")',
            "print(torch.utils.checkpoint.DefaultDeviceType._default_device_type)",
            "None",
        ),
    ],
)
def test_torch_state_a_setter_leaves_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    _leave_then_check(pytester, write_note, leave, check, fresh)


@pytest.mark.parametrize(
    "leave",
    [
        'logging.getLogger("mylib").addHandler(logging.StreamHandler(sys.stdout))',
        'logging.getLogger("mylib.sub").addHandler(logging.StreamHandler(sys.stdout))',
        # a logger that existed before the note: torch's own
        'logging.getLogger("torch").addHandler(logging.StreamHandler(sys.stdout))',
        "import logging.config\nlogging.config.dictConfig({'version': 1,"
        " 'disable_existing_loggers': False, 'handlers': {'out': {'class':"
        " 'logging.StreamHandler', 'stream': 'ext://sys.stdout'}}, 'loggers': {'mylib':"
        " {'handlers': ['out']}, 'torch': {'handlers': ['out']}}})",
    ],
)
def test_a_handler_a_note_gives_a_named_logger_is_taken_off_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str
) -> None:
    # the next note's warnings of that logger printed twice, once into its compared output
    write_note(_block(f"import logging, sys\n{leave}\nprint('left')", "left"), "a.md")
    check = (
        "import logging\nfor name in ('mylib', 'mylib.sub', 'torch'):\n"
        "    logging.getLogger(name).warning('a warning of %s', name)\nprint('warned')"
    )
    write_note(_block(check, "warned"), "b.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=2)
    assert "logger handlers" in (pytester.path / "report.json").read_text()


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's set_detect_anomaly(True) stopped checking for NaN
            "torch.autograd.set_detect_anomaly(False, check_nan=False)",
            "print(torch.is_anomaly_check_nan_enabled())",
            "True",
        ),
        (  # every later note's torch.compile logged its graph breaks
            "torch._logging.set_logs(graph_breaks=True, dynamo=logging.INFO)",
            "from torch._logging._internal import log_state\n"
            "print(log_state.is_artifact_enabled('graph_breaks'), log_state.log_qname_to_level)",
            "False {}",
        ),
        (  # the next note's csv reader refused a line of 11 characters
            "import csv\ncsv.field_size_limit(10)",
            "import csv\nprint(next(csv.reader(['x' * 11])))",
            "['xxxxxxxxxxx']",
        ),
        (
            'import csv\ncsv.register_dialect("semi", delimiter=";")\n'
            'csv.register_dialect("excel", delimiter=";")',
            "import csv\nprint(csv.list_dialects(), csv.get_dialect('excel').delimiter)",
            "['excel', 'excel-tab', 'unix'] ,",
        ),
        (  # every later note's downloads went through the note's opener and headers
            "import urllib.request\nopener = urllib.request.build_opener()\n"
            "opener.addheaders = [('User-agent', 'note')]\nurllib.request.install_opener(opener)",
            "import urllib.request\nprint(urllib.request._opener)",
            "None",
        ),
    ],
)
def test_a_setting_a_note_leaves_through_a_function_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    _leave_then_check(pytester, write_note, leave, check, fresh)


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's dropout did nothing
            "import torch.nn.functional as F\nF.dropout.__defaults__ = (0.0, False, False)",
            "print(torch.nn.functional.dropout.__defaults__)",
            "(0.5, True, False)",
        ),
        (  # every later note's Linear had no bias
            "torch.nn.Linear.__init__.__defaults__ = (False, None, None)",
            "print(torch.nn.Linear(2, 2).bias is None)",
            "False",
        ),
        (  # a function reached through a name the note binds to it
            "import textwrap\nfill = textwrap.fill\nfill.__defaults__ = (3,)",
            "import textwrap\nprint(textwrap.fill('aaa bbb'))",
            "aaa bbb",
        ),
        (
            "def mine(x):\n    return 'mine'\n"
            "torch.nn.functional.softsign.__code__ = mine.__code__",
            "print(torch.nn.functional.softsign(torch.ones(1)))",
            "tensor([0.5000])",
        ),
        (
            "from torch.nn import functional\nfunctional.relu.cached = torch.ones(1000)",
            "print(hasattr(torch.nn.functional.relu, 'cached'))",
            "False",
        ),
    ],
)
def test_a_library_function_a_note_changes_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    assert "restored" in _leave_then_check(pytester, write_note, leave, check, fresh)


@pytest.mark.parametrize(
    "leave",
    [
        'threading.current_thread().name = "renamed"',
        'multiprocessing.current_process().name = "renamed"',
        'threading.main_thread().name = "renamed"',
    ],
)
def test_a_name_a_note_gives_the_main_thread_or_process_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str
) -> None:
    # the next note printed it, and logged it as %(threadName)s or %(processName)s
    imports = "import logging, multiprocessing, sys, threading"
    write_note(_block(f"{imports}\n{leave}\nprint('left')", "left"), "a.md")
    check = (
        f"{imports}\nlogging.basicConfig(stream=sys.stdout, format='%(threadName)s"
        " %(processName)s %(message)s')\nlogging.warning('logged')"
    )
    write_note(_block(check, "MainThread MainProcess logged"), "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's reprlib.repr cut its strings to 5 characters
            "import reprlib\nreprlib.aRepr.maxstring = 5",
            "import reprlib\nprint(reprlib.repr('abcdefghij'))",
            "'abcdefghij'",
        ),
        (  # every later note's distributions took a negative scale
            "from torch.distributions import constraints\nconstraints.positive.lower_bound = -1.0",
            "print(torch.distributions.constraints.positive.check(torch.tensor(-0.5)))",
            "tensor(False)",
        ),
        (  # an attribute the object did not have, through a name bound to it
            "import logging\nlast = logging.lastResort\nlast.kept = torch.ones(1000)",
            "import logging\nprint(hasattr(logging.lastResort, 'kept'))",
            "False",
        ),
    ],
)
def test_an_object_of_a_library_a_note_changes_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    assert "restored" in _leave_then_check(pytester, write_note, leave, check, fresh)


@pytest.mark.parametrize(
    "leave",
    [
        'logging.getLogger("x").big = torch.ones(1000)',
        'log = logging.getLogger("x")\nlog.big = torch.ones(1000)',
        'setattr(logging.getLogger("x"), "big", torch.ones(1000))',
        "logging.getLogger().big = torch.ones(1000)",  # the root logger
        'logging.getLogger("made.here").big = torch.ones(1000)',  # a logger the note makes
    ],
)
def test_an_attribute_a_note_hangs_on_a_logger_is_taken_off_after_it(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str
) -> None:
    # loggers live as long as the process: the tensor kept its memory for the session
    pytester.makeconftest("import logging\nlogging.getLogger('x')\n")
    write_note(_block(f"import logging, torch\n{leave}\nprint('left')", "left"), "a.md")
    check = (
        "import logging\nprint([name for name, logger in [('', logging.root),"
        " *logging.root.manager.loggerDict.items()] if hasattr(logger, 'big')])"
    )
    write_note(_block(check, "[]"), "b.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=2)
