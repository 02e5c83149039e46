"""Buses and sends in the window, driven like a person would and checked on the model: Add Bus
in the Track menu, the bus's header and strip, sends added, dragged, toggled and removed in a
mixer strip, a loop refused with its reason, and files dropped on a bus refused."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from daw.model import automation, ops
from daw.model.project import VOLUME, AutomationPoint, Send
from daw.model.routing import add_bus, set_send
from daw.ui.main_window import MainWindow
from daw.ui.mixer import MixerPanel
from daw.ui.mixer.strip import STRIP_WIDTH
from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from tests.engine.songs import RATE, Song, tone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEFT = Qt.MouseButton.LeftButton


def make_song(tmp_path: Path) -> Song:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(48000, 220))
    song.track("drums")
    song.track("bass")
    song.clip("drums", "a", 0, "c1")
    song.project = add_bus(song.project, "Reverb", bus_id="rev")
    song.project = add_bus(song.project, "Delay", bus_id="dly")
    return song


@pytest.fixture
def session(tmp_path: Path) -> Session:
    song = make_song(tmp_path)
    return Session(song.project, song.folder)


@pytest.fixture
def mixer(qtbot, session: Session) -> MixerPanel:
    panel = MixerPanel(session)
    qtbot.addWidget(panel)
    panel.resize(700, 520)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def errors(session: Session) -> list[str]:
    found: list[str] = []
    session.errorRaised.connect(found.append)
    return found


def undo_steps(session: Session) -> int:
    count = 0
    while session.history.can_undo:
        session.history.undo()
        count += 1
    for _ in range(count):
        session.history.redo()
    return count


def pick_from_popup(qtbot, button, text: str) -> None:
    """Click a button that pops a menu up, and choose `text` in it."""
    picked: list[str] = []

    def pick() -> None:
        popup = QApplication.activePopupWidget()
        action = next(a for a in popup.actions() if a.text() == text)
        picked.append(text)
        action.trigger()
        popup.close()

    QTimer.singleShot(0, pick)
    qtbot.mouseClick(button, LEFT)
    qtbot.waitUntil(lambda: bool(picked))


# --- the Track menu and the bus's look --------------------------------------------------------


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    song = make_song(tmp_path)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(song.project, song.folder), settings)
    win.error_dialogs_enabled = False
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.history.mark_saved()
    win.close()
    win.deleteLater()


def menu_action(win: MainWindow, menu: str, text: str):
    for top in win.menuBar().actions():
        if top.text().replace("&", "") == menu:
            return next(a for a in top.menu().actions() if a.text().replace("&", "") == text)
    raise KeyError(menu)


def test_add_bus_in_the_track_menu_makes_numbered_buses(window: MainWindow) -> None:
    session = window.session
    action = menu_action(window, "Track", "Add Bus")
    action.trigger()
    action.trigger()
    added = session.project.tracks[-2:]
    assert [(t.name, t.kind) for t in added] == [("Bus 3", "bus"), ("Bus 4", "bus")]
    assert session.selected_track == added[1].id
    # Each bus is its own header (a BUS tag, no record controls) and its own strip.
    header = window.timeline.headers.headers[added[0].id]
    assert header.bus_tag is not None and header.bus_tag.text() == "BUS"
    assert set(header.buttons) == {"mute", "solo"}
    assert header.input_button.isHidden()
    strip = window.mixer.strip_for(added[0].id)
    assert "record_armed" not in strip.buttons and strip.sends.track_id == added[0].id
    session.undo()
    assert [t.name for t in session.project.tracks] == ["drums", "bass", "Reverb", "Delay",
                                                        "Bus 3"]
    assert session.history.undo_label == "Add Bus"


def test_show_master_track_in_the_view_menu(window: MainWindow) -> None:
    action = menu_action(window, "View", "Show Master Track")
    action.trigger()
    assert window.session.view.show_master and action.isChecked()
    master = window.timeline.headers.master
    assert master is not None and master.isVisible()


def test_an_audio_tracks_header_keeps_its_record_controls(qtbot, session: Session) -> None:
    view = TimelineView(session)
    qtbot.addWidget(view)
    assert set(view.headers.headers["drums"].buttons) == {"record_armed", "mute", "solo",
                                                          "monitor"}
    assert view.headers.headers["drums"].bus_tag is None
    assert view.headers.headers["rev"].input_button.isHidden()


def test_files_dropped_on_a_bus_lane_are_refused(qtbot, session: Session, errors: list[str],
                                                 tmp_path: Path) -> None:
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    qtbot.waitExposed(view)
    wav = tmp_path / "kick.wav"
    sf.write(wav, np.zeros((4800, 1), dtype=np.float32), RATE)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(wav))])
    index = [t.id for t in session.project.tracks].index("rev")
    y = view.layout_.top(index) + view.layout_.lane_height / 2
    before = session.project

    def drop(y: float) -> None:
        args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(view.lanes, QDragEnterEvent(QPointF(300, y).toPoint(), *args))
        QApplication.sendEvent(view.lanes, QDropEvent(QPointF(300, y), *args))

    drop(y)
    assert session.project is before
    assert errors == ["cannot drop kick.wav on 'Reverb': a bus plays what tracks send it, not "
                      "clips (drop on an audio track or below the tracks)"]
    drop(view.layout_.top(0) + 10)  # an audio track takes it
    assert len(session.project.track("drums").clips) == 2


# --- sends in the mixer ------------------------------------------------------------------------


def test_a_send_is_added_from_the_strip_and_its_level_dragged(qtbot, mixer: MixerPanel,
                                                              session: Session) -> None:
    section = mixer.strip_for("drums").sends
    assert section.rows == {}
    pick_from_popup(qtbot, section.add_button, "Reverb")
    assert session.project.track("drums").sends == (Send("rev", -10.0, False),)
    assert session.history.undo_label == "Add Send"
    level = section.rows["rev"].level
    assert section.rows["rev"].name.text == "Reverb" and level.label() == "−10.0 dB"

    qtbot.waitUntil(lambda: level.isVisible() and level.width() < STRIP_WIDTH)  # laid out
    steps = undo_steps(session)
    start = QPoint(level.pixel_for_value(-10.0), level.height() // 2)
    end = QPoint(start.x() - 18, start.y())
    qtbot.mousePress(level, LEFT, pos=start)
    for i in range(1, 7):
        qtbot.mouseMove(level, start + (end - start) * (i / 6))
    qtbot.mouseRelease(level, LEFT, pos=end)
    wanted = level.value_at_pixel(end.x())
    assert wanted < -13.0
    assert session.project.track("drums").send("rev").level_db == wanted
    assert level.value() == wanted
    assert level.label() == f"−{-wanted:.1f} dB"
    assert undo_steps(session) == steps + 1
    assert session.history.undo_label == "Send Level"

    qtbot.mouseDClick(level, LEFT, pos=QPoint(level.pixel_for_value(wanted), start.y()))
    assert session.project.track("drums").send("rev").level_db == 0.0
    session.undo()
    assert session.project.track("drums").send("rev").level_db == wanted


def test_pre_fader_toggle_and_remove(qtbot, mixer: MixerPanel, session: Session) -> None:
    session.edit("Send", lambda p: set_send(p, "bass", "dly", level_db=-6.0))
    row = mixer.strip_for("bass").sends.rows["dly"]
    assert row.level.value() == -6.0 and not row.pre.isChecked()
    qtbot.mouseClick(row.pre, LEFT)
    assert session.project.track("bass").send("dly") == Send("dly", -6.0, True)
    menu = row.menu()
    [remove] = [a for a in menu.actions() if a.text() == "Remove Send"]
    remove.trigger()
    assert session.project.track("bass").sends == ()
    assert mixer.strip_for("bass").sends.rows == {}
    session.undo()
    assert "dly" in mixer.strip_for("bass").sends.rows


def test_the_add_menu_offers_only_buses_not_yet_sent_to(mixer: MixerPanel,
                                                        session: Session) -> None:
    session.edit("Send", lambda p: set_send(p, "drums", "rev"))
    drums = mixer.strip_for("drums").sends
    drums.fill_add_menu()
    assert [a.text() for a in drums.add_menu.actions()] == ["Delay"]
    reverb = mixer.strip_for("rev").sends
    reverb.fill_add_menu()
    assert [a.text() for a in reverb.add_menu.actions()] == ["Delay"]  # not itself
    assert mixer.master_strip.sends.choices(session.project) == []
    assert mixer.master_strip.sends.add_button.isHidden()


def test_a_send_that_would_make_a_loop_is_refused_with_its_reason(
        qtbot, mixer: MixerPanel, session: Session, errors: list[str]) -> None:
    session.edit("Send", lambda p: set_send(p, "rev", "dly"))
    before = session.project
    pick_from_popup(qtbot, mixer.strip_for("dly").sends.add_button, "Reverb")
    assert session.project is before
    assert errors == ["a send from 'Delay' to 'Reverb' would make a loop: "
                      "Reverb → Delay → Reverb"]
    assert mixer.strip_for("dly").sends.rows == {}


def test_a_renamed_bus_is_renamed_in_the_send_row(mixer: MixerPanel, session: Session) -> None:
    session.edit("Send", lambda p: set_send(p, "drums", "rev"))
    session.edit("Rename", lambda p: ops.rename_track(p, "rev", "Plate"))
    assert mixer.strip_for("drums").sends.rows["rev"].name.text == "Plate"


def test_delete_in_the_window_deletes_the_selected_point_not_clips(qtbot,
                                                                   window: MainWindow) -> None:
    session, timeline = window.session, window.timeline
    session.edit("Points", lambda p: automation.set_points(p, "drums", VOLUME,
                                                           [(0, -6.0), (96000, 0.0)]))
    session.view.show_automation("drums", VOLUME)
    session.select_clips(["c1"])
    overlay = timeline.lanes.automation
    qtbot.mouseClick(timeline.lanes, LEFT, pos=overlay.point_xy(overlay.shown_at(0), 1).toPoint())
    assert session.selected_clips == frozenset() and overlay.selected == ("drums", VOLUME, 1)
    qtbot.keyClick(timeline.lanes, Qt.Key.Key_Delete)
    assert automation.envelope(session.project, "drums", VOLUME).points == (
        AutomationPoint(0, -6.0),)
    assert [c.id for c in session.project.track("drums").clips] == ["c1"]
