"""Take lanes: under a track that shows its takes, one thin lane a take with its waveform,
bright where the take is heard in the comp and dimmed where it is not (grey when muted).

A click on a take lane makes the whole take the comp; a swipe across it puts the swiped range
(snapped to the grid unless Shift is held) into the comp, with the comp crossfade at each
join. The swipe is shown while the mouse moves and applied once on release: one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QMenu

from daw.model import Clip, Track
from daw.model.project import Take
from daw.ui.timeline import style
from daw.ui.timeline.clip_body import Item
from daw.ui.timeline.geometry import TAKE_LANE_HEIGHT
from daw.ui.timeline.gestures import THRESHOLD_PX, bypass_snap
from daw.ui.timeline.take_menu import TakeActions

if TYPE_CHECKING:
    from daw.ui.timeline.lanes import Lanes

TAKE_LANE = QColor("#1d1f22")
UNHEARD = QColor(16, 17, 19, 150)
"""Laid over the parts of a take that are not in the comp."""
SWIPE = QColor(255, 255, 255, 55)
SWIPE_EDGE = QColor(255, 255, 255, 190)
TAKE_TEXT = QColor(235, 238, 242, 210)
LABEL_BACK = QColor(20, 22, 25, 150)
HEARD_BAR = 3
"""Pixels of the bar in the track's colour along the top of what the comp plays."""


@dataclass
class Swipe:
    """A press on a take lane: a click if it does not move, a comp range if it does."""

    take_id: str
    index: int
    row: int
    origin: QPointF
    active: bool = False
    frames: tuple[int, int] | None = None
    """The range the swipe would put into the comp (snapped, inside the take)."""


def take_as_clip(take: Take) -> Clip:
    """A take drawn like a clip of its whole audio (the clip bodies' waveform machinery)."""
    return Clip(id=take.id, media_id=take.media_id, start_frame=take.start_frame,
                length_frames=take.length_frames,
                source_offset_frames=take.source_offset_frames, muted=take.muted,
                name=take.name, take_id=take.id)


def heard_spans(track: Track, take: Take) -> list[tuple[int, int]]:
    """The parts of the take (timeline frames where it was recorded) that the comp plays,
    merged and in order. A comp clip plays a stretch of the take's audio wherever it is now
    (moved or trimmed), so the stretch is found from its source frames."""
    spans = []
    for clip in track.clips:
        if clip.take_id != take.id or clip.muted:
            continue
        start = take.start_frame + clip.source_offset_frames - take.source_offset_frames
        start, end = max(start, take.start_frame), min(start + clip.source_frames,
                                                        take.end_frame)
        if end > start:
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class TakeLanes:
    """Draws the take lanes of the lanes widget and handles the mouse on them."""

    def __init__(self, lanes: Lanes) -> None:
        self.lanes = lanes
        self.session = lanes.session
        self.layout = lanes.layout
        self.actions = TakeActions(lanes.session, lanes)
        self.swipe: Swipe | None = None
        self.font = QFont()
        self.font.setPointSizeF(7.5)

    def shown(self, first: int, last: int) -> list[tuple[int, Track, int, Take]]:
        """(track index, track, lane, take) of the take lanes in rows first..last."""
        tracks = self.session.project.tracks
        found = []
        for index in range(max(first, 0), min(last, len(tracks) - 1) + 1):
            if self.layout.take_count(index):
                track = tracks[index]
                found += [(index, track, row, take) for row, take in enumerate(track.takes)]
        return found

    # --- painting -------------------------------------------------------------------------

    def paint_backgrounds(self, painter: QPainter, area: QRectF, first: int, last: int) -> None:
        """The lanes' background, before the grid is drawn over them."""
        for index, _track, row, _take in self.shown(first, last):
            top = self.layout.take_top(index, row)
            painter.fillRect(QRectF(area.left(), top, area.width(), TAKE_LANE_HEIGHT - 1),
                             TAKE_LANE)
            painter.fillRect(QRectF(area.left(), top + TAKE_LANE_HEIGHT - 1, area.width(), 1),
                             style.LANE_BORDER)

    def paint(self, painter: QPainter, area: QRectF, first: int, last: int) -> None:
        """Every take's waveform (in one batch of bodies), then what the comp plays of it."""
        lanes: list[tuple[Track, Take, QRectF]] = []
        items: list[Item] = []
        for index, track, row, take in self.shown(first, last):
            rect = self.layout.take_rect(take, index, row)
            if rect.right() < area.left() - 1 or rect.left() > area.right() + 1:
                continue
            lanes.append((track, take, rect))
            items.append((take_as_clip(take), QColor(track.colour), rect, False))
        if not items:
            return
        bodies = self.lanes.clips.bodies.tiles(items, area)
        painter.save()
        painter.setFont(self.font)
        view = self.session.view
        for (track, take, rect), tiles in zip(lanes, bodies, strict=True):
            for where, image, part in tiles:
                painter.drawImage(where, image, part)
            heard = heard_spans(track, take)
            edges = [take.start_frame] + [f for span in heard for f in span] + [take.end_frame]
            for start, end in zip(edges[::2], edges[1::2], strict=True):
                if end > start:  # the stretches between what is heard
                    painter.fillRect(self._span(rect, start, end, view.frame_to_x), UNHEARD)
            if not take.muted:
                bar = QColor(track.colour)
                for start, end in heard:
                    span = self._span(rect, start, end, view.frame_to_x)
                    painter.fillRect(QRectF(span.left(), span.top(), span.width(), HEARD_BAR),
                                     bar)
            self._paint_name(painter, take, rect)
        painter.restore()

    @staticmethod
    def _span(rect: QRectF, start: int, end: int, to_x) -> QRectF:
        return QRectF(QPointF(to_x(start), rect.top()), QPointF(to_x(end), rect.bottom()))

    def _paint_name(self, painter: QPainter, take: Take, rect: QRectF) -> None:
        left = max(rect.left(), 0.0) + 4
        room = min(rect.right(), float(self.lanes.width())) - left - 4
        if room < 24:
            return
        text = take.name + ("  (muted)" if take.muted else "")
        metrics = painter.fontMetrics()
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(room))
        box = QRectF(left - 2, rect.top() + HEARD_BAR + 1, metrics.horizontalAdvance(text) + 4,
                     metrics.height())
        painter.fillRect(box, LABEL_BACK)  # readable over a loud waveform
        painter.setPen(TAKE_TEXT)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def paint_swipe(self, painter: QPainter) -> None:
        """The range being swiped, over its take lane and the comp lane above it."""
        swipe = self.swipe
        if swipe is None or swipe.frames is None:
            return
        view, layout = self.session.view, self.layout
        x0, x1 = view.frame_to_x(swipe.frames[0]), view.frame_to_x(swipe.frames[1])
        for top, height in ((layout.take_top(swipe.index, swipe.row), TAKE_LANE_HEIGHT),
                            (layout.top(swipe.index), layout.lane_height)):
            band = QRectF(QPointF(x0, top + 1), QPointF(x1, top + height - 2))
            painter.fillRect(band, SWIPE)
            painter.setPen(QPen(SWIPE_EDGE, 1))
            painter.drawLine(band.topLeft(), band.bottomLeft())
            painter.drawLine(band.topRight(), band.bottomRight())

    def _update_swipe(self) -> None:
        swipe = self.swipe
        if swipe is None:
            return
        top = self.layout.top(swipe.index)
        bottom = self.layout.take_top(swipe.index, swipe.row) + TAKE_LANE_HEIGHT
        self.lanes.update(0, top, self.lanes.width(), bottom - top + 1)

    # --- the mouse ------------------------------------------------------------------------

    def take_at(self, pos: QPointF) -> tuple[int, int, Take] | None:
        found = self.layout.take_at(pos.y())
        if found is None:
            return None
        index, row = found
        return index, row, self.session.project.tracks[index].takes[row]

    def press(self, pos: QPointF) -> bool:
        """A left press: on a take lane it starts a click or a swipe (and selects the track)."""
        found = self.take_at(pos)
        if found is None:
            return False
        index, row, take = found
        self.session.select_track(self.session.project.tracks[index].id)
        self.swipe = Swipe(take.id, index, row, QPointF(pos))
        return True

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        swipe = self.swipe
        if swipe is None:
            return False
        if not swipe.active and (pos - swipe.origin).manhattanLength() < THRESHOLD_PX:
            return True
        swipe.active = True
        self._update_swipe()
        swipe.frames = self._range(swipe, pos, bypass_snap(modifiers))
        self._update_swipe()
        return True

    def _range(self, swipe: Swipe, pos: QPointF, bypass: bool) -> tuple[int, int] | None:
        take = self.actions.take(swipe.take_id)
        if take is None:
            return None
        project, view = self.session.project, self.session.view
        a, b = sorted((view.x_to_frame(swipe.origin.x()), view.x_to_frame(pos.x())))
        start = max(view.snapped(project, a, bypass), take.start_frame)
        end = min(view.snapped(project, b, bypass), take.end_frame)
        return (start, end) if end > start else None

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        swipe = self.swipe
        if swipe is None:
            return False
        if swipe.active:
            swipe.frames = self._range(swipe, pos, bypass_snap(modifiers))
        self._update_swipe()
        self.swipe = None
        if swipe.active:
            if swipe.frames is not None:
                self.actions.comp(swipe.take_id, *swipe.frames)
            return True
        take = self.actions.take(swipe.take_id)
        frame = self.session.view.x_to_frame(pos.x())
        if take is not None and take.start_frame <= frame < take.end_frame:
            self.actions.use(take.id)
        return True

    def menu(self, pos: QPointF) -> QMenu | None:
        found = self.take_at(pos)
        if found is None:
            return None
        return self.actions.menu(found[2].id, self.lanes)

    def media_shown(self) -> set[str]:
        """The media of every take lane shown (for the window's "waveforms ready")."""
        return {take.media_id for _i, _t, _r, take in self.shown(0, len(
            self.session.project.tracks) - 1)}
