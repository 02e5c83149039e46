"""A clip's body: the fill in its track's colour, the waveform at the detail of the zoom (down
to single samples) with the clip gain applied, the fades as curves over it, and the border.

Everything is drawn relative to the clip's rectangle, so a body can be drawn straight onto the
lanes or once into an image that is reused while only the clip's place changes (`BodyCache`):
moving one clip, scrolling or a playhead step then redraws no waveform.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from daw.dsp.fades import fade_in_curve
from daw.media import MediaError, PeakReader
from daw.model import Clip, Fade, MediaRef
from daw.ui.session import Session
from daw.ui.timeline import style
from daw.ui.timeline.peak_cache import PeakCache
from daw.ui.timeline.polygons import envelope_pixels, polygon

_FADE_POINTS = 1024
_CURVE_POINTS = 65
DOTS_FROM_PIXELS = 6.0
"""At this many pixels a sample and more, each sample is drawn as a dot on the line."""
CACHED_WIDTH = 4096
"""Bodies up to this wide are kept as images; wider ones (zoomed far in) are drawn each time,
and then only their visible part."""
CACHE_PIXELS = 12_000_000
"""About 48 MB of cached bodies, several screens' worth."""


class ClipBody:
    """Draws clip bodies for one session."""

    def __init__(self, session: Session, cache: PeakCache) -> None:
        self.session = session
        self.peaks = cache
        self._fade_tables: dict[str, np.ndarray] = {}
        self._fade_grid = np.linspace(0.0, 1.0, _FADE_POINTS + 1)
        self._images: OrderedDict[tuple, QImage] = OrderedDict()
        self._pixels = 0

    def clear(self) -> None:
        self._images.clear()
        self._pixels = 0

    def draw(self, painter: QPainter, clip: Clip, colour: QColor, rect: QRectF, area: QRectF,
             selected: bool) -> None:
        """The body of `clip` at `rect` (in lanes pixels), where it meets `area`."""
        if rect.width() > CACHED_WIDTH:
            shown = rect.intersected(area.adjusted(-2, 0, 2, 0))
            if not shown.isEmpty():
                painter.save()
                painter.setClipRect(shown)
                self.paint(painter, clip, colour, rect, shown, selected)
                painter.restore()
            return
        left = round(rect.left())
        painter.drawImage(QPointF(left, rect.top()),
                          self._image(clip, colour, rect.width(), rect.height(), selected))

    def _image(self, clip: Clip, colour: QColor, width: float, height: float,
               selected: bool) -> QImage:
        project = self.session.project
        ref = project.media_ref(clip.media_id)
        reader = self.peaks.reader(self.session.folder, ref)
        key = (ref, clip.source_offset_frames, clip.length_frames, clip.gain_db, clip.fade_in,
               clip.fade_out, clip.muted, colour.rgba(), selected, reader is not None,
               self.session.view.frames_per_pixel, round(width), round(height))
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        image = QImage(max(1, round(width)), max(1, round(height)),
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0)
        painter = QPainter(image)
        local = QRectF(0, 0, image.width(), image.height())
        self.paint(painter, clip, colour, local, local, selected, reader, ref)
        painter.end()
        self._images[key] = image
        self._pixels += image.width() * image.height()
        while self._pixels > CACHE_PIXELS and len(self._images) > 1:
            _key, old = self._images.popitem(last=False)
            self._pixels -= old.width() * old.height()
        return image

    def paint(self, painter: QPainter, clip: Clip, colour: QColor, rect: QRectF,
              shown: QRectF, selected: bool, reader: PeakReader | None = None,
              ref: MediaRef | None = None) -> None:
        """Draw the body at `rect`, only its part in `shown`."""
        if ref is None:
            ref = self.session.project.media_ref(clip.media_id)
            reader = self.peaks.reader(self.session.folder, ref)
        if clip.muted:
            body, wave = style.MUTED_BODY, style.MUTED_WAVE
        else:
            body = QColor(colour)
            body.setAlpha(style.CLIP_SELECTED_ALPHA if selected else style.CLIP_ALPHA)
            wave = style.WAVEFORM
        painter.fillRect(shown, body)
        if reader is not None:
            try:
                self._paint_waveform(painter, reader, clip, rect, shown, wave)
            except MediaError as error:
                self.peaks.report_unreadable(self.session.folder, ref, error)
        self._paint_fades(painter, clip, rect, shown)
        edge = QRectF(QPointF(max(rect.left(), shown.left() - 4), rect.top()),
                      QPointF(min(rect.right(), shown.right() + 4), rect.bottom()))
        border = style.SELECTED_EDGE if selected else colour.darker(160)
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(edge.adjusted(0.5, 0.5, -0.5, -0.5))

    # --- the waveform ---------------------------------------------------------------------

    def _paint_waveform(self, painter: QPainter, reader: PeakReader, clip: Clip, rect: QRectF,
                        shown: QRectF, colour: QColor) -> None:
        """Column x shows the audio from source frame offset + (x - rect.left()) * fpp on."""
        fpp = self.session.view.frames_per_pixel
        x0, x1 = math.floor(shown.left()), math.ceil(shown.right())
        if x1 <= x0:
            return
        inner = rect.adjusted(0, 1, 0, -1)
        row = inner.height() / reader.peaks.channels
        scale = 10.0 ** (clip.gain_db / 20.0)
        if fpp < 1.0:
            self._paint_samples(painter, reader, clip, rect, x0, x1, inner, row, scale, colour)
            return
        source = clip.source_offset_frames + (x0 - rect.left()) * fpp
        mins, maxs = reader.query(source, fpp, x1 - x0)
        end = clip.source_offset_frames + clip.length_frames
        past = clip.source_offset_frames + (np.arange(x0, x1) - rect.left()) * fpp >= end
        mins[:, past] = np.nan
        top = math.floor(inner.top())
        pixels = envelope_pixels(mins, maxs, scale, inner.top() - top,
                                 math.ceil(inner.bottom()) - top, row, colour)
        image = QImage(pixels.data, pixels.shape[1], pixels.shape[0], 4 * pixels.shape[1],
                       QImage.Format.Format_ARGB32_Premultiplied)
        painter.drawImage(QPointF(x0, top), image)

    def _paint_samples(self, painter: QPainter, reader: PeakReader, clip: Clip, rect: QRectF,
                       x0: int, x1: int, inner: QRectF, row: float, scale: float,
                       colour: QColor) -> None:
        """Zoomed past one sample a pixel: a line through the samples, and dots on them."""
        fpp = self.session.view.frames_per_pixel
        offset = clip.source_offset_frames
        first = max(math.floor(offset + (x0 - rect.left()) * fpp) - 1, offset)
        last = min(math.ceil(offset + (x1 - rect.left()) * fpp) + 2, offset + clip.length_frames)
        if last <= first:
            return
        data = reader.samples(first, last - first) * scale
        xs = rect.left() + (np.arange(first, last, dtype=np.float64) - offset) / fpp
        faint = QColor(colour)
        faint.setAlpha(60)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for channel in range(data.shape[0]):
            centre = inner.top() + row * (channel + 0.5)
            ys = centre - np.clip(data[channel], -1, 1) * (row / 2 - 1)
            painter.setPen(QPen(faint, 1))
            painter.drawLine(QPointF(x0, centre), QPointF(x1, centre))
            points = polygon(xs, ys)
            painter.setPen(QPen(colour, 1))
            painter.drawPolyline(points)
            if 1.0 / fpp >= DOTS_FROM_PIXELS:
                painter.setPen(QPen(colour, 4.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
                painter.drawPoints(points)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    # --- fades ----------------------------------------------------------------------------

    def _fade_gain(self, fade: Fade, t: np.ndarray) -> np.ndarray:
        """The fade-in gain at fractions `t` of the fade, from the renderer's own curve."""
        table = self._fade_tables.get(fade.shape)
        if table is None:
            table = np.append(fade_in_curve(fade.shape, _FADE_POINTS), 1.0).astype(np.float64)
            self._fade_tables[fade.shape] = table
        return np.interp(t, self._fade_grid, table)

    def _paint_fades(self, painter: QPainter, clip: Clip, rect: QRectF, shown: QRectF) -> None:
        """Each fade's gain curve over the clip, the part above it shaded (what it silences).
        Only the visible stretch of a fade is drawn, so a long fade zoomed in stays cheap."""
        fpp = self.session.view.frames_per_pixel
        for fade, fading_in in ((clip.fade_in, True), (clip.fade_out, False)):
            if fade.length_frames <= 0:
                continue
            length = fade.length_frames / fpp
            start = rect.left() if fading_in else rect.right() - length
            t0 = min(max((shown.left() - start) / length, 0.0), 1.0)
            t1 = min(max((shown.right() - start) / length, 0.0), 1.0)
            if t1 <= t0:
                continue
            points = int(min(_CURVE_POINTS, max(3, (t1 - t0) * length / 3)))
            t = np.linspace(t0, t1, points)
            gains = self._fade_gain(fade, t if fading_in else 1.0 - t)
            xs = start + t * length
            ys = rect.bottom() - gains * rect.height()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(style.FADE_SHADE)
            painter.drawPolygon(polygon(np.append(xs, [xs[-1], xs[0]]),
                                        np.append(ys, [rect.top(), rect.top()])))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(QPen(style.FADE_CURVE, 1))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(polygon(xs, ys))
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
