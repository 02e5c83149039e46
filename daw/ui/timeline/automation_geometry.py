"""Where envelopes are on the lanes: which row shows which owner's envelope, the height of a
value in a row, and the point under the mouse. The automation overlay draws and edits with
these, so what is drawn is exactly what can be grabbed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF

from daw.model import EditError, automation
from daw.model.project import MASTER, AutomationPoint, Envelope
from daw.ui.session import Session
from daw.ui.timeline.automation_targets import Target, find_target
from daw.ui.timeline.geometry import LaneLayout
from daw.ui.view_state import ViewState

GRAB_PX = 6.0
"""How close to a point the mouse grabs it rather than adding another."""
MARGIN_PX = 6
"""Room above the top and below the bottom of the axis, so points at its ends can be grabbed."""

PointKey = tuple[str, str, int]
"""(owner, target, index of the point)."""


@dataclass(frozen=True)
class Shown:
    """A row that shows an envelope: where, whose, which target, and the envelope (if any)."""

    index: int
    owner: str
    target: Target
    envelope: Envelope | None

    @property
    def points(self) -> tuple[AutomationPoint, ...]:
        return self.envelope.points if self.envelope is not None else ()


class EnvelopeGeometry:
    """The rows that show an envelope and the coordinates of their values and points."""

    def __init__(self, session: Session, layout: LaneLayout) -> None:
        self.session = session
        self.layout = layout

    @property
    def view(self) -> ViewState:
        return self.session.view

    def owner_of_row(self, index: int) -> str | None:
        """The track id of a row, MASTER for the master row, or None below the rows."""
        tracks = self.session.project.tracks
        if 0 <= index < len(tracks):
            return tracks[index].id
        if index == len(tracks) and self.view.show_master:
            return MASTER
        return None

    def shown_at(self, index: int) -> Shown | None:
        owner = self.owner_of_row(index)
        key = self.view.automation_shown(owner) if owner is not None else None
        if owner is None or key is None:
            return None
        project = self.session.project
        target = find_target(project, owner, key)
        if target is None:
            return None  # the send or effect it drove is gone
        return Shown(index, owner, target, automation.envelope(project, owner, key))

    def shown_at_y(self, y: float) -> Shown | None:
        """The envelope drawn at a height (over a lane of clips; a take lane shows none)."""
        if self.layout.take_at(y) is not None:
            return None
        return self.shown_at(self.layout.row_at(y))

    def y_of_fraction(self, index: int, fraction: float | np.ndarray) -> float | np.ndarray:
        """The height of an axis fraction (0 bottom, 1 top; numbers or arrays) in a row."""
        layout = self.layout
        travel = layout.lane_height - 1 - 2 * MARGIN_PX
        return layout.top(index) + MARGIN_PX + (1.0 - fraction) * travel

    def fraction_at(self, index: int, y: float) -> float:
        layout = self.layout
        travel = max(1, layout.lane_height - 1 - 2 * MARGIN_PX)
        return min(1.0, max(0.0, 1.0 - (y - layout.top(index) - MARGIN_PX) / travel))

    def y_for_value(self, index: int, value: float) -> float:
        """Where a value of the row's shown target is drawn."""
        shown = self.shown_at(index)
        assert shown is not None, "the row shows no envelope"
        return float(self.y_of_fraction(index, shown.target.axis.fraction(value)))

    def value_at_y(self, index: int, y: float) -> float:
        """The value a click at height `y` in the row gives a point."""
        shown = self.shown_at(index)
        assert shown is not None, "the row shows no envelope"
        return shown.target.axis.value(self.fraction_at(index, y))

    def points_xy(self, shown: Shown) -> tuple[np.ndarray, np.ndarray]:
        """Where every point of the row's envelope is drawn (x and y arrays)."""
        view = self.view
        frames = np.array([p.frame for p in shown.points], dtype=np.float64)
        values = np.array([p.value for p in shown.points], dtype=np.float64)
        ys = self.y_of_fraction(shown.index, shown.target.axis.fractions(values))
        return (frames - view.scroll_frame) / view.frames_per_pixel, np.asarray(ys)

    def point_xy(self, shown: Shown, point: int) -> QPointF:
        p = shown.points[point]
        return QPointF(self.view.frame_to_x(p.frame),
                       float(self.y_of_fraction(shown.index,
                                                shown.target.axis.fraction(p.value))))

    def point_at(self, pos: QPointF) -> tuple[Shown, int] | None:
        """The point under the mouse (the nearest within reach), with its row."""
        shown = self.shown_at_y(pos.y())
        if shown is None or not shown.points:
            return None
        xs, ys = self.points_xy(shown)
        distance = np.maximum(np.abs(xs - pos.x()), np.abs(ys - pos.y()))
        best = int(np.argmin(distance))
        return (shown, best) if distance[best] <= GRAB_PX else None

    def _valid(self, key: PointKey | None) -> bool:
        if key is None:
            return False
        owner, target, index = key
        try:
            found = automation.envelope(self.session.project, owner, target)
        except EditError:  # its track is gone
            return False
        return found is not None and index < len(found.points)
