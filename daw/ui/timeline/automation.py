"""Automation drawn over the lanes and edited with the mouse, as GarageBand does it: a lane that
shows an envelope (chosen with its header's A button) dims its clips and draws the envelope's
line and points over them, and the mouse there edits points instead of clips.

A click on empty space adds a point (on the grid unless Shift is held, as clips snap) with the
value at that height, and dragging on places it; a drag on a point moves it; a double-click on
a point, or Delete with it selected, deletes it. Each is one undo step. Without an envelope the
plain setting is drawn as a dashed line, and the first click starts the envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QMenu, QWidget

from daw.model import automation
from daw.model.project import MASTER
from daw.ui.polygons import polygon
from daw.ui.timeline.automation_geometry import GRAB_PX, EnvelopeGeometry, PointKey, Shown
from daw.ui.timeline.automation_readout import (
    cursor_text,
    paint_tag,
    reference_text,
    value_at,
)
from daw.ui.timeline.automation_targets import plain_value
from daw.ui.timeline.gestures import THRESHOLD_PX, bypass_snap

if TYPE_CHECKING:
    from daw.ui.timeline.lanes import Lanes

POINT_RADIUS = 3.5
CURVE_STEP_PX = 4
"""On a curved axis (fader law, logarithmic) a straight segment is drawn in steps this wide."""

LINE = QColor("#ffa24a")
LINE_PLAIN = QColor(255, 162, 74, 150)
LINE_BYPASSED = QColor(170, 174, 180, 190)
POINT_SELECTED = QColor("#ffffff")
POINT_EDGE = QColor(20, 20, 20, 200)
DIM = QColor(18, 20, 22, 150)
REFERENCE = QColor(255, 255, 255, 45)
CAPTION = QColor(255, 190, 130, 230)
HINT = QColor(200, 204, 209, 110)
LABEL_BACK = QColor(15, 16, 18, 220)
READOUT = QColor(235, 238, 242)


@dataclass
class _PointDrag:
    shown: Shown
    point: int
    origin: QPointF
    frame: int
    value: float
    label: str
    gesture: object
    active: bool = False


class AutomationOverlay(EnvelopeGeometry):
    """The envelopes of the lanes that show one: drawing and mouse editing."""

    def __init__(self, lanes: Lanes) -> None:
        super().__init__(lanes.session, lanes.layout)
        self.lanes = lanes
        self.selected: PointKey | None = None
        self.hovered: PointKey | None = None
        self.drag: _PointDrag | None = None
        self.cursor: QPointF | None = None
        """The mouse over an envelope row, away from its points: its value is read out."""
        self._just_added: PointKey | None = None
        self.font = QFont()
        self.font.setPointSizeF(8.0)

    # --- painting ---------------------------------------------------------------------------

    def paint(self, painter: QPainter, area: QRectF, first: int, last: int) -> None:
        """The envelopes of rows `first`..`last` over their (dimmed) lanes, into the layer."""
        painter.save()
        painter.setFont(self.font)
        for index in range(first, last + 1):
            shown = self.shown_at(index)
            if shown is not None:
                self._paint_row(painter, area, shown)
            else:
                self._paint_bus_hint(painter, area, index)
        painter.restore()

    def _paint_bus_hint(self, painter: QPainter, area: QRectF, index: int) -> None:
        owner = self.owner_of_row(index)
        if owner is None or owner == MASTER or not self.session.project.track(owner).is_bus:
            return
        layout = self.layout
        painter.setPen(HINT)
        painter.drawText(QRectF(max(area.left(), 0) + 8, layout.top(index), 400,
                                layout.lane_height),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         "Bus: it plays what tracks send it. Automate it with the A button.")

    def _paint_row(self, painter: QPainter, area: QRectF, shown: Shown) -> None:
        layout, axis = self.layout, shown.target.axis
        top, height = layout.top(shown.index), layout.lane_height
        painter.fillRect(QRectF(area.left(), top, area.width(), height - 1), DIM)
        left = max(area.left(), 0.0)
        if axis.reference is not None:
            y = round(float(self.y_of_fraction(shown.index, axis.fraction(axis.reference))))
            painter.fillRect(QRectF(area.left(), y, area.width(), 1), REFERENCE)
            painter.setPen(HINT)  # named at the right, clear of the caption on the left
            right = min(area.right(), float(self.lanes.width())) - 4
            painter.drawText(QRectF(right - 120, y - 13, 120, 12), Qt.AlignmentFlag.AlignRight,
                             reference_text(axis))
            if axis.unit == "pan":  # which way is which
                painter.drawText(QRectF(right - 20, top + 1, 20, 12),
                                 Qt.AlignmentFlag.AlignRight, "R")
                painter.drawText(QRectF(right - 20, top + height - 14, 20, 12),
                                 Qt.AlignmentFlag.AlignRight, "L")
        envelope = shown.envelope
        project = self.session.project
        caption = shown.target.title
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if envelope is None or not envelope.points:
            value = plain_value(project, shown.owner, shown.target.key)
            y = float(self.y_of_fraction(shown.index, axis.fraction(value)))
            painter.setPen(QPen(LINE_PLAIN, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right() + 1, y))
            caption += f": {axis.text(value)}  (click to add a point)"
        else:
            xs, ys = self._curve(shown, area)
            if envelope.enabled:
                painter.setPen(QPen(LINE, 2))
            else:
                painter.setPen(QPen(LINE_BYPASSED, 1.5, Qt.PenStyle.DashLine))
                caption += "  (bypassed)"
            painter.drawPolyline(polygon(xs, ys))
            self._paint_points(painter, area, shown, envelope.enabled)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        # On a dark plate, so clip names under it do not garble it.
        width = painter.fontMetrics().horizontalAdvance(caption) + 8
        painter.fillRect(QRectF(left + 2, top + 2, width, 14), LABEL_BACK)
        painter.setPen(CAPTION)
        painter.drawText(QRectF(left + 6, top + 2, width, 14),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, caption)

    def _curve(self, shown: Shown, area: QRectF) -> tuple[np.ndarray, np.ndarray]:
        """The visible line through the points: flat before the first and after the last,
        straight in the target's unit between them (so curved on a curved axis)."""
        view = self.view
        fpp = view.frames_per_pixel
        left, right = view.x_to_frame(area.left() - 2), view.x_to_frame(area.right() + 2)
        frames = np.array([p.frame for p in shown.points], dtype=np.float64)
        values = np.array([p.value for p in shown.points], dtype=np.float64)
        parts = [np.array([left, right]), frames[(frames > left) & (frames < right)]]
        if shown.target.axis.curved(values):
            parts.append(np.arange(left, right, CURVE_STEP_PX * fpp))
        at = np.unique(np.concatenate(parts))
        fractions = shown.target.axis.fractions(np.interp(at, frames, values))
        return (at - view.scroll_frame) / fpp, self.y_of_fraction(shown.index, fractions)

    def _paint_points(self, painter: QPainter, area: QRectF, shown: Shown,
                      enabled: bool) -> None:
        xs, ys = self.points_xy(shown)
        visible = np.flatnonzero((xs >= area.left() - GRAB_PX) & (xs <= area.right() + GRAB_PX))
        painter.setPen(QPen(POINT_EDGE, 1))
        painter.setBrush(LINE if enabled else LINE_BYPASSED)
        chosen = None
        for index in visible.tolist():
            if self.selected == (shown.owner, shown.target.key, index):
                chosen = index
                continue
            painter.drawEllipse(QPointF(xs[index], ys[index]), POINT_RADIUS, POINT_RADIUS)
        if chosen is not None:
            painter.setBrush(POINT_SELECTED)
            radius = POINT_RADIUS + 1
            painter.drawEllipse(QPointF(xs[chosen], ys[chosen]), radius, radius)

    def paint_hover(self, painter: QPainter) -> None:
        """Over the layer: the value of the selected point, of the point under the mouse (or
        being dragged), or else the value under the mouse."""
        painter.setFont(self.font)
        right = float(self.lanes.width())
        keys = [self.selected]
        if self.drag is not None:
            d = self.drag
            keys.append((d.shown.owner, d.shown.target.key, d.point))
        else:
            keys.append(self.hovered)
        for key in dict.fromkeys(k for k in keys if k is not None):
            found = self._point_tag(key)
            if found is not None:
                paint_tag(painter, found[0], found[1], right, LINE)
        readout = self.readout()
        if readout is not None and self.cursor is not None:
            paint_tag(painter, readout, self.cursor, right, READOUT)

    def _point_tag(self, key: PointKey) -> tuple[str, QPointF] | None:
        """A point's value and where the point is, if its row shows it."""
        if not self._valid(key):
            return None
        row = [t.id for t in self.session.project.tracks]
        shown = self.shown_at(row.index(key[0]) if key[0] in row else len(row))
        if shown is None or shown.target.key != key[1]:
            return None
        return shown.target.axis.text(shown.points[key[2]].value), self.point_xy(shown, key[2])

    def readout(self) -> str | None:
        """What the lane under the mouse is set to there ("−12.3 dB at 0:14.200"); None when
        the mouse is not over an envelope row, or is on a point (its own tag says it)."""
        if self.cursor is None or self.drag is not None or self.hovered is not None:
            return None
        shown = self.shown_at_y(self.cursor.y())
        if shown is None:
            return None
        project = self.session.project
        frame = max(0, round(self.view.x_to_frame(self.cursor.x())))
        value = value_at(project, shown, frame)
        return cursor_text(shown.target.axis, value, frame, project.sample_rate)

    # --- the mouse --------------------------------------------------------------------------

    def _select(self, key: PointKey | None) -> None:
        if key != self.selected:
            self.selected = key
            self.lanes.invalidate()

    def press(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        """A left press: grab a point, or add one and grab it. False when the row under the
        mouse shows no envelope (the press is then for the clips)."""
        shown = self.shown_at_y(pos.y())
        if shown is None:
            return False
        session, view = self.session, self.view
        if shown.owner != MASTER:
            session.select_track(shown.owner)
        session.select_clips(())
        gesture = object()
        hit = self.point_at(pos)
        if hit is not None:
            index = hit[1]
            point = shown.points[index]
            self._just_added = None
            self._select((shown.owner, shown.target.key, index))
            self.drag = _PointDrag(shown, index, QPointF(pos), point.frame, point.value,
                                   "Move Automation Point", gesture)
            return True
        frame = view.snapped(session.project, view.x_to_frame(pos.x()), bypass_snap(modifiers))
        value = shown.target.axis.value(self.fraction_at(shown.index, pos.y()))
        owner, key = shown.owner, shown.target.key
        if not session.edit("Add Automation Point",
                            lambda p: automation.add_point(p, owner, key, frame, value),
                            gesture):
            return True
        shown = self.shown_at(shown.index)
        assert shown is not None
        index = next(i for i, p in enumerate(shown.points) if p.frame == frame)
        self._just_added = (owner, key, index)
        self._select(self._just_added)
        self.drag = _PointDrag(shown, index, QPointF(pos), frame, value,
                               "Add Automation Point", gesture)
        return True

    def move(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        """Drag the grabbed point: it follows the mouse from where it was grabbed."""
        d = self.drag
        if d is None:
            return False
        if not d.active:
            if (pos - d.origin).manhattanLength() < THRESHOLD_PX:
                return True
            d.active = True
        session, view, shown = self.session, self.view, d.shown
        frame = view.snapped(session.project,
                             d.frame + (pos.x() - d.origin.x()) * view.frames_per_pixel,
                             bypass_snap(modifiers))
        start_y = self.y_of_fraction(shown.index, shown.target.axis.fraction(d.value))
        value = shown.target.axis.value(
            self.fraction_at(shown.index, float(start_y) + pos.y() - d.origin.y()))
        owner, key, point = shown.owner, shown.target.key, d.point
        session.edit(d.label, lambda p: automation.move_point(p, owner, key, point, frame, value),
                     d.gesture)
        return True

    def release(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        if self.drag is None:
            return False
        if self.drag.active:
            self.move(pos, modifiers)
        self.drag = None
        self.session.end_gesture()
        self.lanes.invalidate()
        return True

    def double_click(self, pos: QPointF) -> bool:
        """Delete the point double-clicked (not the one the first click of it just added)."""
        shown = self.shown_at_y(pos.y())
        if shown is None:
            return False
        hit = self.point_at(pos)
        if hit is not None:
            key = (shown.owner, shown.target.key, hit[1])
            if key == self._just_added:
                self._just_added = None
            else:
                self.delete_point(*key)
        return True

    def hover(self, pos: QPointF) -> bool:
        """Follow the mouse: the point under it shows its value. False off envelope rows."""
        shown = self.shown_at_y(pos.y())
        hit = self.point_at(pos) if shown is not None else None
        key = (hit[0].owner, hit[0].target.key, hit[1]) if hit is not None else None
        cursor = QPointF(pos) if shown is not None else None
        if key != self.hovered or cursor != self.cursor:
            self.hovered = key
            self.cursor = cursor
            self.lanes.update()
        if shown is None:
            return False
        self.lanes.setCursor(Qt.CursorShape.PointingHandCursor if hit is not None
                             else Qt.CursorShape.CrossCursor)
        return True

    def leave(self) -> None:
        if self.hovered is not None or self.cursor is not None:
            self.hovered = None
            self.cursor = None
            self.lanes.update()

    # --- commands ---------------------------------------------------------------------------

    def delete_point(self, owner: str, target: str, index: int) -> None:
        self.session.edit("Delete Automation Point",
                          lambda p: automation.delete_point(p, owner, target, index))
        self._select(None)

    def delete_selected(self) -> bool:
        """Delete the selected point (Delete key); False when no point is selected."""
        if not self._valid(self.selected):
            self.selected = None
            return False
        assert self.selected is not None
        self.delete_point(*self.selected)
        return True

    def menu(self, pos: QPointF, parent: QWidget) -> QMenu | None:
        """The right-click menu of an envelope row (None elsewhere)."""
        shown = self.shown_at_y(pos.y())
        if shown is None:
            return None
        owner, key, envelope = shown.owner, shown.target.key, shown.envelope
        hit = self.point_at(pos)
        menu = QMenu(parent)
        delete = menu.addAction("Delete Point")
        delete.setEnabled(hit is not None)
        if hit is not None:
            delete.triggered.connect(lambda: self.delete_point(owner, key, hit[1]))
        clear = menu.addAction("Clear Envelope")
        clear.setEnabled(envelope is not None)
        clear.triggered.connect(lambda: self.session.edit(
            "Clear Envelope", lambda p: automation.clear_envelope(p, owner, key)))
        bypass = menu.addAction("Bypass Envelope")
        bypass.setCheckable(True)
        bypass.setChecked(envelope is not None and not envelope.enabled)
        bypass.setEnabled(envelope is not None)
        bypass.toggled.connect(lambda on: self.session.edit(
            "Bypass Envelope", lambda p: automation.set_envelope_enabled(p, owner, key, not on)))
        if owner != MASTER:
            menu.addSeparator()
            menu.addAction("Hide Automation", lambda: self.view.show_automation(owner, None))
        return menu
