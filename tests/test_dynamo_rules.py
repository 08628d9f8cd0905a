"""What a note tells torch.compile about functions (``disallow_in_graph``,
``allow_in_graph``) is put back after it; what a library registers stays."""

from __future__ import annotations

import math
import sys
import textwrap

import pytest
import torch
import torch._dynamo
from torch._dynamo import trace_rules

from pytest_torchnotes.run import dynamo_rules
from tests.conftest import WriteNote

#: The second note: fails where torch.sin is still disallowed in a graph.
COMPILES_SIN = (
    "```python\nimport torch\n"
    "f = torch.compile(lambda x: torch.sin(x) + 1, backend='eager', fullgraph=True)\n"
    "print(f(torch.zeros(2)))\n```\n\n```output\ntensor([1., 1.])\n```\n"
)

#: Ways a note's code changes dynamo's sets, each with what it leaves behind.
CHANGES = {
    "disallow": "torch._dynamo.disallow_in_graph(torch.sin)",
    "allow-by-torch.compiler-then-disallow": (
        "torch.compiler.allow_in_graph(torch.sin)\ntorch._dynamo.disallow_in_graph(torch.sin)"
    ),
    "allow-a-library-function": "torch.compiler.allow_in_graph(math.prod)",
    "allow-then-disallow": (
        "torch.compiler.allow_in_graph(math.prod)\ntorch._dynamo.disallow_in_graph(math.prod)"
    ),
    "disallow-then-allow-again": (
        "torch._dynamo.disallow_in_graph(torch.sin)\ntorch._dynamo.allow_in_graph(torch.sin)"
    ),
}


def _snapshot() -> dict[str, frozenset[int]]:
    return {
        name: frozenset(value())
        for name, value in vars(trace_rules).items()
        if isinstance(value, trace_rules.FunctionIdSet)
    }


@pytest.mark.parametrize("code", CHANGES.values(), ids=list(CHANGES))
def test_what_the_notes_code_changes_is_put_back(code: str) -> None:
    before = _snapshot()
    guard = dynamo_rules.DynamoRulesGuard()
    exec(code, {"__name__": "__main__", "torch": torch, "math": math})
    assert _snapshot() != before or "again" in code
    restored = guard.restore()
    assert _snapshot() == before
    assert not restored or all(name.startswith(dynamo_rules.TRACE_RULES) for name in restored)


def test_what_a_library_changes_stays() -> None:
    before = _snapshot()
    guard = dynamo_rules.DynamoRulesGuard()
    library = {"__name__": "tests.test_dynamo_rules", "torch": torch, "math": math}
    exec("torch.compiler.allow_in_graph(math.prod)", library)
    assert guard.restore() == []
    assert id(math.prod) in trace_rules._allowed_callable_ids
    trace_rules._allowed_callable_ids.remove(id(math.prod))
    assert _snapshot() == before


def test_nothing_is_noted_between_notes() -> None:
    dynamo_rules.DynamoRulesGuard().restore()
    before = _snapshot()
    exec(
        "torch.compiler.allow_in_graph(math.prod)",
        {"__name__": "__main__", "torch": torch, "math": math},
    )
    assert dynamo_rules.DynamoRulesGuard().restore() == []
    assert id(math.prod) in trace_rules._allowed_callable_ids
    trace_rules._allowed_callable_ids.remove(id(math.prod))
    assert _snapshot() == before


def test_a_disallowed_torch_function_does_not_reach_the_next_note(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    write_note("```python\nimport torch\ntorch._dynamo.disallow_in_graph(torch.sin)\n```\n", "a.md")
    write_note(COMPILES_SIN, "b.md")
    result = pytester.runpytest("-p", "no:randomly", "-rw")
    result.assert_outcomes(passed=2)
    assert id(torch.sin) not in trace_rules._disallowed_callable_ids


def test_a_library_module_that_disallows_at_import_keeps_it(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    name = "rules_library_of_the_project"
    pytester.makepyfile(**{name: "import torch\ntorch._dynamo.disallow_in_graph(torch.tan)\n"})
    pytester.syspathinsert()
    write_note(f"```python\nimport {name}\n```\n", "a.md")
    write_note(
        "```python\nimport torch\n"
        "print(id(torch.tan) in torch._dynamo.trace_rules._disallowed_callable_ids)\n```\n\n"
        "```output\nTrue\n```\n",
        "b.md",
    )
    try:
        pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)
    finally:
        sys.modules.pop(name, None)
        trace_rules._disallowed_callable_ids.remove(id(torch.tan))


def test_the_note_that_first_imports_dynamo_is_put_back_too(pytester: pytest.Pytester) -> None:
    """In a process where no note imported torch._dynamo yet (a subprocess: this one has)."""
    pytester.makeini("[pytest]\ntorchnotes_paths = notes\n")
    notes = pytester.mkdir("notes")
    (notes / "a.md").write_text(
        textwrap.dedent(
            """\
            ```python
            import sys, torch
            print("torch._dynamo" in sys.modules)
            _ = torch._dynamo.disallow_in_graph(torch.sin)
            ```

            ```output
            False
            ```
            """
        )
    )
    (notes / "b.md").write_text(COMPILES_SIN)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
