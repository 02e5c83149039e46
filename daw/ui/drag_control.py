"""The drag control that the mixer's fader, pan and send levels and the effect editors' value
bars share: it lives here, below both, so neither package has to load the other first.

A controlled widget: a drag announces the value under the mouse (`dragged`) and the end of the
drag (`released`), and the value shown only changes through `set_value`, from the model. It
never takes keyboard focus, so Space keeps starting and stopping playback.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

FINE_FACTOR = 0.1
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
