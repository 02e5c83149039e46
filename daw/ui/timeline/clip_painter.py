"""Drawing the clips of a lane: their bodies (see `clip_body`), then what depends on where the
clip is in view (its name pinned to the visible left edge, the fade and gain handles), and the
overlaps of clips that the renderer cross-fades."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPen,
    QStaticText,
    QTransform,
)

from daw.model import Clip, Track
from daw.ui.session import Session
from daw.ui.timeline import style
from daw.ui.timeline.clip_body import ClipBody, Item
from daw.ui.timeline.geometry import (
    GAIN_HANDLE_WIDTH,
    HANDLE_RADIUS,
    LaneLayout,
    fade_in_handle,
    fade_out_handle,
    gain_handle,
    handles_shown,
)
from daw.ui.timeline.peak_cache import PeakCache

_TEXTS_KEPT = 4096
"""Laid-out clip names kept (several zooms' worth of elisions); then they are laid out anew."""


class ClipPainter:
    """Draws the clips of the lanes: every body image first (those not cached drawn in one
    batch), then lane by lane each clip's body, name and handles, and the overlaps."""

    def __init__(self, session: Session, cache: PeakCache) -> None:
        self.session = session
        self.bodies = ClipBody(session, cache)
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self._metrics = QFontMetrics(self.font)
        self._texts: dict[tuple[str, int], QStaticText] = {}
        self._text_widths: dict[str, int] = {}
        self._handle_pen = QPen(QColor(0, 0, 0, 160), 1)
        self._gain_pen = QPen(style.GAIN_LINE, 2)

    def paint_lanes(self, painter: QPainter, tracks: Sequence[tuple[int, Track]],
                    layout: LaneLayout, area: QRectF, width: float) -> None:
        """The clips of the given (index, track) lanes that meet `area`."""
        lanes: list[tuple[int, Track, list[tuple[Clip, QRectF]]]] = []
        items: list[Item] = []
        selected = self.session.selected_clips
        for index, track in tracks:
            colour = QColor(track.colour)
            shown = []
            for clip in track.clips:
                rect = layout.clip_rect(clip, index)
                if rect.right() < area.left() - 1 or rect.left() > area.right() + 1:
                    continue
                shown.append((clip, rect))
                items.append((clip, colour, rect, clip.id in selected))
            lanes.append((index, track, shown))
        bodies = iter(self.bodies.tiles(items, area))
        painter.setFont(self.font)
        for index, track, shown in lanes:
            for clip, rect in shown:
                for where, image, part in next(bodies):
                    painter.drawImage(where, image, part)
                self._paint_label(painter, clip, rect, width)
                if handles_shown(rect):
                    self._paint_handles(painter, clip, rect, width)
            self._paint_overlaps(painter, track, index, layout, area)

    def _label(self, text: str, room: int) -> QStaticText:
        """The text, elided to `room` pixels, laid out once and kept."""
        full = self._text_widths.get(text)
        if full is None:
            full = self._metrics.horizontalAdvance(text)
            self._text_widths[text] = full
        room = -1 if full <= room else room
        found = self._texts.get((text, room))
        if found is None:
            shown = text if room < 0 else self._metrics.elidedText(
                text, Qt.TextElideMode.ElideRight, room)
            found = QStaticText(shown)
            found.setTextFormat(Qt.TextFormat.PlainText)
            found.prepare(QTransform(), self.font)
            if len(self._texts) >= _TEXTS_KEPT:
                self._texts.clear()
                self._text_widths.clear()
            self._texts[(text, room)] = found
        return found

    def label_span(self, clip: Clip, rect: QRectF, width: float) -> tuple[float, float]:
        """The left and right x of the name: from the visible left edge, moved right of the
        fade-in handle and ended before the fade-out handle where they share its row, so a
        short clip's name is never drawn under them."""
        left = max(rect.left(), 0.0) + 4
        right = min(rect.right(), width) - 4
        if handles_shown(rect):
            fpp = self.session.view.frames_per_pixel
            gap = HANDLE_RADIUS + 2
            fade_in = fade_in_handle(rect, clip, fpp).x()
            fade_out = fade_out_handle(rect, clip, fpp).x()
            if fade_in + gap > left and fade_in - gap < right:
                left = fade_in + gap
            if fade_out - gap < right and fade_out + gap > left:
                right = fade_out - gap
        return left, right

    def _paint_label(self, painter: QPainter, clip: Clip, rect: QRectF, width: float) -> None:
        left, right = self.label_span(clip, rect, width)
        room = right - left
        if room < 12 or rect.height() < 18:
            return
        text = clip.name or clip.media_id
        if clip.gain_db != 0:
            text += f"  {clip.gain_db:+.1f} dB"
        if clip.muted:
            text += "  (muted)"
        painter.setPen(style.CLIP_TEXT)
        painter.drawStaticText(QPointF(left, rect.top() + 2), self._label(text, int(room)))

    def _paint_handles(self, painter: QPainter, clip: Clip, rect: QRectF, width: float) -> None:
        fpp = self.session.view.frames_per_pixel
        painter.setPen(self._handle_pen)
        painter.setBrush(style.HANDLE)
        size = 2 * HANDLE_RADIUS - 2
        for point in (fade_in_handle(rect, clip, fpp), fade_out_handle(rect, clip, fpp)):
            painter.drawRect(QRectF(point.x() - size / 2, point.y() - size / 2, size, size))
        gain = gain_handle(rect, clip, width)
        painter.setPen(self._gain_pen)
        painter.drawLine(QPointF(gain.x() - GAIN_HANDLE_WIDTH / 2, gain.y()),
                         QPointF(gain.x() + GAIN_HANDLE_WIDTH / 2, gain.y()))

    def _paint_overlaps(self, painter: QPainter, track: Track, index: int, layout: LaneLayout,
                        area: QRectF) -> None:
        """Where clips overlap the renderer cross-fades them: hatch the overlap, draw an X."""
        view = self.session.view
        clips = track.clips
        for i, first in enumerate(clips):
            for second in clips[i + 1:]:
                if second.start_frame >= first.end_frame:
                    break
                end = min(first.end_frame, second.end_frame)
                rect = layout.clip_rect(first, index)
                x0, x1 = view.frame_to_x(second.start_frame), view.frame_to_x(end)
                region = QRectF(QPointF(x0, rect.top()), QPointF(x1, rect.bottom()))
                shown = region.intersected(area)
                if shown.isEmpty():
                    continue
                painter.save()
                painter.setClipRect(shown)
                painter.fillRect(shown, QBrush(style.OVERLAP, Qt.BrushStyle.BDiagPattern))
                if x1 - x0 < 20000:
                    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                    painter.setPen(QPen(style.OVERLAP.lighter(200), 1))
                    painter.drawLine(region.topLeft(), region.bottomRight())
                    painter.drawLine(region.bottomLeft(), region.topRight())
                painter.restore()
