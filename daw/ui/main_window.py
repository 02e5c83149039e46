"""The main window: transport bar on top, timeline in the middle, mixer in a dock below, the
menus, the keyboard shortcuts and the status bar."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from daw.engine.live.audio_setup import config_for
from daw.model import Project, ProjectFileError
from daw.model.backups import Backup
from daw.model.store import create_project
from daw.settings.audio import AudioSettings, SettingsError, load_settings, save_settings
from daw.ui import track_commands
from daw.ui.autosave import DEFAULT_SECONDS as AUTOSAVE_SECONDS
from daw.ui.autosave import Autosaver
from daw.ui.backup_dialog import choose_backup
from daw.ui.bounce_dialog import BounceDialog
from daw.ui.cleanup import clean_up_project
from daw.ui.device_banner import install_device_banner
from daw.ui.help import about_text, shortcuts_html, walkthrough_html
from daw.ui.help_dialog import HelpDialog
from daw.ui.key_focus import KeyFocus
from daw.ui.mastering import MasteringDock
from daw.ui.menus import build_menus
from daw.ui.missing_media import install_missing_media_bar
from daw.ui.mixer import MixerPanel
from daw.ui.opening import offer_recovery, read_song, session_for
from daw.ui.projects_folder import remember_projects_folder, start_path
from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from daw.ui.timeline.ruler import toggle_punch
from daw.ui.track_keys import can_toggle
from daw.ui.transport_bar import TransportBar
from daw.ui.window_layout import fit_tracks_soon, place_docks, restore_layout, save_layout

AUDIO_FILTER = "Audio files (*.wav *.flac *.ogg *.oga *.aif *.aiff *.mp3);;All files (*)"
RECENT_KEY = "recentProjects"
RECENT_KEPT = 10
AUTOSAVE_KEY = "autosaveSeconds"


class MainWindow(QMainWindow):
    """One window on one session. `open_project` swaps in another song."""

    def __init__(self, session: Session, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings("MiniDAW", "MiniDAW")
        self.setObjectName("MainWindow")
        self.session = session
        self.error_dialogs_enabled = True
        """Tests turn this off and read `last_error` instead of clicking dialogs away."""
        self.last_error: str | None = None
        self.mastering_dock = MasteringDock(session, self)
        self.autosaver = Autosaver(session, self._autosave_seconds(),
                                   lambda text: self.statusBar().showMessage(text, 15000), self)
        self._build_status_bar()
        self.missing_bar = install_missing_media_bar(
            self, lambda: self.timeline.cache.recheck_missing())
        self._build(session)
        self.missing_bar.follow(session)
        self.resize(1280, 820)
        restore_layout(self, self.settings)
        self.help_pages: dict[str, HelpDialog] = {}
        self.device_banner = install_device_banner(self, lambda: self.audio_settings())
        self.device_banner.follow(session)
        self.key_focus = KeyFocus(self, lambda: self.timeline)

    # --- building -----------------------------------------------------------------------------

    def _build(self, session: Session) -> None:
        self.transport = TransportBar(session)
        toolbar = self.addToolBar("Transport")
        self._toolbar = toolbar
        toolbar.setObjectName("TransportToolBar")
        toolbar.setMovable(False)
        toolbar.addWidget(self.transport)
        self.timeline = TimelineView(session)
        self.setCentralWidget(self.timeline)
        self.mixer = MixerPanel(session)
        self.mixer_dock = QDockWidget("Mixer", self)
        self.mixer_dock.setObjectName("MixerDock")
        self.mixer_dock.setWidget(self.mixer)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.mixer_dock)
        place_docks(self)
        fit_tracks_soon(self)
        self._build_menus()
        session.historyChanged.connect(self._update_title)
        session.folderChanged.connect(self._update_title)
        session.errorRaised.connect(self.show_error)
        session.engineStateChanged.connect(self._update_status)
        session.selectionChanged.connect(self.update_actions)
        self._update_title()
        self._update_status()
        self.timeline.setFocus()  # keys start on the song, not in the tempo box...
        QTimer.singleShot(0, self.timeline.setFocus)  # ...also after New/Open, once shown

    def _build_status_bar(self) -> None:
        """Once per window: a song opened later reuses it (it reads `self.session`)."""
        bar = self.statusBar()
        self.device_label = QLabel()
        self.latency_label = QLabel()
        self.underrun_label = QLabel()
        self.disk_label = QLabel()
        for label in (self.device_label, self.latency_label, self.underrun_label,
                      self.disk_label):
            bar.addPermanentWidget(label)
        self._disk_timer = QTimer(self)
        self._disk_timer.timeout.connect(self._update_disk)
        self._disk_timer.start(5000)
        self._update_disk()

    def add_action(self, menu: QMenu, text: str, slot: Callable[..., object],
                   shortcut: str | QKeySequence | None = None,
                   checkable: bool = False) -> QAction:
        """An action of `menu` whose shortcut works anywhere in this window."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        build_menus(self)

    def _update_title(self) -> None:
        s = self.session
        name = s.project.name
        where = f" — {s.folder}" if s.folder else ""
        self.setWindowTitle(f"{name}{'*' if s.is_modified else ''}{where} · MiniDAW")
        self.undo_action.setText(f"Undo {s.history.undo_label}".strip())
        self.redo_action.setText(f"Redo {s.history.redo_label}".strip())
        self.undo_action.setEnabled(s.history.can_undo)
        self.redo_action.setEnabled(s.history.can_redo)
        self.update_actions()

    def update_actions(self) -> None:
        s = self.session
        has_clips = bool(s.selected_clips)
        for action in (self.cut_action, self.copy_action, self.duplicate_action,
                       self.delete_action):
            action.setEnabled(has_clips)
        self.remove_track_action.setEnabled(s.selected_track is not None)
        track = s.selected_track
        # Each command is offered only when it has something to work on (tests/ui/test_menus.py
        # walks them): a clip to bounce or select, selected clips or a track's clip to split.
        song_clips = any(t.clips for t in s.project.tracks)
        self.bounce_action.setEnabled(song_clips)
        self.select_all_action.setEnabled(song_clips)
        self.clip_gain_action.setEnabled(has_clips)
        self.split_action.setEnabled(has_clips or any(t.id == track and t.clips
                                                      for t in s.project.tracks))
        for action in (self.rename_track_action, self.colour_action):
            action.setEnabled(track is not None)
        for action in self.marker_actions:
            action.setEnabled(bool(s.project.markers))
        for attribute, action in self.track_toggle_actions.items():
            action.setEnabled(can_toggle(s, attribute))
        self.show_takes_action.setEnabled(any(t.id == track and t.takes
                                              for t in s.project.tracks))
        self.show_takes_action.setChecked(track in s.view.takes_shown)
        self.punch_action.setChecked(s.punch_enabled)

    def _update_status(self) -> None:
        state = self.session.engine_state
        if state.device is None:
            self.device_label.setText(f"⚠ {state.message}")
            self.latency_label.setText("")
        else:
            info = state.device
            self.device_label.setText(f"{info.output_device} · {info.rate} Hz")
            latency = 1000 * (info.output_latency_frames + info.input_latency_frames) / info.rate
            self.latency_label.setText(f"block {info.block_size} · latency {latency:.1f} ms")
        self.underrun_label.setText(f"dropouts {state.underruns + state.device_xruns}")
        if state.error:
            self.statusBar().showMessage(state.error, 10000)

    def _update_disk(self) -> None:
        folder = self.session.folder
        if folder is None or not folder.exists():
            self.disk_label.setText("")
            return
        free = shutil.disk_usage(folder).free
        rate = self.session.project.sample_rate
        minutes = free / (rate * 4 * 2 * 60)  # a stereo float take
        self.disk_label.setText(f"disk {free / 2**30:.1f} GB free (~{minutes:,.0f} min stereo)")

    def show_error(self, message: str) -> None:
        self.last_error = message
        self.statusBar().showMessage(message, 10000)
        if self.error_dialogs_enabled:
            QMessageBox.warning(self, "MiniDAW", message)

    # --- file commands ------------------------------------------------------------------------

    def _ask_to_save(self) -> bool:
        """True when it is fine to drop the current song (saved, discarded, or unchanged)."""
        if not self.session.is_modified:
            return True
        answer = QMessageBox.question(
            self, "Save changes?",
            f"Save the changes to “{self.session.project.name}” before closing it?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.autosaver.discard()
            return True
        return False

    def new_project(self, path: Path | None = None) -> bool:
        """Make an empty song in a new folder (asked for when `path` is None) and open it."""
        if not self._let_go_of_song():
            return False
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "New project",
                                                    start_path(self.settings, "Untitled.minidaw"),
                                                    "MiniDAW projects (*.minidaw)")
            if not chosen:
                return False
            path = Path(chosen)
        name = Path(path).name.removesuffix(".minidaw")
        try:
            folder = create_project(Path(path), Project(name=name))
        except (OSError, FileExistsError) as error:
            self.show_error(str(error))
            return False
        return self._switch_to(folder)

    def open_dialog(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open project (a .minidaw folder)",
                                                start_path(self.settings, ""))
        if path:
            self.open_project(Path(path))

    def open_project(self, folder: Path) -> bool:
        """Open another song in this window; a damaged project shows an error and changes
        nothing."""
        return self._let_go_of_song() and self._switch_to(Path(folder))

    def _let_go_of_song(self) -> bool:
        """Finish a recording (its takes belong to this song), then save, discard or keep
        the song; False when the person chose to keep it open."""
        if self.session.engine_state.recording:
            self.session.stop()
        return self._ask_to_save()

    def _switch_to(self, folder: Path) -> bool:
        """Open the song in `folder` in place of this one (offering its autosave, or its
        backups when it will not load), with a fresh engine state: the transport stops and
        takes, journals and renditions go into the new folder."""
        try:
            song = read_song(folder, self)
        except ProjectFileError as error:
            self.show_error(f"Cannot open the project.\n\n{error}")
            return False
        engine = self.session.engine
        self.session.engine = None
        self.session.shutdown()
        if engine is not None:
            engine.switch_song(song.project, folder)
        self._replace_session(session_for(song, engine))
        self._remember_recent(folder)
        offer_recovery(self.session, self)
        return True

    def choose_backup(self, folder: Path, problem: str, backups: list[Backup]) -> Backup | None:
        """Ask which backup of a damaged project to open (tests answer through this)."""
        return choose_backup(self, folder, problem, backups)

    def _autosave_seconds(self) -> float:
        try:
            return float(self.settings.value(AUTOSAVE_KEY, AUTOSAVE_SECONDS))
        except (TypeError, ValueError):
            return AUTOSAVE_SECONDS

    def set_autosave_interval(self, seconds: float) -> None:
        """Options ▸ Autosave: how soon after a change the song is written (0: off);
        remembered for every song."""
        self.settings.setValue(AUTOSAVE_KEY, float(seconds))
        self.autosaver.set_interval(seconds)
        for value, action in self.autosave_actions.items():
            action.setChecked(value == seconds)

    def _replace_session(self, session: Session) -> None:
        old_mixer = self.mixer
        self.timeline.shutdown()
        self.session = session
        self.menuBar().clear()
        self.removeToolBar(self._toolbar)
        self._toolbar.deleteLater()
        self.removeDockWidget(self.mixer_dock)
        self.mixer_dock.deleteLater()
        old_mixer.deleteLater()
        self.mastering_dock.follow(session)
        self.autosaver.follow(session)
        self._build(session)
        self.missing_bar.follow(session)
        self.device_banner.follow(session)

    def _remember_recent(self, folder: Path) -> None:
        recent = [str(folder)] + [p for p in self.recent_projects() if p != str(folder)]
        self.settings.setValue(RECENT_KEY, recent[:RECENT_KEPT])
        remember_projects_folder(self.settings, folder)

    def recent_projects(self) -> list[str]:
        value = self.settings.value(RECENT_KEY) or []
        return [value] if isinstance(value, str) else list(value)

    def fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_projects():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_projects()))

    def save(self) -> bool:
        if self.session.folder is None:
            return self.save_as()
        try:
            self.session.save()
        except OSError as error:
            self.show_error(f"Could not save: {error}")
            return False
        self._remember_recent(self.session.folder)
        return True

    def save_as(self) -> bool:
        start = start_path(self.settings, f"{self.session.project.name}.minidaw")
        path, _ = QFileDialog.getSaveFileName(self, "Save project as", start,
                                              "MiniDAW projects (*.minidaw)")
        if not path:
            return False
        try:
            folder = self.session.save(Path(path))
        except (OSError, FileExistsError) as error:
            self.show_error(f"Could not save: {error}")
            return False
        self._remember_recent(folder)
        return True

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import audio", "", AUDIO_FILTER)
        if paths:
            self.session.import_files([Path(p) for p in paths],
                                      at_frame=self.session.engine_state.position_frame)

    def bounce_dialog(self) -> None:
        BounceDialog(self.session, self).exec()

    def confirm(self, title: str, question: str) -> bool:
        """Ask a yes/no question (tests answer through this instead of a dialog)."""
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes

    def clean_up(self) -> None:
        """Delete the audio files the song no longer uses, after listing them and asking."""
        clean_up_project(self.session, self.confirm,
                         lambda text: self.statusBar().showMessage(text, 10000))

    # --- edit and track commands -------------------------------------------------------------

    def add_track(self) -> None:
        track_commands.add_track(self.session)

    def add_bus(self) -> None:
        track_commands.add_bus(self.session)

    def remove_track(self) -> None:
        track_commands.remove_track(self.session, self, ask=self.error_dialogs_enabled)

    def rename_track(self) -> None:
        track_commands.rename_track(self.session, self)

    def track_colour(self) -> None:
        track_commands.track_colour(self.session, self)

    def toggle_punch(self) -> None:
        toggle_punch(self.session)
        self.punch_action.setChecked(self.session.punch_enabled)  # also when refused

    def toggle_follow(self, on: bool) -> None:
        self.session.view.follow_playhead = on

    # --- options and help ---------------------------------------------------------------------

    @staticmethod
    def saved_audio_settings() -> AudioSettings:
        return load_settings()[0]

    def _change_audio_settings(self, **changes: object) -> None:
        """Apply a metronome setting to the engine now and remember it."""
        settings = replace(self.saved_audio_settings(), **changes)
        try:
            save_settings(settings)
        except SettingsError as error:
            self.show_error(str(error))
        engine = self.session.engine
        if engine is not None:
            engine.set_config(config_for(settings, self.session.engine_state.device))

    def set_count_in(self, bars: int) -> None:
        for count, action in self.count_in_actions.items():
            action.setChecked(count == bars)
        self._change_audio_settings(count_in_bars=bars)

    def set_preroll(self, seconds: float) -> None:
        """How long the song plays before a punch-in (remembered with the audio settings)."""
        for value, action in self.preroll_actions.items():
            action.setChecked(value == seconds)
        self._change_audio_settings(preroll_seconds=float(seconds))

    def set_click_during_playback(self, on: bool) -> None:
        self._change_audio_settings(click_during_playback=bool(on))

    def audio_settings(self) -> None:
        from daw.ui.audio_dialog import AudioDialog

        AudioDialog(self.session, self).exec()
        self._update_status()

    def show_help_page(self, title: str, html: str) -> HelpDialog:
        """Open a Help page beside the window (one of each; asking again brings it forward)."""
        page = self.help_pages.get(title)
        if page is None:
            page = self.help_pages[title] = HelpDialog(title, html, self)
        page.show()
        page.raise_()
        return page

    def show_shortcuts(self) -> None:
        self.show_help_page("Keyboard shortcuts", shortcuts_html())

    def show_walkthrough(self) -> None:
        self.show_help_page("Your first song", walkthrough_html())

    def show_about(self) -> None:
        QMessageBox.about(self, "About MiniDAW", about_text())

    # --- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._ask_to_save():
            event.ignore()
            return
        save_layout(self, self.settings)
        self.timeline.shutdown()
        self.mastering_dock.panel.shutdown()
        self.autosaver.shutdown()
        self.session.shutdown()
        event.accept()

