"""A block's output in a Python fence under a label line: blogs tag every fence ``python``.

Hand-written notes (CSDN and Hexo posts, READMEs) often put what a block printed in a fence
tagged like the code, under a label line::

    ```python
    print(torch.tensor([[1, 2], [3, 4]]).T)
    ```
    输出：
    ```python
    tensor([[1, 3],
            [2, 4]])
    ```

The label says the fence is output. It is read as the block's output when it holds no Python
code: no statement, no ``print()`` call, no ``>>>`` or ``In [n]:`` prompt (text that does not
parse, or bare expressions such as ``tensor([1, 2])`` and ``torch.int64``, which a block of
its own would evaluate without comparing anything). A line ``name: value`` is what a labelled
``print`` wrote (``loss: tensor(0.5)``), though Python parses it as an annotation. Without a
label, such a fence is only reported (:func:`~.outputfence.output_run_as_code`), as it could
be an example of its own.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Container, Sequence

from pytest_torchnotes.markdown.ipython import first_prompt
from pytest_torchnotes.markdown.layout import Gap
from pytest_torchnotes.markdown.lexers import BodyLine, FenceLexeme
from pytest_torchnotes.markdown.transcripts import is_doctest


def python_output(
    candidate: FenceLexeme,
    between: Gap,
    languages: Container[str],
    *,
    labels_read: bool,
    marker: re.Pattern[str] | None = None,
) -> bool:
    """Whether ``candidate``, a Python fence with ``between`` before it, is the output of the
    block above it: one label line stands between them (and labels are read), and it holds
    no Python code, nor a line that reads as ``marker``.

    >>> from pytest_torchnotes.markdown.lexers import MarkdownLexer
    >>> note = "```python\\nx\\n```\\n输出：\\n```python\\ntorch.int64\\n```\\n"
    >>> fence = MarkdownLexer()(note).fences[1]
    >>> python_output(fence, Gap(labels=[3]), {"python"}, labels_read=True)
    True
    >>> python_output(fence, Gap(), {"python"}, labels_read=True)
    False
    """
    if not labels_read or candidate.language not in languages or candidate.close_line is None:
        return False
    if not between.only_labels or len(between.labels) != 1:
        return False
    if marker is not None and any(marker.match(line.text) for line in candidate.body):
        return False  # a block with its output under an output marker, not parsed as Python
    return not reads_as_code(candidate.body)


def reads_as_code(body: Sequence[BodyLine]) -> bool:
    """Whether the body of a Python fence holds code: a ``>>>`` or ``In [n]:`` prompt, a
    statement, a ``print()`` call. An empty one holds none: the output was blanked.

    >>> def body(*texts):
    ...     return [BodyLine(n, "", text) for n, text in enumerate(texts)]
    >>> reads_as_code(body("In [7]: x")), reads_as_code(body("tensor([1])")), reads_as_code([])
    (True, False, False)
    """
    if is_doctest(body) or first_prompt(body) is not None:
        return True
    text = "\n".join(line.text for line in body)
    return bool(text.strip()) and holds_code(text)


def holds_code(text: str) -> bool:
    """Whether ``text`` is Python code rather than what code printed: it parses, and holds a
    statement other than a bare expression or a bare annotation, or a ``print()`` call.

    >>> holds_code("b: tensor([1., 2.])\\ntensor([3])")
    False
    >>> holds_code("x = torch.ones(2)")
    True
    >>> holds_code("print(x)")
    True
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        printed = isinstance(node, (ast.Expr, ast.AnnAssign)) and (
            not isinstance(node, ast.AnnAssign) or node.value is None
        )
        if isinstance(node, ast.stmt) and not printed:
            return True
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
            return True
    return False
