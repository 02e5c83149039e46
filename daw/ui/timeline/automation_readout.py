"""What an automation lane says about its values: the value under the mouse ("−12.3 dB at
0:14.200"), a point's value beside it, and the name of the reference line.

A lane's line can end anywhere on its axis, so no label on the lane states a value that is not
where it is written: values are read where the mouse is, or beside their point; the thin
reference line is named as a mark of the axis ("0.0 dB mark"), not as the lane's value.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter

from daw.model.project import Project
from daw.ui.timeline.automation_geometry import Shown
from daw.ui.timeline.automation_targets import Axis, plain_value
from daw.ui.view_state import clock

TAG_BACK = QColor(15, 16, 18, 220)
TAG_HEIGHT = 15.0
TAG_GAP = 8.0
"""Pixels between the mouse (or a point) and its tag."""


def value_at(project: Project, shown: Shown, frame: int) -> float:
    """What the target is set to at `frame`: the envelope's value where it plays, else the
    plain setting (no points, or the envelope bypassed)."""
    envelope = shown.envelope
    if envelope is not None and envelope.enabled:
        value = envelope.value_at(frame)
        if value is not None:
            return value
    return plain_value(project, shown.owner, shown.target.key)


def cursor_text(axis: Axis, value: float, frame: int, rate: int) -> str:
    """The readout beside the mouse: "−12.3 dB at 0:14.200"."""
    return f"{axis.text(value)} at {clock(frame, rate)}"


def reference_text(axis: Axis) -> str:
    """The name of the reference line: a mark of the axis, never read as the lane's value."""
    if axis.reference is None:
        return ""
    if axis.unit == "pan":
        return "centre"
    return f"{axis.text(axis.reference)} mark"


def tag_rect(painter: QPainter, text: str, where: QPointF, right_edge: float) -> QRectF:
    """Where a tag for `text` goes: up and right of `where`, flipped left at the right edge
    and down at the top."""
    width = painter.fontMetrics().horizontalAdvance(text) + 8
    box = QRectF(where.x() + TAG_GAP, where.y() - TAG_GAP - TAG_HEIGHT + 3, width, TAG_HEIGHT)
    if box.right() > right_edge:
        box.moveRight(where.x() - TAG_GAP)
    if box.top() < 0:
        box.moveTop(where.y() + 6)
    return box


def paint_tag(painter: QPainter, text: str, where: QPointF, right_edge: float,
              colour: QColor) -> QRectF:
    """A value on a dark plate beside `where`; returns where it went."""
    box = tag_rect(painter, text, where, right_edge)
    painter.fillRect(box, TAG_BACK)
    painter.setPen(colour)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    return box
