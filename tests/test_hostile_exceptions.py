"""End to end: exceptions whose own methods misbehave while the plugin describes them."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote, block_counts

#: A note whose first block raises an exception that misbehaves, and a block after it.
MISBEHAVING = """\
```python
{code}
```

```python
print("after")
=== output ===
after
```
"""


@pytest.mark.parametrize("raised", ["KeyboardInterrupt", "SystemExit(3)"])
def test_an_exception_whose_str_raises_fails_its_block_and_the_session_goes_on(
    pytester: pytest.Pytester, write_note: WriteNote, raised: str
) -> None:
    # str(error) caught only Exception: a __str__ raising KeyboardInterrupt stopped the
    # session as Ctrl-C does, one raising SystemExit failed the note with no block verdict.
    code = f"class E(Exception):\n    def __str__(self):\n        raise {raised}\n\nraise E()"
    write_note(MISBEHAVING.format(code=code), "a.md")
    write_note("```python\nprint('next')\n=== output ===\nnext\n```\n", "b.md")
    # A subprocess, so that a regression cannot interrupt the test session itself.
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*notes/a.md:1: block 1*raised E: <E whose str() failed>*"])
    assert block_counts(result) == {"verified": 2, "failed": 1}


def test_an_exception_whose_metaclass_hides_its_bases_fails_its_block(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # Reading type(error).__mro__ called the metaclass's property, whose SystemExit failed
    # the note with the plugin's own traceback and no verdict for either block.
    code = (
        "class Meta(type):\n    @property\n    def __mro__(cls):\n        raise SystemExit(5)\n\n"
        "class E(Exception, metaclass=Meta):\n    pass\n\nraise E('m')"
    )
    write_note(MISBEHAVING.format(code=code))
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*notes/note.md:1: block 1*the block raised E: m*"])
    assert block_counts(result) == {"verified": 1, "failed": 1}
