"""The mastering panel: the engine's master reading shown as figures, bars and a spectrum
against the chosen target; the target remembered in the song as an undo step; the targets
editor; the held peaks reset; the mix report listing what was planted; the window's menus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from daw.dsp.spectrum import band_centres
from daw.engine.live.master_meter import MasterMeterReading
from daw.engine.live.transport import EngineState
from daw.mastering.mix_report import mix_report
from daw.mastering.targets import find_target, load_targets
from daw.model.store import save_project
from daw.ui.main_window import MainWindow
from daw.ui.mastering import MasteringPanel
from daw.ui.mastering.meters import NOTHING
from daw.ui.mastering.panel import TARGET_UNDO_LABEL
from daw.ui.mastering.report_view import MixReportDialog
from daw.ui.mastering.spectrum import FLOOR_DB, TOP_DB
from daw.ui.mastering.targets_editor import TargetsEditor
from daw.ui.session import Session
from tests.engine.songs import RATE, Song, tone

SECONDS = 3


class RecordingEngine:
    """Stands in for the engine where a test needs to see what the window asks of it."""

    def __init__(self) -> None:
        self.state = EngineState()
        self.projects: list = []
        self.peak_resets = 0

    def set_project(self, project) -> None:
        self.projects.append(project)

    def reset_master_peaks(self) -> None:
        self.peak_resets += 1

    def shutdown(self) -> None:
        pass


def make_song(folder: Path) -> Song:
    song = Song(folder)
    song.media("keys", tone(SECONDS * RATE, 330, channels=2, amp=0.3))
    song.track("Keys")
    song.clip("Keys", "keys", 0, "c1")
    save_project(song.folder, song.project)
    return song


def open_panel(qtbot, session: Session) -> MasteringPanel:
    panel = MasteringPanel(session)
    qtbot.addWidget(panel)
    panel.resize(340, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def feed(session: Session, reading: MasterMeterReading | None, playing: bool = True) -> None:
    """What the session's poll does when the engine publishes a new state (while playing,
    unless told otherwise)."""
    session.engine_state = replace(session.engine_state, master_meter=reading,
                                   playing=playing)
    session.engineStateChanged.emit()


CENTRES = tuple(float(c) for c in band_centres())
LEVELS = tuple(float(v) for v in np.linspace(-80.0, 3.0, len(CENTRES)))
READING = MasterMeterReading(
    momentary_lufs=-12.34, short_term_lufs=-13.96, integrated_lufs=-14.04,
    loudness_range_lu=5.26, max_momentary_lufs=-10.0, max_short_term_lufs=-12.5,
    true_peak_dbtp=(-0.52, -0.81), true_peak_max_dbtp=-0.52,
    sample_peak_dbfs=(-1.23, -0.94), correlation=-0.25,
    spectrum_centres_hz=CENTRES, spectrum_db=LEVELS, seconds=12.0)


@pytest.fixture
def session(tmp_path: Path) -> Session:
    song = make_song(tmp_path / "Song.minidaw")
    return Session(song.project, song.folder)


def test_before_anything_plays_every_figure_is_blank(qtbot, session: Session) -> None:
    panel = open_panel(qtbot, session)
    meters = panel.meters
    assert [meters.values[k].text() for k in ("momentary", "short_term", "integrated")] == \
        [NOTHING] * 3
    assert meters.true_peak.text() == meters.sample_peak.text() == NOTHING
    assert meters.loudness_range.text() == meters.correlation_value.text() == NOTHING
    assert meters.maxima.text() == NOTHING
    assert meters.bars["integrated"].bar_rect().height() == 0
    assert panel.spectrum.bar_heights().size == 0
    assert panel.target.current_target().name == "Streaming"  # the default, not an edit
    assert session.project.master.target == "" and not session.history.can_undo


def test_the_reading_is_shown_as_figures_bars_and_spectrum(qtbot, session: Session) -> None:
    panel = open_panel(qtbot, session)
    feed(session, READING)
    meters = panel.meters
    assert [meters.values[k].text() for k in ("momentary", "short_term", "integrated")] == \
        ["-12.3", "-14.0", "-14.0"]
    assert meters.loudness_range.text() == "5.3 LU"
    assert meters.maxima.text() == "-10.0 / -12.5"
    assert meters.true_peak.text() == "-0.5 dBTP"
    assert meters.over_ceiling  # −0.52 dBTP is over Streaming's −1 dBTP
    assert "color" in meters.true_peak.styleSheet()
    assert meters.sample_peak.text() == "-0.9 dBFS"  # the higher channel
    assert meters.correlation_value.text() == "-0.25"
    assert meters.correlation.negative and meters.correlation.colour().name() == "#e5484d"

    bar = meters.bars["momentary"]
    track = bar.track_rect()
    assert bar.bar_rect().height() == pytest.approx((-12.34 + 42.0) / 42.0 * track.height())
    assert bar.bar_rect().bottom() == pytest.approx(track.bottom())
    assert meters.bars["momentary"].colour().name() == "#e3b341"  # 1.7 LU over: amber
    assert meters.bars["integrated"].colour().name() == "#46c46a"  # on target: green
    assert meters.bars["short_term"].maximum == -12.5
    assert meters.scale.target == -14.0
    width = meters.correlation.track_rect().width()
    assert meters.correlation.bar_rect().width() == pytest.approx(0.25 * width / 2)
    assert meters.correlation.bar_rect().right() == pytest.approx(
        meters.correlation.track_rect().center().x())

    spectrum = panel.spectrum
    height = spectrum.plot_rect().height()
    expected = np.clip((np.array(LEVELS) - FLOOR_DB) / (TOP_DB - FLOOR_DB), 0, 1) * height
    np.testing.assert_allclose(spectrum.bar_heights(), expected)
    assert spectrum.bar_heights()[0] == 0.0 and spectrum.bar_heights()[-1] == height
    left, right = spectrum.bar_spans()
    assert np.all(np.diff(left) > 0) and np.all(right > left)
    plot = spectrum.plot_rect()
    assert left[0] >= plot.left() and right[-1] <= plot.right()
    # The axis is logarithmic: 200 Hz is one decade of three from 20 Hz, 2 kHz two.
    np.testing.assert_allclose(spectrum.x_of(np.array([20.0, 200.0, 2000.0, 20000.0])),
                               plot.left() + np.array([0, 1, 2, 3]) / 3 * plot.width())

    feed(session, replace(READING, correlation=0.5, true_peak_max_dbtp=-1.5))
    assert meters.correlation_value.text() == "+0.50" and not meters.correlation.negative
    assert not meters.over_ceiling and meters.true_peak.styleSheet() == ""
    feed(session, None)  # another song opened: nothing measured yet
    assert meters.values["integrated"].text() == NOTHING and spectrum.bar_heights().size == 0


def test_choosing_a_target_is_an_undo_step_and_moves_the_marks(qtbot, session: Session) -> None:
    panel = open_panel(qtbot, session)
    feed(session, READING)
    combo = panel.target
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # Streaming → Apple Music
    assert session.project.master.target == "Apple Music"
    assert session.history.undo_label == TARGET_UNDO_LABEL
    assert panel.meters.scale.target == -16.0
    assert panel.meters.bars["integrated"].target == -16.0
    assert panel.meters.bars["integrated"].colour().name() == "#e3b341"  # 2 LU over
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # Club / CD: a −0.3 dBTP ceiling
    assert session.project.master.target == "Club / CD"
    assert not panel.meters.over_ceiling  # −0.52 dBTP is under it
    session.undo()
    assert session.project.master.target == "Apple Music"
    assert combo.current_target().name == "Apple Music" and panel.meters.over_ceiling
    session.undo()
    assert session.project.master.target == "" and combo.current_target().name == "Streaming"


def test_an_unknown_target_name_is_shown_as_it_is(qtbot, session: Session) -> None:
    panel = open_panel(qtbot, session)
    session.edit("Target", lambda p: replace(p, master=replace(p.master, target="Vinyl")))
    assert panel.target.currentText().startswith("Vinyl (not saved here")
    assert panel.target.current_target().integrated_lufs == -14.0


def test_clicking_the_true_peak_resets_the_held_peaks(qtbot, tmp_path: Path) -> None:
    song = make_song(tmp_path / "Song.minidaw")
    engine = RecordingEngine()
    session = Session(song.project, song.folder, engine)
    panel = open_panel(qtbot, session)
    qtbot.mouseClick(panel.meters.true_peak, Qt.MouseButton.LeftButton)
    assert engine.peak_resets == 1
    session.shutdown()


def test_the_targets_editor_saves_and_deletes(qtbot, session: Session, tmp_path: Path) -> None:
    panel = open_panel(qtbot, session)
    editor: TargetsEditor = panel.open_targets_editor()
    qtbot.addWidget(editor)
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    editor.name.setText("Vinyl cut")
    editor.loudness.setValue(-12.0)
    editor.ceiling.setValue(-2.0)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert find_target("vinyl-cut").integrated_lufs == -12.0
    assert "Vinyl cut (-12 LUFS, -2 dBTP)" in [panel.target.itemText(i)
                                               for i in range(panel.target.count())]
    # Editing a factory preset replaces its numbers until its edit is deleted.
    editor.list.setCurrentRow(0)
    assert editor.name.text() == "Streaming" and not editor.delete_button.isEnabled()
    editor.loudness.setValue(-13.0)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert load_targets()[0][0].integrated_lufs == -13.0
    assert panel.current_target().integrated_lufs == -13.0
    assert editor.delete_button.text() == "Restore Factory" and editor.delete_button.isEnabled()
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert load_targets()[0][0].integrated_lufs == -14.0
    # A name without letters or digits is refused with the reason.
    editor.name.setText("???")
    assert not editor.save_button.isEnabled()
    editor.name.setText("Loud")
    editor.loudness.setValue(-3.0)
    editor.ceiling.setValue(0.0)
    assert editor.save()
    names = [t.name for t in load_targets()[0]]
    assert names[-2:] == ["Loud", "Vinyl cut"]
    editor.list.setCurrentRow(names.index("Vinyl cut"))
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert "Vinyl cut" not in [t.name for t in load_targets()[0]]
    assert editor.message.text() == "Deleted Vinyl cut."


def planted_song(folder: Path) -> Song:
    """A clean part and a guitar recorded clipped (flat tops at half scale)."""
    song = Song(folder)
    t = np.arange(SECONDS * RATE) / RATE
    clipped = 0.5 * np.clip(1.6 * np.sin(2 * np.pi * 220 * t), -1.0, 1.0)
    song.media("keys", tone(SECONDS * RATE, 330, channels=2, amp=0.2))
    song.media("guitar", clipped[:, None].astype(np.float32))
    song.track("Keys")
    song.track("Guitar")
    song.clip("Keys", "keys", 0, "c1")
    song.clip("Guitar", "guitar", 0, "c2")
    save_project(song.folder, song.project)
    return song


def test_the_mix_report_lists_the_planted_clipping(qtbot, tmp_path: Path) -> None:
    song = planted_song(tmp_path / "Planted.minidaw")
    session = Session(song.project, song.folder)
    panel = open_panel(qtbot, session)
    session.select_track("Keys")
    qtbot.mouseClick(panel.report_button, Qt.MouseButton.LeftButton)
    dialog: MixReportDialog = panel.report_dialog
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.running, timeout=30000)
    expected = mix_report(song.project, song.folder, panel.current_target())
    assert dialog.report is not None and dialog.report.findings == expected.findings
    rows = dialog.rows()
    assert len(rows) == len(expected.findings)
    guitar = [row for row in rows if row[0] == "Guitar"]
    assert guitar and guitar[0][1] == "Clipping" and guitar[0][2].startswith("Clipped: ")
    assert "Keys" not in [row[0] for row in rows]
    assert dialog.summary.text().startswith("Mix report (target Streaming (-14 LUFS")
    shown = " ".join(dialog.findings.toPlainText().split())
    for where, what, text in rows:
        assert f"{where} {what} {' '.join(text.split())}" in shown
    link = dialog.findings.document().find("Guitar")  # the name is a link to the track
    assert link.charFormat().isAnchor()
    link.setPosition(link.selectionStart() + 2)
    qtbot.mouseClick(dialog.findings.viewport(), Qt.MouseButton.LeftButton,
                     pos=dialog.findings.cursorRect(link).center())
    assert session.selected_track == "Guitar"
    assert not session.history.can_undo  # the report changes nothing


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    song = make_song(tmp_path / "Song.minidaw")
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(song.project, song.folder), settings)
    win.error_dialogs_enabled = False
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.session.history.mark_saved()
    win.close()
    win.deleteLater()


def test_the_window_shows_the_panel_from_the_view_menu(qtbot, window: MainWindow,
                                                       tmp_path: Path) -> None:
    dock = window.mastering_dock
    assert not dock.isVisible()
    actions = {a.text().replace("&", ""): a for a in window.menuBar().actions()}
    view = {a.text().replace("&", ""): a for a in actions["View"].menu().actions()}
    view["Mastering"].trigger()
    assert dock.isVisible()
    feed(window.session, READING)
    assert dock.panel.meters.values["integrated"].text() == "-14.0"
    files = {a.text().replace("&", ""): a for a in actions["File"].menu().actions()}
    files["Master Assistant…"].trigger()
    assistant = dock.panel.assistant_dialog
    assert assistant is not None and assistant.isVisible()
    assistant.close()
    files["Master Album…"].trigger()
    album = dock.panel.album_dialog
    assert album is not None and album.song_paths() == [window.session.folder]
    album.close()
    # Another song: the panel follows it.
    other = make_song(tmp_path / "Other.minidaw")
    assert window.open_project(other.folder)
    assert dock.panel.session is window.session
    assert dock.panel.meters.values["integrated"].text() == NOTHING
