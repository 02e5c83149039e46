"""The live waveform of a take: min and max of each armed track's inputs, point by point."""

from __future__ import annotations

import numpy as np

from daw.engine.live_peaks import POINT_FRAMES, LivePeaks


def test_points_follow_the_input_in_any_block_size() -> None:
    data = np.random.default_rng(1).uniform(-1, 1, (POINT_FRAMES * 10 + 17, 3))
    data = data.astype(np.float32)
    live = LivePeaks({"mono": (2,), "stereo": (0, 1)}, origin_frame=-100, record_from_frame=0,
                     ratio=44100 / 48000)
    for start in range(0, len(data), 999):
        live.add(data[start:start + 999])
    mono, stereo = live.previews
    assert mono.count == stereo.count == 10
    mins, maxs = mono.points()
    windows = data[:POINT_FRAMES * 10].reshape(10, POINT_FRAMES, 3)
    np.testing.assert_array_equal(mins, windows[:, :, 2].min(axis=1))
    np.testing.assert_array_equal(maxs, windows[:, :, 2].max(axis=1))
    np.testing.assert_array_equal(stereo.points()[1], windows[:, :, :2].max(axis=(1, 2)))
    assert stereo.frames_per_point == POINT_FRAMES * 44100 / 48000
    assert stereo.origin_frame == -100
