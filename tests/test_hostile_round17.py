"""End to end: hostile notes of a seventeenth round: containers held by modules imported
before the note, changed in place."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WriteNote
from tests.test_hostile_round15 import _block, _leave_then_check


@pytest.mark.parametrize(
    ("leave", "check", "fresh", "named"),
    [
        (  # every later note's codecs.lookup("rt17enc") found the note's alias
            "import encodings.aliases\nencodings.aliases.aliases['rt17enc'] = 'utf_8'",
            "import encodings.aliases\nprint('rt17enc' in encodings.aliases.aliases)",
            "False",
            "encodings.aliases.aliases",
        ),
        (  # the same container, under a name an import binds
            "from encodings.aliases import aliases as A\nA['rt17enc'] = 'utf_8'",
            "import encodings.aliases\nprint('rt17enc' in encodings.aliases.aliases)",
            "False",
            "encodings.aliases.aliases",
        ),
        (  # every later note's new decimal contexts trapped Inexact
            "import decimal\ndecimal.DefaultContext.traps[decimal.Inexact] = True",
            "import decimal\nprint(decimal.Context().traps[decimal.Inexact])",
            "False",
            "decimal.DefaultContext.traps",
        ),
        (  # under a name an assignment binds, an item deleted
            "import http.client\nd = http.client.responses\ndel d[404]",
            "import http.client\nprint(http.client.responses[404])",
            "Not Found",
            "http.client.responses",
        ),
        (  # a set changed by a method
            "import os\nos.supports_fd.discard(os.stat)",
            "import os\nprint(os.stat in os.supports_fd)",
            "True",
            "os.supports_fd",
        ),
        (  # reached by a name written out
            "import encodings.aliases as ea\ngetattr(ea, 'aliases')['rt17enc'] = 'utf_8'",
            "import encodings.aliases\nprint('rt17enc' in encodings.aliases.aliases)",
            "False",
            "encodings.aliases.aliases",
        ),
        (
            "import keyword\nvars(keyword)['kwlist'].append('rt17kw')",
            "import keyword\nprint('rt17kw' in keyword.kwlist)",
            "False",
            "keyword.kwlist",
        ),
        (  # the attributes of an object a module holds, through its __dict__
            "import reprlib\nvars(reprlib.aRepr).update(maxstring=5)",
            "import reprlib\nprint(reprlib.repr('a' * 40))",
            "'aaaaaaaaaaaa...aaaaaaaaaaaaa'",
            "reprlib.aRepr.__dict__",
        ),
        (  # a list changed by an augmented assignment
            "import keyword\nkeyword.kwlist += ['rt17kw']",
            "import keyword\nprint('rt17kw' in keyword.kwlist, keyword.iskeyword('if'))",
            "False True",
            "keyword.kwlist",
        ),
    ],
)
def test_a_container_a_module_holds_changed_in_place_is_put_back_for_the_next_note(
    pytester: pytest.Pytester,
    write_note: WriteNote,
    leave: str,
    check: str,
    fresh: str,
    named: str,
) -> None:
    report = _leave_then_check(pytester, write_note, leave, check, fresh)
    assert named in json.loads(report)["notes"][0]["restored"]


def test_a_codec_alias_a_note_looked_up_is_forgotten_with_the_alias(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # the lookup cached the alias's codec in encodings._cache and in the interpreter
    report = _leave_then_check(
        pytester,
        write_note,
        "import codecs, encodings.aliases\nencodings.aliases.aliases['rt17enc'] = 'utf_8'\n"
        "assert codecs.lookup('rt17enc').name == 'utf-8' and 'x'.encode('rt17enc')",
        "import codecs\ntry:\n    codecs.lookup('rt17enc')\nexcept LookupError:\n"
        "    print('unknown')\nprint('x'.encode('utf-8'))",
        "unknown\nb'x'",
    )
    assert "encodings.aliases.aliases" in json.loads(report)["notes"][0]["restored"]


def test_a_container_of_an_object_a_library_holds_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # a library imported before the note (by the project's conftest.py) holding an object
    # whose attribute is a dict
    pytester.makepyfile(
        rt17lib="class Settings:\n    def __init__(self):\n        self.table = {'size': 3}\n"
        "settings = Settings()\n"
    )
    pytester.makeconftest("import rt17lib\n")
    report = _leave_then_check(
        pytester,
        write_note,
        "import rt17lib\nrt17lib.settings.table['size'] = 9",
        "import rt17lib\nprint(rt17lib.settings.table)",
        "{'size': 3}",
    )
    assert "rt17lib.settings.table" in json.loads(report)["notes"][0]["restored"]


def test_an_object_a_library_holds_changed_by_a_method_is_put_back_for_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    pytester.makepyfile(
        rt17conf="class Settings:\n    def __init__(self):\n        self.size = 3\n"
        "    def configure(self, size):\n        self.size = size\n"
        "        self.note = 'added'\n"
        "settings = Settings()\n"
    )
    pytester.makeconftest("import rt17conf\n")
    report = _leave_then_check(
        pytester,
        write_note,
        "import rt17conf\nrt17conf.settings.configure(9)",
        "import rt17conf\nprint(rt17conf.settings.size)",
        "3",
    )
    assert json.loads(report)["notes"][0]["restored"] == ["rt17conf.settings.size"]


def test_a_note_that_changes_only_its_own_containers_reports_nothing(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    code = (
        "import torch, json, encodings.aliases\nx = {}\nx['a'] = 1\nt = torch.zeros(2)\n"
        "t[0] = 1\nitems = []\nitems.append(2)\nitems += [3]\n"
        "print(json.dumps(x), t.tolist(), items, encodings.aliases.aliases['utf8'])\n"
        # methods of objects torch, json and logging hold, which cache on themselves
        "print(torch.ops.aten.add(t, t).tolist(), json._default_encoder.encode([1]))\n"
        "import logging\nprint(logging.root.isEnabledFor(10))"
    )
    write_note(_block(code, '{"a": 1} [1.0, 0.0] [2, 3] utf_8\n[2.0, 0.0] [1]\nFalse'), "a.md")
    result = pytester.runpytest("-p", "no:randomly", "--torchnotes-report=report.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "report.json").read_text())
    assert report["notes"][0]["restored"] == []
