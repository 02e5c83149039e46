"""The main window's menu bar: every command with its shortcut, built once for a window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

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
    window enables and disables are kept on it."""
    s = window.session
    bar = window.menuBar()
    file = bar.addMenu("&File")
    window._action(file, "&New…", lambda: window.new_project(), QKeySequence.StandardKey.New)
    window._action(file, "&Open…", window.open_dialog, QKeySequence.StandardKey.Open)
    window.recent_menu = file.addMenu("Open &Recent")
    window.recent_menu.aboutToShow.connect(window._fill_recent)
    window.save_action = window._action(file, "&Save", window.save, QKeySequence.StandardKey.Save)
    window._action(file, "Save &As…", window.save_as, KEYS["save_as"])
    file.addSeparator()
    window._action(file, "&Import Audio…", window.import_dialog, KEYS["import"])
    window.bounce_action = window._action(file, "&Bounce…", window.bounce_dialog, KEYS["bounce"])
    window._action(file, "&Master Assistant…", lambda: window.mastering_dock.open_assistant())
    window._action(file, "Master A&lbum…", lambda: window.mastering_dock.open_album())
    window._action(file, "Clean &Up Project…", window.clean_up)
    window.missing_media_action = window._action(file, "Missing Me&dia…",
                                                 lambda: window.missing_bar.open_dialog())
    window.missing_bar.action = window.missing_media_action
    file.addSeparator()
    window._action(file, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    window.undo_action = window._action(edit, "Undo", s.undo, QKeySequence.StandardKey.Undo)
    window.redo_action = window._action(edit, "Redo", s.redo, KEYS["redo"])
    edit.addSeparator()
    window.cut_action = window._action(edit, "Cu&t", window.timeline.cut,
                                   QKeySequence.StandardKey.Cut)
    window.copy_action = window._action(edit, "&Copy", window.timeline.copy,
                                    QKeySequence.StandardKey.Copy)
    window._action(edit, "&Paste", window.timeline.paste, QKeySequence.StandardKey.Paste)
    t = window.timeline
    window.duplicate_action = window._action(edit, "&Duplicate", t.duplicate_selected,
                                              KEYS["duplicate"])
    window.split_action = window._action(edit, "&Split at Playhead", t.split_at_playhead,
                                          KEYS["split"])
    window.delete_action = window._action(edit, "De&lete", t.delete_selected,
                                      QKeySequence.StandardKey.Delete)
    window.select_all_action = window._action(edit, "Select &All", t.select_all,
                                          QKeySequence.StandardKey.SelectAll)
    edit.addSeparator()
    window.clip_gain_action = window._action(edit, "Clip &Gain…", window.timeline.clip_gain_dialog,
                                             KEYS["clip_gain"])

    track = bar.addMenu("&Track")
    window._action(track, "&Add Track", window.add_track, KEYS["add_track"])
    window.remove_track_action = window._action(track, "&Remove Track", window.remove_track)
    window._action(track, "Add &Bus", window.add_bus)
    window.rename_track_action = window._action(track, "Re&name Track…", window.rename_track,
                                                KEYS["rename_track"])
    window.colour_action = window._action(track, "&Colour…", window.track_colour)
    window.show_takes_action = window._action(track, "Show &Takes", window.timeline.toggle_takes,
                                          checkable=True)
    track.addSeparator()
    window.track_toggle_actions = {
        attribute: window._action(track, text, lambda _=False, a=attribute: toggle_selected(s, a),
                                  KEYS[key])
        for attribute, text, key in (("mute", "&Mute / Unmute", "mute"),
                                     ("solo", "S&olo / Unsolo", "solo"),
                                     ("record_armed", "Arm / &Disarm for Recording", "arm"))}

    view = bar.addMenu("&View")
    window._action(view, "Zoom &In", window.timeline.zoom_in, KEYS["zoom_in"])
    window._action(view, "Zoom &Out", window.timeline.zoom_out, KEYS["zoom_out"])
    window._action(view, "Zoom to &Song", window.timeline.zoom_to_song, KEYS["zoom_song"])
    follow = window._action(view, "&Follow Playhead", window._toggle_follow, checkable=True)
    follow.setChecked(s.view.follow_playhead)
    master = window._action(view, "Show &Master Track", s.view.set_show_master, checkable=True)
    master.setChecked(s.view.show_master)
    for dock, key in ((window.mixer_dock, "mixer"), (window.mastering_dock, "mastering")):
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence(KEYS[key]))
        toggle.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        view.addAction(toggle)

    transport = bar.addMenu("T&ransport")
    window._action(transport, "&Play / Stop", s.toggle_play, KEYS["play"])
    window._action(transport, "&Record", s.record, KEYS["record"])
    window._action(transport, "Go to &Start", lambda: s.locate(0), KEYS["start"])
    window._action(transport, "Go to &End", lambda: s.locate(s.project.end_frame),
                   KEYS["end"])
    window._action(transport, "Add &Marker", window.timeline.add_marker_at_playhead,
                   KEYS["marker"])
    window.marker_actions = (
        window._action(transport, "&Next Marker", window.timeline.next_marker,
                       KEYS["next_marker"]),
        window._action(transport, "Pre&vious Marker", window.timeline.previous_marker,
                       KEYS["previous_marker"]))
    transport.addSeparator()
    window.punch_action = window._action(transport, "P&unch In/Out", window.toggle_punch,
                                     checkable=True)
    for text, choose in punch_choices(s):
        window._action(transport, text, choose)

    options = bar.addMenu("&Options")
    window._action(options, "&Audio Device…", window.audio_settings)
    count_in = options.addMenu("&Count-in")
    current = window._audio_settings().count_in_bars
    window.count_in_actions = {}
    for bars, label in ((0, "Off"), (1, "1 bar"), (2, "2 bars"), (4, "4 bars")):
        action = window._action(count_in, label, lambda _=False, b=bars: window.set_count_in(b),
                              checkable=True)
        action.setChecked(bars == current)
        window.count_in_actions[bars] = action
    preroll = options.addMenu("P&re-roll")
    current_preroll = window._audio_settings().preroll_seconds
    window.preroll_actions = {}
    for seconds in PREROLL_CHOICES_SECONDS:
        action = window._action(preroll, f"{seconds:g} s" if seconds else "Off",
                              lambda _=False, v=seconds: window.set_preroll(v),
                              checkable=True)
        action.setChecked(seconds == current_preroll)
        window.preroll_actions[seconds] = action
    window.click_playback_action = window._action(
        options, "Click During &Playback", window.set_click_during_playback, checkable=True)
    window.click_playback_action.setChecked(window._audio_settings().click_during_playback)
    snap = options.addMenu("&Snap")
    for name in SNAP_CHOICES:
        action = window._action(snap, name, lambda _=False, n=name: s.view.set_snap(n),
                              checkable=True)
        action.setChecked(name == s.view.snap)
        s.view.changed.connect(lambda a=action, n=name: a.setChecked(s.view.snap == n))
    autosave = options.addMenu("Auto&save")
    window.autosave_actions = {}
    for seconds in AUTOSAVE_CHOICES:
        action = window._action(autosave, interval_text(seconds),
                                lambda _=False, v=seconds: window.set_autosave_interval(v),
                                checkable=True)
        action.setChecked(seconds == window.autosaver.seconds)
        window.autosave_actions[seconds] = action
    crossfade = options.addMenu("Comp &Crossfade")
    for ms in COMP_CROSSFADES_MS:
        action = window._action(crossfade, f"{ms:g} ms" if ms else "Off",
                              lambda _=False, m=ms: s.view.set_comp_crossfade_ms(m),
                              checkable=True)
        s.view.changed.connect(
            lambda a=action, m=ms: a.setChecked(s.view.comp_crossfade_ms == m))
        action.setChecked(s.view.comp_crossfade_ms == ms)
    s.view.changed.connect(window._update_actions)

    help_menu = bar.addMenu("&Help")
    window._action(help_menu, "&Keyboard Shortcuts", window.show_shortcuts, KEYS["help"])
    window._action(help_menu, "&First Song Walkthrough", window.show_walkthrough)
    window._action(help_menu, "&About MiniDAW", window.show_about)
    window._update_actions()

# --- titles, status and enabled actions ---------------------------------------------------
