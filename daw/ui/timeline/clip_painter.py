"""Drawing the clips of a lane: their bodies (see `clip_body`), then what depends on where the
clip is in view (its name pinned to the visible left edge, the fade and gain handles), and the
overlaps of clips that the renderer cross-fades."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen

from daw.model import Clip, Track
from daw.ui.session import Session
from daw.ui.timeline import style
from daw.ui.timeline.clip_body import ClipBody
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


class ClipPainter:
    """Draws the clips of one lane at a time onto the lanes."""

    def __init__(self, session: Session, cache: PeakCache) -> None:
        self.session = session
        self.bodies = ClipBody(session, cache)
        self.font = QFont()
        self.font.setPointSizeF(8.5)
        self._metrics = QFontMetrics(self.font)

    def paint_lane(self, painter: QPainter, track: Track, index: int, layout: LaneLayout,
                   area: QRectF, width: float) -> None:
        colour = QColor(track.colour)
        selected = self.session.selected_clips
        painter.setFont(self.font)
        for clip in track.clips:
            rect = layout.clip_rect(clip, index)
            if rect.right() < area.left() - 1 or rect.left() > area.right() + 1:
                continue
            chosen = clip.id in selected
            self.bodies.draw(painter, clip, colour, rect, area, chosen)
            self._paint_label(painter, clip, rect, width)
            if handles_shown(rect):
                self._paint_handles(painter, clip, rect, width)
        self._paint_overlaps(painter, track, index, layout, area)

    def _paint_label(self, painter: QPainter, clip: Clip, rect: QRectF, width: float) -> None:
        left = max(rect.left(), 0.0) + (3 * HANDLE_RADIUS if handles_shown(rect) else 4)
        room = min(rect.right(), width) - left - 4
        if room < 12 or rect.height() < 18:
            return
        text = clip.name or clip.media_id
        if clip.gain_db != 0:
            text += f"  {clip.gain_db:+.1f} dB"
        if clip.muted:
            text += "  (muted)"
        painter.setPen(style.CLIP_TEXT)
        elided = self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(room))
        painter.drawText(QPointF(left, rect.top() + 2 + self._metrics.ascent()), elided)

    def _paint_handles(self, painter: QPainter, clip: Clip, rect: QRectF, width: float) -> None:
        fpp = self.session.view.frames_per_pixel
        painter.setPen(QPen(QColor(0, 0, 0, 160), 1))
        painter.setBrush(style.HANDLE)
        size = 2 * HANDLE_RADIUS - 2
        for point in (fade_in_handle(rect, clip, fpp), fade_out_handle(rect, clip, fpp)):
            painter.drawRect(QRectF(point.x() - size / 2, point.y() - size / 2, size, size))
        gain = gain_handle(rect, clip, width)
        painter.setPen(QPen(style.GAIN_LINE, 2))
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
