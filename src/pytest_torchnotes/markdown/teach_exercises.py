"""DataCamp's course format (``teach``): each exercise's code parts are fences under a part
label, a line that is only `` `@name` ``::

    `@pre_exercise_code`
    ```{python}
    import torch
    ```

    `@sample_code`
    ```{python}
    y = torch.rand(___, ___)
    ```

    `@solution`
    ```{python}
    y = torch.rand(3, 2)
    ```

    `@sct`
    ```{python}
    Ex().check_object("y")
    success_msg("Well done!")
    ```

DataCamp runs the pre-exercise code and then the learner's answer, which the solution is; the
sample code is the unfinished start the learner is given, and the submission correctness
test (SCT) is pythonwhat's check of the answer, run by DataCamp's grader. Neither is the
note's code: they are not run, and say why.
"""

from __future__ import annotations

from collections.abc import Sequence

from pytest_torchnotes.markdown.hints import holds
from pytest_torchnotes.markdown.lexers import FenceLexeme

#: The parts of an exercise that are not run, and why.
NOT_RUN = {
    "`@sample_code`": (
        "it is the sample code of a DataCamp exercise (`@sample_code`), the unfinished start "
        "the learner is given; its `@solution` runs"
    ),
    "`@sct`": (
        "it is the submission correctness test of a DataCamp exercise (`@sct`), pythonwhat's "
        "check of the learner's answer that DataCamp's grader runs"
    ),
}


def exercise_parts(
    text: str, lines: Sequence[str], fences: Sequence[FenceLexeme]
) -> dict[int, str]:
    """Why each fence under a `` `@sample_code` `` or `` `@sct` `` label is not run, by the
    0-based line of its opening (``text`` is the note's, ``lines`` its lines).

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> text = "`@solution`\\n```{python}\\nx = 1\\n```\\n\\n`@sct`\\n\\n```{python}\\nEx()\\n```"
    >>> list(exercise_parts(text, text.splitlines(), MarkdownLexer()(text).fences))
    [7]
    """
    if not holds(text, "@s"):  # one search a note: most notes hold no part label
        return {}
    found: dict[int, str] = {}
    for fence in fences:
        above = fence.open_line - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        why = NOT_RUN.get(lines[above].strip()) if above >= 0 else None
        if why is not None:
            found[fence.open_line] = why
    return found
