"""End to end: PyTorch's docstring examples of the modules round 6 read (torch.onnx's missing
modules, numpydoc sections, Sphinx's testcode, torch.cuda on a machine without CUDA, ...)."""

from __future__ import annotations

import pytest

from tests.conftest import WriteNote

EXPORTER = """\
```python
def export():  # as torch.onnx.export does when onnx is not installed
    try:
        import onnx_not_installed_anywhere
    except ModuleNotFoundError as missing:
        raise RuntimeError("Module onnx is not installed!") from missing

export()
```

```pycon
>>> export()
```
"""


def test_a_module_missing_below_the_error_raised_names_its_directive(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note(EXPORTER)
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    fix = (
        "(raised from ModuleNotFoundError: No module named 'onnx_not_installed_anywhere'; "
        "install it, or mark the block <!-- torchnotes: requires module:"
        "onnx_not_installed_anywhere -->)"
    )
    result.stdout.fnmatch_lines(
        [
            "notes/note.md:1: block 1: the block raised RuntimeError: Module onnx is not "
            f"installed! {fix} (missing module)",
            f"notes/note.md:11: block 2: example at line 12: *{fix} (missing module)",
        ]
    )
    marked = "<!-- torchnotes: requires module:onnx_not_installed_anywhere -->\n"
    write_note(marked + EXPORTER.replace("```pycon", marked + "```pycon"))
    pytester.runpytest().assert_outcomes(skipped=1)
