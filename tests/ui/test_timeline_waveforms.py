"""Waveforms drawn many clips at a time: the columns worked out together equal the peak reader's
clip by clip, samples are decoded once around the view, and tiles join without a seam."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from daw.engine.live.live_peaks import LivePeaks
from daw.media import MediaError
from daw.media.peaks import FINEST_WINDOW, PeakReader, build_peaks
from daw.model import timing
from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from daw.ui.timeline.clip_body import TILE
from daw.ui.timeline.columns import SampleBlocks, column_extremes, peak_source
from tests.engine.songs import Song, tone
from tests.ui.timeline_helpers import (
    BEAT,
    FRAMES_PER_PIXEL,
    Timeline,
    audio,
    brightness,
    make_timeline,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LIGHT = 170.0
"""Brighter than any clip body or lane: the waveform colour."""


@pytest.fixture
def readers(tmp_path: Path) -> list[PeakReader]:
    """Three stereo files of different lengths, with their peaks."""
    song = Song(tmp_path / "Song.minidaw")
    made = []
    for n, frames in enumerate((300_001, 123_457, 5_000)):
        song.media(f"m{n}", tone(frames, 300 + 50 * n, channels=2, seed=n))
        path = song.folder / "audio" / f"m{n}.wav"
        made.append(PeakReader(path, build_peaks(path)))
    yield made
    for reader in made:
        reader.close()


def side_by_side(readers: list[PeakReader], which, starts, counts, fpp: float):
    """What `PeakReader.query` gives each clip, one after the other."""
    found = [readers[w].query(s, fpp, int(c)) for w, s, c in zip(which, starts, counts,
                                                                  strict=True)]
    return (np.concatenate([f[0] for f in found], axis=1),
            np.concatenate([f[1] for f in found], axis=1))


def test_columns_of_many_clips_equal_the_queries_clip_by_clip(readers) -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for fpp in (128.0, 300.5, 2077.9, 6325.04, 70_000.0):
        window = {peak_source(reader, fpp)[0] for reader in readers}
        usable = [r for r in readers if peak_source(r, fpp)[0] == min(window)]
        for _ in range(20):
            count = int(rng.integers(1, 7))
            which = np.sort(rng.integers(0, len(usable), count))
            starts = rng.uniform(-20_000, 320_000, count)  # some before or past the audio
            counts = rng.integers(0, 500, count)
            used = sorted(set(which.tolist()))
            sources = [peak_source(usable[u], fpp)[1] for u in used]
            mins, maxs = column_extremes(sources, min(window), [used.index(w) for w in which],
                                         starts, counts, fpp)
            want_min, want_max = side_by_side(usable, which, starts, counts, fpp)
            np.testing.assert_array_equal(mins, want_min)
            np.testing.assert_array_equal(maxs, want_max)
            checked += int(np.isfinite(mins).sum())
    assert checked > 10_000


def test_columns_from_samples_equal_the_queries(readers) -> None:
    blocks = SampleBlocks()
    rng = np.random.default_rng(8)
    for fpp in (1.0, 3.7, 69.26, FINEST_WINDOW - 0.5):
        reader = readers[0]
        starts = np.sort(rng.uniform(-300, 250_000, 5))
        counts = rng.integers(1, 400, 5)
        first = int(starts.min()) - 1
        end = int(np.ceil((starts + (counts + 1) * fpp).max())) + 1
        source = blocks.source(reader, first, end)
        order = rng.permutation(5)  # columns of one stretch, in any order
        mins, maxs = column_extremes([source], 1, [0] * 5, starts[order], counts[order], fpp)
        want_min, want_max = side_by_side(readers, [0] * 5, starts[order], counts[order], fpp)
        np.testing.assert_array_equal(mins, want_min)
        np.testing.assert_array_equal(maxs, want_max)
        one_min, one_max = blocks.columns(reader, float(starts[0]), fpp, int(counts[0]))
        np.testing.assert_array_equal(one_min, reader.query(starts[0], fpp, int(counts[0]))[0])
        np.testing.assert_array_equal(one_max, reader.query(starts[0], fpp, int(counts[0]))[1])


def test_samples_are_decoded_once_around_the_view(readers) -> None:
    reader = readers[1]
    blocks = SampleBlocks()
    data = reader.samples(0, reader.peaks.length_frames)
    at, got = blocks.read(reader, 40_000, 10_000)
    assert at == 40_000
    np.testing.assert_array_equal(got, data[:, 40_000:50_000])
    reader.close()
    reader.path.unlink()  # from now on only what was decoded can be read
    at, got = blocks.read(reader, 36_000, 17_000)  # zoomed out a little: still kept
    np.testing.assert_array_equal(got, data[:, 36_000:53_000])
    with pytest.raises(MediaError):
        blocks.read(reader, 100_000, 1000)
    blocks.drop(reader)
    with pytest.raises(MediaError):
        blocks.read(reader, 40_000, 10)


def test_sample_blocks_stay_within_their_budget(readers) -> None:
    reader = readers[0]
    blocks = SampleBlocks(budget_bytes=400_000)
    data = reader.samples(0, reader.peaks.length_frames)
    for first in range(0, 280_000, 20_000):
        at, got = blocks.read(reader, first, 20_000)
        np.testing.assert_array_equal(got, data[:, first:first + 20_000])
    assert blocks.nbytes <= 400_000
    at, got = blocks.read(reader, 299_990, 50)  # clipped to the end of the audio
    assert at == 299_990 and got.shape == (2, 11)


def column_extent(tl: Timeline, clip_id: str, x: int, channel: int) -> tuple[float, float]:
    """Top and bottom y of channel `channel` in column x of a clip drawn at a whole pixel:
    the samples from the window (one frame, or a peak level's) the column starts in, to the
    one the next column starts in."""
    clip, rect = tl.clip(clip_id), tl.clip_rect(clip_id)
    fpp = tl.session.view.frames_per_pixel
    window = 1 if fpp < FINEST_WINDOW else 128 * 4 ** int(np.log(fpp / 128) / np.log(4))
    data = audio(tl, clip.media_id)
    start = clip.source_offset_frames + (x - round(rect.left())) * fpp
    first = int(np.floor(start / window)) * window
    end = max(int(np.floor((start + fpp) / window)) * window, first + window)
    column = data[first:end, channel]
    row = (rect.height() - 2) / data.shape[1]
    centre, half = rect.top() + 1 + row * (channel + 0.5), row / 2 - 1
    return centre - min(column.max(), 1) * half, centre - max(column.min(), -1) * half


@pytest.mark.parametrize(("fpp", "clip_id"), [(40.0, "c2"), (130.0, "c1")])
def test_a_waveform_wider_than_a_tile_has_no_seam(qtbot, tmp_path: Path, fpp: float,
                                                  clip_id: str) -> None:
    tl = make_timeline(qtbot, tmp_path)
    qtbot.waitUntil(tl.view.waveforms_ready, timeout=10000)
    clip = tl.clip(clip_id)
    tl.session.view.set_zoom(fpp, 0)
    tl.session.view.scroll_to(clip.start_frame - 100 * fpp)  # the clip starts at x = 100
    rect = tl.clip_rect(clip_id)
    assert rect.left() == 100 and rect.width() > TILE + 20
    image = brightness(tl.view.lanes.grab().toImage())
    channels = audio(tl, clip.media_id).shape[1]
    row = (rect.height() - 2) / channels
    for x in range(100 + TILE - 6, 100 + TILE + 6):  # across the tiles' border
        for channel in range(channels):
            band_top = rect.top() + 1 + row * channel
            rows = np.flatnonzero(image[round(band_top) + 2:round(band_top + row) - 1, x]
                                  > LIGHT) + round(band_top) + 2
            top, bottom = column_extent(tl, clip_id, x, channel)
            assert abs(rows.min() - top) <= 1.5 and abs(rows.max() - bottom) <= 1.5, (x, channel)


def test_body_tiles_are_kept_until_the_clip_or_the_zoom_changes(qtbot, tmp_path: Path) -> None:
    tl = make_timeline(qtbot, tmp_path)
    qtbot.waitUntil(tl.view.waveforms_ready, timeout=10000)
    bodies = tl.view.lanes.clips.bodies
    clip, rect = tl.clip("c2"), tl.clip_rect("c2")
    area = QRectF(tl.view.lanes.rect())
    colour = QColor(tl.session.project.track("t2").colour)
    [first] = bodies.tiles([(clip, colour, rect, False)], area)
    [again] = bodies.tiles([(clip, colour, rect.translated(37, 0), False)], area)
    assert again[0][1] is first[0][1] and again[0][2] == first[0][2]
    assert again[0][0].x() == first[0][0].x() + 37
    [chosen] = bodies.tiles([(clip, colour, rect, True)], area)
    assert chosen[0][1] is not first[0][1]
    before = first[0][1].copy(first[0][2])
    tl.session.view.set_zoom(190.0, 0)
    bodies.tiles([(clip, colour, tl.clip_rect("c2"), False)], area)
    assert first[0][1].copy(first[0][2]) == before  # a new zoom drew elsewhere


@pytest.mark.parametrize("fpp", [400.0, 60.0, 0.5])
def test_a_stretched_clip_spreads_its_waveform_over_its_length(qtbot, tmp_path: Path,
                                                               fpp: float) -> None:
    """Noise in the first half of the media, silence in the second, stretched twice as long:
    the noise covers the first half of the clip on the timeline, from the peaks, from the
    sample columns, and drawn sample by sample."""
    frames = {400.0: 96_000, 60.0: 24_000, 0.5: 200}[fpp]  # 480 or 800 pixels stretched
    burst = np.zeros((frames, 1), dtype=np.float32)
    burst[:frames // 2, 0] = np.random.default_rng(3).uniform(-0.8, 0.8, frames // 2)
    song = Song(tmp_path / "Song.minidaw")
    song.media("n", burst)
    song.track("t1")
    song.clip("t1", "n", round(20 * fpp), "c")  # at x = 20
    song.project = timing.set_clip_stretch(song.project, "c", 2.0)
    session = Session(song.project, song.folder)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(1200, 300)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(view.waveforms_ready, timeout=10000)
    session.view.set_zoom(fpp, 0)
    session.view.scroll_to(0)
    tl = Timeline(view, session, song)
    clip, rect = tl.clip("c"), tl.clip_rect("c")
    assert clip.length_frames == 2 * frames and clip.source_frames == frames
    assert rect.left() == 20 and rect.width() == 2 * frames / fpp
    image = brightness(view.lanes.grab().toImage())
    centre = rect.top() + rect.height() / 2
    # Bright pixels below the centre line (clear of the name and the handles above it): only
    # where the noise is drawn.
    band = image[round(centre) + 6:round(centre) + 20]
    loud = (band > LIGHT).any(axis=0)
    left, middle, right = 20, round(20 + rect.width() / 2), round(rect.right())
    edge = 3 if fpp > 1 else 6  # a column or a sample's line across the change
    if fpp > 1:
        assert loud[left + 2:middle - edge].all()
    else:  # a line through the samples: below the centre about half the time
        assert loud[left + 2:middle - edge].mean() > 0.3
        assert loud[left + 2:(left + middle) // 2].any() and loud[(left + middle) // 2:middle].any()
    assert not loud[middle + edge:right - 2].any()
    assert not loud[right + 2:min(right + 200, image.shape[1])].any()


def test_a_loop_recording_draws_its_pass_over_the_loop_region(qtbot, tmp_path: Path) -> None:
    """Half way through the second pass of a loop over beats 2 to 4 (x 240 to 480), the take
    being recorded on t3 is drawn from the loop's start to x 360, not past the loop's end."""
    tl = make_timeline(qtbot, tmp_path)
    loop = (2 * BEAT, 4 * BEAT)
    live = LivePeaks({"t3": (0,)}, origin_frame=0, record_from_frame=loop[0], ratio=1.0,
                     loop=loop)
    live.add(np.zeros((5 * BEAT + 64, 1), dtype=np.float32))  # 469 points of 256 frames
    tl.session.engine_state = replace(tl.session.engine_state, recording=True,
                                      takes=live.previews)
    tl.session.engineStateChanged.emit()
    image = tl.view.lanes.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3].astype(int)
    row = pixels[round(tl.layout.top(2) + tl.layout.lane_height / 4)]
    red = row[:, 2] > row[:, 1] + 40  # B, G, R in memory
    # Pass 1 starts at unrolled frame 96000 (point 375), shown at 48000: 94 points.
    end = (48_000 + 94 * 256) / FRAMES_PER_PIXEL
    assert red[242:round(end) - 2].all()
    assert not red[4:238].any() and not red[round(end) + 2:].any()  # (the playhead at 0)
