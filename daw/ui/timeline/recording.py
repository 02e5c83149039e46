"""Drawing takes as they are recorded: a red clip that grows with the playhead, with the
waveform the engine has seen so far (of a loop recording, the pass being recorded, over the
loop region)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen

from daw.engine.live.live_peaks import TakePreview
from daw.ui.polygons import polygon
from daw.ui.session import Session
from daw.ui.timeline.geometry import LaneLayout

TAKE_FILL = QColor(200, 60, 60, 110)
TAKE_EDGE = QColor(230, 90, 90)
TAKE_WAVE = QColor(255, 220, 220)


def paint_takes(painter: QPainter, session: Session, layout: LaneLayout, width: float) -> None:
    """Paint every take in progress over its lane, from the record point (or the start of the
    loop pass being recorded) to what has been captured so far."""
    state = session.engine_state
    if not state.recording or not state.takes:
        return
    view = session.view
    rows = {t.id: i for i, t in enumerate(session.project.tracks)}
    for take in state.takes:
        row = rows.get(take.track_id)
        if row is None:
            continue
        _paint_take(painter, take, layout.top(row), layout.lane_height, view.frame_to_x,
                    view.frames_per_pixel, width)


def _paint_take(painter: QPainter, take: TakePreview, top: float, height: float, to_x,
                frames_per_pixel: float, width: float) -> None:
    start, mins, maxs = take.shown()
    if len(mins) == 0:
        return
    start_x = to_x(start)
    end_x = to_x(start + len(mins) * take.frames_per_point)
    if end_x < 0 or start_x > width:
        return
    body = QRectF(start_x, top + 1, max(1.0, end_x - start_x), height - 2)
    painter.fillRect(body, TAKE_FILL)
    painter.setPen(QPen(TAKE_EDGE, 1))
    painter.drawRect(body)
    # One column per pixel: the points under each pixel reduced to their min and max.
    per_pixel = max(1, int(frames_per_pixel / take.frames_per_point))
    usable = len(mins) // per_pixel * per_pixel
    if usable == 0:
        return
    lows = mins[:usable].reshape(-1, per_pixel).min(axis=1)
    highs = maxs[:usable].reshape(-1, per_pixel).max(axis=1)
    xs = start_x + np.arange(len(lows)) * per_pixel * take.frames_per_point / frames_per_pixel
    keep = (xs >= -1) & (xs <= width + 1)
    if np.count_nonzero(keep) < 2:
        return
    middle = top + height / 2
    half = (height - 6) / 2
    xs = xs[keep]
    painter.setPen(QPen(TAKE_WAVE, 1))
    painter.drawPolygon(polygon(np.concatenate([xs, xs[::-1]]),
                                middle - np.concatenate([highs[keep], lows[keep][::-1]]) * half))
