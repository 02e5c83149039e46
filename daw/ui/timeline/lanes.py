"""The clip lanes: one lane a track with its clips, the grid, the loop, markers and the
playhead, and the mouse gestures that edit clips (move, trim, fades, gain, rubber band) and
drop audio files. A lane that shows an envelope hands the mouse to the automation overlay.

The lanes and clips are drawn into a layer once per change (project, selection, view, peaks);
a repaint copies from it and draws the playhead and rubber band on top, so a playhead step at
30 Hz copies two thin strips and draws no waveform.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from daw.model import Project
from daw.model.project import MASTER
from daw.ui.session import Session
from daw.ui.shortcuts import empty_song_hint
from daw.ui.timeline import style
from daw.ui.timeline.automation import AutomationOverlay
from daw.ui.timeline.clip_painter import ClipPainter
from daw.ui.timeline.geometry import Hit, LaneLayout, Zone, hit_test
from daw.ui.timeline.gestures import Drag, FadeDrag, GainDrag, MoveDrag, RubberBand, TrimDrag
from daw.ui.timeline.grid import beat_positions, beat_step
from daw.ui.timeline.missing_look import missing_tip
from daw.ui.timeline.peak_cache import PeakCache
from daw.ui.timeline.recording import paint_takes
from daw.ui.timeline.ruler import PUNCH_EDGE
from daw.ui.timeline.takes import TakeLanes

_CURSORS = {
    Zone.BODY: Qt.CursorShape.ArrowCursor,
    Zone.TRIM_START: Qt.CursorShape.SizeHorCursor,
    Zone.TRIM_END: Qt.CursorShape.SizeHorCursor,
    Zone.FADE_IN: Qt.CursorShape.PointingHandCursor,
    Zone.FADE_OUT: Qt.CursorShape.PointingHandCursor,
    Zone.GAIN: Qt.CursorShape.SizeVerCursor,
}
GRID_MIN_PX = 12
"""Beat (or finer) grid lines are drawn only this far apart or more."""
BUS_LANE = QColor("#202a30")
MASTER_LANE = QColor("#2a2630")
EMPTY_HINT = QColor("#aab0b7")


class Lanes(QWidget):
    """The lanes under the ruler, right of the track headers."""

    contextMenuWanted = Signal(QPoint, object)
    """Global position and the clip id under the mouse (or None)."""
    wheelTurned = Signal(QWheelEvent)
    """Wheel events, for the timeline to zoom or scroll around the mouse."""

    def __init__(self, session: Session, layout: LaneLayout, cache: PeakCache,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.layout = layout
        self.clips = ClipPainter(session, cache)
        self.automation = AutomationOverlay(self)
        self.takes = TakeLanes(self)
        self.drag: Drag | None = None
        self.hover: QPointF | None = None
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 60)
        # Every pixel is painted (from an opaque layer), so Qt need not clear the background.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._playhead_x = self.playhead_x()
        self._layer: QImage | None = None
        self._layer_valid = False

    # --- painting -------------------------------------------------------------------------

    def playhead_x(self) -> float:
        return self.session.view.frame_to_x(self.session.engine_state.position_frame)

    def playhead_moved(self) -> None:
        """Repaint the strips where the playhead was and is, not the whole lanes (the whole
        lanes while recording, where the takes grow)."""
        if self.session.engine_state.recording:
            self.update()
            self._playhead_x = self.playhead_x()
            return
        old, new = self._playhead_x, self.playhead_x()
        if round(old) == round(new):
            return
        for x in (old, new):
            if -3 <= x <= self.width() + 3:
                self.update(QRect(round(x) - 2, 0, 5, self.height()))
        self._playhead_x = new

    def invalidate(self) -> None:
        """The content changed (project, selection, view, peaks): draw it again."""
        self._layer_valid = False
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Lanes and clips come from a layer drawn once per change; the rubber band and the
        playhead are drawn over it, so a playhead step copies two thin strips."""
        ratio = self.devicePixelRatioF()
        size = QSize(round(self.width() * ratio), round(self.height() * ratio))
        if self._layer is None or self._layer.size() != size:
            self._layer = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            self._layer.setDevicePixelRatio(ratio)
            self._layer_valid = False
        if not self._layer_valid:
            layer_painter = QPainter(self._layer)
            self._paint_content(layer_painter, QRectF(self.rect()))
            layer_painter.end()
            self._layer_valid = True
        area = QRectF(event.rect())
        painter = QPainter(self)
        painter.drawImage(area, self._layer, QRectF(area.topLeft() * ratio, area.size() * ratio))
        paint_takes(painter, self.session, self.layout, self.width())
        self.takes.paint_swipe(painter)
        self.automation.paint_hover(painter)
        if isinstance(self.drag, RubberBand) and self.drag.active:
            painter.setPen(QPen(style.RUBBER_BAND_EDGE, 1))
            painter.setBrush(style.RUBBER_BAND)
            painter.drawRect(self.drag.rect)
        x = self.playhead_x()
        if area.left() - 2 <= x <= area.right() + 2:
            painter.setPen(QPen(style.PLAYHEAD, 1))
            painter.drawLine(QPointF(round(x) + 0.5, area.top()),
                             QPointF(round(x) + 0.5, area.bottom() + 1))
        self._playhead_x = x
        painter.end()

    def _paint_content(self, painter: QPainter, area: QRectF) -> None:
        project = self.session.project
        count = len(project.tracks)
        rows = self.session.view.row_count(project)
        below = self.layout.top(rows)
        if below < area.bottom() + 1:
            painter.fillRect(QRectF(area.left(), below, area.width(), area.bottom() + 1 - below),
                             style.LANE_BORDER)
        first = max(0, self.layout.row_at(area.top()))
        last_row = min(rows - 1, self.layout.row_at(area.bottom()))
        last = min(count - 1, last_row)
        height = self.layout.lane_height
        for index in range(first, last_row + 1):
            top = self.layout.top(index)
            track = project.tracks[index] if index < count else None
            colour = (MASTER_LANE if track is None
                      else style.LANE_SELECTED if track.id == self.session.selected_track
                      else BUS_LANE if track.is_bus
                      else style.LANE_ALT if index % 2 else style.LANE)
            painter.fillRect(QRectF(area.left(), top, area.width(), height - 1), colour)
            painter.fillRect(QRectF(area.left(), top + height - 1, area.width(), 1),
                             style.LANE_BORDER)
        self.takes.paint_backgrounds(painter, area, first, last)
        self._paint_grid(painter, area, min(area.bottom(), self.layout.top(rows)))
        self._paint_loop(painter, area)
        self.clips.paint_lanes(painter, [(i, project.tracks[i]) for i in range(first, last + 1)],
                               self.layout, area, float(self.width()))
        self.takes.paint(painter, area, first, last)
        self._paint_punch(painter, area)
        self.automation.paint(painter, area, first, last_row)
        self._paint_markers(painter, area)
        if not project.tracks:
            self._paint_empty_hint(painter)

    def empty_hint_rect(self) -> QRectF:
        """Where a song without tracks says what to do first: across the top of the lanes,
        below the master row when it is shown."""
        top = self.layout.top(self.session.view.row_count(self.session.project)) + 24
        return QRectF(16, top, max(self.width() - 32, 0), 40)

    def _paint_empty_hint(self, painter: QPainter) -> None:
        painter.save()
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        painter.setPen(EMPTY_HINT)
        painter.drawText(self.empty_hint_rect(),
                         Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                         empty_song_hint())
        painter.restore()

    def resizeEvent(self, event) -> None:
        self._layer_valid = False
        super().resizeEvent(event)

    def _paint_grid(self, painter: QPainter, area: QRectF, bottom: float) -> None:
        project, view = self.session.project, self.session.view
        if bottom <= area.top():
            return
        step = beat_step(project, view.frames_per_pixel, GRID_MIN_PX)
        per_bar = project.time_signature[0]
        # One-pixel columns: filled as rectangles, which the raster engine does several times
        # faster than it draws lines (the lines from top to bottom covered both end rows).
        top, rows = round(area.top()), math.floor(bottom) - round(area.top()) + 1
        for x, beat in beat_positions(project, view, step, area.left() - 1, area.right() + 1):
            on_bar = abs(beat / per_bar - round(beat / per_bar)) < 1e-9
            painter.fillRect(round(x), top, 1, rows, style.GRID_BAR if on_bar else style.GRID_BEAT)

    def _paint_loop(self, painter: QPainter, area: QRectF) -> None:
        loop = self.session.engine_state.loop
        if loop is None:
            return
        view = self.session.view
        region = QRectF(QPointF(view.frame_to_x(loop[0]), area.top()),
                        QPointF(view.frame_to_x(loop[1]), area.bottom() + 1))
        shade = region.intersected(area)
        if not shade.isEmpty():
            colour = QColor(style.LOOP)
            colour.setAlpha(28)
            painter.fillRect(shade, colour)

    def _paint_punch(self, painter: QPainter, area: QRectF) -> None:
        """While punch is on, its in and out points as lines down the lanes."""
        view, region = self.session.view, self.session.punch_region
        if not self.session.punch_enabled or region is None:
            return
        for frame in region:
            x = round(view.frame_to_x(frame))
            if area.left() - 1 <= x <= area.right() + 1:
                painter.fillRect(QRectF(x, area.top(), 1, area.height() + 1), PUNCH_EDGE)

    def _paint_markers(self, painter: QPainter, area: QRectF) -> None:
        view = self.session.view
        pen = QPen(style.MARKER_LINE, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for marker in self.session.project.markers:
            x = round(view.frame_to_x(marker.frame)) + 0.5
            if area.left() - 1 <= x <= area.right() + 1:
                painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom() + 1))

    # --- the mouse ------------------------------------------------------------------------

    def hit_at(self, pos: QPointF) -> Hit | None:
        return hit_test(self.session.project, self.layout, pos, float(self.width()))

    def clip_under_mouse(self) -> str | None:
        """The clip the mouse is over now (as far as the lanes last saw it), or None."""
        if self.hover is None:
            return None
        hit = self.hit_at(self.hover)
        return hit.clip_id if hit else None

    def event(self, event: QEvent) -> bool:
        """A tooltip over a clip whose file is missing names the file."""
        if event.type() == QEvent.Type.ToolTip:
            hit = self.hit_at(QPointF(event.pos()))
            project, cache = self.session.project, self.clips.bodies.peaks
            if hit is not None:
                ref = project.media_ref(project.find_clip(hit.clip_id)[1].media_id)
                if cache.is_missing(self.session.folder, ref):
                    QToolTip.showText(event.globalPos(), missing_tip(project, hit.clip_id), self)
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        modifiers = event.modifiers()
        if self.takes.press(pos) or self.automation.press(pos, modifiers):
            return
        hit = self.hit_at(pos)
        if hit is None:
            additive = bool(modifiers & (Qt.KeyboardModifier.ShiftModifier
                                         | Qt.KeyboardModifier.ControlModifier))
            self.drag = RubberBand(self, pos, additive)
            return
        session = self.session
        session.select_track(session.project.tracks[hit.track_index].id)
        selected = session.selected_clips
        if hit.zone is Zone.BODY:
            if modifiers & Qt.KeyboardModifier.ControlModifier:
                session.select_clips(selected ^ {hit.clip_id})
                return
            if modifiers & Qt.KeyboardModifier.ShiftModifier:
                selected = selected | {hit.clip_id}
            elif hit.clip_id not in selected:
                selected = frozenset({hit.clip_id})
            session.select_clips(selected)
            self.drag = MoveDrag(self, pos, hit, selected)
            return
        if hit.clip_id not in selected:
            session.select_clips([hit.clip_id])
        if hit.zone in (Zone.TRIM_START, Zone.TRIM_END):
            self.drag = TrimDrag(self, pos, hit)
        elif hit.zone in (Zone.FADE_IN, Zone.FADE_OUT):
            self.drag = FadeDrag(self, pos, hit)
        else:
            self.drag = GainDrag(self, pos, hit)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        self.hover = pos
        if self.takes.move(pos, event.modifiers()) or self.automation.move(pos,
                                                                           event.modifiers()):
            return
        if self.drag is not None:
            self.drag.move(pos, event.modifiers())
            return
        if self.automation.hover(pos):
            return
        hit = self.hit_at(pos)
        self.setCursor(_CURSORS[hit.zone] if hit else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if (self.takes.release(event.position(), event.modifiers())
                or self.automation.release(event.position(), event.modifiers())
                or self.drag is None):
            return
        drag, self.drag = self.drag, None
        drag.release(event.position(), event.modifiers())
        self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if (event.button() == Qt.MouseButton.LeftButton
                and self.automation.double_click(event.position())):
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete (or Backspace) deletes a selected automation point; other keys, and Delete
        without one, go on to the timeline's commands."""
        if (event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
                and self.automation.delete_selected()):
            event.accept()
            return
        super().keyPressEvent(event)

    def leaveEvent(self, event) -> None:
        self.hover = None
        self.automation.leave()
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.wheelTurned.emit(event)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.takes.menu(QPointF(event.pos())) or self.automation.menu(
            QPointF(event.pos()), self)
        if menu is not None:
            menu.exec(event.globalPos())
            return
        hit = self.hit_at(QPointF(event.pos()))
        if hit is not None and hit.clip_id not in self.session.selected_clips:
            self.session.select_clips([hit.clip_id])
        self.contextMenuWanted.emit(event.globalPos(), hit.clip_id if hit else None)

    # --- dropping files -------------------------------------------------------------------

    @staticmethod
    def _dropped_files(event: QDropEvent | QDragEnterEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped_files(event)
        if not paths:
            return
        session, pos = self.session, event.position()
        project = session.project
        index = self.layout.index_at(pos.y(), len(project.tracks))
        refusal = self._drop_refusal(project, index, pos.y(), paths)
        if refusal:
            event.ignore()
            session.errorRaised.emit(refusal)
            return
        event.acceptProposedAction()
        track_id = project.tracks[index].id if index is not None else None
        bypass = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        frame = session.view.snapped(project, session.view.x_to_frame(pos.x()), bypass)
        made = session.import_files(paths, track_id=track_id, at_frame=frame)
        if made:
            session.select_clips(made)

    def _drop_refusal(self, project: Project, index: int | None, y: float,
                      paths: list[Path]) -> str | None:
        """Why the files cannot be dropped at this row (a bus, the master row), or None."""
        names = ", ".join(p.name for p in paths)
        if index is not None and project.tracks[index].is_bus:
            return (f"cannot drop {names} on {project.tracks[index].name!r}: a bus plays what "
                    "tracks send it, not clips (drop on an audio track or below the tracks)")
        if self.automation.owner_of_row(self.layout.row_at(y)) == MASTER:
            return (f"cannot drop {names} on the master row: it holds no clips (drop on an "
                    "audio track or below the tracks)")
        return None
