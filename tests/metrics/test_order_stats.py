"""The scorer's one-partition median and percentile give numpy's values, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from promptkit.metrics.events import median, percentile


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7, 10, 31, 64, 257])
def test_median_and_percentile_equal_numpy(size: int) -> None:
    rng = np.random.default_rng(size)
    for trial in range(50):
        values = rng.standard_normal(size) * rng.uniform(0.01, 100.0)
        if trial % 3 == 0:
            values = np.round(values)  # ties, as in frame holds and quantised differences
        assert median(values) == float(np.median(values))
        for q in (0, 10, 50, 90, 95, 100):
            assert percentile(values, q) == float(np.percentile(values, q))


def test_inputs_are_left_in_order() -> None:
    values = np.array([5.0, 1.0, 4.0, 2.0, 3.0])
    median(values)
    percentile(values, 90)
    assert values.tolist() == [5.0, 1.0, 4.0, 2.0, 3.0]
