"""A name a later block misses follows from a failed ``from module import *`` only when
the module could have bound it (``run/starnames.py``): a module that is known not to bind
the name does not take the blame."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_torchnotes.run.starnames import star_binds
from tests.conftest import WriteNote, block_counts


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on ``sys.path`` whose modules are not imported by the tests."""
    folder = tmp_path / "library"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    for name in list(sys.modules):
        if name.startswith("starlib"):
            del sys.modules[name]


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_an_imported_module_is_asked(library: Path) -> None:
    assert star_binds("os.path", "join") is True
    assert star_binds("os.path", "nb_url") is False
    assert star_binds("os.path", "_get_sep") is False  # private, and not in __all__


def test_a_module_not_imported_is_read_not_run(library: Path) -> None:
    _write(
        library,
        {
            "starlib/__init__.py": "raise SystemExit\nfrom .core import *\nfrom . import x\n",
            "starlib/core.py": """\
                import os as _os, json
                from collections import OrderedDict as Ordered
                VALUE = 1
                if VALUE:
                    def helper(): return 1
                else:
                    class Helper: pass
                try:
                    import missing_thing
                except ImportError as problem:
                    for loop_name in ():
                        pass
                match VALUE:
                    case [first, *rest]:
                        pass
                    case {"a": 1, **others}:
                        pass
                def outer():
                    inner_local = 1
                _private = 2
                """,
            "starlib/x.py": "",
            "starlib/sub/__init__.py": "",
        },
    )
    for name in ("VALUE", "helper", "Helper", "json", "Ordered", "missing_thing", "problem"):
        assert star_binds("starlib", name) is True, name
    for name in ("loop_name", "first", "rest", "others", "x", "sub", "core"):
        assert star_binds("starlib", name) is True, name  # bound in a branch, or a submodule
    for name in ("inner_local", "_private", "_os", "nb_url", "outer_x"):
        assert star_binds("starlib", name) is False, name
    assert "starlib" not in sys.modules  # nothing of it ran


def test_all_says_which_names(library: Path) -> None:
    _write(
        library,
        {
            "starlib/__init__.py": "from .listed import *\nfrom .added import *\n",
            "starlib/listed.py": "__all__ = ['shown', '_also']\nshown = hidden = _also = 1\n",
            "starlib/added.py": "__all__ = ['one']\n__all__ += ['two']\none = two = three = 1\n",
        },
    )
    assert [star_binds("starlib.listed", name) for name in ("shown", "_also", "hidden")] == [
        True,
        True,
        False,
    ]
    # the package has no __all__ of its own: its private names stay, whatever bound them
    assert [star_binds("starlib", name) for name in ("shown", "_also")] == [True, False]
    assert [star_binds("starlib", name) for name in ("one", "two", "three")] == [True, True, False]


@pytest.mark.parametrize(
    "files",
    [
        {"starlib.py": "globals()['made'] = 1\n"},
        {"starlib.py": "exec('made = 1')\n"},
        {"starlib.py": "def __getattr__(name):\n    return 1\n"},
        {"starlib.py": "__all__ = ['a']\n__all__.extend(names())\n"},
        {"starlib.py": "__all__ = names()\n"},
        {"starlib.py": "from ...beyond import *\n"},
        {"starlib.py": "x = (\n"},
        {"starlib.py": "from starlib_not_there import *\n"},
        {"starlib/__init__.py": "from .missing import *\n"},
        {"starlib.py": "NOT UTF-8"},
    ],
    ids=[
        "globals",
        "exec",
        "module getattr",
        "all extended",
        "all computed",
        "beyond the top",
        "syntax error",
        "star import of a module not there",
        "relative one not there",
        "not UTF-8",
    ],
)
def test_what_reading_cannot_tell_is_not_known(library: Path, files: dict[str, str]) -> None:
    if files == {"starlib.py": "NOT UTF-8"}:
        (library / "starlib.py").write_bytes(b"made = '\xff\xfe'\n")
    else:
        _write(library, files)
    assert star_binds("starlib", "made") is None


def test_a_module_that_is_not_there_or_not_python_source_is_not_known(library: Path) -> None:
    assert star_binds("starlib_not_installed.utils", "nb_name") is None
    assert star_binds("os.path.join", "x") is None  # a module named as a package
    _write(library, {"starlib.py": "x = 1\n"})
    assert star_binds("starlib.sub", "x") is None


def test_star_imports_in_a_cycle_are_read_once(library: Path) -> None:
    _write(
        library,
        {
            "starlib/__init__.py": "from .a import *\n",
            "starlib/a.py": "from .b import *\nfrom_a = 1\n",
            "starlib/b.py": "from .a import *\nfrom_b = 1\n",
        },
    )
    assert star_binds("starlib", "from_b") is True
    assert star_binds("starlib", "nowhere") is False


NOTE = """\
```python
import starlib_not_installed_either
from {module} import *
```

```python
print(join("a", "b"))
```

```python
print(nb_url)
```
"""


@pytest.mark.parametrize("module", ["os.path", "starlib.paths"])
def test_a_name_the_module_does_not_bind_does_not_follow_from_its_star_import(
    pytester: pytest.Pytester, write_note: WriteNote, library: Path, module: str
) -> None:
    """``join`` is the module's: its block follows on from the failed star import; ``nb_url``
    is no module's: its block is said to use a name no block above binds. The module is
    one imported already, or one read without being run."""
    _write(library, {"starlib/__init__.py": "", "starlib/paths.py": "def join(*parts): ...\n"})
    write_note(NOTE.format(module=module))
    result = pytester.runpytest("-v", "-p", "no:randomly")
    result.stdout.fnmatch_lines(
        [
            "*FAILED block 1, line 1*",
            "*FOLLOW-ON block 2, line 6*",
            "*FAILED block 3, line 10*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            f"  follows from block 1 (line 1), which failed before its `from {module} import *` "
            "could define 'join'",
        ]
    )
    result.stdout.fnmatch_lines(["  no block above binds 'nb_url': *"])
    assert "could define 'nb_url'" not in result.stdout.str()
    assert block_counts(result) == {"failed": 2, "follow-on": 1}


def test_triage_blames_the_star_import_only_for_a_name_its_module_may_bind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``torchnotes triage`` reads the same: ``join`` is a follow-on of block 1, whose
    ``from os.path import *`` did not run; ``nb_url``, no module's, is a failure of its own;
    a module that is not there may bind anything."""
    from pytest_torchnotes.commands import triage
    from tests.test_triage import classify, record

    missing = "the block raised ModuleNotFoundError: No module named 'starlib_not_installed'"
    text = NOTE.format(module="os.path") + "\n```python\nfrom starlib_gone import *\n```\n"
    text += "\n```python\nprint(nb_url)\n```\n"
    findings = classify(
        tmp_path,
        monkeypatch,
        text,
        record(1, "exception", missing),
        record(6, "exception", "the block raised NameError: name 'join' is not defined"),
        record(10, "exception", "the block raised NameError: name 'nb_url' is not defined"),
        record(14, "exception", "the block raised ModuleNotFoundError: No module named 'x'"),
        record(18, "exception", "the block raised NameError: name 'nb_url' is not defined"),
    )
    causes = [(finding.line, finding.cause) for finding in findings]
    assert causes[1] == (6, triage.FOLLOW_ON)
    assert causes[2][1] != triage.FOLLOW_ON
    assert causes[4] == (18, triage.FOLLOW_ON)
    assert "starlib_gone" not in findings[1].detail
