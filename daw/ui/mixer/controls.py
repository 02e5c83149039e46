"""The mixer's mouse controls: a fader with a dB scale and a pan slider.

Both are controlled widgets: a drag announces the value under the mouse (`dragged`) and the
end of the drag (`released`), and the value shown only changes through `set_value`, which the
strip calls from the model. So a refused edit leaves the control where the model is, and undo
moves it back. Neither takes keyboard focus, so Space keeps starting and stopping playback.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from daw.ui.mixer.taper import db_to_position, position_to_db, quantize_db

FINE_FACTOR = 0.1
FADER_MIN_HEIGHT = 60
"""Short enough that a whole strip fits a mixer a third of a laptop window high; the fader
grows with the dock."""
"""With Shift held, a drag moves the value ten times slower."""


class DragControl(QWidget):
    """A value picked along one axis by dragging; a double-click asks for the default.

    Pressing on the handle grabs it where it is (no jump); pressing elsewhere on the travel
    moves the handle under the mouse. `to_pos` and `from_pos` map values to positions on the
    travel (0 at the bottom or left, 1 at the top or right) and back; `margin` is the room in
    pixels kept at both ends of the travel for the handle."""

    dragged = Signal(float)
    """A new value during a drag (also when a press moves the handle)."""
    released = Signal()
    """The drag is over: the edits since the press are one gesture."""
    resetRequested = Signal()
    """A double-click: back to the default value."""

    def __init__(self, value: float, orientation: Qt.Orientation, margin: float,
                 to_pos: Callable[[float], float], from_pos: Callable[[float], float],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = value
        self._vertical = orientation == Qt.Orientation.Vertical
        self._margin = margin
        self._to_pos = to_pos
        self._from_pos = from_pos
        self.grab_radius = 6.0
        self._dragging = False
        self._drag_pos = 0.0
        self._offset = 0.0
        self._last_pixel = 0.0
        self._press_pixel = 0.0
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    # --- geometry -----------------------------------------------------------------------------

    def _travel(self) -> float:
        length = self.height() if self._vertical else self.width()
        return max(1.0, length - 2 * self._margin)

    def _axis(self, point: QPointF) -> float:
        return point.y() if self._vertical else point.x()

    def _pixel_of_pos(self, pos: float) -> float:
        along = pos if not self._vertical else 1.0 - pos
        return self._margin + along * self._travel()

    def _pos_of_pixel(self, pixel: float) -> float:
        along = min(1.0, max(0.0, (pixel - self._margin) / self._travel()))
        return along if not self._vertical else 1.0 - along

    def pixel_for_value(self, value: float) -> int:
        """Where the handle's centre sits for a value (row or column, in widget pixels)."""
        return round(self._pixel_of_pos(self._to_pos(value)))

    def value_at_pixel(self, pixel: float) -> float:
        """The value a drag picks with the handle's centre at `pixel`."""
        return self._from_pos(self._pos_of_pixel(pixel))

    # --- value --------------------------------------------------------------------------------

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        """Show a value (from the model); does not announce anything."""
        if value != self._value:
            self._value = value
            self.update()

    @property
    def is_dragging(self) -> bool:
        return self._dragging

    # --- mouse --------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pixel = self._axis(event.position())
        handle = round(self._pixel_of_pos(self._to_pos(self._value)))
        self._dragging = True
        self._press_pixel = self._last_pixel = pixel
        if abs(pixel - handle) <= self.grab_radius:
            self._offset = pixel - handle  # grabbed: a click alone changes nothing
            self._drag_pos = self._to_pos(self._value)
        else:
            self._offset = 0.0
            self._drag_pos = self._pos_of_pixel(pixel)
            self._announce()
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._dragging:
            super().mouseMoveEvent(event)
            return
        pixel = self._axis(event.position())
        if pixel == self._press_pixel == self._last_pixel:
            return  # a click that has not moved yet keeps the value it grabbed
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            step = self._pos_of_pixel(pixel) - self._pos_of_pixel(self._last_pixel)
            self._drag_pos = min(1.0, max(0.0, self._drag_pos + step * FINE_FACTOR))
            self._offset = pixel - self._pixel_of_pos(self._drag_pos)
        else:
            self._drag_pos = self._pos_of_pixel(pixel - self._offset)
        self._last_pixel = pixel
        self._announce()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._dragging:
            self._dragging = False
            self.released.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.resetRequested.emit()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # the wheel scrolls the mixer; it never moves a fader by accident

    def _announce(self) -> None:
        value = self._from_pos(self._drag_pos)
        if value != self._value:
            self.dragged.emit(value)


def _fader_value(pos: float) -> float:
    return quantize_db(position_to_db(pos))


def _pan_pos(pan_percent: float) -> float:
    return (pan_percent + 100.0) / 200.0


def _pan_value(pos: float) -> float:
    return float(round(pos * 200.0 - 100.0))


def _small_font(widget: QWidget) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(max(5.5, font.pointSizeF() * 0.62))
    return font


LABEL_HEIGHT = 10
"""The fader scale's numbers are this tall: closer marks keep their tick, not their number."""


def labelled_marks(ys: dict[float, float], height: float) -> set[float]:
    """The scale marks that get a number on a fader this tall: 0 dB always, then the others
    from the top down wherever their number does not run into one already placed."""
    placed = [ys[0.0]] if 0.0 in ys else []
    chosen = {0.0} if 0.0 in ys else set()
    for mark, y in ys.items():
        if mark not in chosen and all(abs(y - other) >= height for other in placed):
            placed.append(y)
            chosen.add(mark)
    return chosen


class Fader(DragControl):
    """A vertical gain fader from -inf to +12 dB, with its dB scale on the left."""

    CAP_HEIGHT = 22
    CAP_WIDTH = 18
    SCALE_MARKS = (12.0, 6.0, 0.0, -6.0, -12.0, -24.0, -36.0, -48.0, -60.0, -math.inf)

    def __init__(self, gain_db: float = 0.0, parent: QWidget | None = None) -> None:
        super().__init__(gain_db, Qt.Orientation.Vertical, self.CAP_HEIGHT / 2 + 2,
                         db_to_position, _fader_value, parent)
        self.grab_radius = self.CAP_HEIGHT / 2
        self.setMinimumSize(44, FADER_MIN_HEIGHT)
        self.setToolTip("Volume: drag (Shift: fine), double-click for 0 dB")

    def sizeHint(self) -> QSize:
        return QSize(46, 200)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        groove_x = self.width() - self.CAP_WIDTH / 2 - 2
        scale_right = groove_x - self.CAP_WIDTH / 2 - 2
        painter.setFont(_small_font(self))
        ys = {mark: self._pixel_of_pos(db_to_position(mark)) for mark in self.SCALE_MARKS}
        labelled = labelled_marks(ys, LABEL_HEIGHT)
        for mark, y in ys.items():
            painter.setPen(QColor(255, 255, 255, 140 if mark == 0.0 else 70))
            painter.drawLine(QPointF(scale_right - 3, y), QPointF(scale_right, y))
            if mark not in labelled:
                continue
            text = "-∞" if mark == -math.inf else f"{mark:+g}" if mark > 0 else f"{mark:g}"
            painter.setPen(QColor("#c8ccd0") if mark == 0.0 else QColor("#8a9096"))
            painter.drawText(QRectF(0, y - 6, scale_right - 4, 12),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        top, bottom = self._pixel_of_pos(1.0), self._pixel_of_pos(0.0)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#111315"))
        painter.drawRoundedRect(QRectF(groove_x - 2, top, 4, bottom - top), 2, 2)
        y = self._pixel_of_pos(db_to_position(self._value))
        cap = QRectF(groove_x - self.CAP_WIDTH / 2, y - self.CAP_HEIGHT / 2,
                     self.CAP_WIDTH, self.CAP_HEIGHT)
        painter.setBrush(QColor("#9aa1a8") if self.is_dragging else QColor("#7d848b"))
        painter.setPen(QColor("#2a2d30"))
        painter.drawRoundedRect(cap, 3, 3)
        painter.setPen(QColor("#eef0f2"))
        painter.drawLine(QPointF(cap.left() + 2, y), QPointF(cap.right() - 2, y))
        painter.end()


class PanSlider(DragControl):
    """A horizontal pan control from -100 (left) to +100 (right); double-click centres it."""

    def __init__(self, pan_percent: float = 0.0, parent: QWidget | None = None) -> None:
        super().__init__(pan_percent, Qt.Orientation.Horizontal, 4.0, _pan_pos, _pan_value,
                         parent)
        self.grab_radius = 5.0
        self.setFixedHeight(16)
        self.setMinimumWidth(40)
        self.setToolTip("Pan: drag (Shift: fine), double-click to centre")

    def sizeHint(self) -> QSize:
        return QSize(70, 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        body = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QColor("#2a2d30"))
        painter.setBrush(QColor("#141618"))
        painter.drawRoundedRect(body, 3, 3)
        centre = self._pixel_of_pos(0.5)
        x = self._pixel_of_pos(_pan_pos(self._value))
        painter.fillRect(QRectF(min(centre, x), 3, abs(x - centre), self.height() - 6),
                         QColor(92, 157, 237, 150))
        painter.fillRect(QRectF(x - 1, 2, 2, self.height() - 4), QColor("#eef0f2"))
        painter.setFont(_small_font(self))
        painter.setPen(QColor("#c8ccd0"))
        # The value is written on the side away from the indicator, so neither hides the other.
        side = Qt.AlignmentFlag.AlignRight if self._value <= 0 else Qt.AlignmentFlag.AlignLeft
        painter.drawText(body.adjusted(4, 0, -4, 0), side | Qt.AlignmentFlag.AlignVCenter,
                         pan_text(self._value))
        painter.end()


def pan_text(pan_percent: float) -> str:
    """"C", "L35", "R100"."""
    value = round(pan_percent)
    if value == 0:
        return "C"
    return f"L{-value}" if value < 0 else f"R{value}"
