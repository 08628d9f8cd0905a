from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_torchnotes.comparison.timings import only_timings_differ, timing_hint

MEASUREMENT = (
    "<torch.utils.benchmark.utils.common.Measurement object at 0x7f2c3c1b5d30>\n"
    "x + 1\nsetup: x = torch.ones(4)\n  {time}\n  1 measurement, 100 runs , 1 thread"
)


@pytest.mark.parametrize(
    ("expected", "actual", "only"),
    [
        (MEASUREMENT.format(time="2.43 us"), MEASUREMENT.format(time="3.15 us"), True),
        (MEASUREMENT.format(time="2.43 us"), MEASUREMENT.format(time="1.02 ms"), True),
        (
            "epoch 1 took 0.53 s\nepoch 2 took 0.51 s",
            "epoch 1 took 0.6 s\nepoch 2 took 0.7 s",
            True,
        ),
        ("elapsed: 12.5ms", "elapsed: 9ms", True),
        ("took 3 seconds", "took 4 seconds", True),
        # other numbers differ too, or the text: drift of its own
        ("took 2 s, loss 0.5", "took 3 s, loss 0.4", False),
        ("took 2 s", "lasted 3 s", False),
        ("100 runs", "200 runs", False),  # no unit of time
        ("tensor([1., 2.])", "tensor([1., 3.])", False),
        ("took 2 s", "took 2 s", False),  # nothing differs
        ("2 steps/s", "3 steps/s", False),  # a rate is no duration
    ],
)
def test_output_that_differs_only_in_its_timings(expected: str, actual: str, only: bool) -> None:
    assert only_timings_differ(expected, actual) is only
    hint = timing_hint(expected, actual, transcript=True)
    assert (hint is not None) is only
    if hint is not None:
        assert "'# xdoctest: +IGNORE_WANT'" in hint
        block = timing_hint(expected, actual, transcript=False)
        assert block is not None
        assert "IGNORE_WANT" not in block
        same_units = "ms" not in actual or "ms" in expected
        directive = "structure" if same_units else "ellipsis"
        assert f"<!-- torchnotes: compare {directive} -->" in block


durations = st.builds(
    lambda number, unit: f"{number}{unit}",
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: f"{x:.3g}"),
    st.sampled_from([" us", " ms", "s", " ns", " µs", " seconds"]),
)


@given(durations, durations, st.sampled_from(["took {} in all", "{}\n  1 measurement"]))
def test_any_two_durations_in_the_same_text_differ_only_in_timings(
    first: str, second: str, template: str
) -> None:
    expected, actual = template.format(first), template.format(second)
    assert only_timings_differ(expected, actual) is (expected != actual)
