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


def envelope_pixels(mins: np.ndarray, maxs: np.ndarray, scale: float | np.ndarray,
                    first_row: float, height: int, row: float, colour: QColor) -> np.ndarray:
    """ARGB32 premultiplied pixels (height, columns) of a min/max envelope per channel: the
    colour where `envelope_mask` is set, clear elsewhere."""
    mask = envelope_mask(mins, maxs, scale, first_row, height, row)
    return np.where(mask, np.uint32(premultiplied(colour)), np.uint32(0))


def envelope_mask(mins: np.ndarray, maxs: np.ndarray, scale: float | np.ndarray,
                  first_row: float, height: int, row: float) -> np.ndarray:
    """Which pixels (bool, (height, columns)) a min/max envelope per channel covers.

    Channel c is centred at ``first_row + row * (c + 0.5)`` (in pixel rows) with full scale at
    half a row less a pixel; column i covers ``scale * mins[c, i]`` up to ``scale * maxs[c, i]``
    (``scale`` a number, or one per column), at least one pixel high; NaN columns (no audio)
    stay clear. A pixel is covered when its centre is, as the raster engine fills polygons.

    Each column's covered rows are one run per channel, so only its first and end row are
    worked out in floating point; the pixels are then set by comparing small integers.
    """
    channels, columns = mins.shape
    mask = np.zeros((height, columns), dtype=bool)
    if columns == 0 or height <= 0:
        return mask
    half = row / 2 - 1
    centres = first_row + row * (np.arange(channels, dtype=np.float64) + 0.5)
    scale = np.asarray(scale, dtype=np.float64)
    low = np.clip(mins * scale, -1.0, 1.0)
    tops = centres[:, None] - np.clip(maxs * scale, -1.0, 1.0) * half
    bottoms = np.maximum(centres[:, None] - low * half, tops + 1.0)
    # Row r is covered when r + 0.5 lies in [top, bottom): r from ceil(top - 0.5) up to, not
    # including, ceil(bottom - 0.5).
    firsts = np.ceil(tops - 0.5)
    ends = np.ceil(bottoms - 0.5)
    empty = np.isnan(firsts) | np.isnan(ends)
    firsts[empty] = 0.0
    ends[empty] = -1.0
    for channel in range(channels):
        # Only the channel's own band of rows can be covered.
        band_top = max(0, int(centres[channel] - half) - 1)
        band_end = min(height, int(centres[channel] + half) + 3)
        if band_end <= band_top:
            continue
        first = np.clip(firsts[channel], band_top, band_end).astype(np.int16)
        span = np.clip(ends[channel], band_top, band_end).astype(np.int16) - first
        np.maximum(span, 0, out=span)
        rows = np.arange(band_top, band_end, dtype=np.int16)[:, None]
        covered = (rows - first).view(np.uint16) < span.view(np.uint16)
        mask[band_top:band_end] |= covered
    return mask
