"""A short clip's name stays readable: it is drawn between the fade handles, never under them."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QRectF

from daw.model import Fade, ops
from daw.ui.timeline.geometry import HANDLE_RADIUS, fade_in_handle, fade_out_handle
from tests.ui.timeline_helpers import FRAMES_PER_PIXEL, Timeline, brightness, make_timeline

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEXT = 200.0
"""Brighter than the clip's body and fill (no waveform: the song has no peaks): the name."""


def short_named_clip(qtbot, tmp_path: Path) -> Timeline:
    """Clip c2 cut to 70 pixels, named, with fades of 14 and 6 pixels."""
    tl = make_timeline(qtbot, tmp_path, folder=False)

    def edit(project):
        project = ops.trim_clip_end(project, "c2", 120000 + round(70 * FRAMES_PER_PIXEL))
        project = ops.set_fades(project, "c2", Fade(round(14 * FRAMES_PER_PIXEL)),
                                Fade(round(6 * FRAMES_PER_PIXEL)))
        return project

    tl.session.edit("Shorten", edit)
    tl.session.edit("Name", lambda p: replace(p, tracks=tuple(
        replace(t, clips=tuple(replace(c, name="Vocal take 3") for c in t.clips))
        for t in p.tracks)))
    tl.view.lanes.repaint()
    return tl


def handle_rects(tl: Timeline) -> list[QRectF]:
    clip, rect = tl.clip("c2"), tl.clip_rect("c2")
    size = 2 * HANDLE_RADIUS
    return [QRectF(p.x() - size / 2, p.y() - size / 2, size, size)
            for p in (fade_in_handle(rect, clip, FRAMES_PER_PIXEL),
                      fade_out_handle(rect, clip, FRAMES_PER_PIXEL))]


def test_a_short_clips_name_is_drawn_between_its_fade_handles(qtbot, tmp_path: Path) -> None:
    tl = short_named_clip(qtbot, tmp_path)
    rect = tl.clip_rect("c2")
    image = brightness(tl.view.lanes.grab().toImage())
    fade_in, fade_out = handle_rects(tl)
    for handle in (fade_in, fade_out):  # the handles themselves are bright: leave them out
        box = handle.adjusted(-1, -1, 1, 1).toAlignedRect()
        image[box.top():box.bottom() + 1, box.left():box.right() + 1] = 0
    # and the fade curves, which end at the handles
    image[:, round(rect.left()):round(fade_in.center().x()) - 1] = 0
    image[:, round(fade_out.center().x()) + 2:round(rect.right()) + 1] = 0
    band = image[round(rect.top()) + 2:round(rect.top()) + 18,
                 round(rect.left()) + 2:round(rect.right()) - 1]
    columns = np.flatnonzero((band > TEXT).any(axis=0)) + round(rect.left()) + 2
    assert columns.size > 10  # the name (elided) is there
    assert columns.min() > fade_in.right()
    assert columns.max() < fade_out.left()
    left, right = tl.view.lanes.clips.label_span(tl.clip("c2"), rect, tl.view.lanes.width())
    assert left > fade_in.right() and right < fade_out.left()
