"""What the timeline draws, read back from grabbed images: waveforms from the peak cache
(with the clip gain applied, down to single samples), fades, overlaps, muted and selected
clips; and the track headers."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog

from daw.model import Fade, ops
from daw.ui.polygons import envelope_pixels, polygon, premultiplied
from tests.ui.timeline_helpers import (
    FRAMES_PER_PIXEL,
    Timeline,
    audio,
    brightness,
    make_timeline,
    point,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LIGHT = 170.0
"""Brighter than any clip body or lane: the waveform colour."""


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    timeline = make_timeline(qtbot, tmp_path)
    qtbot.waitUntil(timeline.view.waveforms_ready, timeout=10000)
    return timeline


def lanes_image(tl: Timeline) -> np.ndarray:
    return brightness(tl.view.lanes.grab().toImage())


def light_rows(image: np.ndarray, x: int, top: float, bottom: float) -> np.ndarray:
    rows = np.flatnonzero(image[round(top):round(bottom), x] > LIGHT)
    return rows + round(top)


def expected_extent(tl: Timeline, clip_id: str, x: int, gain: float = 1.0) -> tuple[float, float]:
    """The top and bottom y of the waveform column x, from the clip's audio."""
    clip, rect = tl.clip(clip_id), tl.clip_rect(clip_id)
    first = int(np.floor(x * FRAMES_PER_PIXEL)) - clip.start_frame + clip.source_offset_frames
    column = audio(tl, clip.media_id)[first:first + int(FRAMES_PER_PIXEL), 0] * gain
    top, height = rect.top() + 1, rect.height() - 2
    centre, half = top + height / 2, height / 2 - 1
    return centre - min(column.max(), 1) * half, centre - max(column.min(), -1) * half


def test_the_waveform_is_drawn_from_the_peaks_with_the_clip_gain(tl: Timeline) -> None:
    rect = tl.clip_rect("c2")
    x = round(rect.left() + 160)
    image = lanes_image(tl)
    rows = light_rows(image, x, rect.top(), rect.bottom())
    top, bottom = expected_extent(tl, "c2", x)
    assert abs(rows.min() - top) <= 2 and abs(rows.max() - bottom) <= 2
    empty_lane = light_rows(image, x, tl.layout.top(2), tl.layout.top(3))
    assert empty_lane.size == 0
    tl.session.edit("Gain", lambda p: ops.set_clip_gain(p, "c2", 20 * np.log10(0.5)))
    rows = light_rows(lanes_image(tl), x, rect.top(), rect.bottom())
    top, bottom = expected_extent(tl, "c2", x, gain=0.5)
    assert abs(rows.min() - top) <= 2 and abs(rows.max() - bottom) <= 2


def test_without_peaks_the_clip_is_a_plain_body(qtbot, tmp_path: Path) -> None:
    tl = make_timeline(qtbot, tmp_path, folder=False)
    rect = tl.clip_rect("c2")
    image = lanes_image(tl)
    assert light_rows(image, round(rect.left() + 160), rect.top(), rect.bottom()).size == 0
    assert image[round(rect.center().y()), round(rect.left() + 160)] > image[
        round(rect.center().y()), round(rect.right() + 40)]


def test_single_samples_at_the_closest_zoom(tl: Timeline) -> None:
    view = tl.session.view
    view.set_zoom(1 / 16, 0)
    view.scroll_to(120000 + 1000)
    image = lanes_image(tl)
    rect = tl.clip_rect("c2")
    top, height = rect.top() + 1, rect.height() - 2
    centre, half = top + height / 2, height / 2 - 1
    samples = audio(tl, "b")[:, 0]
    checked = 0
    for k in range(1002, 1050):
        x = round(view.frame_to_x(120000 + k))
        if not 0 <= x < image.shape[1]:
            continue
        y = centre - samples[k] * half
        assert image[round(y), x] > LIGHT, (k, x, y)
        if abs(samples[k]) > 0.3:
            assert image[round(centre + samples[k] * half), x] < LIGHT
        checked += 1
    assert checked >= 40


def test_fades_shade_the_clip_above_their_curve(qtbot, tmp_path: Path) -> None:
    tl = make_timeline(qtbot, tmp_path, folder=False)
    rect = tl.clip_rect("c1")
    y = round(rect.top() + 30)
    before = lanes_image(tl)
    tl.session.edit("Fade", lambda p: ops.set_fades(p, "c1", Fade(100 * 200), Fade(50 * 200)))
    after = lanes_image(tl)
    for x in (round(rect.left() + 20), round(rect.right() - 10)):
        assert after[y, x] < before[y, x] - 10
    middle = round(rect.left() + 200)
    assert after[y, middle] == before[y, middle]
    low = round(rect.bottom() - 5)  # below the fade-in curve near its end: not shaded
    assert after[low, round(rect.left() + 90)] == before[low, round(rect.left() + 90)]


def test_selected_muted_and_overlapping_clips_look_different(qtbot, tmp_path: Path) -> None:
    tl = make_timeline(qtbot, tmp_path, folder=False)
    rect = tl.clip_rect("c1")
    x, y = round(rect.left() + 150), round(rect.top() + 40)

    def pixel() -> np.ndarray:
        image = tl.view.lanes.grab().toImage()
        colour = image.pixelColor(x, y)
        return np.array([colour.red(), colour.green(), colour.blue()], dtype=float)

    plain = pixel()
    tl.session.select_clips(["c1"])
    assert pixel().mean() > plain.mean() + 10
    tl.session.select_clips([])
    tl.session.edit("Mute", lambda p: ops.set_clip_muted(p, "c1", True))
    muted = pixel()
    assert np.ptp(muted) < 10 < np.ptp(plain)  # grey, where the track colour was blue
    tl.session.undo()
    tl.session.edit("Overlap", lambda p: ops.move_clip(p, "c2", 84000, "t1"))
    image = brightness(tl.view.lanes.grab().toImage())
    rows = slice(round(rect.top() + 30), round(rect.bottom() - 10))  # under the gain handle
    assert round(tl.clip_rect("c2").left()) == 420 and round(rect.right()) == 480
    overlap = image[rows, 425:475]
    body = image[rows, 490:640]
    assert np.ptp(overlap) > 40  # hatched, with the cross-fade's X
    assert np.ptp(body) < 5


def test_polygon_and_envelope_from_arrays() -> None:
    xs, ys = np.array([1.0, 2.5, 4.0]), np.array([7.0, -1.0, 3.25])
    poly = polygon(xs, ys)
    assert [(p.x(), p.y()) for p in poly] == [(1.0, 7.0), (2.5, -1.0), (4.0, 3.25)]
    assert polygon(np.array([]), np.array([])).isEmpty()
    colour = QColor(200, 100, 50, 128)
    assert premultiplied(colour) == (128 << 24) | (100 << 16) | (50 << 8) | 25
    # One channel in a 22-row image centred on row 11: full scale is 10 rows.
    mins = np.array([[-0.5, 0.0, np.nan, -1.0]], dtype=np.float32)
    maxs = np.array([[0.5, 0.0, np.nan, 2.0]], dtype=np.float32)
    pixels = envelope_pixels(mins, maxs, 1.0, 0.0, 22, 22.0, colour)
    covered = [np.flatnonzero(pixels[:, c]).tolist() for c in range(4)]
    assert covered[0] == list(range(6, 16))  # centres 6.5 .. 15.5 lie in [6, 16)
    assert covered[1] == [11]  # silence: one pixel
    assert covered[2] == []  # no audio
    assert covered[3] == list(range(1, 21))  # clipped at full scale
    assert set(pixels[pixels != 0].tolist()) == {premultiplied(colour)}
    halved = envelope_pixels(mins, maxs, 0.5, 0.0, 22, 22.0, colour)
    assert np.flatnonzero(halved[:, 0]).tolist() == list(range(8, 13))  # [8.5, 13.5)


def test_missing_audio_is_no_error_and_unreadable_audio_is_reported_once(qtbot,
                                                                        tl: Timeline) -> None:
    """A missing file is told by the window's missing-media bar and drawn hatched; a file
    that is there but cannot be read is an error, named once."""
    errors: list[str] = []
    tl.session.errorRaised.connect(errors.append)
    (tl.session.folder / "audio" / "b.wav").unlink()
    (tl.session.folder / "audio" / "a.wav").write_bytes(b"not audio at all")
    tl.view.cache.clear()
    qtbot.waitUntil(tl.view.waveforms_ready, timeout=10000)
    tl.view.lanes.grab()
    assert tl.view.waveforms_ready()
    project = tl.session.project
    assert tl.view.cache.is_missing(tl.session.folder, project.media_ref("b"))
    assert not tl.view.cache.is_missing(tl.session.folder, project.media_ref("a"))
    assert len(errors) == 1 and errors[0].startswith("cannot draw the waveform: audio/a.wav")


# --- track headers -----------------------------------------------------------------------


def test_header_buttons_set_the_track(qtbot, tl: Timeline) -> None:
    header = tl.view.headers.headers["t2"]
    for attribute in ("record_armed", "mute", "solo", "monitor"):
        qtbot.mouseClick(header.buttons[attribute], Qt.MouseButton.LeftButton)
        assert getattr(tl.session.project.track("t2"), attribute) is True
    tl.session.undo()
    assert tl.session.project.track("t2").monitor is False
    assert not header.buttons["monitor"].isChecked()
    assert header.buttons["solo"].isChecked()


def test_header_name_is_edited_in_place(qtbot, tl: Timeline) -> None:
    header = tl.view.headers.headers["t1"]
    qtbot.mouseDClick(header, Qt.MouseButton.LeftButton,
                      pos=header.name_label.geometry().center())
    assert header.name_edit.isVisible()
    header.name_edit.selectAll()
    qtbot.keyClicks(header.name_edit, "Drums")
    qtbot.keyClick(header.name_edit, Qt.Key.Key_Return)
    assert tl.session.project.track("t1").name == "Drums"
    assert header.name_label.text() == "Drums" and not header.name_edit.isVisible()
    assert tl.session.history.undo_label == "Rename Track"


def test_colour_swatch_sets_the_track_colour(qtbot, tl: Timeline, monkeypatch) -> None:
    monkeypatch.setattr(QColorDialog, "getColor",
                        staticmethod(lambda *args, **kwargs: QColor("#12ab34")))
    header = tl.view.headers.headers["t2"]
    qtbot.mouseClick(header.swatch, Qt.MouseButton.LeftButton)
    assert tl.session.project.track("t2").colour == "#12ab34"
    rect = tl.clip_rect("c2")
    colour = tl.view.lanes.grab().toImage().pixelColor(round(rect.left() + 40),
                                                        round(rect.bottom() - 4))
    assert colour.green() > colour.red() and colour.green() > colour.blue()


def test_clicking_a_header_selects_its_track_and_lane(qtbot, tl: Timeline) -> None:
    header = tl.view.headers.headers["t3"]
    qtbot.mouseClick(header, Qt.MouseButton.LeftButton, pos=point(150, 60))
    assert tl.session.selected_track == "t3"
    image = lanes_image(tl)
    assert image[tl.lane_y(2), 20] > image[tl.lane_y(0), 20]


def test_meters_show_the_engine_levels(tl: Timeline) -> None:
    session = tl.session
    session.engine_state = replace(session.engine_state, levels={"t1": (1.0, 0.1, 0.5, 0.01)})
    session.engineStateChanged.emit()
    meter = tl.view.headers.headers["t1"].meter
    assert meter.levels == (1.0, 0.1, 0.5, 0.01)
    assert tl.view.headers.headers["t2"].meter.levels is None
    assert meter.fraction(1.0) == 1.0 and meter.fraction(0.001) == pytest.approx(0.0)
    assert meter.fraction(0.1) == pytest.approx(2 / 3)
