"""End to end: under a memory limit the setup code sets, a block that takes all the memory
it may fails at its line, and the session, which works between blocks under its own
limit, goes on."""

from __future__ import annotations

import resource

import pytest

from tests.conftest import WriteNote, block_counts

#: A limit on the process's data 256 MiB above what it uses when the note starts.
LIMIT = (
    "import resource; used = int(next(line for line in open('/proc/self/status') "
    "if line.startswith('VmData')).split()[1]) * 1024; "
    "resource.setrlimit(resource.RLIMIT_DATA, (used + 2**28, resource.RLIM_INFINITY))"
)


def _run_under_the_limit(pytester: pytest.Pytester) -> pytest.RunResult:
    # A session of its own: in the suite's process, after thousands of tests, what the
    # interpreter's and the C library's heaps hold free is the earlier tests' doing, not
    # the session's.
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--torchnotes-setup={LIMIT}")


def test_a_block_that_takes_all_memory_under_a_data_limit_fails_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # The block keeps what it took, to the last kilobyte, and raises: the session, which
    # worked under the limit the setup code set, failed the note with a MemoryError of its
    # own, and no block of it had a result.
    write_note(
        "```python\ngrow = []\ntry:\n    while True:\n        grow.append(bytearray(2**20))\n"
        "except MemoryError:\n    pass\nsmall = []\ntry:\n    while True:\n"
        "        small.append(bytearray(2**10))\nexcept MemoryError:\n    pass\n"
        "raise ValueError('full')\n```\n",
        "a.md",
    )
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    before = resource.getrlimit(resource.RLIMIT_DATA)
    result = _run_under_the_limit(pytester)
    result.assert_outcomes(passed=1, failed=1)
    # (no later block of that note is asked to print: what the small allocations took may
    # stay with the C library's heap, near the limit, and a print may not find memory)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    result.stdout.fnmatch_lines(["notes/a.md:1: block 1: the block raised ValueError: full*"])
    assert resource.getrlimit(resource.RLIMIT_DATA) == before


@pytest.mark.parametrize("size", [2**10, 64, 16])
def test_a_block_that_takes_the_last_small_objects_too_fails_at_its_line(
    pytester: pytest.Pytester, write_note: WriteNote, size: int
) -> None:
    # After the large and the kilobyte allocations, objects of ``size`` bytes until none is
    # left: the session's steps after the code found no memory for theirs. With the last
    # 16-byte objects taken, the block itself may not have the memory to raise its error
    # (its traceback): it fails with that MemoryError, and the limit is named.
    write_note(
        "```python\nsmall = [None] * 2**22\ngrow = []\ntry:\n    while True:\n"
        "        grow.append(bytearray(2**20))\nexcept MemoryError:\n    pass\ntry:\n"
        f"    for i in range(len(small)):\n        small[i] = bytes({size})\n"
        "except MemoryError:\n    pass\nraise ValueError('full')\n```\n",
        "a.md",
    )
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    result = _run_under_the_limit(pytester)
    result.assert_outcomes(passed=1, failed=1)
    assert block_counts(result) == {"verified": 1, "failed": 1}
    text = result.stdout.str()
    assert "notes/a.md:1: block 1: the block raised ValueError: full" in text or (
        "notes/a.md:1: block 1: the block raised MemoryError" in text
        and "the block ran out of memory under the limit set for the note (resource.RLIMIT_DATA"
        in text
    )


def test_a_block_that_runs_out_of_memory_under_the_notes_limit_is_told_the_limit(
    pytester: pytest.Pytester, write_note: WriteNote
) -> None:
    # "the block raised MemoryError" alone: nothing said that the note's own limit, not
    # the machine, was what ran out
    write_note(
        "```python\nbig = bytearray(2**31)\n```\n\n"
        "```python\nprint('next block')\n=== output ===\nnext block\n```\n",
        "a.md",
    )
    write_note("```python\nprint('next note')\n=== output ===\nnext note\n```\n", "b.md")
    result = _run_under_the_limit(pytester)
    result.assert_outcomes(passed=1, failed=1)
    assert block_counts(result) == {"verified": 2, "failed": 1}
    result.stdout.fnmatch_lines(
        [
            "notes/a.md:1: block 1: the block raised MemoryError*",
            "  the block ran out of memory under the limit set for the note"
            " (resource.RLIMIT_DATA * MiB, by resource.setrlimit in its code or its setup):"
            " raise that limit, or take less memory in the block",
        ]
    )
