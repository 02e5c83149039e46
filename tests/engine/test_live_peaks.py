"""The live waveform of a take: min and max of each armed track's inputs, point by point."""

from __future__ import annotations

import numpy as np

from daw.engine.live.live_peaks import POINT_FRAMES, LivePeaks


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


def test_a_loop_recording_shows_the_pass_being_recorded_over_the_loop() -> None:
    """Input point i is at unrolled timeline frame origin + i * 256: the count-in comes before
    the loop's start, pass n starts n loop lengths after it, and each pass is shown from the
    loop's start with only its own points."""
    loop = (10_000, 20_000)
    live = LivePeaks({"t": (0,)}, origin_frame=2_000, record_from_frame=loop[0], ratio=1.0,
                     loop=loop)
    [preview] = live.previews
    points = 140  # into the third pass: it starts at unrolled frame 30000, point 110.
    data = np.repeat(np.arange(points, dtype=np.float32) / 1000, POINT_FRAMES)[:, None]
    for start in range(0, len(data), 700):
        live.add(data[start:start + 700])
        count = preview.count
        at, mins, maxs = preview.shown()
        unrolled = 2_000 + count * POINT_FRAMES
        passes = max(0, (unrolled - loop[0]) // 10_000)
        first = max(32, -(-(loop[0] + passes * 10_000 - 2_000) // POINT_FRAMES))  # ceil
        first = min(first, count)
        assert at == 2_000 + first * POINT_FRAMES - passes * 10_000
        np.testing.assert_array_equal(mins, np.arange(first, count, dtype=np.float32) / 1000)
        np.testing.assert_array_equal(maxs, mins)
        if len(mins):  # (nothing before the record point)
            assert loop[0] <= at and at + len(mins) * POINT_FRAMES <= loop[1] + POINT_FRAMES
    # The points from the record point on (frame 10000 is in point 31: from 32), then those
    # of pass 1 (from unrolled 20000: point 71) and pass 2 (30000: point 110).
    assert preview.count == points
    at, mins, _maxs = preview.shown()
    assert at == 2_000 + 110 * POINT_FRAMES - 20_000 == 10_160
    np.testing.assert_array_equal(mins, np.arange(110, 140, dtype=np.float32) / 1000)


def test_without_a_loop_the_take_grows_from_the_record_point() -> None:
    live = LivePeaks({"t": (0,)}, origin_frame=-300, record_from_frame=1_000, ratio=0.5)
    data = np.repeat(np.arange(60, dtype=np.float32) / 100, POINT_FRAMES)[:, None]
    live.add(data)
    at, mins, maxs = live.previews[0].shown()
    # Points are 128 timeline frames apart here: the first at or after frame 1000 is point 11.
    assert at == -300 + 11 * 128
    np.testing.assert_array_equal(mins, np.arange(11, 60, dtype=np.float32) / 100)
    np.testing.assert_array_equal(maxs, mins)
