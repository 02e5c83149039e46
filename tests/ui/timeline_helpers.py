"""A small song on a timeline widget for the timeline tests, and mouse helpers.

The song: tempo 120 at 48 kHz (a beat is 24000 frames); the view at 200 frames a pixel, so a
beat is 120 pixels. Track t1 holds clip c1 (stereo media "a", 1.5 s) from frame 24000; track t2
holds clip c2 (mono media "b", 1 s, amplitude 0.8) from frame 120000; track t3 is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from daw.ui.timeline.geometry import LaneLayout
from tests.engine.songs import RATE, Song, tone

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
FRAMES_PER_PIXEL = 200.0
BEAT = 24000


@dataclass
class Timeline:
    view: TimelineView
    session: Session
    song: Song

    @property
    def layout(self) -> LaneLayout:
        return self.view.layout_

    def clip(self, clip_id: str):
        return self.session.project.find_clip(clip_id)[1]

    def track_of(self, clip_id: str) -> str:
        return self.session.project.find_clip(clip_id)[0].id

    def clip_rect(self, clip_id: str):
        track, clip = self.session.project.find_clip(clip_id)
        index = [t.id for t in self.session.project.tracks].index(track.id)
        return self.layout.clip_rect(clip, index)

    def lane_y(self, index: int) -> int:
        return round(self.layout.top(index) + self.layout.lane_height / 2)


def make_timeline(qtbot: QtBot, tmp_path: Path, folder: bool = True) -> Timeline:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(72000, 220, channels=2))
    song.media("b", tone(48000, 440, amp=0.8, seed=1))
    for name in ("t1", "t2", "t3"):
        song.track(name)
    song.clip("t1", "a", 24000, "c1")
    song.clip("t2", "b", 120000, "c2")
    session = Session(song.project, song.folder if folder else None)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(1200, 520)
    view.show()
    qtbot.waitExposed(view)
    session.view.set_zoom(FRAMES_PER_PIXEL, 0)
    session.view.scroll_to(0)
    return Timeline(view, session, song)


def point(x: float, y: float) -> QPoint:
    return QPointF(x, y).toPoint()


def drag(qtbot: QtBot, widget, start: QPoint, end: QPoint,
         modifier: Qt.KeyboardModifier = NO_MODIFIER, steps: int = 4) -> None:
    """Press, move in a few steps, release, as a hand would."""
    qtbot.mousePress(widget, LEFT, modifier, start)
    for i in range(1, steps + 1):
        qtbot.mouseMove(widget, start + (end - start) * i / steps)
    qtbot.mouseRelease(widget, LEFT, modifier, end)


def snapped_beat(frame: float) -> int:
    """The nearest beat (the default snap) to a frame, from the song's tempo."""
    return round(round(frame / BEAT) * BEAT)


def brightness(image: QImage) -> np.ndarray:
    """Mean of R, G and B for every pixel, shaped (height, width)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    pixels = data.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, :3]
    return pixels.astype(np.float64).mean(axis=2)


def audio(timeline: Timeline, media_id: str) -> np.ndarray:
    return timeline.song.audio[media_id]


__all__ = ["RATE", "Timeline", "audio", "brightness", "drag", "make_timeline", "point",
           "snapped_beat"]
