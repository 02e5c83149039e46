"""Take lanes and comping, driven with the mouse: the rows a track with takes adds, a click that
makes a take the comp, a swipe that comps a range, the take headers (rename, rate, mute,
delete), undo of every step, and File ▸ Clean Up Project deleting exactly the unused files."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from daw.model import Project, automation
from daw.model.project import VOLUME
from daw.model.store import load_project, save_project
from daw.model.takes import add_take, comp_range, delete_take, use_take
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from daw.ui.timeline.geometry import TAKE_LANE_HEIGHT
from tests.engine.songs import Song, tone
from tests.ui.timeline_helpers import FRAMES_PER_PIXEL, brightness, drag, point

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEFT = Qt.MouseButton.LeftButton
BEAT = 24000
TAKE_START = BEAT
TAKE_FRAMES = 96000
"""Both takes of "vox" run from beat 1 to beat 5 (x 120 to 600 at 200 frames a pixel)."""


def song_with_takes(folder: Path) -> Song:
    song = Song(folder)
    song.media("m1", tone(TAKE_FRAMES, 220, amp=0.7, seed=1))
    song.media("m2", tone(TAKE_FRAMES, 330, amp=0.7, seed=2))
    song.media("g", tone(48000, 440, seed=3))
    song.track("vox")
    song.track("gtr")
    song.clip("gtr", "g", 2 * BEAT, "c-gtr")
    p = song.project
    p = add_take(p, "vox", "m1", TAKE_START, TAKE_FRAMES, take_id="k1")
    p = add_take(p, "vox", "m2", TAKE_START, TAKE_FRAMES, take_id="k2")
    song.project = p
    return song


@pytest.fixture
def tl(qtbot, tmp_path: Path):
    song = song_with_takes(tmp_path / "Song.minidaw")
    session = Session(song.project, song.folder)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(1200, 520)
    view.show()
    qtbot.waitExposed(view)
    session.view.set_zoom(FRAMES_PER_PIXEL, 0)
    session.view.scroll_to(0)
    session.view.show_takes("vox", True)
    return view


def comp(project: Project, track_id: str = "vox") -> list[tuple]:
    """The comp clips without their (fresh) ids: what is heard, from where, with which fades."""
    return [(c.start_frame, c.length_frames, c.source_offset_frames, c.media_id, c.take_id,
             c.fade_in, c.fade_out) for c in project.track(track_id).clips]


def take_y(view: TimelineView, take: int) -> int:
    return round(view.layout_.take_top(0, take) + TAKE_LANE_HEIGHT / 2)


def test_a_track_showing_two_takes_has_three_rows_and_the_tracks_below_move_down(
        qtbot, tl: TimelineView) -> None:
    layout, session = tl.layout_, tl.session
    lane = layout.lane_height
    assert [layout.take_count(0), layout.take_count(1)] == [2, 0]
    assert [layout.top(0), layout.take_top(0, 0), layout.take_top(0, 1), layout.top(1)] == [
        0, lane, lane + TAKE_LANE_HEIGHT, lane + 2 * TAKE_LANE_HEIGHT]
    assert layout.content_height(2) == 2 * lane + 2 * TAKE_LANE_HEIGHT
    assert layout.take_at(lane + TAKE_LANE_HEIGHT + 3) == (0, 1)
    assert layout.take_at(lane - 1) is None and layout.take_at(layout.top(1) + 1) is None
    assert [layout.row_at(y) for y in (lane - 1, lane + 1, layout.top(1) - 1,
                                        layout.top(1))] == [0, 0, 0, 1]
    # Each row has its header at its height: the track's, then one a take.
    headers = tl.headers
    assert headers.headers["gtr"].geometry().top() == layout.top(1)
    assert [headers.take_headers[k].geometry().top() for k in ("k1", "k2")] == [
        lane, lane + TAKE_LANE_HEIGHT]
    # The guitar clip is grabbed where it is drawn, below the take lanes.
    x = round(tl.view.frame_to_x(2 * BEAT)) + 60
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(x, layout.top(1) + lane / 2))
    assert session.selected_clips == {"c-gtr"}
    drag(qtbot, tl.lanes, point(x, layout.top(1) + lane / 2),
         point(x + 120, layout.top(1) + lane / 2))
    assert session.project.find_clip("c-gtr")[1].start_frame == 3 * BEAT
    # Hidden again: one lane a track.
    qtbot.mouseClick(headers.headers["vox"].takes_button, LEFT)
    assert layout.take_count(0) == 0 and layout.top(1) == lane
    assert headers.take_headers == {}


def test_clicking_take_two_makes_it_the_comp_in_one_undo_step(qtbot, tl: TimelineView) -> None:
    session = tl.session
    before = session.project
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(300, take_y(tl, 1)))
    expected = use_take(before, "k2", 480)  # the default comp crossfade, 10 ms at 48 kHz
    assert comp(session.project) == comp(expected)
    assert comp(session.project)[0][:5] == (TAKE_START, TAKE_FRAMES, 0, "m2", "k2")
    assert session.history.undo_label == "Use Take 2"
    session.undo()
    assert session.project == before


def test_a_swipe_across_take_one_comps_the_snapped_range(qtbot, tl: TimelineView) -> None:
    session, view = tl.session, tl.session.view
    view.set_comp_crossfade_ms(20.0)
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(300, take_y(tl, 1)))
    used = session.project
    x1, x2 = 251, 437
    drag(qtbot, tl.lanes, point(x1, take_y(tl, 0)), point(x2, take_y(tl, 0)))
    start = view.snapped(used, view.x_to_frame(x1))
    end = view.snapped(used, view.x_to_frame(x2))
    assert (start, end) == (2 * BEAT, 4 * BEAT)
    expected = comp_range(used, "k1", start, end, 960)
    assert comp(session.project) == comp(expected)
    takes = [c[4] for c in comp(session.project)]
    assert takes == ["k2", "k1", "k2"]
    assert session.history.undo_label == "Comp Take 1"
    # Shift: not snapped.
    drag(qtbot, tl.lanes, point(150, take_y(tl, 0)), point(200, take_y(tl, 0)),
         Qt.KeyboardModifier.ShiftModifier)
    assert comp(session.project) == comp(comp_range(expected, "k1", 150 * 200, 200 * 200, 960))
    # Undo takes back one step at a time.
    session.undo()
    assert comp(session.project) == comp(expected)
    session.undo()
    assert session.project == used
    session.undo()
    assert session.project.track("vox").clips == ()


def test_the_take_lanes_are_bright_where_the_comp_plays_them(qtbot, tl: TimelineView) -> None:
    qtbot.waitUntil(tl.waveforms_ready, timeout=10000)
    session = tl.session
    session.edit("Comp", lambda p: comp_range(p, "k1", 2 * BEAT, 4 * BEAT, 0))
    tl.lanes.invalidate()
    image = brightness(tl.lanes.grab().toImage())
    top = tl.layout_.take_top(0, 0)
    band = image[top + 4:top + TAKE_LANE_HEIGHT - 2]
    heard = band[:, 300:360].max(axis=0)   # inside 2..4 beats
    unheard = band[:, 500:560].max(axis=0)  # the take's audio past the comp
    assert heard.min() > 170 and unheard.max() < 140
    muted_top = tl.layout_.take_top(0, 1)
    session.edit("Mute", lambda p: replace(p, tracks=tuple(
        replace(t, takes=tuple(replace(k, muted=True) for k in t.takes)) if t.id == "vox"
        else t for t in p.tracks)))
    tl.lanes.invalidate()
    image = brightness(tl.lanes.grab().toImage())
    pixels = tl.lanes.grab().toImage().pixelColor(QPoint(400, muted_top + 3))
    assert abs(pixels.red() - pixels.blue()) < 12  # grey, not the track's blue
    assert image[muted_top + 4:muted_top + TAKE_LANE_HEIGHT - 2, 300:560].max() < 170


def test_a_lane_with_automation_and_takes_keeps_them_apart(qtbot, tl: TimelineView) -> None:
    session, layout = tl.session, tl.layout_
    session.view.show_automation("vox", VOLUME)
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(300, take_y(tl, 0)))  # a take lane: use it
    assert [c[4] for c in comp(session.project)] == ["k1"]
    assert automation.envelope(session.project, "vox", VOLUME) is None
    y = layout.top(0) + 20
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(250, y))  # the lane above: an envelope point
    points = automation.envelope(session.project, "vox", VOLUME).points
    assert [p.frame for p in points] == [2 * BEAT]
    assert points[0].value == tl.lanes.automation.value_at_y(0, y)


def test_rename_rate_and_mute_from_the_take_header(qtbot, tl: TimelineView) -> None:
    session = tl.session
    header = tl.headers.take_headers["k2"]
    qtbot.mouseDClick(header, LEFT, pos=header.name_rect().center().toPoint())
    assert header.name_edit.isVisible()
    header.name_edit.selectAll()
    qtbot.keyClicks(header.name_edit, "Best chorus")
    qtbot.keyClick(header.name_edit, Qt.Key.Key_Return)
    assert session.project.track("vox").take("k2").name == "Best chorus"
    assert session.history.undo_label == "Rename Take"

    qtbot.mouseClick(header, LEFT, pos=header.star_rect(4).center().toPoint())
    assert session.project.track("vox").take("k2").rating == 4
    qtbot.mouseClick(header, LEFT, pos=header.star_rect(4).center().toPoint())
    assert session.project.track("vox").take("k2").rating == 0  # the lit last star again
    session.undo()
    assert session.project.track("vox").take("k2").rating == 4

    qtbot.mouseClick(header.mute_button, LEFT)
    assert session.project.track("vox").take("k2").muted
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    before = session.project
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(300, take_y(tl, 1)))  # a muted take is not used
    assert session.project == before and "muted" in errors[0]
    session.undo()
    assert not session.project.track("vox").take("k2").muted
    assert not header.mute_button.isChecked()


def test_the_take_menu_uses_rates_and_renames(qtbot, tl: TimelineView) -> None:
    session, actions = tl.session, tl.take_actions
    menu = actions.menu("k1", tl.lanes)
    entries = {a.text(): a for a in menu.actions() if not a.isSeparator()}
    assert list(entries) == ["Rename…", "Rate", "Mute", "Use Whole Take", "Delete Take…"]
    entries["Use Whole Take"].trigger()
    assert comp(session.project) == comp(use_take(session.history._steps[0].project, "k1", 480))
    rate = {a.text(): a for a in entries["Rate"].menu().actions()}
    rate["★★★☆☆"].trigger()
    assert session.project.track("vox").take("k1").rating == 3
    entries["Rename…"].trigger()
    assert tl.headers.take_headers["k1"].name_edit.isVisible()


def test_deleting_a_take_asks_and_no_keeps_it(qtbot, tl: TimelineView) -> None:
    session, actions = tl.session, tl.take_actions
    qtbot.mouseClick(tl.lanes, LEFT, pos=point(300, take_y(tl, 1)))
    used = session.project
    questions: list[str] = []
    actions.ask = lambda title, text: questions.append(text) or False
    assert not actions.delete("k2")
    assert session.project == used
    assert "Take 2" in questions[0] and "1 comp clip" in questions[0]
    actions.ask = lambda title, text: True
    assert actions.delete("k2")
    assert session.project == delete_take(used, "k2")
    assert session.project.track("vox").clips == ()
    assert "k2" not in tl.headers.take_headers
    assert session.project.media_ref("m2").path == "audio/m2.wav"  # the file is kept
    session.undo()
    assert session.project == used


def test_the_delete_question_is_a_real_dialog(qtbot, tl: TimelineView) -> None:
    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer_no)
    assert not tl.take_actions.delete("k1")
    assert [k.id for k in tl.session.project.track("vox").takes] == ["k1", "k2"]


@pytest.fixture
def window(qtbot, tmp_path: Path):
    song = song_with_takes(tmp_path / "Song.minidaw")
    song.media("old", tone(4800, 100, seed=4))  # nothing uses it: a clean-up deletes it
    song.project = delete_take(song.project, "k2")  # m2 is unused now, its file kept
    save_project(song.folder, song.project)
    (song.folder / "audio" / "stray.wav").write_bytes(b"not named by the project")
    (tmp_path / "outside.wav").write_bytes(b"outside the project")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(song.project, song.folder), settings)
    win.error_dialogs_enabled = False
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.history.mark_saved()
    win.close()


def clean_up_action(win: MainWindow):
    file_menu = win.menuBar().actions()[0].menu()
    return next(a for a in file_menu.actions() if a.text() == "Clean &Up Project…")


def test_clean_up_lists_the_unused_files_and_deletes_only_them_after_asking(
        window: MainWindow, tmp_path: Path) -> None:
    folder = window.session.folder
    questions: list[str] = []
    window.confirm = lambda title, text: questions.append(text) or False
    clean_up_action(window).trigger()
    assert len(questions) == 1
    assert "audio/m2.wav" in questions[0] and "audio/old.wav" in questions[0]
    assert "stray" not in questions[0] and "m1" not in questions[0]
    m2_size = (folder / "audio" / "m2.wav").stat().st_size
    assert f"({m2_size / 1024:.1f} KB)" in questions[0]
    assert sorted(p.name for p in (folder / "audio").iterdir()) == [
        "g.wav", "m1.wav", "m2.wav", "old.wav", "stray.wav"]  # "no" deletes nothing

    window.confirm = lambda title, text: True
    clean_up_action(window).trigger()
    assert sorted(p.name for p in (folder / "audio").iterdir()) == ["g.wav", "m1.wav",
                                                                    "stray.wav"]
    assert (tmp_path / "outside.wav").exists()
    assert sorted(m.id for m in window.session.project.media) == ["g", "m1"]
    assert load_project(folder) == window.session.project  # saved before deleting
    assert not window.session.is_modified
    assert "deleted 2" in window.statusBar().currentMessage()
    window.confirm = lambda title, text: pytest.fail("nothing is left to ask about")
    clean_up_action(window).trigger()
    assert "Nothing to clean up" in window.statusBar().currentMessage()


def test_clean_up_is_an_undo_barrier(window: MainWindow) -> None:
    """Undo past a clean-up would bring back takes whose files it deleted: it cannot."""
    session = window.session
    folder = session.folder
    session.edit("Delete Take", lambda p: delete_take(p, "k1"))  # m1 becomes unused
    assert window.undo_action.isEnabled()
    questions: list[str] = []
    window.confirm = lambda title, text: questions.append(text) or True
    clean_up_action(window).trigger()
    assert "can no longer be undone" in questions[0]
    assert not (folder / "audio" / "m1.wav").exists()
    assert not session.history.can_undo and not window.undo_action.isEnabled()
    kept = session.project
    window.undo_action.trigger()
    assert session.project is kept
    named = [ref.path for ref in session.project.media]
    assert named == ["audio/g.wav"]
    assert all((folder / path).is_file() for path in named)
    assert [ref.path for ref in load_project(folder).media] == named


def test_track_menu_shows_the_selected_tracks_takes(qtbot, window: MainWindow) -> None:
    session = window.session
    session.select_track("gtr")
    assert not window.show_takes_action.isEnabled()
    session.select_track("vox")
    assert window.show_takes_action.isEnabled() and not window.show_takes_action.isChecked()
    window.show_takes_action.trigger()
    assert session.view.takes_shown == {"vox"}
    assert window.show_takes_action.isChecked()
    assert window.timeline.layout_.take_count(0) == 1
    header = window.timeline.headers.headers["vox"]
    assert header.takes_button.isVisible() and header.takes_button.isChecked()
    assert not window.timeline.headers.headers["gtr"].takes_button.isVisible()
    window.show_takes_action.trigger()
    assert session.view.takes_shown == set()


def test_the_comp_crossfade_is_an_option(window: MainWindow) -> None:
    options = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Options")
    crossfade = next(a.menu() for a in options.actions() if a.text() == "Comp &Crossfade")
    choices = {a.text(): a for a in crossfade.actions()}
    assert choices["10 ms"].isChecked()
    choices["40 ms"].trigger()
    view = window.session.view
    assert view.comp_crossfade_ms == 40.0 and choices["40 ms"].isChecked()
    assert not choices["10 ms"].isChecked()
    assert view.comp_crossfade_frames(window.session.project) == 1920
    actions = window.timeline.take_actions
    actions.use("k1")
    used = window.session.project
    actions.comp("k1", 2 * BEAT, 3 * BEAT)
    assert comp(window.session.project) == comp(comp_range(used, "k1", 2 * BEAT, 3 * BEAT, 1920))
    assert window.session.project.track("vox").clips[1].fade_in.length_frames == 1920
