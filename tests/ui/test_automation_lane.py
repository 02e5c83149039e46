"""Automation on the timeline, driven with the mouse and keys and checked on the model: the A
menu of a track header, points added, dragged and deleted on the lane, the right-click menu,
the value axes, the drawn line, and the master row."""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication

from daw.model import EffectSettings, automation
from daw.model.project import MASTER, PAN, VOLUME, AutomationPoint, effect_target
from daw.ui.mixer.taper import db_to_position
from daw.ui.timeline.automation import LINE
from daw.ui.timeline.automation_targets import FLOOR_DB, GAIN_AXIS, PAN_AXIS, Axis, targets
from tests.ui.timeline_helpers import BEAT, Timeline, drag, make_timeline, point, snapped_beat

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEFT = Qt.MouseButton.LeftButton
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    return make_timeline(qtbot, tmp_path)


def choose_from_menu(qtbot, button, key: str | None, text: str | None = None) -> None:
    """Click an InstantPopup button and pick an action of the menu it opens (by target key,
    or by text), as a person would."""
    picked: list[str] = []

    def pick() -> None:
        popup = QApplication.activePopupWidget()
        if key is not None:
            action = button.action_for(key)
        else:
            action = next(a for a in button.menu().actions() if a.text() == text)
        picked.append(action.text())
        action.trigger()
        popup.close()

    QTimer.singleShot(0, pick)
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: bool(picked))


def undo_steps(session) -> int:
    count = 0
    while session.history.can_undo:
        session.history.undo()
        count += 1
    for _ in range(count):
        session.history.redo()
    return count


def points(tl: Timeline, owner: str, target: str) -> tuple[AutomationPoint, ...]:
    found = automation.envelope(tl.session.project, owner, target)
    return found.points if found is not None else ()


def show_volume(qtbot, tl: Timeline, track_id: str) -> None:
    header = tl.view.headers.headers[track_id]
    choose_from_menu(qtbot, header.automation_button, VOLUME)
    assert tl.session.view.automation_shown(track_id) == VOLUME
    assert header.automation_button.isChecked()


def test_points_are_added_dragged_and_deleted_with_the_mouse(qtbot, tl: Timeline) -> None:
    show_volume(qtbot, tl, "t3")
    lanes, overlay, view = tl.view.lanes, tl.view.lanes.automation, tl.session.view
    top = tl.layout.top(2)
    assert points(tl, "t3", VOLUME) == ()

    # Two clicks on empty space: two points, on the beat grid, valued by their height.
    clicks = [(250.0, top + 20.0), (610.0, top + 50.0)]
    for x, y in clicks:
        qtbot.mouseClick(lanes, LEFT, pos=point(x, y))
    expected = []
    for x, y in clicks:
        frame = view.snapped(tl.session.project, view.x_to_frame(x))
        value = overlay.value_at_y(2, y)
        assert abs(overlay.y_for_value(2, value) - y) <= 1.0  # the mapping is its own inverse
        expected.append(AutomationPoint(frame, value))
    assert expected[0].frame == snapped_beat(250 * 200) == 2 * BEAT
    assert expected[1].frame == 5 * BEAT
    assert -60.0 < expected[1].value < expected[0].value < 12.0
    assert points(tl, "t3", VOLUME) == tuple(expected)
    assert undo_steps(tl.session) == 2

    # Drag the second point one beat right and 10 pixels down: one undo step.
    second = overlay.point_xy(overlay.shown_at(2), 1)
    drag(qtbot, lanes, second.toPoint(), second.toPoint() + QPoint(120, 10))
    moved_value = overlay.value_at_y(2, overlay.y_for_value(2, expected[1].value) + 10)
    assert points(tl, "t3", VOLUME) == (expected[0], AutomationPoint(6 * BEAT, moved_value))
    assert moved_value < expected[1].value
    assert undo_steps(tl.session) == 3

    # A double-click on the first point deletes it.
    first = overlay.point_xy(overlay.shown_at(2), 0).toPoint()
    qtbot.mouseDClick(lanes, LEFT, pos=first)
    assert points(tl, "t3", VOLUME) == (AutomationPoint(6 * BEAT, moved_value),)

    # Select the remaining point with a click, and Delete removes the envelope's last point.
    last = overlay.point_xy(overlay.shown_at(2), 0).toPoint()
    qtbot.mouseClick(lanes, LEFT, pos=last)
    assert overlay.selected == ("t3", VOLUME, 0)
    qtbot.keyClick(lanes, Qt.Key.Key_Delete)
    assert automation.envelope(tl.session.project, "t3", VOLUME) is None

    # Undo brings the points back, one step at a time.
    tl.session.undo()
    assert points(tl, "t3", VOLUME) == (AutomationPoint(6 * BEAT, moved_value),)
    tl.session.undo()
    assert points(tl, "t3", VOLUME) == (expected[0], AutomationPoint(6 * BEAT, moved_value))
    tl.session.undo()
    assert points(tl, "t3", VOLUME) == tuple(expected)


def test_a_click_and_drag_on_empty_space_places_one_point(qtbot, tl: Timeline) -> None:
    show_volume(qtbot, tl, "t3")
    lanes, overlay = tl.view.lanes, tl.view.lanes.automation
    top = tl.layout.top(2)
    drag(qtbot, lanes, point(250, top + 40), point(371, top + 30))
    value = overlay.value_at_y(2, top + 30)
    assert points(tl, "t3", VOLUME) == (AutomationPoint(3 * BEAT, value),)
    assert undo_steps(tl.session) == 1
    assert tl.session.history.undo_label == "Add Automation Point"


def test_shift_places_a_point_off_the_grid(qtbot, tl: Timeline) -> None:
    show_volume(qtbot, tl, "t3")
    y = tl.layout.top(2) + 30
    qtbot.mouseClick(tl.view.lanes, LEFT, SHIFT, point(251, y))
    assert points(tl, "t3", VOLUME)[0].frame == 251 * 200


def test_clicks_on_an_envelope_lane_leave_the_clips_alone(qtbot, tl: Timeline) -> None:
    show_volume(qtbot, tl, "t1")
    clips_before = tl.session.project.track("t1").clips
    rect = tl.clip_rect("c1")
    drag(qtbot, tl.view.lanes, point(rect.center().x(), rect.center().y()),
         point(rect.center().x() + 240, rect.center().y()))
    assert tl.session.project.track("t1").clips == clips_before
    assert len(points(tl, "t1", VOLUME)) == 1
    assert tl.session.selected_clips == frozenset()


def test_the_right_click_menu_deletes_bypasses_and_clears(qtbot, tl: Timeline) -> None:
    project = automation.set_points(tl.session.project, "t2", PAN,
                                    [(BEAT, -0.5), (4 * BEAT, 0.5)])
    tl.session.edit("Pan Points", lambda _: project)
    tl.session.view.show_automation("t2", PAN)
    lanes, overlay = tl.view.lanes, tl.view.lanes.automation

    def right_click(where: QPointF, text: str) -> list[str]:
        seen: list[str] = []

        def pick() -> None:
            popup = QApplication.activePopupWidget()
            actions = {a.text(): a for a in popup.actions() if a.text()}
            seen.extend(a for a in actions if actions[a].isEnabled())
            actions[text].trigger()
            popup.close()

        QTimer.singleShot(0, pick)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where.toPoint(),
                                  lanes.mapToGlobal(where.toPoint()))
        QApplication.sendEvent(lanes, event)
        return seen

    first = overlay.point_xy(overlay.shown_at(1), 0)
    enabled = right_click(first, "Delete Point")
    assert enabled == ["Delete Point", "Clear Envelope", "Bypass Envelope", "Hide Automation"]
    assert points(tl, "t2", PAN) == (AutomationPoint(4 * BEAT, 0.5),)
    right_click(QPointF(50, tl.lane_y(1)), "Bypass Envelope")
    assert automation.envelope(tl.session.project, "t2", PAN).enabled is False
    right_click(QPointF(50, tl.lane_y(1)), "Clear Envelope")
    assert automation.envelope(tl.session.project, "t2", PAN) is None
    enabled = right_click(QPointF(50, tl.lane_y(1)), "Hide Automation")
    assert enabled == ["Hide Automation"]
    assert tl.session.view.automation_shown("t2") is None


def test_the_eq_gains_are_offered_when_the_track_has_an_eq(qtbot, tl: Timeline) -> None:
    header = tl.view.headers.headers["t1"]
    header.automation_button.fill()
    target = effect_target("fx-eq", "p1_gain_db")
    assert header.automation_button.action_for(target) is None
    eq = EffectSettings("fx-eq", "eq", (("p1_gain_db", 3.0),))
    track = tl.session.project.track("t1")
    tl.session.edit("EQ", lambda p: p.with_tracks(
        (replace(track, effects=(eq,)), *p.tracks[1:])))
    choose_from_menu(qtbot, header.automation_button, target)
    action = header.automation_button.action_for(target)
    assert action.text() == "Band 1 gain" and action.isChecked()
    groups = [a.text() for a in header.automation_button.menu().actions() if a.menu()]
    assert groups == ["1 · EQ"]
    offered = {t.key for t in targets(tl.session.project, "t1")}
    for band in ("low", "p1", "p2", "p3", "high"):
        assert effect_target("fx-eq", f"{band}_gain_db") in offered
    assert effect_target("fx-eq", "hp_on") not in offered  # a switch, not a level
    # The dashed line shows the EQ's setting (3 dB); a click starts the envelope in dB.
    overlay = tl.view.lanes.automation
    y = overlay.y_for_value(0, 3.0)
    assert overlay.value_at_y(0, y) == pytest.approx(3.0, abs=0.1)
    qtbot.mouseClick(tl.view.lanes, LEFT, pos=point(610, tl.layout.top(0) + 10))
    value = points(tl, "t1", target)[0].value
    assert 12.0 < value <= 24.0


def image_rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    pixels = data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    return pixels[:, :, ::-1].astype(int)  # BGRA in memory: to RGB


def test_the_envelope_is_drawn_in_the_line_colour(qtbot, tl: Timeline) -> None:
    project = automation.set_points(tl.session.project, "t1", VOLUME,
                                    [(2 * BEAT, -6.0), (5 * BEAT, 6.0)])
    tl.session.edit("Volume Points", lambda _: project)
    tl.session.view.show_automation("t1", VOLUME)
    overlay = tl.view.lanes.automation
    rgb = image_rgb(tl.view.lanes.grab().toImage())
    line = np.array([LINE.red(), LINE.green(), LINE.blue()])

    def on_line(x: int, y: float) -> bool:
        column = rgb[round(y) - 2:round(y) + 3, x]
        return bool(np.any(np.all(np.abs(column - line) <= 12, axis=1)))

    flat = overlay.y_for_value(0, -6.0)
    assert on_line(100, flat)  # before the first point the first value holds
    assert not on_line(100, flat - 12) and not on_line(100, flat + 12)
    middle = overlay.y_for_value(0, 0.0)  # half way in time is half way in dB
    assert on_line(round(view_x(tl, 3.5 * BEAT)), middle)
    assert on_line(900, overlay.y_for_value(0, 6.0))  # after the last point


def view_x(tl: Timeline, frame: float) -> float:
    return tl.session.view.frame_to_x(frame)


def test_hovering_a_point_shows_its_value(qtbot, tl: Timeline) -> None:
    project = automation.set_points(tl.session.project, "t3", VOLUME, [(2 * BEAT, -6.0)])
    tl.session.edit("Volume Point", lambda _: project)
    tl.session.view.show_automation("t3", VOLUME)
    overlay = tl.view.lanes.automation
    where = overlay.point_xy(overlay.shown_at(2), 0).toPoint()
    qtbot.mouseMove(tl.view.lanes, where)
    assert overlay.hovered == ("t3", VOLUME, 0)
    assert GAIN_AXIS.text(-6.0) == "-6.0 dB"
    qtbot.mouseMove(tl.view.lanes, where + QPoint(0, 30))
    assert overlay.hovered is None


def test_value_axes() -> None:
    # Volume follows the fader: equal dB steps are equal heights above -60 dB.
    heights = [GAIN_AXIS.fraction(db) for db in (-60.0, -36.0, -12.0, 12.0)]
    np.testing.assert_allclose(np.diff(heights), np.diff(heights)[0])
    floor = db_to_position(FLOOR_DB)
    assert GAIN_AXIS.fraction(0.0) == pytest.approx((db_to_position(0.0) - floor) / (1 - floor))
    assert GAIN_AXIS.value(1.0) == 12.0 and GAIN_AXIS.value(0.0) == FLOOR_DB
    for db in (-80.0, -24.5, 0.0, 7.3):
        assert GAIN_AXIS.value(GAIN_AXIS.fraction(db)) == pytest.approx(db, abs=0.05)
    # A straight line in dB is straight on the fader's law above -60 dB only.
    assert not GAIN_AXIS.curved(np.array([-60.0, 12.0]))
    assert GAIN_AXIS.curved(np.array([-80.0, 0.0]))
    # Pan: right at the top, left at the bottom, centre in the middle.
    assert (PAN_AXIS.value(1.0), PAN_AXIS.value(0.0), PAN_AXIS.value(0.5)) == (1.0, -1.0, 0.0)
    assert [PAN_AXIS.text(v) for v in (-0.35, 0.0, 1.0)] == ["L35", "C", "R100"]
    # Frequencies are logarithmic: the middle of 20 Hz..20 kHz is their geometric mean.
    hz = Axis(20.0, 20000.0, "log", "Hz")
    assert hz.fraction(math.sqrt(20 * 20000)) == pytest.approx(0.5)
    assert hz.value(0.5) == 632.0 and hz.text(2000.0) == "2 kHz"
    np.testing.assert_allclose(hz.fractions(np.array([20.0, 200.0, 2000.0, 20000.0])),
                               [0.0, 1 / 3, 2 / 3, 1.0])


def test_the_master_row_shows_master_volume_automation(qtbot, tl: Timeline) -> None:
    view = tl.session.view
    view.set_show_master(True)
    master = tl.view.headers.master
    assert master is not None and master.isVisible()
    assert master.geometry().top() == tl.layout.top(3)
    assert tl.view.vbar.maximum() >= 0
    overlay = tl.view.lanes.automation
    assert overlay.owner_of_row(3) == MASTER
    y = tl.layout.top(3) + 25
    qtbot.mouseClick(tl.view.lanes, LEFT, pos=point(610, y))
    found = automation.envelope(tl.session.project, MASTER, VOLUME)
    assert found.points == (AutomationPoint(5 * BEAT, overlay.value_at_y(3, y)),)
    view.set_show_master(False)
    assert not master.isVisible() and overlay.owner_of_row(3) is None
