"""A clip's body: the fill in its track's colour, the waveform at the detail of the zoom (down
to single samples) with the clip gain applied, the fades as curves over it, and the border.

Bodies are drawn in tiles `TILE` pixels wide, kept and reused while only the clip's place
changes: moving a clip, scrolling or a playhead step draws no waveform, and only the tiles in
view are ever drawn, however wide the clip is zoomed.

A zoom draws every tile on screen again, so the missing tiles are drawn together: the waveform
columns of all tiles of a media file come from one reduction (`columns`); the tiles of one
height are laid side by side in one image, whose pixels (the body's fill, the waveform over
it) are set by one envelope computation; then one painter draws each tile's fades and border
into its part of the image.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QTransform

from daw.media import MediaError, PeakReader
from daw.media.peaks import FINEST_WINDOW
from daw.model import Clip, MediaRef
from daw.ui.polygons import envelope_mask, premultiplied
from daw.ui.session import Session
from daw.ui.timeline import style
from daw.ui.timeline.columns import Source, column_extremes, peak_source
from daw.ui.timeline.fades import FadeCurves
from daw.ui.timeline.missing_look import paint_missing
from daw.ui.timeline.peak_cache import PeakCache
from daw.ui.timeline.samples import paint_samples
from daw.ui.timeline.sheets import ARENA_PIXELS, Sheet, SheetMemory

TILE = 512
"""Bodies are drawn and kept in tiles this many pixels wide."""
CHUNK_COLUMNS = 2048
"""Pixels are worked out this many columns at a time."""
CACHE_PIXELS = 3_000_000
"""About 12 MB of cached tiles, two or three screens' worth: enough to scroll or zoom back, and
small enough that a new zoom soon draws into memory of tiles dropped (see `sheets`)."""
_FORMAT = QImage.Format.Format_ARGB32_Premultiplied

Item = tuple[Clip, QColor, QRectF, bool]
"""A clip to draw: the clip, its track's colour, its rectangle on the lanes, selected."""
Tiles = list[tuple[QPointF, QImage, QRect]]
"""Where on the lanes each tile of a body goes, and the image and part of it that holds it."""


@dataclass(slots=True)
class _Job:
    """One tile to draw: `columns` wide, the clip's body (`width` wide) at x `left` in it."""

    key: tuple
    clip: Clip
    ref: MediaRef
    reader: PeakReader | None
    colour: QColor
    selected: bool
    columns: int
    height: int
    left: float
    width: float
    missing: bool = False
    """The media's file is missing: the body is drawn hatched."""
    extremes: tuple[np.ndarray, np.ndarray] | None = None

    def source(self, frames_per_pixel: float) -> float:
        """The source frame where column 0 starts."""
        return self.clip.source_offset_frames - self.left * self.step(frames_per_pixel)

    def step(self, frames_per_pixel: float) -> float:
        """Source frames a pixel: a stretched clip spreads its source over its whole length."""
        stretch = self.clip.stretch
        return frames_per_pixel if stretch == 1.0 else frames_per_pixel / stretch


@dataclass(frozen=True, slots=True)
class _Look:
    """How a body of one colour and state is drawn."""

    fill: int
    """The body's pixel value."""
    step: int
    """What to add (modulo 2**32) to the fill for the waveform's pixel over it."""
    wave: QColor
    border: QPen


class ClipBody:
    """Draws clip bodies for one session."""

    def __init__(self, session: Session, cache: PeakCache) -> None:
        self.session = session
        self.peaks = cache
        self.fades = FadeCurves()
        self._tiles: OrderedDict[tuple, tuple[Sheet, QRect]] = OrderedDict()
        self._pixels = 0
        self._sheets = SheetMemory()
        self._looks: dict[tuple[int, bool, bool], _Look] = {}

    def clear(self) -> None:
        for sheet in {id(sheet): sheet for sheet, _part in self._tiles.values()}.values():
            self._sheets.retire(sheet)
        self._tiles.clear()
        self._pixels = 0

    def tiles(self, items: Sequence[Item], area: QRectF) -> list[Tiles]:
        """The tiles of each clip's body that meet `area`; those not cached are drawn first,
        all together.

        A body is drawn at its rectangle's left edge rounded to a pixel, `round(width)` wide;
        tile t holds its columns from t * TILE on."""
        project, folder = self.session.project, self.session.folder
        refs = {ref.id: ref for ref in project.media}
        fpp = self.session.view.frames_per_pixel
        placed: list[list[tuple[QPointF, tuple]]] = []
        missing: dict[tuple, _Job] = {}
        for clip, colour, rect, selected in items:
            ref = refs[clip.media_id]
            reader = self.peaks.reader(folder, ref)
            gone = reader is None and self.peaks.is_missing(folder, ref)
            height = max(1, round(rect.height()))
            x0, width = round(rect.left()), max(1, round(rect.width()))
            first = max(0, math.floor(area.left() - 2 - x0)) // TILE
            last = (min(width, math.ceil(area.right() + 2 - x0)) - 1) // TILE
            # Plain values only: a tuple of them hashes without calling back into Python.
            body = (ref.id, ref.path, ref.length_frames, clip.source_offset_frames,
                    clip.length_frames, clip.gain_db, clip.fade_in.length_frames,
                    clip.fade_in.shape, clip.fade_out.length_frames, clip.fade_out.shape,
                    clip.muted, colour.rgba(), selected, reader is not None, fpp, width, height,
                    clip.stretch, gone)
            tiles = []
            for tile in range(first, last + 1):
                key = (body, tile)
                tiles.append((QPointF(x0 + tile * TILE, rect.top()), key))
                if key not in self._tiles and key not in missing:
                    missing[key] = _Job(key, clip, ref, reader, colour, selected,
                                        min(TILE, width - tile * TILE), height,
                                        -float(tile * TILE), float(width), gone)
            placed.append(tiles)
        if missing:
            self._render(list(missing.values()), fpp)
        out: list[Tiles] = []
        for tiles in placed:
            out.append([])
            for where, key in tiles:
                self._tiles.move_to_end(key)
                sheet, part = self._tiles[key]
                out[-1].append((where, sheet.image, part))
        keep = sum(len(tiles) for tiles in placed)
        while self._pixels > CACHE_PIXELS and len(self._tiles) > max(keep, 1):
            _key, (sheet, part) = self._tiles.popitem(last=False)
            self._pixels -= part.width() * part.height()
            sheet.live -= 1
            if sheet.live == 0:
                self._sheets.retire(sheet)
        return out

    # --- drawing the tiles ----------------------------------------------------------------

    def _render(self, jobs: list[_Job], fpp: float) -> None:
        """Draw the tiles side by side, in images of one height each."""
        # The columns where a pixel holds a source frame or more; finer, the samples.
        self._read_columns([job for job in jobs if job.step(fpp) >= 1.0], fpp)
        by_height: dict[int, list[_Job]] = {}
        for job in jobs:
            by_height.setdefault(job.height, []).append(job)
        for height, group in by_height.items():
            # Tiles of one channel count together, for one envelope computation; as many
            # side by side as fit in an arena.
            group.sort(key=_channels)
            most = max(TILE, ARENA_PIXELS // height)
            batch: list[_Job] = []
            for job in group:
                if batch and sum(j.columns for j in batch) + job.columns > most:
                    self._render_batch(batch, height, fpp)
                    batch = []
                batch.append(job)
            self._render_batch(batch, height, fpp)

    def _render_batch(self, jobs: list[_Job], height: int, fpp: float) -> None:
        sheet = self._sheets.sheet(height, sum(job.columns for job in jobs))
        looks = [self._look(job) for job in jobs]
        self._fill(jobs, looks, sheet.pixels, fpp)
        assert sheet.image is not None
        painter = QPainter(sheet.image)
        start = 0
        for job, look in zip(jobs, looks, strict=True):
            painter.setTransform(QTransform.fromTranslate(start, 0.0))
            painter.setClipRect(QRectF(0.0, 0.0, job.columns, height))
            rect = QRectF(job.left, 0.0, job.width, height)
            if job.reader is not None and job.step(fpp) < 1.0:
                self._paint_samples(painter, job, rect, fpp, look.wave)
            if job.missing:
                paint_missing(painter, rect, float(job.columns))
            self.fades.paint(painter, job.clip, rect, 0.0, float(job.columns), fpp)
            # The outline; of a body partly in this tile, only its edges here.
            edge = QRectF(QPointF(max(rect.left(), -4.0), 0.0),
                          QPointF(min(rect.right(), job.columns + 4.0), height))
            painter.setPen(look.border)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(edge.adjusted(0.5, 0.5, -0.5, -0.5))
            self._tiles[job.key] = (sheet, QRect(start, 0, job.columns, height))
            sheet.live += 1
            self._pixels += job.columns * height
            start += job.columns
        painter.end()

    def _fill(self, jobs: list[_Job], looks: list[_Look], pixels: np.ndarray,
              fpp: float) -> None:
        """Set the pixels of the tiles laid side by side: the body's fill, and the waveform's
        colour over it where the envelope covers. A few tiles at a time, so the temporary
        arrays stay small: large ones are fresh memory every time, and page faults cost more
        than the arithmetic."""
        height, begin, at = pixels.shape[0], 0, 0
        while begin < len(jobs):
            channels = _channels(jobs[begin])
            end, width = begin + 1, jobs[begin].columns
            while (end < len(jobs) and _channels(jobs[end]) == channels
                   and width + jobs[end].columns <= CHUNK_COLUMNS):
                width += jobs[end].columns
                end += 1
            sizes = [job.columns for job in jobs[begin:end]]
            part = pixels[:, at:at + width]
            fill = np.repeat(np.array([look.fill for look in looks[begin:end]],
                                      dtype=np.uint32), sizes)
            if channels == 0:
                part[:] = fill
            else:
                step = np.repeat(np.array([look.step for look in looks[begin:end]],
                                          dtype=np.uint32), sizes)
                np.multiply(self._envelope(jobs[begin:end], sizes, height, channels, fpp),
                            step, out=part)
                part += fill
            begin, at = end, at + width

    @staticmethod
    def _envelope(jobs: list[_Job], sizes: list[int], height: int, channels: int,
                  fpp: float) -> np.ndarray:
        """The waveform pixels (bool, (height, columns)) of tiles side by side."""
        mins = np.concatenate([job.extremes[0] for job in jobs], axis=1)
        maxs = np.concatenate([job.extremes[1] for job in jobs], axis=1)
        # Columns starting at or past the clip's end show nothing.
        source = np.repeat([job.source(fpp) for job in jobs], sizes)
        steps = np.repeat([job.step(fpp) for job in jobs], sizes)
        ends = np.repeat([float(job.clip.source_offset_frames + _source_frames(job.clip))
                          for job in jobs], sizes)
        local = np.arange(len(source), dtype=np.float64) - np.repeat(
            np.cumsum(sizes) - sizes, sizes)
        mins[:, source + local * steps >= ends] = np.nan
        gains = np.repeat([10.0 ** (job.clip.gain_db / 20.0) for job in jobs], sizes)
        return envelope_mask(mins, maxs, gains, 1.0, height, (height - 2) / channels)

    def _look(self, job: _Job) -> _Look:
        key = (job.colour.rgba(), job.selected, job.clip.muted)
        look = self._looks.get(key)
        if look is None:
            if job.clip.muted:
                body, wave = style.MUTED_BODY, style.MUTED_WAVE
            else:
                body = QColor(job.colour)
                body.setAlpha(style.CLIP_SELECTED_ALPHA if job.selected else style.CLIP_ALPHA)
                wave = style.WAVEFORM
            fill, over = _blend(body, wave)
            border = QPen(style.SELECTED_EDGE if job.selected else job.colour.darker(160),
                          2 if job.selected else 1)
            look = _Look(fill, (over - fill) % (1 << 32), wave, border)
            self._looks[key] = look
        return look

    # --- the waveform columns -------------------------------------------------------------

    def _read_columns(self, jobs: list[_Job], fpp: float) -> None:
        """Each job's waveform columns: from the peaks, or finer than the finest peak level
        from the samples (one read per stretch of a file that neighbouring jobs share); in one
        computation for all jobs whose sources have the same window and channel count."""
        by_reader: dict[tuple[int, float], list[_Job]] = {}
        for job in jobs:
            if job.reader is not None:
                by_reader.setdefault((id(job.reader), job.step(fpp)), []).append(job)
        batches: dict[tuple[int, int, int, float],
                      tuple[list[Source], list[int], list[_Job]]] = {}
        for (_reader, step), group in by_reader.items():
            reader = group[0].reader
            assert reader is not None
            if step >= FINEST_WINDOW:
                window, source = peak_source(reader, step)
                parts = [(source, group)]
            else:
                window = 1
                try:
                    parts = [(self.peaks.blocks.source(reader, first, end), run)
                             for run, first, end in _stretches(group, fpp)]
                except MediaError as error:
                    self.peaks.report_unreadable(self.session.folder, group[0].ref, error)
                    continue
            for source, part in parts:
                # Peak levels are small and laid side by side into one computation; samples
                # are many, and reduced where they are, a stretch at a time.
                alone = len(batches) if window == 1 else -1
                sources, which, chosen = batches.setdefault(
                    (window, reader.peaks.channels, alone, step), ([], [], []))
                which.extend([len(sources)] * len(part))
                sources.append(source)
                chosen.extend(part)
        for (window, _channels, _alone, step), batch in batches.items():
            for sources, which, chosen in _portions(*batch):
                self._extremes(sources, window, which, chosen, fpp, step)

    @staticmethod
    def _extremes(sources: list[Source], window: int, which: list[int], chosen: list[_Job],
                  fpp: float, step: float) -> None:
        """Work out the columns of the jobs (each `step` source frames a pixel) together, and
        hand each its part."""
        starts = [job.source(fpp) for job in chosen]
        counts = [job.columns for job in chosen]
        mins, maxs = column_extremes(sources, window, which, starts, counts, step)
        at = 0
        for job in chosen:
            job.extremes = (mins[:, at:at + job.columns], maxs[:, at:at + job.columns])
            at += job.columns

    def _paint_samples(self, painter: QPainter, job: _Job, rect: QRectF, fpp: float,
                       colour: QColor) -> None:
        """Zoomed past one sample a pixel: the samples in the tile, as `paint_samples` draws
        them (a stretched clip's spread out by its stretch)."""
        clip, reader = job.clip, job.reader
        assert reader is not None
        offset, step = clip.source_offset_frames, job.step(fpp)
        first = max(math.floor(offset - rect.left() * step) - 1, offset)
        last = min(math.ceil(offset + (job.columns - rect.left()) * step) + 2,
                   offset + _source_frames(clip))
        if last <= first:
            return
        try:
            at, data = self.peaks.blocks.read(reader, first, last - first)
        except MediaError as error:
            self.peaks.report_unreadable(self.session.folder, job.ref, error)
            return
        xs = rect.left() + (np.arange(at, at + data.shape[1], dtype=np.float64) - offset) / step
        paint_samples(painter, data * 10.0 ** (clip.gain_db / 20.0), xs,
                      rect.adjusted(0, 1, 0, -1), job.columns, 1.0 / step, colour)


def _portions(sources: list[Source], which: list[int],
              jobs: list[_Job]) -> list[tuple[list[Source], list[int], list[_Job]]]:
    """Jobs split into portions of at most about CHUNK_COLUMNS * 2 columns (each with the
    sources it uses), so the arrays of one computation stay small."""
    portions: list[tuple[list[Source], list[int], list[_Job]]] = []
    width, used = CHUNK_COLUMNS * 2, {}
    for index, job in zip(which, jobs, strict=True):
        if width + job.columns > CHUNK_COLUMNS * 2:
            portions.append(([], [], []))
            width, used = 0, {}
        part_sources, part_which, part_jobs = portions[-1]
        if index not in used:
            used[index] = len(part_sources)
            part_sources.append(sources[index])
        part_which.append(used[index])
        part_jobs.append(job)
        width += job.columns
    return portions


def _channels(job: _Job) -> int:
    """The channels of the job's waveform; 0 if it has none."""
    return 0 if job.extremes is None else job.extremes[0].shape[0]


def _blend(body: QColor, wave: QColor) -> tuple[int, int]:
    """The body's pixel value, and the waveform's over it, as the raster engine blends them
    (worked out by drawing them)."""
    image = QImage(2, 1, _FORMAT)
    image.fill(0)
    painter = QPainter(image)
    painter.fillRect(QRectF(0, 0, 2, 1), body)
    dot = np.array([[premultiplied(wave)]], dtype=np.uint32)
    painter.drawImage(QPointF(1, 0), QImage(dot.data, 1, 1, 4, _FORMAT))
    painter.end()
    fill, over = (int(v) for v in np.frombuffer(image.constBits(), np.uint32, 2))
    return fill, over


def _source_frames(clip: Clip) -> int:
    """The source frames the clip plays: its length, or a stretched clip's `source_frames`."""
    return clip.length_frames if clip.stretch == 1.0 else clip.source_frames


def _stretches(jobs: list[_Job], fpp: float) -> list[tuple[list[_Job], int, int]]:
    """The jobs of one media file in runs whose source frames overlap or touch, with the
    frames each run reads."""
    spans = sorted(((math.floor(job.source(fpp)) - 1,
                     math.ceil(job.source(fpp) + (job.columns + 1) * job.step(fpp)) + 1, job)
                    for job in jobs), key=lambda span: span[:2])
    runs: list[tuple[list[_Job], int, int]] = []
    for first, end, job in spans:
        if runs and first <= runs[-1][2]:
            run = runs[-1]
            runs[-1] = (run[0] + [job], run[1], max(run[2], end))
        else:
            runs.append(([job], first, end))
    return runs
