"""The ruler over the lanes: markers, bars and beats, and time, with the loop region, the punch
range and the playhead. Click to locate, drag to set the loop, Alt-drag to set the punch range,
drag a marker to move it, double-click a marker to rename it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QWidget

from daw.model import Marker, ops
from daw.ui.session import Session
from daw.ui.timeline import style
from daw.ui.timeline.gestures import THRESHOLD_PX, bypass_snap
from daw.ui.timeline.grid import (
    beat_label,
    beat_positions,
    beat_step,
    second_step,
    time_label,
)

LABEL_MIN_PX = 64
TICK_MIN_PX = 7
PUNCH = QColor(236, 91, 82, 110)
PUNCH_OFF = QColor(236, 91, 82, 40)
PUNCH_EDGE = QColor(236, 91, 82, 210)


def toggle_punch(session: Session) -> None:
    """Punch In/Out on or off; turning it on without a range takes the loop's."""
    region = session.punch_region
    if session.punch_enabled and region is not None:
        session.set_punch(region[0], region[1], False)
        return
    region = region or punch_from_loop(session)
    if region is not None:
        session.set_punch(region[0], region[1], True)


def punch_from_loop(session: Session) -> tuple[int, int] | None:
    region = session.view.loop_region or session.engine_state.loop
    if region is None:
        session.errorRaised.emit("no loop to take the punch range from: drag one on the ruler")
    return region


def punch_from_selection(session: Session) -> tuple[int, int] | None:
    """The span of the selected clips."""
    project = session.project
    clips = [c for t in project.tracks for c in t.clips if c.id in session.selected_clips]
    if not clips:
        session.errorRaised.emit("no clips selected to take the punch range from")
        return None
    return min(c.start_frame for c in clips), max(c.end_frame for c in clips)


def punch_from_markers(session: Session) -> tuple[int, int] | None:
    """From the marker at or before the playhead to the next one."""
    frame = session.engine_state.position_frame
    frames = sorted({m.frame for m in session.project.markers})
    before = [f for f in frames if f <= frame]
    after = [f for f in frames if f > frame]
    if not before or not after:
        session.errorRaised.emit("the punch range goes from marker to marker: put the playhead "
                                 "between two markers")
        return None
    return before[-1], after[0]


def punch_choices(session: Session) -> list[tuple[str, object]]:
    """The "Set Punch Range from …" commands (menu text, function), for the ruler's menu and
    the window's."""
    def setter(source):
        def choose() -> None:
            region = source(session)
            if region is not None:
                session.set_punch(region[0], region[1], True)
        return choose

    return [("Set Punch Range from Loop", setter(punch_from_loop)),
            ("Set Punch Range from Selection", setter(punch_from_selection)),
            ("Set Punch Range from Markers", setter(punch_from_markers))]


class Ruler(QWidget):
    """Bars, beats and time over the lanes; its x axis is the lanes' x axis."""

    wheelTurned = Signal(QWheelEvent)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setFixedHeight(style.RULER_HEIGHT)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it fills what it paints
        self.setMouseTracking(True)
        self._font = QFont()
        self._font.setPointSizeF(8.0)
        self._metrics = QFontMetrics(self._font)
        self.loop_drag: tuple[int, int] | None = None
        """The loop being dragged out (start, end), drawn until the release sets it."""
        self.punch_drag: tuple[int, int] | None = None
        """The punch range being Alt-dragged out, drawn until the release sets it."""
        self._punching = False
        self._press: QPointF | None = None
        self._marker: Marker | None = None
        self._gesture: object | None = None
        self._dragging = False
        self._playhead_x = self._x(session.engine_state.position_frame)

    def _x(self, frame: float) -> float:
        return self.session.view.frame_to_x(frame)

    # --- painting -------------------------------------------------------------------------

    def playhead_moved(self) -> None:
        old, new = self._playhead_x, self._x(self.session.engine_state.position_frame)
        if round(old) != round(new):
            for x in (old, new):
                self.update(QRect(round(x) - 6, 0, 13, self.height()))
            self._playhead_x = new

    def paintEvent(self, event: QPaintEvent) -> None:
        area = QRectF(event.rect())
        painter = QPainter(self)
        painter.fillRect(area, style.RULER)
        painter.setFont(self._font)
        self._paint_loop(painter)
        self._paint_punch(painter)
        self._paint_bars(painter, area)
        self._paint_time(painter, area)
        painter.setPen(style.LANE_BORDER)
        for y in (style.MARKER_ROW, style.MARKER_ROW + style.BARS_ROW, self.height() - 1):
            painter.drawLine(QPointF(area.left(), y + 0.5), QPointF(area.right() + 1, y + 0.5))
        self._paint_markers(painter)
        x = round(self._x(self.session.engine_state.position_frame)) + 0.5
        painter.setPen(QPen(style.PLAYHEAD, 1))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.setBrush(style.PLAYHEAD)
        bottom = self.height()
        painter.drawPolygon(QPolygonF([QPointF(x - 5, bottom - 7), QPointF(x + 5, bottom - 7),
                                       QPointF(x, bottom)]))
        self._playhead_x = x - 0.5
        painter.end()

    def _paint_loop(self, painter: QPainter) -> None:
        loop = self.loop_drag or self.session.engine_state.loop
        if loop is None:
            return
        x0, x1 = self._x(loop[0]), self._x(loop[1])
        painter.fillRect(QRectF(QPointF(x0, 0), QPointF(x1, self.height())), style.LOOP)
        painter.setPen(QPen(style.LOOP_EDGE, 1))
        for x in (x0, x1):
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))

    def _paint_punch(self, painter: QPainter) -> None:
        """The punch range over the time row: strong while punch is on, faint while off."""
        region = self.punch_drag or self.session.punch_region
        if region is None:
            return
        on = self.punch_drag is not None or self.session.punch_enabled
        x0, x1 = self._x(region[0]), self._x(region[1])
        top = style.MARKER_ROW + style.BARS_ROW
        painter.fillRect(QRectF(QPointF(x0, top), QPointF(x1, self.height())),
                         PUNCH if on else PUNCH_OFF)
        if on:
            for x in (x0, x1):
                painter.fillRect(QRectF(round(x), top, 1, self.height() - top), PUNCH_EDGE)

    def _paint_bars(self, painter: QPainter, area: QRectF) -> None:
        project, view = self.session.project, self.session.view
        top, bottom = style.MARKER_ROW, style.MARKER_ROW + style.BARS_ROW
        label_step = beat_step(project, view.frames_per_pixel, LABEL_MIN_PX)
        tick_step = beat_step(project, view.frames_per_pixel, TICK_MIN_PX)
        left, right = area.left() - LABEL_MIN_PX, area.right() + 1
        # Ticks are one-pixel columns, filled as rectangles (faster than lines), end rows
        # included.
        for x, _beat in beat_positions(project, view, tick_step, left, right):
            painter.fillRect(round(x), bottom - 4, 1, 5, style.RULER_TICK)
        painter.setPen(style.RULER_TEXT)
        for x, beat in beat_positions(project, view, label_step, left, right):
            painter.fillRect(round(x), top, 1, bottom - top + 1, style.RULER_TICK)
            painter.drawText(QPointF(round(x) + 4, bottom - 4),
                             beat_label(project, beat, label_step))

    def _paint_time(self, painter: QPainter, area: QRectF) -> None:
        view, rate = self.session.view, self.session.project.sample_rate
        top = style.MARKER_ROW + style.BARS_ROW
        step = second_step(rate, view.frames_per_pixel, LABEL_MIN_PX + 10)
        step_frames = step * rate
        first = max(0, int(view.x_to_frame(area.left() - LABEL_MIN_PX - 10) // step_frames))
        last = int(view.x_to_frame(area.right() + 1) // step_frames) + 1
        painter.setPen(style.RULER_TEXT)
        for n in range(first, last + 1):
            x = round(self._x(n * step_frames))
            painter.fillRect(x, top, 1, 6, style.RULER_TICK)
            painter.drawText(QPointF(x + 4.5, self.height() - 4), time_label(n * step, step))

    def _marker_box(self, marker: Marker) -> QRectF:
        x = self._x(marker.frame)
        return QRectF(x, 1, self._metrics.horizontalAdvance(marker.name) + 10,
                      style.MARKER_ROW - 2)

    def _paint_markers(self, painter: QPainter) -> None:
        for marker in self.session.project.markers:
            box = self._marker_box(marker)
            if box.right() < 0 or box.left() > self.width():
                continue
            flag = QColor(style.MARKER)
            flag.setAlpha(60 if self._marker is None or self._marker.id != marker.id else 120)
            painter.fillRect(box, flag)
            painter.setPen(QPen(style.MARKER, 1))
            x = round(box.left()) + 0.5
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
            painter.drawText(QPointF(box.left() + 5, box.bottom() - 3), marker.name)

    # --- the mouse ------------------------------------------------------------------------

    def marker_at(self, pos: QPointF) -> Marker | None:
        if pos.y() > style.MARKER_ROW:
            return None
        for marker in reversed(self.session.project.markers):
            if self._marker_box(marker).adjusted(-3, -1, 0, 1).contains(pos):
                return marker
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._press = event.position()
        self._punching = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        self._marker = None if self._punching else self.marker_at(self._press)
        self._gesture = object()
        self._dragging = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is None:
            over = self.marker_at(pos) is not None
            self.setCursor(Qt.CursorShape.SizeHorCursor if over else Qt.CursorShape.ArrowCursor)
            return
        if not self._dragging and (pos - self._press).manhattanLength() < THRESHOLD_PX:
            return
        self._dragging = True
        self._drag_to(pos, bypass_snap(event.modifiers()))

    def _drag_to(self, pos: QPointF, bypass: bool) -> None:
        session, view = self.session, self.session.view
        project = session.project
        assert self._press is not None
        if self._marker is not None:
            marker = self._marker
            dx = (pos.x() - self._press.x()) * view.frames_per_pixel
            frame = view.snapped(project, marker.frame + dx, bypass)
            session.edit("Move Marker", lambda p: ops.move_marker(p, marker.id, frame),
                         gesture=self._gesture)
            return
        a, b = sorted((view.x_to_frame(self._press.x()), view.x_to_frame(pos.x())))
        region = (view.snapped(project, a, bypass), view.snapped(project, b, bypass))
        if self._punching:
            self.punch_drag = region
        else:
            self.loop_drag = region
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        pos = event.position()
        if self._dragging:
            self._drag_to(pos, bypass_snap(event.modifiers()))
        marker, loop, dragging = self._marker, self.loop_drag, self._dragging
        punch = self.punch_drag
        self._press, self._marker, self.loop_drag, self._dragging = None, None, None, False
        self.punch_drag = None
        self.update()
        if punch is not None:
            if punch[1] > punch[0]:
                self.session.set_punch(punch[0], punch[1], True)
        elif marker is not None:
            if dragging:
                self.session.end_gesture()
            else:
                self.session.locate(marker.frame)
        elif loop is not None:
            if loop[1] > loop[0]:
                self.session.set_loop(loop[0], loop[1], True)
        else:
            self.session.locate(round(self.session.view.x_to_frame(pos.x())))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        marker = self.marker_at(event.position())
        if marker is not None:
            self.rename_marker(marker.id)

    def rename_marker(self, marker_id: str) -> None:
        """Ask for a marker's new name (one undo step)."""
        marker = self.session.project.marker(marker_id)
        name, ok = QInputDialog.getText(self, "Rename Marker", "Marker name:",
                                        QLineEdit.EchoMode.Normal, marker.name)
        if ok and name.strip() and name.strip() != marker.name:
            self.session.edit("Rename Marker", lambda p: ops.rename_marker(p, marker_id, name))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.context_menu(QPointF(event.pos())).exec(event.globalPos())

    def context_menu(self, pos: QPointF) -> QMenu:
        """A marker's commands over a marker; the punch range's elsewhere."""
        menu = QMenu(self)
        marker = self.marker_at(pos)
        if marker is not None:
            menu.addAction("Rename Marker…", lambda: self.rename_marker(marker.id))
            menu.addAction("Delete Marker", lambda: self.session.edit(
                "Delete Marker", lambda p: ops.delete_marker(p, marker.id)))
            return menu
        punch = menu.addAction("Punch In/Out", lambda: toggle_punch(self.session))
        punch.setCheckable(True)
        punch.setChecked(self.session.punch_enabled)
        for text, choose in punch_choices(self.session):
            menu.addAction(text, choose)
        return menu

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.wheelTurned.emit(event)
        event.accept()
