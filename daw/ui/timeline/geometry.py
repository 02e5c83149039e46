"""Where things are on the lanes: the track at a height, a clip's rectangle, and which part of
a clip (an edge, a fade handle, the gain handle, the body) is under the mouse.

Painting and mouse handling both use these, so what is drawn is exactly what can be grabbed.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QPointF, QRectF

from daw.model import Clip, Project
from daw.model.project import Take
from daw.ui.view_state import ViewState

CLIP_MARGIN = 2
"""Pixels between a lane's edges and its clips."""
EDGE_PX = 5.0
"""How close to a clip's edge the mouse trims rather than moves."""
HANDLE_RADIUS = 5.0
"""Half the size of a fade handle's square (and of its grab area)."""
TAKE_LANE_HEIGHT = 36
"""Pixels of one take lane under a track that shows its takes."""
GAIN_HANDLE_WIDTH = 26.0
GAIN_TOP_DB = 24.0
GAIN_BOTTOM_DB = -60.0
"""The gain handle travels from GAIN_TOP_DB at the clip's top to GAIN_BOTTOM_DB at its bottom."""


class Zone(Enum):
    BODY = "body"
    TRIM_START = "trim start"
    TRIM_END = "trim end"
    FADE_IN = "fade in"
    FADE_OUT = "fade out"
    GAIN = "gain"


@dataclass(frozen=True)
class Hit:
    clip_id: str
    track_index: int
    zone: Zone


class LaneLayout:
    """The vertical placement of rows, shared by the headers and the lanes: a track's row is
    its lane of clips (`view.track_height` pixels high) and, when the track shows its takes,
    one thin lane a take under it; the master row is one lane high. All of it is scrolled up
    by `y_offset`. Every mapping between a height and a track goes through here."""

    def __init__(self, view: ViewState, project: Callable[[], Project] | None = None) -> None:
        self.view = view
        self.project = project
        """Where the layout reads the song (the takes a track has); without it every row is
        one lane high."""
        self.y_offset = 0
        self._key: tuple | None = None
        self._starts: list[int] = [0]

    @property
    def lane_height(self) -> int:
        """The height of a track's lane of clips (its comp lane)."""
        return self.view.track_height

    def take_count(self, index: int) -> int:
        """How many take lanes the track at `index` shows under its lane (0 when hidden)."""
        starts = self._row_starts()
        if not 0 <= index < len(starts) - 1:
            return 0
        return (starts[index + 1] - starts[index] - self.lane_height) // TAKE_LANE_HEIGHT

    def _row_starts(self) -> list[int]:
        """Where each track's row starts in the content, and where the last one ends; worked
        out again only when the song, the shown takes or the track height change."""
        project = self.project() if self.project is not None else None
        shown = self.view.takes_shown
        key = (id(project), project, frozenset(shown), self.lane_height)
        if key != self._key:
            starts = [0]
            for track in project.tracks if project is not None else ():
                takes = len(track.takes) if track.id in shown else 0
                starts.append(starts[-1] + self.lane_height + takes * TAKE_LANE_HEIGHT)
            self._key, self._starts = key, starts
        return self._starts

    def _content_top(self, index: int) -> int:
        starts = self._row_starts()
        if index < len(starts):
            return starts[max(index, 0)] + min(index, 0) * self.lane_height
        return starts[-1] + (index - len(starts) + 1) * self.lane_height

    def top(self, index: int) -> int:
        """The top of row `index` (a track's lane of clips; past the tracks, one lane a row)."""
        return self._content_top(index) - self.y_offset

    def row_height(self, index: int) -> int:
        return self._content_top(index + 1) - self._content_top(index)

    def row_at(self, y: float) -> int:
        """The row at a height, not limited to the tracks there are (a take lane belongs to
        its track's row)."""
        content = y + self.y_offset
        starts = self._row_starts()
        if content < 0:
            return math.floor(content / self.lane_height)
        if content >= starts[-1]:
            return len(starts) - 1 + math.floor((content - starts[-1]) / self.lane_height)
        return bisect.bisect_right(starts, content) - 1

    def index_at(self, y: float, count: int) -> int | None:
        row = self.row_at(y)
        return row if 0 <= row < count else None

    def content_height(self, count: int) -> int:
        return self._content_top(count)

    def clip_rect(self, clip: Clip, index: int) -> QRectF:
        x0 = self.view.frame_to_x(clip.start_frame)
        x1 = self.view.frame_to_x(clip.end_frame)
        top = self.top(index) + CLIP_MARGIN
        return QRectF(x0, top, max(x1 - x0, 1.0), self.lane_height - 2 * CLIP_MARGIN)

    # --- take lanes -----------------------------------------------------------------------

    def take_top(self, index: int, take: int) -> int:
        """The top of the lane of the track's `take`-th take (0 the first recorded)."""
        return self.top(index) + self.lane_height + take * TAKE_LANE_HEIGHT

    def take_at(self, y: float) -> tuple[int, int] | None:
        """(track index, take index) of the take lane at a height, or None."""
        index = self.row_at(y)
        take = math.floor((y - self.top(index) - self.lane_height) / TAKE_LANE_HEIGHT)
        if 0 <= take < self.take_count(index):
            return index, take
        return None

    def take_rect(self, take: Take, index: int, row: int) -> QRectF:
        """Where a take's audio is drawn in its lane."""
        x0 = self.view.frame_to_x(take.start_frame)
        x1 = self.view.frame_to_x(take.end_frame)
        top = self.take_top(index, row) + 1
        return QRectF(x0, top, max(x1 - x0, 1.0), TAKE_LANE_HEIGHT - 2)


def fade_in_handle(rect: QRectF, clip: Clip, frames_per_pixel: float) -> QPointF:
    x = rect.left() + clip.fade_in.length_frames / frames_per_pixel
    return QPointF(_inside(x, rect), rect.top() + HANDLE_RADIUS)


def fade_out_handle(rect: QRectF, clip: Clip, frames_per_pixel: float) -> QPointF:
    x = rect.right() - clip.fade_out.length_frames / frames_per_pixel
    return QPointF(_inside(x, rect), rect.top() + HANDLE_RADIUS)


def _inside(x: float, rect: QRectF) -> float:
    return min(max(x, rect.left() + HANDLE_RADIUS), rect.right() - HANDLE_RADIUS)


def gain_y(rect: QRectF, gain_db: float) -> float:
    gain = min(GAIN_TOP_DB, max(GAIN_BOTTOM_DB, gain_db))
    return rect.top() + rect.height() * (GAIN_TOP_DB - gain) / (GAIN_TOP_DB - GAIN_BOTTOM_DB)


def gain_db_per_pixel(rect: QRectF) -> float:
    """How much a vertical pixel of gain-handle drag changes the gain, so the handle follows
    the mouse."""
    return (GAIN_TOP_DB - GAIN_BOTTOM_DB) / max(rect.height(), 1.0)


def gain_handle(rect: QRectF, clip: Clip, width: float) -> QPointF:
    """The centre of the gain handle: mid-way across the visible part of the clip."""
    left, right = max(rect.left(), 0.0), min(rect.right(), width)
    return QPointF((left + right) / 2, gain_y(rect, clip.gain_db))


def handles_shown(rect: QRectF) -> bool:
    """Fade and gain handles only on clips wide enough to grab them apart from the edges."""
    return rect.width() >= 4 * HANDLE_RADIUS + 2 * EDGE_PX


def clip_zone(rect: QRectF, clip: Clip, pos: QPointF, frames_per_pixel: float,
              width: float) -> Zone | None:
    """The part of the clip under `pos`, or None if it is not over the clip."""
    edge = min(EDGE_PX, rect.width() / 3)
    if not (rect.top() <= pos.y() <= rect.bottom()
            and rect.left() - edge <= pos.x() <= rect.right() + edge):
        return None
    if handles_shown(rect):
        for zone, point in ((Zone.FADE_IN, fade_in_handle(rect, clip, frames_per_pixel)),
                            (Zone.FADE_OUT, fade_out_handle(rect, clip, frames_per_pixel))):
            if (abs(pos.x() - point.x()) <= HANDLE_RADIUS + 1
                    and abs(pos.y() - point.y()) <= HANDLE_RADIUS + 1):
                return zone
        gain = gain_handle(rect, clip, width)
        if abs(pos.x() - gain.x()) <= GAIN_HANDLE_WIDTH / 2 and abs(pos.y() - gain.y()) <= 3:
            return Zone.GAIN
    if abs(pos.x() - rect.left()) <= edge:
        return Zone.TRIM_START
    if abs(pos.x() - rect.right()) <= edge:
        return Zone.TRIM_END
    return Zone.BODY if rect.left() <= pos.x() <= rect.right() else None


def hit_test(project: Project, layout: LaneLayout, pos: QPointF, width: float) -> Hit | None:
    """The topmost clip part under `pos` (later clips are drawn over earlier ones)."""
    index = layout.index_at(pos.y(), len(project.tracks))
    if index is None:
        return None
    fpp = layout.view.frames_per_pixel
    for clip in reversed(project.tracks[index].clips):
        zone = clip_zone(layout.clip_rect(clip, index), clip, pos, fpp, width)
        if zone is not None:
            return Hit(clip.id, index, zone)
    return None


def clips_in(project: Project, layout: LaneLayout, area: QRectF) -> set[str]:
    """Ids of the clips whose rectangles meet `area` (a rubber band)."""
    found: set[str] = set()
    for index, track in enumerate(project.tracks):
        for clip in track.clips:
            if layout.clip_rect(clip, index).intersects(area):
                found.add(clip.id)
    return found
