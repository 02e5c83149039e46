"""The master's loudness at a glance: momentary, short-term and integrated loudness as bars
with the target marked, the loudness range, the held true and sample peaks, and a stereo
correlation bar.

The widgets only show the engine's `MasterMeterReading` (about 30 times a second); the
measuring is the engine's. A figure that has nothing to measure yet (−inf) reads "—".
"""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from daw.engine.live.master_meter import MasterMeterReading
from daw.mastering.targets import Target

LUFS_TOP = 0.0
LUFS_BOTTOM = -42.0
"""The loudness bars' scale (LUFS): every target's loudness sits well inside it."""
NOTHING = "—"

_TRACK = QColor("#141618")
_BELOW = QColor("#4a9fd8")
"""Under the target by more than ON_TARGET_LU: blue."""
_ON = QColor("#46c46a")
_ABOVE = QColor("#e3b341")
_OVER = QColor("#e5484d")
ON_TARGET_LU = 1.0
"""Within this of the target a bar is green; more than OVER_LU above it, red."""
OVER_LU = 3.0
RED_TEXT = "#ff6b6b"


def format_value(value: float, unit: str = "") -> str:
    """``-14.2 LUFS``; "—" while there is nothing to show (−inf or NaN)."""
    if not math.isfinite(value):
        return NOTHING
    return f"{value:.1f} {unit}".strip()


def lufs_fraction(lufs: float) -> float:
    """Where a loudness sits on the bars' scale, 0 (bottom) to 1 (top)."""
    if not math.isfinite(lufs):
        return 0.0
    return min(1.0, max(0.0, (lufs - LUFS_BOTTOM) / (LUFS_TOP - LUFS_BOTTOM)))


def bar_colour(lufs: float, target_lufs: float) -> QColor:
    """Blue under the target, green on it, amber above, red well above."""
    off = lufs - target_lufs
    if off > OVER_LU:
        return _OVER
    if off > ON_TARGET_LU:
        return _ABOVE
    if off >= -ON_TARGET_LU:
        return _ON
    return _BELOW


class LoudnessBar(QWidget):
    """One vertical loudness bar, the target as a line across it and the highest value since
    play started as a tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = -math.inf
        self.maximum = -math.inf
        self.target = -14.0
        self.setMinimumSize(18, 120)
        self.setMaximumWidth(44)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def set_values(self, value: float, maximum: float, target: float) -> None:
        if (value, maximum, target) != (self.value, self.maximum, self.target):
            self.value, self.maximum, self.target = value, maximum, target
            self.update()

    def bar_rect(self) -> QRectF:
        """The filled part of the bar, in widget coordinates."""
        track = self.track_rect()
        height = lufs_fraction(self.value) * track.height()
        return QRectF(track.left(), track.bottom() - height, track.width(), height)

    def track_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(1, 1, -1, -1)

    def colour(self) -> QColor:
        return bar_colour(self.value, self.target)

    def _y(self, lufs: float) -> float:
        track = self.track_rect()
        return track.bottom() - lufs_fraction(lufs) * track.height()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#1b1d20"))
        track = self.track_rect()
        painter.fillRect(track, _TRACK)
        if math.isfinite(self.value):
            painter.fillRect(self.bar_rect(), self.colour())
        painter.setPen(QColor(255, 255, 255, 28))
        for lufs in range(int(LUFS_BOTTOM) + 6, int(LUFS_TOP), 6):
            y = self._y(lufs)
            painter.drawLine(QPointF(track.left(), y), QPointF(track.right(), y))
        if math.isfinite(self.maximum):
            y = self._y(self.maximum)
            painter.fillRect(QRectF(track.left(), y - 1, track.width(), 2), QColor("#e8e8e8"))
        y = self._y(self.target)
        painter.fillRect(QRectF(track.left() - 1, y - 1, track.width() + 2, 2),
                         QColor("#f0a030"))
        painter.end()


class LoudnessScale(QWidget):
    """The LUFS numbers beside the bars, and the target's."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target = -14.0
        self.setFixedWidth(28)
        self.setMinimumHeight(120)

    def set_target(self, target: float) -> None:
        if target != self.target:
            self.target = target
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        track = QRectF(self.rect()).adjusted(0, 1, 0, -1)
        font = painter.font()
        font.setPointSizeF(7.0)
        painter.setFont(font)
        target_y = track.bottom() - lufs_fraction(self.target) * track.height()

        def number(y: float, text: str) -> None:
            y = min(max(y, 6.0), self.height() - 6.0)  # the end numbers stay inside
            painter.drawText(QRectF(0, y - 6, self.width() - 3, 12),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)

        painter.setPen(QColor("#8a9096"))
        for lufs in range(int(LUFS_BOTTOM) + 6, int(LUFS_TOP) + 1, 6):
            y = track.bottom() - lufs_fraction(lufs) * track.height()
            if abs(y - target_y) >= 10:  # else the target's own number is shown there
                number(y, f"{lufs}")
        painter.setPen(QColor("#f0a030"))
        number(target_y, f"{self.target:g}")
        painter.end()


class CorrelationMeter(QWidget):
    """Phase correlation from −1 to +1: a bar from the centre towards the value, green at or
    above 0 (mono-compatible), red below (parts of the mix cancel in mono)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value = 0.0
        self.active = False
        self.setMinimumSize(120, 16)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Stereo correlation: +1 mono, 0 unrelated sides, below 0 the sides "
                        "cancel when summed to mono")

    def set_value(self, value: float, active: bool = True) -> None:
        value = min(1.0, max(-1.0, value)) if math.isfinite(value) else 0.0
        if (value, active) != (self.value, self.active):
            self.value, self.active = value, active
            self.update()

    @property
    def negative(self) -> bool:
        return self.active and self.value < 0.0

    def colour(self) -> QColor:
        return _OVER if self.negative else _ON

    def track_rect(self) -> QRectF:
        return QRectF(self.rect()).adjusted(1, 3, -1, -3)

    def bar_rect(self) -> QRectF:
        """The filled part, from the centre to the value."""
        track = self.track_rect()
        centre = track.center().x()
        x = centre + self.value * track.width() / 2 if self.active else centre
        return QRectF(min(centre, x), track.top(), abs(x - centre), track.height())

    def sizeHint(self) -> QSize:
        return QSize(160, 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        track = self.track_rect()
        painter.fillRect(self.rect(), QColor("#1b1d20"))
        painter.fillRect(track, _TRACK)
        left_half = QRectF(track.left(), track.top(), track.width() / 2, track.height())
        painter.fillRect(left_half, QColor(229, 72, 77, 28))
        if self.active:
            painter.fillRect(self.bar_rect(), self.colour())
        painter.setPen(QColor(255, 255, 255, 90))
        for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
            x = track.left() + fraction * track.width()
            painter.drawLine(QPointF(x, track.top()), QPointF(x, track.bottom()))
        painter.end()


class ClickableValue(QLabel):
    """A figure that does something when clicked (the held peaks reset)."""

    clicked = Signal()

    def __init__(self, tooltip: str, parent: QWidget | None = None) -> None:
        super().__init__(NOTHING, parent)
        self.setToolTip(tooltip)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)


DIM_TEXT = "#7a8087"
"""A held figure from the last play, shown while stopped."""


def _warn(label: QLabel, red: bool, dim: bool = False) -> None:
    """Red text for a figure over its limit, grey for one held from the last play (the style
    is set only when it changes: setting a style sheet restyles the widget, too costly 30
    times a second)."""
    style = f"color: {RED_TEXT};" if red else f"color: {DIM_TEXT};" if dim else ""
    if label.styleSheet() != style:
        label.setStyleSheet(style)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("MasterCaption")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _figure(text: str = NOTHING) -> QLabel:
    label = QLabel(text)
    label.setObjectName("MasterFigure")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class MasterMeters(QWidget):
    """Every loudness figure of the master, with the target's numbers for the colours.

    `peaksResetAsked` is emitted when the person clicks the true-peak figure."""

    peaksResetAsked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: Target | None = None
        self.reading: MasterMeterReading | None = None
        self.bars = {"momentary": LoudnessBar(), "short_term": LoudnessBar(),
                     "integrated": LoudnessBar()}
        self.scale = LoudnessScale()
        self.values = {key: _figure() for key in self.bars}
        self.loudness_range = _figure()
        self.maxima = _figure()
        self.maxima.setToolTip("The loudest momentary and short-term loudness since play "
                               "started")
        self.true_peak = ClickableValue("Highest true peak since play started. Click to "
                                        "reset the held peaks.")
        self.true_peak.setObjectName("MasterFigure")
        self.true_peak.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.true_peak.clicked.connect(self.peaksResetAsked)
        self.sample_peak = _figure()
        self.correlation = CorrelationMeter()
        self.correlation_value = _figure()
        self.over_ceiling = False

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(1)
        for column, (key, text) in enumerate((("momentary", "M"), ("short_term", "S"),
                                              ("integrated", "I")), start=1):
            grid.addWidget(_caption(text), 0, column)
            grid.addWidget(self.bars[key], 1, column)
            grid.addWidget(self.values[key], 2, column)
            grid.setColumnStretch(column, 1)
        grid.addWidget(self.scale, 1, 0)
        grid.addWidget(_caption("LUFS"), 2, 0)
        side = QVBoxLayout()
        side.setSpacing(1)
        for text, widget in (("Range", self.loudness_range), ("Max M / S", self.maxima),
                             ("True peak", self.true_peak), ("Sample peak", self.sample_peak)):
            side.addWidget(_caption(text))
            side.addWidget(widget)
            side.addSpacing(4)
        side.addStretch(1)
        grid.addLayout(side, 0, 4, 3, 1)
        grid.setColumnStretch(4, 2)
        correlation = QHBoxLayout()
        correlation.addWidget(_caption("Correlation"))
        correlation.addWidget(self.correlation, 1)
        self.correlation_value.setMinimumWidth(44)
        correlation.addWidget(self.correlation_value)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(grid, 1)
        layout.addLayout(correlation)
        self.show_reading(None, None)

    def show_reading(self, reading: MasterMeterReading | None, target: Target | None,
                     live: bool = True) -> None:
        """Show the engine's latest figures (None: nothing played yet) against `target`.

        Stopped (`live` False), what measures the moment (momentary and short-term loudness,
        correlation) reads nothing, as nothing sounds; what was held over the last play
        (integrated, range, maxima, peaks) stays, in grey, until play starts again."""
        self.reading, self.target = reading, target
        aim = target.integrated_lufs if target is not None else -14.0
        ceiling = target.true_peak_dbtp if target is not None else -1.0
        self.scale.set_target(aim)
        r = reading or MasterMeterReading()
        if not live:
            r = replace(r, momentary_lufs=-math.inf, short_term_lufs=-math.inf,
                        correlation=0.0)
        for key, value, maximum in (
                ("momentary", r.momentary_lufs, r.max_momentary_lufs),
                ("short_term", r.short_term_lufs, r.max_short_term_lufs),
                ("integrated", r.integrated_lufs, -math.inf)):
            self.bars[key].set_values(value, maximum, aim)
            self.values[key].setText(format_value(value))
        self.loudness_range.setText(format_value(r.loudness_range_lu, "LU")
                                    if r.seconds > 0 else NOTHING)
        self.maxima.setText(NOTHING if not math.isfinite(r.max_momentary_lufs) else
                            f"{format_value(r.max_momentary_lufs)} / "
                            f"{format_value(r.max_short_term_lufs)}")
        self.over_ceiling = math.isfinite(r.true_peak_max_dbtp) and \
            r.true_peak_max_dbtp > ceiling
        self.true_peak.setText(format_value(r.true_peak_max_dbtp, "dBTP"))
        _warn(self.true_peak, self.over_ceiling, not live)
        sample_peak = max(r.sample_peak_dbfs, default=-math.inf)
        self.sample_peak.setText(format_value(sample_peak, "dBFS"))
        _warn(self.sample_peak, sample_peak >= 0.0, not live)
        for held in (self.values["integrated"], self.loudness_range, self.maxima):
            _warn(held, False, not live)
        heard = live and reading is not None and r.seconds > 0
        self.correlation.set_value(r.correlation, heard)
        self.correlation_value.setText(f"{r.correlation:+.2f}" if heard else NOTHING)
        _warn(self.correlation_value, self.correlation.negative)
