"""A level meter: peak and RMS bars per channel, a peak hold, and a clip light.

The engine reports levels about 30 times a second; between reports, and after playback stops,
the bars fall at a fixed rate, as hardware meters do, so a short peak stays readable. The
ballistics live in `MeterBallistics` (no Qt) and take the time as an argument, so the widget
can be driven by a fake clock in tests.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QLinearGradient, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

METER_MIN_DB = -60.0
"""The bottom of the meter's scale (dBFS)."""
METER_MAX_DB = 6.0
"""The top of the meter's scale (dBFS): a little room above full scale to show overs."""
HOLD_SECONDS = 1.5
"""How long the peak hold stays put before it falls."""
FALL_DB_PER_SECOND = 24.0
"""How fast bars and the hold fall when the level drops."""
CLIP_LEVEL = 1.0
"""A sample at full scale (0 dBFS) lights the clip light."""

SILENCE = -math.inf
_TICK_MS = 33
_STALE_SECONDS = 0.07
"""Input older than this (two reports missed) no longer holds the bars up."""


def amplitude_to_db(amplitude: float) -> float:
    """dBFS of a linear level where 1.0 is full scale; 0 (or less) is -inf."""
    return 20.0 * math.log10(amplitude) if amplitude > 0.0 else SILENCE


class MeterBallistics:
    """What a meter shows, per channel, given the levels fed to it and the time they came."""

    def __init__(self, channels: int) -> None:
        self.channels = channels
        self.peak_db = [SILENCE] * channels
        self.rms_db = [SILENCE] * channels
        self.hold_db = [SILENCE] * channels
        self.clipped = [False] * channels
        self._hold_since = [0.0] * channels
        self._last_time: float | None = None
        self.last_input_time: float | None = None

    def feed(self, now: float, peaks: Sequence[float], rms: Sequence[float]) -> None:
        """Take new linear levels (missing channels are silence) at time `now` in seconds."""
        self.last_input_time = now
        self._advance(now, peaks, rms)

    def decay(self, now: float) -> None:
        """Let the bars fall with no new input (between reports, or after playback stops)."""
        self._advance(now, (), ())

    def reset_clip(self) -> None:
        """Put out the clip light and drop the holds to the current peaks."""
        self.clipped = [False] * self.channels
        self.hold_db = list(self.peak_db)

    @property
    def at_rest(self) -> bool:
        """Nothing left to show: every bar and hold has fallen off the scale."""
        return all(v == SILENCE for v in (*self.peak_db, *self.rms_db, *self.hold_db))

    def _advance(self, now: float, peaks: Sequence[float], rms: Sequence[float]) -> None:
        last = now if self._last_time is None else self._last_time
        elapsed = max(0.0, now - last)
        self._last_time = max(now, last)
        for ch in range(self.channels):
            peak_in = amplitude_to_db(peaks[ch]) if ch < len(peaks) else SILENCE
            rms_in = amplitude_to_db(rms[ch]) if ch < len(rms) else SILENCE
            if ch < len(peaks) and peaks[ch] >= CLIP_LEVEL:
                self.clipped[ch] = True
            self.peak_db[ch] = max(peak_in, _fallen(self.peak_db[ch], elapsed))
            self.rms_db[ch] = max(rms_in, _fallen(self.rms_db[ch], elapsed))
            if peak_in >= self.hold_db[ch]:
                self.hold_db[ch] = peak_in
                self._hold_since[ch] = now
                continue
            release = self._hold_since[ch] + HOLD_SECONDS
            if now > release:
                falling = now - max(last, release)
                self.hold_db[ch] = max(self.peak_db[ch], _fallen(self.hold_db[ch], falling))


def _fallen(level_db: float, seconds: float) -> float:
    """A level after falling for `seconds`; once it leaves the scale it is silence."""
    value = level_db - FALL_DB_PER_SECOND * seconds
    return value if value >= METER_MIN_DB else SILENCE


def _fraction(level_db: float) -> float:
    """Where a level sits on the meter's scale, 0 (bottom) to 1 (top)."""
    if level_db == SILENCE:
        return 0.0
    span = METER_MAX_DB - METER_MIN_DB
    return min(1.0, max(0.0, (level_db - METER_MIN_DB) / span))


class LevelMeter(QWidget):
    """Peak and RMS bars for one or more channels, with peak hold and a clip light.

    Feed it with `set_levels` (linear, full scale 1.0) or `set_engine_levels` (the engine's
    (peak L, peak R, RMS L, RMS R) tuple, or None when nothing plays). A click puts out the
    clip light. `clock` gives the time in seconds; tests pass a fake one."""

    def __init__(self, channels: int = 2,
                 orientation: Qt.Orientation = Qt.Orientation.Vertical,
                 parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        if channels < 1:
            raise ValueError(f"a meter needs at least one channel, got {channels}")
        self._orientation = orientation
        self._clock = clock
        self._state = MeterBallistics(channels)
        self._timer = QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)
        self.setToolTip("Peak and RMS level (dBFS). Click to reset the clip light.")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        if orientation == Qt.Orientation.Vertical:
            self.setMinimumSize(4 + 4 * channels, 60)
        else:
            self.setMinimumSize(60, 4 + 3 * channels)

    # --- reading (for the window and for tests) -----------------------------------------------

    @property
    def channels(self) -> int:
        return self._state.channels

    @property
    def peak_db(self) -> tuple[float, ...]:
        """The peak shown for each channel (dBFS; -inf when silent)."""
        return tuple(self._state.peak_db)

    @property
    def rms_db(self) -> tuple[float, ...]:
        return tuple(self._state.rms_db)

    @property
    def hold_db(self) -> tuple[float, ...]:
        """The held peak of each channel: the highest recent peak, falling after a while."""
        return tuple(self._state.hold_db)

    @property
    def clipped(self) -> bool:
        """True once any channel reached full scale, until the light is clicked."""
        return any(self._state.clipped)

    # --- feeding ------------------------------------------------------------------------------

    def set_levels(self, peaks: Sequence[float], rms: Sequence[float]) -> None:
        """Show new linear levels (one per channel; missing channels are silence)."""
        before = self._snapshot()
        self._state.feed(self._clock(), peaks, rms)
        self._changed(before)

    def set_engine_levels(self, levels: Sequence[float] | None) -> None:
        """Show the engine's (peak L, peak R, RMS L, RMS R) for a track, or None for silence.

        A one-channel meter shows the louder side's peak and the power mean of the RMS."""
        if not levels:
            before = self._snapshot()
            self._state.decay(self._clock())
            self._changed(before)
            return
        peak_l, peak_r, rms_l, rms_r = levels
        if self.channels == 1:
            self.set_levels((max(peak_l, peak_r),), (math.sqrt((rms_l**2 + rms_r**2) / 2),))
        else:
            self.set_levels((peak_l, peak_r), (rms_l, rms_r))

    def reset_clip(self) -> None:
        """Put out the clip light (and let the holds start again from the current peaks)."""
        self._state.reset_clip()
        self.update()

    def clip_light_rect(self) -> QRectF:
        """Where the clip light is drawn, in widget coordinates."""
        return self._layout()[0]

    # --- internals ----------------------------------------------------------------------------

    def _snapshot(self) -> tuple:
        s = self._state
        return (*s.peak_db, *s.rms_db, *s.hold_db, *s.clipped)

    def _changed(self, before: tuple) -> None:
        if self._snapshot() != before:
            self.update()
        if self._state.at_rest:
            self._timer.stop()
        elif not self._timer.isActive():
            self._timer.start()

    def _tick(self) -> None:
        now = self._clock()
        last = self._state.last_input_time
        if last is not None and now - last < _STALE_SECONDS:
            return  # reports are coming in: they drive the bars
        before = self._snapshot()
        self._state.decay(now)
        self._changed(before)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.reset_clip()
            event.accept()
        else:
            super().mousePressEvent(event)

    def sizeHint(self) -> QSize:
        if self._orientation == Qt.Orientation.Vertical:
            return QSize(4 + 6 * self.channels, 160)
        return QSize(160, 4 + 5 * self.channels)

    def _layout(self) -> tuple[QRectF, QRectF]:
        """The clip light's rectangle and the bars' rectangle."""
        r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        light = 6.0
        if self._orientation == Qt.Orientation.Vertical:
            return (QRectF(r.left(), r.top(), r.width(), light),
                    QRectF(r.left(), r.top() + light + 2, r.width(), r.height() - light - 2))
        return (QRectF(r.right() - light, r.top(), light, r.height()),
                QRectF(r.left(), r.top(), r.width() - light - 2, r.height()))

    def _bar(self, bars: QRectF, channel: int, low: float, high: float) -> QRectF:
        """The part of a channel's bar between two fractions of the scale."""
        # Whole pixels a channel, the same for all (any pixel left over stays empty), and the
        # level's end rounded once: two channels at one level draw the same bar.
        n = self.channels
        if self._orientation == Qt.Orientation.Vertical:
            width = max(1, int(bars.width() - (n - 1)) // n)
            x = bars.left() + channel * (width + 1)
            top, bottom = (round(bars.height() * (1 - f)) for f in (high, low))
            return QRectF(x, bars.top() + top, width, bottom - top)
        height = max(1, int(bars.height() - (n - 1)) // n)
        y = bars.top() + channel * (height + 1)
        left, right = (round(bars.width() * f) for f in (low, high))
        return QRectF(bars.left() + left, y, right - left, height)

    def _gradient(self, bars: QRectF, alpha: int) -> QLinearGradient:
        if self._orientation == Qt.Orientation.Vertical:
            gradient = QLinearGradient(QPointF(0, bars.bottom()), QPointF(0, bars.top()))
        else:
            gradient = QLinearGradient(QPointF(bars.left(), 0), QPointF(bars.right(), 0))
        for level_db, colour in ((METER_MIN_DB, "#2f8f4e"), (-18.0, "#46c46a"),
                                 (-6.0, "#e3cf4b"), (-0.5, "#e8903a"), (0.0, "#e5484d"),
                                 (METER_MAX_DB, "#ff5a5f")):
            c = QColor(colour)
            c.setAlpha(alpha)
            gradient.setColorAt(_fraction(level_db), c)
        return gradient

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#181a1c"))
        light, bars = self._layout()
        painter.fillRect(light, QColor("#ff3b3b") if self.clipped else QColor("#3a2a2c"))
        state = self._state
        peak_brush = self._gradient(bars, 120)
        rms_brush = self._gradient(bars, 255)
        for ch in range(self.channels):
            painter.fillRect(self._bar(bars, ch, 0.0, 1.0), QColor("#101112"))
            painter.fillRect(self._bar(bars, ch, 0.0, _fraction(state.peak_db[ch])), peak_brush)
            painter.fillRect(self._bar(bars, ch, 0.0, _fraction(state.rms_db[ch])), rms_brush)
            if state.hold_db[ch] != SILENCE:
                f = _fraction(state.hold_db[ch])
                hold = self._bar(bars, ch, 0.0, f)
                colour = QColor("#ff6b6b") if state.hold_db[ch] >= 0.0 else QColor("#e8e8e8")
                if self._orientation == Qt.Orientation.Vertical:
                    painter.fillRect(QRectF(hold.left(), hold.top(), hold.width(), 2), colour)
                else:
                    painter.fillRect(QRectF(hold.right() - 2, hold.top(), 2, hold.height()),
                                     colour)
        zero = _fraction(0.0)
        painter.setPen(QColor(255, 255, 255, 60))
        if self._orientation == Qt.Orientation.Vertical:
            y = bars.bottom() - zero * bars.height()
            painter.drawLine(QPointF(bars.left(), y), QPointF(bars.right(), y))
        else:
            x = bars.left() + zero * bars.width()
            painter.drawLine(QPointF(x, bars.top()), QPointF(x, bars.bottom()))
        painter.end()
