"""The main window's menu bar: every command with its shortcut, built once for a window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenuBar

from daw.ui.autosave import CHOICES as AUTOSAVE_CHOICES
from daw.ui.autosave import interval_text
from daw.ui.shortcuts import KEYS
from daw.ui.timeline.ruler import punch_choices
from daw.ui.track_keys import toggle_selected
from daw.ui.view_state import SNAP_CHOICES

if TYPE_CHECKING:
    from daw.ui.main_window import MainWindow

COMP_CROSSFADES_MS = (0.0, 5.0, 10.0, 20.0, 40.0)
"""The comp crossfade choices of the Options menu (10 ms by default)."""
PREROLL_CHOICES_SECONDS = (0.0, 1.0, 2.0, 4.0)
"""The pre-roll choices of the Options menu: how long the song plays before a punch-in."""


def build_menus(window: MainWindow) -> None:
    """The menu bar: every command of the window, with its shortcut; the actions the
    window enables and disables are kept on it. Only public window names are bound, so
    the window can change inside without the menus knowing."""
    bar = window.menuBar()
    _file_menu(window, bar)
    _edit_menu(window, bar)
    _track_menu(window, bar)
    _view_menu(window, bar)
    _transport_menu(window, bar)
    _options_menu(window, bar)
    _help_menu(window, bar)
    window.update_actions()


def _file_menu(window: MainWindow, bar: QMenuBar) -> None:
    add = window.add_action
    file = bar.addMenu("&File")
    add(file, "&New…", lambda: window.new_project(), QKeySequence.StandardKey.New)
    add(file, "&Open…", window.open_dialog, QKeySequence.StandardKey.Open)
    window.recent_menu = file.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(window.fill_recent)
    window.save_action = add(file, "&Save", window.save, QKeySequence.StandardKey.Save)
    add(file, "Save &As…", window.save_as, KEYS["save_as"])
    file.addSeparator()
    add(file, "&Import Audio…", window.import_dialog, KEYS["import"])
    window.bounce_action = add(file, "&Bounce…", window.bounce_dialog, KEYS["bounce"])
    add(file, "&Master Assistant…", lambda: window.mastering_dock.open_assistant())
    add(file, "Master A&lbum…", lambda: window.mastering_dock.open_album())
    add(file, "Clean &Up Project…", window.clean_up)
    window.missing_media_action = add(file, "Missing Me&dia…",
                                      lambda: window.missing_bar.open_dialog())
    window.missing_bar.action = window.missing_media_action
    file.addSeparator()
    add(file, "&Quit", window.close, QKeySequence.StandardKey.Quit)


def _edit_menu(window: MainWindow, bar: QMenuBar) -> None:
    s = window.session
    add = window.add_action
    edit = bar.addMenu("&Edit")
    window.undo_action = add(edit, "Undo", s.undo, QKeySequence.StandardKey.Undo)
    window.redo_action = add(edit, "Redo", s.redo, KEYS["redo"])
    edit.addSeparator()
    window.cut_action = add(edit, "Cu&t", window.timeline.cut, QKeySequence.StandardKey.Cut)
    window.copy_action = add(edit, "&Copy", window.timeline.copy, QKeySequence.StandardKey.Copy)
    add(edit, "&Paste", window.timeline.paste, QKeySequence.StandardKey.Paste)
    t = window.timeline
    window.duplicate_action = add(edit, "&Duplicate", t.duplicate_selected, KEYS["duplicate"])
    window.split_action = add(edit, "&Split at Playhead", t.split_at_playhead, KEYS["split"])
    window.delete_action = add(edit, "De&lete", t.delete_selected, QKeySequence.StandardKey.Delete)
    window.select_all_action = add(edit, "Select &All", t.select_all,
                                   QKeySequence.StandardKey.SelectAll)
    edit.addSeparator()
    window.clip_gain_action = add(edit, "Clip &Gain…", window.timeline.clip_gain_dialog,
                                  KEYS["clip_gain"])


def _track_menu(window: MainWindow, bar: QMenuBar) -> None:
    s = window.session
    add = window.add_action
    track = bar.addMenu("&Track")
    add(track, "&Add Track", window.add_track, KEYS["add_track"])
    window.remove_track_action = add(track, "&Remove Track", window.remove_track)
    add(track, "Add &Bus", window.add_bus)
    window.rename_track_action = add(track, "Re&name Track…", window.rename_track,
                                     KEYS["rename_track"])
    window.colour_action = add(track, "&Colour…", window.track_colour)
    window.show_takes_action = add(track, "Show &Takes", window.timeline.toggle_takes,
                                   checkable=True)
    track.addSeparator()
    window.track_toggle_actions = {
        attribute: add(track, text, lambda _=False, a=attribute: toggle_selected(s, a), KEYS[key])
        for attribute, text, key in (("mute", "&Mute / Unmute", "mute"),
                                     ("solo", "S&olo / Unsolo", "solo"),
                                     ("record_armed", "Arm / &Disarm for Recording", "arm"))}


def _view_menu(window: MainWindow, bar: QMenuBar) -> None:
    s = window.session
    add = window.add_action
    view = bar.addMenu("&View")
    add(view, "Zoom &In", window.timeline.zoom_in, KEYS["zoom_in"])
    add(view, "Zoom &Out", window.timeline.zoom_out, KEYS["zoom_out"])
    add(view, "Zoom to &Song", window.timeline.zoom_to_song, KEYS["zoom_song"])
    follow = add(view, "&Follow Playhead", window.toggle_follow, checkable=True)
    follow.setChecked(s.view.follow_playhead)
    master = add(view, "Show &Master Track", s.view.set_show_master, checkable=True)
    master.setChecked(s.view.show_master)
    for dock, key in ((window.mixer_dock, "mixer"), (window.mastering_dock, "mastering")):
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence(KEYS[key]))
        toggle.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        view.addAction(toggle)


def _transport_menu(window: MainWindow, bar: QMenuBar) -> None:
    s = window.session
    add = window.add_action
    transport = bar.addMenu("T&ransport")
    add(transport, "&Play / Stop", s.toggle_play, KEYS["play"])
    add(transport, "&Record", s.record, KEYS["record"])
    add(transport, "Go to &Start", lambda: s.locate(0), KEYS["start"])
    add(transport, "Go to &End", lambda: s.locate(s.project.end_frame), KEYS["end"])
    add(transport, "Add &Marker", window.timeline.add_marker_at_playhead, KEYS["marker"])
    window.marker_actions = (
        add(transport, "&Next Marker", window.timeline.next_marker, KEYS["next_marker"]),
        add(transport, "Pre&vious Marker", window.timeline.previous_marker,
            KEYS["previous_marker"]))
    transport.addSeparator()
    window.punch_action = add(transport, "P&unch In/Out", window.toggle_punch, checkable=True)
    for text, choose in punch_choices(s):
        add(transport, text, choose)


def _options_menu(window: MainWindow, bar: QMenuBar) -> None:
    s = window.session
    add = window.add_action
    options = bar.addMenu("&Options")
    add(options, "&Audio Device…", window.audio_settings)
    count_in = options.addMenu("&Count-in")
    current = window.saved_audio_settings().count_in_bars
    window.count_in_actions = {}
    for bars, label in ((0, "Off"), (1, "1 bar"), (2, "2 bars"), (4, "4 bars")):
        action = add(count_in, label, lambda _=False, b=bars: window.set_count_in(b),
                     checkable=True)
        action.setChecked(bars == current)
        window.count_in_actions[bars] = action
    preroll = options.addMenu("P&re-roll")
    current_preroll = window.saved_audio_settings().preroll_seconds
    window.preroll_actions = {}
    for seconds in PREROLL_CHOICES_SECONDS:
        action = add(preroll, f"{seconds:g} s" if seconds else "Off",
                     lambda _=False, v=seconds: window.set_preroll(v), checkable=True)
        action.setChecked(seconds == current_preroll)
        window.preroll_actions[seconds] = action
    window.click_playback_action = add(options, "Click During &Playback",
                                       window.set_click_during_playback, checkable=True)
    window.click_playback_action.setChecked(window.saved_audio_settings().click_during_playback)
    snap = options.addMenu("&Snap")
    for name in SNAP_CHOICES:
        action = add(snap, name, lambda _=False, n=name: s.view.set_snap(n), checkable=True)
        action.setChecked(name == s.view.snap)
        s.view.changed.connect(lambda a=action, n=name: a.setChecked(s.view.snap == n))
    autosave = options.addMenu("Auto&save")
    window.autosave_actions = {}
    for seconds in AUTOSAVE_CHOICES:
        action = add(autosave, interval_text(seconds),
                     lambda _=False, v=seconds: window.set_autosave_interval(v), checkable=True)
        action.setChecked(seconds == window.autosaver.seconds)
        window.autosave_actions[seconds] = action
    crossfade = options.addMenu("Comp &Crossfade")
    for ms in COMP_CROSSFADES_MS:
        action = add(crossfade, f"{ms:g} ms" if ms else "Off",
                     lambda _=False, m=ms: s.view.set_comp_crossfade_ms(m), checkable=True)
        s.view.changed.connect(
            lambda a=action, m=ms: a.setChecked(s.view.comp_crossfade_ms == m))
        action.setChecked(s.view.comp_crossfade_ms == ms)
    s.view.changed.connect(window.update_actions)


def _help_menu(window: MainWindow, bar: QMenuBar) -> None:
    add = window.add_action
    help_menu = bar.addMenu("&Help")
    add(help_menu, "&Keyboard Shortcuts", window.show_shortcuts, KEYS["help"])
    add(help_menu, "&First Song Walkthrough", window.show_walkthrough)
    add(help_menu, "&About MiniDAW", window.show_about)
