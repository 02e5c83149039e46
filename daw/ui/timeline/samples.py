"""Zoomed past one sample a pixel, the waveform is the samples themselves: a line through them
over a faint centre line per channel, and a dot on each once they are far enough apart."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from daw.ui.polygons import polygon

DOTS_FROM_PIXELS = 6.0
"""At this many pixels a sample and more, each sample is drawn as a dot on the line."""


def paint_samples(painter: QPainter, samples: np.ndarray, xs: np.ndarray, inner: QRectF,
                  width: float, pixels_per_frame: float, colour: QColor) -> None:
    """Samples (channels, n), gain applied, at x positions `xs`: channel c in row c of
    `inner` split in equal rows, full scale half a row less a pixel from its centre; the
    centre lines from x 0 to `width`."""
    if samples.shape[1] == 0:
        return
    row = inner.height() / samples.shape[0]
    faint = QColor(colour)
    faint.setAlpha(60)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for channel in range(samples.shape[0]):
        centre = inner.top() + row * (channel + 0.5)
        ys = centre - np.clip(samples[channel], -1, 1) * (row / 2 - 1)
        painter.setPen(QPen(faint, 1))
        painter.drawLine(QPointF(0, centre), QPointF(width, centre))
        points = polygon(xs, ys)
        painter.setPen(QPen(colour, 1))
        painter.drawPolyline(points)
        if pixels_per_frame >= DOTS_FROM_PIXELS:
            painter.setPen(QPen(colour, 4.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPoints(points)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
