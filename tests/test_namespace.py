"""The ``torchnotes_namespace`` fixture: names a conftest.py gives the notes below it."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import WriteNote

CHAPTER_1 = """\
```python
print(torch.ones(2).sum(), "x" in globals())
```

```output
tensor(2.) False
```
"""

CHAPTER_2 = """\
```python
print(torch.ones(2).sum(), x)
x = "changed by the note"
```

```output
tensor(2.) from ch2
```
"""


def _conftest(pytester: pytest.Pytester, folder: str, body: str) -> None:
    path = pytester.path / folder / "conftest.py"
    path.write_text("import pytest\n\n" + textwrap.dedent(body), encoding="utf-8")


def test_conftest_files_fill_the_namespace_of_the_notes_below_them(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(CHAPTER_1, "ch1.md")
    write_note(CHAPTER_2, "ch2/note.md")
    write_note(CHAPTER_2, "ch2/again.md")
    _conftest(
        pytester,
        "notes",
        """\
        import torch

        @pytest.fixture(autouse=True)
        def imports(torchnotes_namespace):
            torchnotes_namespace["torch"] = torch
        """,
    )
    _conftest(
        pytester,
        "notes/ch2",
        """\
        @pytest.fixture(autouse=True)
        def data(torchnotes_namespace):
            torchnotes_namespace["x"] = "from ch2"
        """,
    )
    result = pytester.runpytest("-p", "no:randomly", "-v")
    # Each note gets its own dict: what one note rebinds, the next does not see.
    result.assert_outcomes(passed=3)


def test_a_conftest_may_override_the_fixture(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nprint(answer)\n```\n\n```output\n42\n```\n")
    _conftest(
        pytester,
        "notes",
        """\
        @pytest.fixture
        def torchnotes_namespace():
            return {"answer": 42}
        """,
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_without_a_conftest_names_are_not_defined(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(CHAPTER_1, "ch1.md")
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ch1.md:1: block 1: the block raised NameError*torch*"])


def test_setup_code_sees_the_namespace(pytester: pytest.Pytester, write_note: WriteNote) -> None:
    write_note(
        "---\ntorchnotes:\n  setup: |\n    y = base * 2\n---\n\n"
        "```python\nprint(y)\n```\n\n```output\n4\n```\n"
    )
    _conftest(
        pytester,
        "notes",
        """\
        @pytest.fixture(autouse=True)
        def base(torchnotes_namespace):
            torchnotes_namespace["base"] = 2
        """,
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_conftest_hook_may_fill_the_namespace(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    """A hook of a conftest.py that runs around the note, rather than a fixture, may ask for
    the fixture and fill it: the note sees what it put there."""
    write_note("```python\nprint(answer)\n```\n\n```output\n42\n```\n")
    _conftest(
        pytester,
        "notes",
        """\
        @pytest.hookimpl(trylast=True)
        def pytest_runtest_setup(item):
            item._request.getfixturevalue("torchnotes_namespace")["answer"] = 42
        """,
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


@pytest.mark.parametrize("fixture", [False, True])
def test_the_fixture_is_set_up_only_where_something_may_fill_it(
    pytester: pytest.Pytester, write_note: WriteNote, fixture: bool
) -> None:
    """Where no fixture of the note's and no definition of the fixture but the plugin's
    can fill the namespace, the note starts with an empty one, without pytest setting up
    and tearing down a fixture for every note."""
    write_note("```python\nprint(sorted(k for k in globals() if not k.startswith('_')))\n```\n")
    if fixture:
        _conftest(
            pytester,
            "notes",
            """\
            @pytest.fixture(autouse=True)
            def nothing(torchnotes_namespace):
                pass
            """,
        )
    result = pytester.runpytest("-p", "no:randomly", "--setup-show")
    result.assert_outcomes(passed=1)
    shown = "SETUP    F torchnotes_namespace" in result.stdout.str()
    assert shown == fixture
