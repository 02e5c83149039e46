"""An automation lane says its values where they are: the value under the mouse, a selected
point's value beside it, and the reference line named as a mark, not as the lane's value."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from daw.model import automation
from daw.model.project import VOLUME
from daw.ui.timeline.automation import LINE
from daw.ui.timeline.automation_readout import reference_text
from daw.ui.timeline.automation_targets import GAIN_AXIS, PAN_AXIS
from daw.ui.view_state import clock
from tests.ui.timeline_helpers import BEAT, RATE, Timeline, make_timeline

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    """Track t3's volume falls from -6 dB at beat 2 to -43 dB at beat 6."""
    timeline = make_timeline(qtbot, tmp_path)
    project = automation.set_points(timeline.session.project, "t3", VOLUME,
                                    [(2 * BEAT, -6.0), (6 * BEAT, -43.0)])
    timeline.session.edit("Volume Points", lambda _: project)
    timeline.session.view.show_automation("t3", VOLUME)
    return timeline


def rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    return data[:, :, ::-1].astype(np.int64)  # BGRA in memory: R, G, B


def test_the_value_under_the_mouse_is_read_out(qtbot, tl: Timeline) -> None:
    lanes, overlay, view = tl.view.lanes, tl.view.lanes.automation, tl.session.view
    envelope = automation.envelope(tl.session.project, "t3", VOLUME)
    y = round(tl.layout.top(2) + 30)
    for x in (300, 500, 900):  # on the slope, and past the last point
        qtbot.mouseMove(lanes, QPoint(x, y))
        frame = round(view.x_to_frame(x))
        assert overlay.readout() == f"{GAIN_AXIS.text(envelope.value_at(frame))} at " \
                                    f"{clock(frame, RATE)}"
    assert overlay.readout().startswith("-43.0 dB at ")  # where the line ends
    before = rgb(lanes.grab().toImage())
    qtbot.mouseMove(lanes, QPoint(300, y))
    after = rgb(lanes.grab().toImage())
    changed = np.argwhere((before != after).any(axis=2))
    assert changed.size and changed[:, 1].min() >= 300 and changed[:, 0].max() <= y + 25
    qtbot.mouseMove(lanes, QPoint(300, round(tl.layout.top(0) + 30)))  # a clip lane
    assert overlay.readout() is None


def test_a_selected_point_keeps_its_value_beside_it(qtbot, tl: Timeline) -> None:
    lanes, overlay = tl.view.lanes, tl.view.lanes.automation
    where = overlay.point_xy(overlay.shown_at(2), 0).toPoint()
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton, pos=where)
    assert overlay.selected == ("t3", VOLUME, 0)
    qtbot.mouseMove(lanes, QPoint(where.x(), round(tl.layout.top(0) + 30)))  # away, on t1
    assert overlay.hovered is None
    image = rgb(lanes.grab().toImage())
    tag = image[where.y() - 20:where.y() - 4, where.x() + 8:where.x() + 60]
    line = np.array([LINE.red(), LINE.green(), LINE.blue()])
    assert (np.abs(tag - line).sum(axis=2) < 60).sum() > 10  # the value's orange text


def test_the_reference_line_is_named_as_a_mark() -> None:
    assert reference_text(GAIN_AXIS) == "0.0 dB mark"
    assert GAIN_AXIS.text(0.0) == "0.0 dB"  # what it used to say, as if the lane's value
    assert reference_text(PAN_AXIS) == "centre"
