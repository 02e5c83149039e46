"""The mixer's mouse controls: a fader with a dB scale and a pan slider.

Both are controlled widgets: a drag announces the value under the mouse (`dragged`) and the
end of the drag (`released`), and the value shown only changes through `set_value`, which the
strip calls from the model. So a refused edit leaves the control where the model is, and undo
moves it back. Neither takes keyboard focus, so Space keeps starting and stopping playback.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from daw.ui.drag_control import DragControl
from daw.ui.mixer.taper import db_to_position, position_to_db, quantize_db

FADER_MIN_HEIGHT = 60
"""Short enough that a whole strip fits a mixer a third of a laptop window high; the fader
grows with the dock."""


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
