"""The controls of an effect editor: a bar per continuous parameter with its value written in
real units, check boxes for switches, a box for a few choices, and a gain-reduction meter.

Like the mixer's fader, a bar is a controlled widget: a drag announces values and its end, a
double-click asks for the default, and what it shows changes only through `set_value`, which
the editor calls from the model.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from daw.ui.drag_control import DragControl
from daw.ui.effects.params import Param

BAR_FILL = QColor(92, 157, 237, 170)
BAR_FILL_ACTIVE = QColor(120, 180, 250, 210)
BAR_FILL_OFF = QColor(125, 132, 139, 70)
TEXT_MARGIN = 3.0
"""Pixels kept free of the value's marks on each side of the value text."""
GR_COLOUR = QColor("#e0943a")


class ParamBar(DragControl):
    """A horizontal bar for one parameter: drag anywhere on it (it never jumps to the mouse),
    Shift for fine steps, double-click for the default."""

    def __init__(self, param: Param, value: float, parent: QWidget | None = None) -> None:
        super().__init__(value, Qt.Orientation.Horizontal, 2.0, param.to_pos, param.from_pos,
                         parent)
        self.param = param
        self.grab_radius = 1e9  # a press anywhere grabs the value where it is
        self.setObjectName(f"param:{param.name}")
        self.setMinimumSize(96, 20)
        self.setCursor(Qt.CursorShape.SizeHorCursor)
        self._update_tip()

    def sizeHint(self) -> QSize:
        return QSize(150, 22)

    def text(self) -> str:
        """The value as written on the bar."""
        return self.param.format(self.value())

    def set_value(self, value: float) -> None:
        super().set_value(value)
        self._update_tip()

    def _update_tip(self) -> None:
        p = self.param
        self.setToolTip(f"{p.label}: {self.text()} (drag; Shift: fine; double-click: "
                        f"{p.format(p.default)})")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QColor("#3a3e43"))
        painter.setBrush(QColor("#17191c"))
        painter.drawRoundedRect(body, 3, 3)
        start = self._pixel_of_pos(self.param.to_pos(0.0) if self.param.bipolar else 0.0)
        end = self._pixel_of_pos(self.param.to_pos(self.value()))
        fill = QRectF(min(start, end), 2.5, abs(end - start), self.height() - 5)
        painter.setPen(Qt.PenStyle.NoPen)
        enabled = self.isEnabled()
        if not enabled:
            painter.setBrush(BAR_FILL_OFF)
        else:
            painter.setBrush(BAR_FILL_ACTIVE if self.is_dragging else BAR_FILL)
        painter.drawRoundedRect(fill, 2, 2)
        mark = QColor("#eef0f2") if enabled else QColor("#7d848b")
        for rect in self.mark_rects():
            painter.fillRect(rect, mark)
        painter.setPen(mark)
        painter.drawText(body, Qt.AlignmentFlag.AlignCenter, self.text())
        painter.end()

    def text_rect(self) -> QRectF:
        """Where the value text is written: centred on the bar, as wide as the text."""
        size = QFontMetricsF(self.font()).size(Qt.TextFlag.TextSingleLine, self.text())
        return QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                      size.width(), size.height())

    def mark_rects(self) -> list[QRectF]:
        """The value's marks at the top and bottom edges; none where they would cross the
        value text's columns (then the fill's edge alone shows the value), so a mark never
        splits a number ("2|50 Hz")."""
        end = self._pixel_of_pos(self.param.to_pos(self.value()))
        text = self.text_rect()
        if text.left() - TEXT_MARGIN < end + 1 and end - 1 < text.right() + TEXT_MARGIN:
            return []
        return [QRectF(end - 1, 1, 2, 4), QRectF(end - 1, self.height() - 5, 2, 4)]


def make_switch(param: Param) -> QCheckBox:
    box = QCheckBox(param.label)
    box.setObjectName(f"param:{param.name}")
    box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return box


def make_choice(param: Param) -> QComboBox:
    box = QComboBox()
    box.setObjectName(f"param:{param.name}")
    for value in range(int(param.minimum), int(param.maximum) + 1):
        box.addItem(param.format(float(value)), float(value))
    box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return box


class GainReductionMeter(QWidget):
    """How much a dynamics effect is turning the level down now, as a bar growing from the
    right and a number in dB."""

    RANGE_DB = 24.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reduction = 0.0
        self.setObjectName("GainReduction")
        self.setMinimumSize(120, 18)
        self.setToolTip("Gain reduction: how far the effect is turning the level down now")

    def reduction_db(self) -> float:
        return self._reduction

    def text(self) -> str:
        return f"GR {self._reduction:.1f} dB" if self._reduction >= 0.05 else "GR 0.0 dB"

    def set_reduction(self, reduction_db: float) -> None:
        value = max(0.0, float(reduction_db))
        if value != self._reduction:
            self._reduction = value
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(200, 18)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        body = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QColor("#3a3e43"))
        painter.setBrush(QColor("#17191c"))
        painter.drawRect(body)
        share = min(self._reduction, self.RANGE_DB) / self.RANGE_DB
        width = share * (self.width() - 4)
        painter.fillRect(QRectF(self.width() - 2 - width, 2, width, self.height() - 4),
                         GR_COLOUR)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        painter.setFont(font)
        painter.setPen(QColor("#eef0f2"))
        painter.drawText(body.adjusted(6, 0, -6, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.text())
        painter.end()
