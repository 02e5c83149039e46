"""Fade curves over clip bodies: each fade's gain curve, the part above it shaded (what it
silences).

A crowded song shows dozens of fades, and building each curve's points with numpy cost more
than drawing it. A fade's curve only depends on its shape: it is built once as a polygon in
unit coordinates (time 0 to 1 across, gain 0 to 1 up) and drawn through a transform that
stretches it over the fade. The pen is cosmetic, so the line stays one pixel wide.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPolygonF, QTransform

from daw.dsp.fades import fade_in_curve
from daw.model import Clip, Fade
from daw.ui.polygons import polygon
from daw.ui.timeline import style

_FADE_POINTS = 1024
_CURVE_POINTS = 65
MIN_FADE_PX = 0.5
"""A fade this narrow or less covers no pixel the clip's border does not: it is not drawn."""
SMOOTH_FADE_PX = 6.0
"""Fades at least this wide are antialiased; narrower ones are near-vertical lines, where
antialiasing costs much and shows nothing."""
WHOLE_FADE_PX = 16384.0
"""Fades up to this wide are drawn whole (clipped to the image); longer ones only where
shown, so their coordinates stay small."""
_KEPT = 512


class FadeCurves:
    """Draws the fades of clips; keeps the unit curves of the shapes seen."""

    def __init__(self) -> None:
        self._tables: dict[str, np.ndarray] = {}
        self._grid = np.linspace(0.0, 1.0, _FADE_POINTS + 1)
        self._polygons: dict[tuple, tuple[QPolygonF, QPolygonF]] = {}
        self._pen = QPen(style.FADE_CURVE, 1)
        self._pen.setCosmetic(True)

    def gain(self, fade: Fade, t: np.ndarray) -> np.ndarray:
        """The fade-in gain at fractions `t` of the fade, from the renderer's own curve."""
        table = self._tables.get(fade.shape)
        if table is None:
            table = np.append(fade_in_curve(fade.shape, _FADE_POINTS), 1.0).astype(np.float64)
            self._tables[fade.shape] = table
        return np.interp(t, self._grid, table)

    def unit_polygons(self, fade: Fade, fading_in: bool, points: int, t0: float,
                      t1: float) -> tuple[QPolygonF, QPolygonF]:
        """The curve from fraction t0 to t1 of the fade in unit coordinates (x the fraction of
        the fade, y the gain), and the shade above it up to gain 1."""
        key = (fade.shape, fading_in, points, t0, t1)
        found = self._polygons.get(key)
        if found is not None:
            return found
        t = np.linspace(t0, t1, points)
        gains = self.gain(fade, t if fading_in else 1.0 - t)
        curve = polygon(t, gains)
        shade = polygon(np.append(t, [t[-1], t[0]]), np.append(gains, [1.0, 1.0]))
        if len(self._polygons) >= _KEPT:
            self._polygons.clear()
        self._polygons[key] = (curve, shade)
        return curve, shade

    def paint(self, painter: QPainter, clip: Clip, rect: QRectF, shown_left: float,
              shown_right: float, frames_per_pixel: float) -> None:
        """The fades of `clip`, whose body is at `rect`, between x `shown_left` and
        `shown_right`: only the visible stretch of a fade is drawn, so a long fade zoomed in
        stays cheap."""
        base = painter.transform()
        for fade, fading_in in ((clip.fade_in, True), (clip.fade_out, False)):
            if fade.length_frames <= 0:
                continue
            length = fade.length_frames / frames_per_pixel
            if length <= MIN_FADE_PX:
                continue
            start = rect.left() if fading_in else rect.right() - length
            t0 = min(max((shown_left - start) / length, 0.0), 1.0)
            t1 = min(max((shown_right - start) / length, 0.0), 1.0)
            if t1 <= t0:
                continue
            if length <= WHOLE_FADE_PX:
                t0, t1 = 0.0, 1.0  # the same curve in every tile the fade crosses
            points = int(min(_CURVE_POINTS, max(3, (t1 - t0) * length / 3)))
            curve, shade = self.unit_polygons(fade, fading_in, points, t0, t1)
            painter.setTransform(QTransform(length, 0.0, 0.0, -rect.height(), start,
                                            rect.bottom()) * base)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.FADE_SHADE)
            painter.drawPolygon(shade)
            smooth = length >= SMOOTH_FADE_PX
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, smooth)
            painter.setPen(self._pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(curve)
            if smooth:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setTransform(base)
