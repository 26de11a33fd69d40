"""Order statistics and the camera fit: numpy's values bit for bit, known motions recovered."""

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


def test_camera_fit_recovers_a_known_similarity_despite_a_moving_subject() -> None:
    from promptkit.metrics.flow import _SimilarityFit

    aw, ah = 160, 90
    fit = _SimilarityFit((aw, ah))
    short = float(min(aw, ah))
    ys, xs = np.mgrid[0:ah, 0:aw]
    x, y = (xs - (aw - 1) / 2) / short, (ys - (ah - 1) / 2) / short
    tx, ty, zoom, roll = 1.5, -0.75, 0.02, -0.01  # px, px, relative, rad
    flow = np.empty((ah, aw, 2), np.float32)
    flow[..., 0] = tx + (zoom * x - roll * y) * short
    flow[..., 1] = ty + (roll * x + zoom * y) * short
    flow[30:60, 60:90] = (6.0, 4.0)  # a subject walking on its own
    got = fit(flow)
    assert got[0] == pytest.approx(tx, abs=0.05)
    assert got[1] == pytest.approx(ty, abs=0.05)
    assert got[2] == pytest.approx(zoom, abs=0.002)
    assert got[3] == pytest.approx(roll, abs=0.002)
    still = fit(np.zeros((ah, aw, 2), np.float32))
    assert still == (0.0, 0.0, 0.0, 0.0, 0.0)
