"""The punch range on the ruler: set by Alt-drag or from the loop, the selection or the markers,
drawn in the ruler's time row (strong while punch is on) and down the lanes, kept by the
session (which hands it to the engine), toggled from the Transport menu."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QImage

from daw.model import ops
from daw.settings.audio import load_settings
from daw.ui.main_window import MainWindow
from daw.ui.timeline import style
from tests.ui.timeline_helpers import BEAT, Timeline, drag, make_timeline, point

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ALT = Qt.KeyboardModifier.AltModifier
TIME_ROW = style.MARKER_ROW + style.BARS_ROW


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    return make_timeline(qtbot, tmp_path)


def ruler_rgb(tl: Timeline) -> np.ndarray:
    """The ruler's pixels as (height, width, RGB)."""
    image = tl.view.ruler.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), dtype=np.uint8)
    pixels = data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()]
    return pixels[:, :, 2::-1].astype(np.float64)  # BGRA in memory → RGB


def redness(rgb: np.ndarray, rows: slice, x0: int, x1: int) -> float:
    """How much redder than blue a block of the ruler is, on average (text left out: the
    median of each column)."""
    block = rgb[rows, x0:x1]
    return float(np.median(block[:, :, 0] - block[:, :, 2]))


def ruler_menu_action(tl: Timeline, text: str, x: float = 700.0):
    menu = tl.view.ruler.context_menu(QPointF(x, 40))
    return next(a for a in menu.actions() if a.text() == text)


def test_the_punch_range_from_the_loop_is_kept_and_drawn_in_the_time_row(
        qtbot, tl: Timeline) -> None:
    ruler, session, view = tl.view.ruler, tl.session, tl.session.view
    drag(qtbot, ruler, point(130, 25), point(370, 25))  # a loop from beat 1 to beat 3
    assert view.loop_region == (BEAT, 3 * BEAT) and session.punch_region is None
    ruler_menu_action(tl, "Set Punch Range from Loop").trigger()
    assert session.punch_region == (BEAT, 3 * BEAT) and session.punch_enabled
    rgb = ruler_rgb(tl)
    time_row = slice(TIME_ROW + 2, ruler.height() - 2)
    bars_row = slice(style.MARKER_ROW + 2, TIME_ROW - 1)
    assert redness(rgb, time_row, 140, 350) > 30  # the punch range
    assert abs(redness(rgb, bars_row, 140, 350)) < 10  # in the time row only
    assert abs(redness(rgb, time_row, 420, 700)) < 10  # the plain ruler past both
    on = redness(rgb, time_row, 140, 350)
    assert ruler_menu_action(tl, "Punch In/Out").isChecked()
    ruler_menu_action(tl, "Punch In/Out").trigger()  # off: the range stays, drawn faintly
    assert session.punch_region == (BEAT, 3 * BEAT) and not session.punch_enabled
    off = redness(ruler_rgb(tl), time_row, 140, 350)
    assert 0 < off < on - 20


def test_alt_drag_on_the_ruler_sets_the_punch_range_not_the_loop(qtbot, tl: Timeline) -> None:
    session, view = tl.session, tl.session.view
    drag(qtbot, tl.view.ruler, point(250, 40), point(610, 40), ALT)
    assert session.punch_region == (2 * BEAT, 5 * BEAT) and session.punch_enabled
    assert view.loop_region is None
    drag(qtbot, tl.view.ruler, point(250, 40), point(613, 40),
         ALT | Qt.KeyboardModifier.ShiftModifier)  # Shift: not snapped
    assert session.punch_region == (250 * 200, 613 * 200)
    rgb = ruler_rgb(tl)
    assert redness(rgb, slice(TIME_ROW + 2, tl.view.ruler.height() - 2), 260, 600) > 60
    lanes = tl.view.lanes.grab().toImage()
    edge = lanes.pixelColor(250, 30)  # punch in: a red line down the lanes
    assert edge.red() > edge.blue() + 60


def test_the_punch_range_from_the_markers_around_the_playhead(tl: Timeline) -> None:
    session = tl.session
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    session.edit("Markers", lambda p: ops.add_marker(ops.add_marker(p, "Verse", BEAT),
                                                     "Chorus", 4 * BEAT))
    session.locate(6 * BEAT)
    ruler_menu_action(tl, "Set Punch Range from Markers").trigger()
    assert session.punch_region is None and "between two markers" in errors[0]
    session.locate(2 * BEAT)
    ruler_menu_action(tl, "Set Punch Range from Markers").trigger()
    assert session.punch_region == (BEAT, 4 * BEAT) and session.punch_enabled


def test_the_punch_range_from_the_selected_clips(tl: Timeline) -> None:
    session = tl.session
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    ruler_menu_action(tl, "Set Punch Range from Selection").trigger()
    assert session.punch_region is None and "no clips selected" in errors[0]
    session.select_clips(["c1", "c2"])
    ruler_menu_action(tl, "Set Punch Range from Selection").trigger()
    assert session.punch_region == (24000, 120000 + 48000)


def test_the_transport_menu_toggles_punch(qtbot, tmp_path: Path) -> None:
    timeline = make_timeline(qtbot, tmp_path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(timeline.session, settings)
    win.error_dialogs_enabled = False
    win.show()
    qtbot.waitExposed(win)
    transport = next(a.menu() for a in win.menuBar().actions() if a.text() == "T&ransport")
    texts = [a.text() for a in transport.actions() if not a.isSeparator()]
    assert {"P&unch In/Out", "Set Punch Range from Loop", "Set Punch Range from Selection",
            "Set Punch Range from Markers"} <= set(texts)
    session = win.session
    win.punch_action.trigger()  # no range and no loop yet
    assert not session.punch_enabled and "no loop" in win.last_error
    assert not win.punch_action.isChecked()
    win.session.set_loop(2 * BEAT, 6 * BEAT)
    win.punch_action.trigger()  # on: the loop's range is taken
    assert session.punch_enabled and session.punch_region == (2 * BEAT, 6 * BEAT)
    assert win.punch_action.isChecked()
    win.punch_action.trigger()
    assert not session.punch_enabled and not win.punch_action.isChecked()
    win.close()


def test_the_preroll_is_an_option(qtbot, tmp_path: Path) -> None:
    timeline = make_timeline(qtbot, tmp_path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(timeline.session, settings)
    win.error_dialogs_enabled = False
    options = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Options")
    preroll = next(a.menu() for a in options.actions() if a.text() == "P&re-roll")
    choices = {a.text(): a for a in preroll.actions()}
    assert list(choices) == ["Off", "1 s", "2 s", "4 s"] and choices["2 s"].isChecked()
    choices["4 s"].trigger()
    assert load_settings()[0].preroll_seconds == 4.0
    assert choices["4 s"].isChecked() and not choices["2 s"].isChecked()
    win.close()
