"""Waveforms and curves from numpy arrays without a Python loop per point or per pixel.

A waveform is thousands of points; building a QPointF each in Python would cost more than the
whole paint is allowed. A polygon is sized first and its point storage (pairs of doubles)
filled through a numpy view, as pyqtgraph does with PySide; a min/max envelope is rendered
straight into the pixels of an image.
"""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtGui import QColor, QPolygonF


def polygon(xs: np.ndarray, ys: np.ndarray) -> QPolygonF:
    """A polygon (or polyline) through the points (xs[i], ys[i])."""
    count = min(len(xs), len(ys))
    poly = QPolygonF()
    if count == 0:
        return poly
    poly.resize(count)
    buffer = shiboken6.VoidPtr(poly.data(), 16 * count, True)
    points = np.frombuffer(buffer, dtype=np.float64).reshape(count, 2)
    points[:, 0] = xs[:count]
    points[:, 1] = ys[:count]
    return poly


def premultiplied(colour: QColor) -> int:
    """The colour as one ARGB32 premultiplied pixel value."""
    alpha = colour.alpha()
    red, green, blue = (round(c * alpha / 255) for c in (colour.red(), colour.green(),
                                                          colour.blue()))
    return (alpha << 24) | (red << 16) | (green << 8) | blue


def envelope_pixels(mins: np.ndarray, maxs: np.ndarray, scale: float, first_row: float,
                    height: int, row: float, colour: QColor) -> np.ndarray:
    """ARGB32 premultiplied pixels (height, columns) of a min/max envelope per channel.

    Channel c is centred at ``first_row + row * (c + 0.5)`` (in pixel rows of the image) with
    full scale at half a row less a pixel; column i covers ``scale * mins[c, i]`` up to
    ``scale * maxs[c, i]``, at least one pixel high; NaN columns (no audio) stay clear. A pixel
    is covered when its centre is, as the raster engine fills polygons.
    """
    channels, columns = mins.shape
    pixels = np.zeros((height, columns), dtype=np.uint32)
    value = premultiplied(colour)
    half = row / 2 - 1
    for channel in range(channels):
        low, high = mins[channel].astype(np.float64), maxs[channel].astype(np.float64)
        centre = first_row + row * (channel + 0.5)
        tops = centre - np.clip(high * scale, -1.0, 1.0) * half
        bottoms = np.maximum(centre - np.clip(low * scale, -1.0, 1.0) * half, tops + 1.0)
        tops[~np.isfinite(low)] = np.inf
        # Only the channel's own band of rows can be covered.
        band_top = max(0, int(centre - half) - 1)
        band_end = min(height, int(centre + half) + 3)
        centres = (np.arange(band_top, band_end, dtype=np.float64) + 0.5)[:, None]
        covered = (centres >= tops) & (centres < bottoms)
        pixels[band_top:band_end][covered] = value
    return pixels
