"""The spectrum analyser of the master: the engine's third-octave band levels as bars on a
logarithmic frequency axis (20 Hz to 20 kHz) and a dB scale, with a line across their tops.

The engine smooths the levels and publishes them about 30 times a second; each update is
turned into geometry with numpy (no loop over bands), and a paint draws one polygon for the
bars and one polyline over a cached picture of the grid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QLinearGradient,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from daw.ui.polygons import polygon

LOW_HZ = 20.0
HIGH_HZ = 20000.0
TOP_DB = 0.0
"""A full-scale sine reads 0 dB in its band (the engine's scale)."""
FLOOR_DB = -72.0
GRID_DB = (-12.0, -24.0, -36.0, -48.0, -60.0)
GRID_HZ = ((50.0, "50"), (100.0, "100"), (200.0, "200"), (500.0, "500"), (1000.0, "1k"),
           (2000.0, "2k"), (5000.0, "5k"), (10000.0, "10k"))
_MARGINS = (24.0, 4.0, 4.0, 14.0)
"""Left (dB numbers), top, right, bottom (frequency numbers), in pixels."""
_GAP = 1.0
"""Pixels between neighbouring bars."""


def band_edges_hz(centres_hz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each band's lower and upper edge: halfway (on a log scale) to its neighbours; the
    outer bands as wide as their neighbours."""
    logs = np.log10(np.asarray(centres_hz, dtype=np.float64))
    if logs.size == 0:
        return logs, logs
    if logs.size == 1:
        half = np.log10(2.0) / 6.0  # a third of an octave wide
        return 10.0 ** (logs - half), 10.0 ** (logs + half)
    middles = (logs[1:] + logs[:-1]) / 2.0
    lower = np.concatenate(([2 * logs[0] - middles[0]], middles))
    upper = np.concatenate((middles, [2 * logs[-1] - middles[-1]]))
    return 10.0 ** lower, 10.0 ** upper


def level_fraction(levels_db: np.ndarray) -> np.ndarray:
    """Where each level sits on the dB scale, 0 (floor) to 1 (top)."""
    levels = np.nan_to_num(np.asarray(levels_db, dtype=np.float64), nan=FLOOR_DB,
                           neginf=FLOOR_DB, posinf=TOP_DB)
    return np.clip((levels - FLOOR_DB) / (TOP_DB - FLOOR_DB), 0.0, 1.0)


class SpectrumView(QWidget):
    """Bars of the master's band levels. Feed it with `set_spectrum` (the engine's centres
    and levels in dB); `bar_heights()` and `bar_spans()` give the geometry it paints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._centres = np.zeros(0)
        self._levels = np.zeros(0)
        self._lows = np.zeros(0)
        self._highs = np.zeros(0)
        self._geometry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._grid: QPixmap | None = None
        self.setMinimumSize(200, 110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip("Spectrum of the master (third-octave bands, dB against a full-scale "
                        "sine)")

    # --- feeding and geometry ---------------------------------------------------------------

    def set_spectrum(self, centres_hz: Sequence[float], levels_db: Sequence[float]) -> None:
        """Show new band levels (an empty sequence clears the display)."""
        centres = np.asarray(centres_hz, dtype=np.float64)
        levels = np.asarray(levels_db, dtype=np.float64)
        count = min(centres.size, levels.size)
        if centres.size != self._centres.size or not np.array_equal(centres[:count],
                                                                    self._centres):
            self._centres = centres[:count]
            self._lows, self._highs = band_edges_hz(self._centres)
        self._levels = levels[:count]
        self._geometry = None
        self.update()

    @property
    def levels_db(self) -> np.ndarray:
        return self._levels

    def plot_rect(self) -> QRectF:
        left, top, right, bottom = _MARGINS
        return QRectF(self.rect()).adjusted(left, top, -right, -bottom)

    def x_of(self, freqs_hz: np.ndarray) -> np.ndarray:
        """Pixel x of frequencies on the log axis (clipped to the plot)."""
        plot = self.plot_rect()
        span = math.log10(HIGH_HZ / LOW_HZ)
        where = (np.log10(np.maximum(np.asarray(freqs_hz, dtype=np.float64), 1e-9))
                 - math.log10(LOW_HZ)) / span
        return plot.left() + np.clip(where, 0.0, 1.0) * plot.width()

    def bar_heights(self) -> np.ndarray:
        """Each band's bar height in pixels."""
        return level_fraction(self._levels) * self.plot_rect().height()

    def bar_spans(self) -> tuple[np.ndarray, np.ndarray]:
        """Each bar's left and right x, a pixel apart from its neighbours."""
        left = self.x_of(self._lows)
        right = self.x_of(self._highs)
        gap = np.where(right - left > 3 * _GAP, _GAP / 2, 0.0)
        return left + gap, right - gap

    def _bars(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(outline xs, outline ys, tops) of the bars, worked out once per update."""
        if self._geometry is None:
            left, right = self.bar_spans()
            base = self.plot_rect().bottom()
            tops = base - self.bar_heights()
            xs = np.stack([left, left, right, right], axis=1).ravel()
            ys = np.stack([np.full_like(tops, base), tops, tops,
                           np.full_like(tops, base)], axis=1).ravel()
            self._geometry = (xs, ys, tops)
        return self._geometry

    # --- painting ---------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(300, 150)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._grid = None
        self._geometry = None
        super().resizeEvent(event)

    def _grid_picture(self) -> QPixmap:
        """The background, scale and numbers, drawn once for each size."""
        if self._grid is not None and self._grid.size() == self.size():
            return self._grid
        ratio = self.devicePixelRatioF()
        picture = QPixmap(self.size() * ratio)
        picture.setDevicePixelRatio(ratio)
        picture.fill(QColor("#1b1d20"))
        painter = QPainter(picture)
        plot = self.plot_rect()
        painter.fillRect(plot, QColor("#141618"))
        font = painter.font()
        font.setPointSizeF(7.0)
        painter.setFont(font)
        for level in GRID_DB:
            y = plot.bottom() - float(level_fraction(np.array([level]))[0]) * plot.height()
            painter.setPen(QColor(255, 255, 255, 22))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor("#8a9096"))
            painter.drawText(QRectF(0, y - 6, plot.left() - 3, 12),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{level:g}")
        xs = self.x_of(np.array([hz for hz, _label in GRID_HZ]))
        for x, (_hz, label) in zip(xs, GRID_HZ, strict=True):
            painter.setPen(QColor(255, 255, 255, 22))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(QColor("#8a9096"))
            painter.drawText(QRectF(x - 16, plot.bottom() + 1, 32, 12),
                             Qt.AlignmentFlag.AlignCenter, label)
        painter.end()
        self._grid = picture
        return picture

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._grid_picture())
        if self._levels.size:
            plot = self.plot_rect()
            xs, ys, tops = self._bars()
            gradient = QLinearGradient(QPointF(0, plot.bottom()), QPointF(0, plot.top()))
            gradient.setColorAt(0.0, QColor(60, 130, 200, 150))
            gradient.setColorAt(0.6, QColor(90, 180, 230, 190))
            gradient.setColorAt(1.0, QColor(230, 240, 250, 220))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(gradient)
            painter.setClipRect(plot)
            painter.drawPolygon(polygon(xs, ys))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(220, 235, 250, 200), 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            centres = self.x_of(self._centres)
            painter.drawPolyline(polygon(centres, tops))
        painter.end()
