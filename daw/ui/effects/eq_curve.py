"""The EQ's response curve: 20 Hz to 20 kHz on a log axis, ±24 dB, with a labelled grid.

The curve is the EQ's own design response (`daw.dsp.eq.eq_response`), the same biquads the
engine runs, so what is drawn is what is heard. It is computed once per change of the
settings or of the width, at about one point per two pixels, with numpy; a paint only draws
the cached polygon and band dots.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF, QResizeEvent
from PySide6.QtWidgets import QWidget

from daw.dsp.eq import eq_response
from daw.ui.polygons import polygon

LOW_HZ, HIGH_HZ = 20.0, 20000.0
RANGE_DB = 24.0
FREQ_LINES = (20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000)
DB_LINES = (24, 12, 6, 0, -6, -12, -24)
_BANDS = ("low", "p1", "p2", "p3", "high")
"""The bands with a gain, which get a dot on the curve."""
_MARGIN_LEFT, _MARGIN_RIGHT, _MARGIN_TOP, _MARGIN_BOTTOM = 34.0, 10.0, 8.0, 18.0


def _freq_label(hz: int) -> str:
    return f"{hz // 1000}k" if hz >= 1000 else str(hz)


class EqCurve(QWidget):
    """Plots the response of an EQ's settings; `set_params` with the effect's values."""

    def __init__(self, sample_rate: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample_rate = sample_rate
        self._params: dict[str, float] = {}
        self._freqs = np.empty(0)
        self._db = np.empty(0)
        self._polygon = QPolygonF()
        self._dots: list[QPointF] = []
        self.setObjectName("EqCurve")
        self.setMinimumSize(360, 170)

    def sizeHint(self) -> QSize:
        return QSize(620, 210)

    # --- data -----------------------------------------------------------------------------

    def set_params(self, params: Mapping[str, float]) -> None:
        params = dict(params)
        if params != self._params or not len(self._freqs):
            self._params = params
            self._compute()
            self.update()

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(frequencies in Hz, response in dB) of the points plotted, low to high."""
        return self._freqs, self._db

    def curve_points(self) -> np.ndarray:
        """The plotted points in widget pixels, shape (n, 2): x, y (the dB clipped to ±24)."""
        return np.column_stack([self.x_of_freq(self._freqs), self.y_of_db(self._db)])

    def _compute(self) -> None:
        count = max(64, int(self._plot_rect().width() / 2))
        self._freqs = np.geomspace(LOW_HZ, HIGH_HZ, count)
        self._db = eq_response(self._params, self.sample_rate, self._freqs)
        points = self.curve_points()
        self._polygon = polygon(points[:, 0], points[:, 1])
        self._dots = self._band_dots()

    def _band_dots(self) -> list[QPointF]:
        """Where each band that does something sits on the curve, so a knob finds its place."""
        freqs = [self._params[f"{band}_freq_hz"] for band in _BANDS
                 if f"{band}_freq_hz" in self._params
                 and self._params.get(f"{band}_gain_db", 0.0) != 0.0]
        if not freqs:
            return []
        levels = eq_response(self._params, self.sample_rate, np.array(freqs))
        return [QPointF(float(self.x_of_freq(freq)), float(self.y_of_db(level)))
                for freq, level in zip(freqs, levels, strict=True)]

    # --- geometry -------------------------------------------------------------------------

    def _plot_rect(self) -> QRectF:
        return QRectF(_MARGIN_LEFT, _MARGIN_TOP,
                      max(10.0, self.width() - _MARGIN_LEFT - _MARGIN_RIGHT),
                      max(10.0, self.height() - _MARGIN_TOP - _MARGIN_BOTTOM))

    def x_of_freq(self, freqs_hz: np.ndarray | float) -> np.ndarray:
        rect = self._plot_rect()
        along = np.log(np.asarray(freqs_hz, dtype=float) / LOW_HZ) / np.log(HIGH_HZ / LOW_HZ)
        return rect.left() + along * rect.width()

    def y_of_db(self, db: np.ndarray | float) -> np.ndarray:
        rect = self._plot_rect()
        clipped = np.clip(np.nan_to_num(np.asarray(db, dtype=float), neginf=-RANGE_DB),
                          -RANGE_DB, RANGE_DB)
        return rect.top() + (RANGE_DB - clipped) / (2 * RANGE_DB) * rect.height()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._compute()

    # --- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1b1d20"))
        rect = self._plot_rect()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.8)
        painter.setFont(font)
        for hz in FREQ_LINES:
            x = float(self.x_of_freq(hz))
            painter.setPen(QColor(255, 255, 255, 28))
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            painter.setPen(QColor("#8a9096"))
            painter.drawText(QRectF(x - 20, rect.bottom() + 2, 40, 14),
                             Qt.AlignmentFlag.AlignCenter, _freq_label(hz))
        for db in DB_LINES:
            y = float(self.y_of_db(db))
            painter.setPen(QColor(255, 255, 255, 70 if db == 0 else 28))
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            painter.setPen(QColor("#8a9096"))
            painter.drawText(QRectF(0, y - 7, _MARGIN_LEFT - 5, 14),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{db:+d}" if db else "0")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if len(self._polygon):
            zero = float(self.y_of_db(0.0))
            area = QPolygonF(self._polygon)
            area.append(QPointF(self._polygon.last().x(), zero))
            area.append(QPointF(self._polygon.first().x(), zero))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(92, 157, 237, 50))
            painter.drawPolygon(area)
            painter.setPen(QPen(QColor("#9cc8ff"), 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(self._polygon)
        painter.setPen(QPen(QColor("#15171a"), 1.0))
        painter.setBrush(QColor("#e6d04a"))
        for dot in self._dots:
            painter.drawEllipse(dot, 4.0, 4.0)
        painter.end()
