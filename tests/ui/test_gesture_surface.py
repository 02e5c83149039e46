"""Lane drags run on anything that offers the small `LaneSurface` protocol: a session, a
layout and a repaint, not the whole lanes widget."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, Qt

from daw.model import MediaRef, Project, ops
from daw.ui.session import Session
from daw.ui.timeline.geometry import Hit, LaneLayout, Zone
from daw.ui.timeline.gestures import LaneSurface, MoveDrag, RubberBand

NONE = Qt.KeyboardModifier.NoModifier


@dataclass
class PlainSurface:
    session: Session
    layout: LaneLayout
    repainted: list[QRect] = field(default_factory=list)

    def update(self, rect: QRect) -> None:
        self.repainted.append(rect)


def surface() -> PlainSurface:
    p = ops.add_media(Project(), MediaRef("m", "audio/m.wav", 1, 480000))
    p = ops.add_track(p, "Vox", track_id="vox")
    p = ops.add_track(p, "Keys", track_id="keys")
    p = ops.add_clip(p, "vox", "m", 40000, length_frames=40000, clip_id="a")
    session = Session(p, None)
    session.view.frames_per_pixel = 400.0
    session.view.set_snap("Off")
    return PlainSurface(session, LaneLayout(session.view, lambda: session.project))


def test_a_move_drag_edits_the_song_through_a_plain_surface(qapp) -> None:
    lanes: LaneSurface = surface()
    y = lanes.layout.top(0) + 10
    drag = MoveDrag(lanes, QPointF(150, y), Hit("a", 0, Zone.BODY), frozenset({"a"}))
    below = lanes.layout.top(1) + 10
    drag.move(QPointF(200, below), NONE)
    drag.release(QPointF(250, below), NONE)
    track, clip = lanes.session.project.find_clip("a")
    assert (track.id, clip.start_frame) == ("keys", 40000 + 100 * 400)
    assert lanes.session.history.undo_label == "Move Clip"


def test_a_rubber_band_selects_and_asks_the_surface_to_repaint(qapp) -> None:
    lanes = surface()
    drag = RubberBand(lanes, QPointF(50, lanes.layout.top(0) + 2), additive=False)
    drag.move(QPointF(160, lanes.layout.top(0) + 20), NONE)
    assert lanes.session.selected_clips == frozenset({"a"})
    drag.release(QPointF(160, lanes.layout.top(0) + 20), NONE)
    # the band (50, 2)-(160, 20) and two pixels round it, on each move, the release and
    # the band's removal
    assert lanes.layout.top(0) == 0
    assert lanes.repainted == [QRect(48, 0, 115, 23)] * 3
