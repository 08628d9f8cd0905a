"""End to end: hostile notes of a sixteenth round: registries of the standard library and
torch a note adds to by a call, handlers it moves, attributes of objects without a
``__dict__``."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote
from tests.test_hostile_round15 import _block, _leave_then_check

#: A function a note registers, which calls a name of its own namespace: the next note's
#: lookup that finds it fails with NameError once the namespace is cleared.
_KL = (
    "from torch.distributions import Normal, kl\n"
    "helper = torch.tensor(42.0)\n"
    "@kl.register_kl(Normal, Normal)\n"
    "def _kl(p, q):\n"
    "    return helper"
)

_DATAPIPE = (
    "from torch.utils.data.datapipes.datapipe import IterDataPipe\n"
    "from torch.utils.data.datapipes._decorator import functional_datapipe\n"
    "@functional_datapipe('twice_rt16')\n"
    "class Twice(IterDataPipe):\n"
    "    def __init__(self, dp):\n"
    "        self.dp = dp\n"
    "    def __iter__(self):\n"
    "        for x in self.dp:\n"
    "            yield x\n"
    "            yield x\n"
)


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's guess_type knew the note's type
            'import mimetypes\nmimetypes.add_type("application/x-rt16", ".rt16")',
            'import mimetypes\nprint(mimetypes.guess_type("a.rt16"))',
            "(None, None)",
        ),
        (  # the same, by the module's own function after the note ran init()
            'from mimetypes import add_type, init\ninit()\nadd_type("text/x-rt16", ".rt16")',
            'import mimetypes\nprint(mimetypes.guess_extension("text/x-rt16"))',
            "None",
        ),
        (
            "import shutil\n"
            'shutil.register_archive_format("rt16", lambda *a, **k: None)\n'
            'shutil.register_unpack_format("rt16u", [".rt16u"], lambda *a, **k: None)\n'
            'shutil.unregister_archive_format("tar")',
            "import shutil\nnames = [n for n, _ in shutil.get_archive_formats()]\n"
            "print('rt16' in names, 'tar' in names,"
            " any(f[0] == 'rt16u' for f in shutil.get_unpack_formats()))",
            "False True False",
        ),
        (
            'import copyreg\ncopyreg.add_extension("rt16mod", "rt16name", 16161)',
            'import copyreg\nprint(("rt16mod", "rt16name") in copyreg._extension_registry)',
            "False",
        ),
        (  # every later note's log lines of level 23 read RT16NOTICE (a level and a name
            # no library of the suite registers: nox names 25 SUCCESS when it is imported)
            'logging.addLevelName(23, "RT16NOTICE")',
            'import logging\nprint(logging.getLevelName(23), logging.getLevelName("RT16NOTICE"))',
            "Level 23 Level RT16NOTICE",
        ),
        (
            "import sqlite3\nsqlite3.register_adapter(complex, lambda c: 'x')",
            "import sqlite3\nprint(any(key[0] is complex for key in sqlite3.adapters))",
            "False",
        ),
        (  # the next note's kl_divergence called the note's function: NameError
            _KL,
            "from torch.distributions import Normal, kl_divergence\n"
            "print(kl_divergence(Normal(0.0, 1.0), Normal(0.0, 1.0)))",
            "tensor(0.)",
        ),
        (
            "from torch.distributions import biject_to, constraints, transforms\n"
            "@biject_to.register(constraints.positive)\n"
            "def _f(c):\n"
            "    return transforms.ExpTransform()",
            "from torch.distributions import biject_to, constraints\n"
            "print(type(biject_to(constraints.positive)).__name__)",
            "ComposeTransform",
        ),
        (  # every later DataLoader's batches of ints went through the note's function
            "from torch.utils.data._utils.collate import default_collate_fn_map\n"
            "default_collate_fn_map[int] = lambda batch, **kw: 'HIJACK'",
            "from torch.utils.data import default_collate\nprint(default_collate([1, 2]))",
            "tensor([1, 2])",
        ),
        (  # the next note that defines the same pipe failed: the name was taken
            _DATAPIPE,
            _DATAPIPE + "print('defined')",
            "defined",
        ),
        (
            "torch.overrides.get_ignored_functions().add(torch.sin)",
            "print(torch.sin in torch.overrides.get_ignored_functions())",
            "False",
        ),
        (  # patchers started and never stopped kept json.dumps and torch.ones patched
            "from unittest import mock\nimport json\n"
            "mock.patch('json.dumps', lambda *a, **k: 'MOCK').start()\n"
            "mock.patch.object(torch, 'ones', lambda *a, **k: 'MOCK').start()",
            "import json\nprint(json.dumps(1), torch.ones(1))",
            "1 tensor([1.])",
        ),
    ],
)
def test_a_registry_a_note_adds_to_by_a_call_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    _leave_then_check(pytester, write_note, leave, check, fresh)


@pytest.mark.parametrize(
    "leave",
    [
        (  # moved from a library's logger to another logger
            'lib = logging.getLogger("rt16lib")\nh = lib.handlers[0]\n'
            'lib.removeHandler(h)\nlogging.getLogger("mylib").addHandler(h)'
        ),
        'logging.getLogger("rt16lib").handlers.clear()',  # only taken off
        'logging.getLogger("mylib").handlers[:] = logging.getLogger("rt16lib").handlers',
    ],
)
def test_a_handler_a_note_moves_or_takes_off_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str
) -> None:
    # a library imported before the notes, whose logger has a handler of its own
    pytester.makeconftest(
        "import logging\nlogging.getLogger('rt16lib').handlers[:] = [logging.NullHandler()]\n"
    )
    check = 'import logging\nprint(len(logging.getLogger("rt16lib").handlers),'
    check += ' len(logging.getLogger("mylib").handlers))'
    report = _leave_then_check(pytester, write_note, leave, check, "1 0")
    assert "logger handlers" in report


@pytest.mark.parametrize(
    ("leave", "check", "fresh"),
    [
        (  # every later note's new decimal contexts rounded down to 5 digits
            "import decimal\ndecimal.DefaultContext.prec = 5\n"
            "decimal.DefaultContext.rounding = decimal.ROUND_DOWN",
            "import decimal\nprint(decimal.DefaultContext.prec, decimal.DefaultContext.rounding)",
            "28 ROUND_HALF_EVEN",
        ),
        (
            "import decimal\nctx = decimal.DefaultContext\nctx.capitals = 0\nctx.Emax = 99",
            "import decimal\nprint(decimal.Context().capitals, decimal.Context().Emax)",
            "1 999999",
        ),
    ],
)
def test_an_attribute_of_an_object_without_a_dict_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote, leave: str, check: str, fresh: str
) -> None:
    report = _leave_then_check(pytester, write_note, leave, check, fresh)
    assert "rounding" in report or "capitals" in report


def test_an_attribute_in_the_slots_of_a_library_object_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # a library imported before the note (by the project's conftest.py) holding an object
    # of a class with __slots__
    pytester.makepyfile(
        slotlib="class Settings:\n    __slots__ = ('size',)\nsettings = Settings()\n"
        "settings.size = 3\n"
    )
    pytester.makeconftest("import slotlib\n")
    report = _leave_then_check(
        pytester,
        write_note,
        "import slotlib\nslotlib.settings.size = 9",
        "import slotlib\nprint(slotlib.settings.size)",
        "3",
    )
    assert "slotlib.settings.size" in report


def test_a_note_that_names_a_registry_and_leaves_it_alone_reports_nothing(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    code = (
        "import mimetypes, shutil, logging, torch\nfrom unittest import mock\n"
        "print(mimetypes.guess_type('a.txt')[0], logging.getLevelName(20))\n"
        "print(torch.sin in torch.overrides.get_ignored_functions())\n"
        "with mock.patch('json.dumps', lambda *a: 'M'):\n"
        "    import json; print(json.dumps(1))"
    )
    write_note(_block(code, "text/plain INFO\nFalse\nM"), "a.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    report = (pytester.path / "report.json").read_text()
    for name in ("mimetypes", "overrides tables", "mock patchers", "level names"):
        assert name not in report
