"""One keyboard map: the README's table, the F1 page, the menus and the M/S/R tooltips all say
what daw/ui/shortcuts.py says, and the track keys do what they say (one undo step each)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from daw.model.store import load_project
from daw.resources import demo_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from daw.ui.shortcuts import KEYS, SHORTCUTS, empty_song_hint, tooltip
from tests.ui.test_menus import all_actions
from tests.ui.windows import private_settings, shown_window

README = Path(__file__).resolve().parents[2] / "README.md"

MENU_KEYS = {
    "Transport/Play / Stop": "play",
    "Transport/Record": "record",
    "Transport/Add Marker": "marker",
    "Transport/Go to Start": "start",
    "Transport/Go to End": "end",
    "Transport/Next Marker": "next_marker",
    "Transport/Previous Marker": "previous_marker",
    "Track/Mute / Unmute": "mute",
    "Track/Solo / Unsolo": "solo",
    "Track/Arm / Disarm for Recording": "arm",
    "Track/Add Track": "add_track",
    "Track/Rename Track…": "rename_track",
    "Edit/Split at Playhead": "split",
    "Edit/Duplicate": "duplicate",
    "Edit/Clip Gain…": "clip_gain",
    "File/Import Audio…": "import",
    "File/Bounce…": "bounce",
    "View/Mixer": "mixer",
    "View/Mastering": "mastering",
    "Help/Keyboard Shortcuts": "help",
}


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    folder = tmp_path / "Demo.minidaw"
    shutil.copytree(demo_project(), folder)
    with shown_window(qtbot, Session(load_project(folder), folder),
                      private_settings(tmp_path)) as win:
        yield win


def readme_table() -> list[tuple[str, str]]:
    """The rows of the README's "Keyboard shortcuts" table, parsed from the markdown."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Keyboard shortcuts", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == 2 and cells[0] not in ("keys", "---"):
            rows.append((cells[0], cells[1]))
    return rows


def test_the_readme_table_is_the_keyboard_map() -> None:
    assert readme_table() == list(SHORTCUTS)


def test_the_f1_page_is_the_keyboard_map(window: MainWindow, qtbot) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F1)
    page = window.help_pages["Keyboard shortcuts"]
    lines = [line.strip() for line in page.browser.toPlainText().splitlines() if line.strip()]
    cells = lines[1:]  # under the heading: key, then what it does, row by row
    assert list(zip(cells[::2], cells[1::2], strict=True)) == list(SHORTCUTS)


def test_the_menus_bind_the_keys_of_the_map(window: MainWindow) -> None:
    actions = all_actions(window)
    bound = {name: actions[name].shortcut().toString() for name in MENU_KEYS}
    assert bound == {name: KEYS[command] for name, command in MENU_KEYS.items()}
    named = {one.replace("Delete", "Del") for keys, _ in SHORTCUTS for one in keys.split(" / ")}
    for name, action in actions.items():  # and the table names every key a menu binds
        keys = action.shortcut().toString()
        assert not keys or keys in named, f"{name} ({keys}) is missing from the F1 table"


def test_the_track_buttons_tell_their_keys(window: MainWindow) -> None:
    track = window.session.project.tracks[0]
    header = window.timeline.headers.headers[track.id]
    strip = window.mixer.strip_for(track.id)
    for attribute, command, tip in (("mute", "mute", "Mute (M)"), ("solo", "solo", "Solo (S)"),
                                    ("record_armed", "arm", "Arm for recording (Shift+R)")):
        assert tooltip(command) == tip
        assert header.buttons[attribute].toolTip() == tip
        assert strip.buttons[attribute].toolTip() == tip
    assert window.transport.record.toolTip() in (tooltip("record"),
                                                 "Record is unavailable: No audio device open")
    assert "(Shift+R)" in empty_song_hint() and "(R)" in empty_song_hint()


@pytest.mark.parametrize(("key", "modifier", "attribute", "label"), [
    (Qt.Key.Key_M, Qt.KeyboardModifier.NoModifier, "mute", "Mute Track"),
    (Qt.Key.Key_S, Qt.KeyboardModifier.NoModifier, "solo", "Solo Track"),
    (Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier, "record_armed", "Arm Track"),
])
def test_track_keys_switch_the_selected_track(window: MainWindow, qtbot, key, modifier,
                                              attribute: str, label: str) -> None:
    session = window.session
    track = next(t for t in session.project.tracks if not t.is_bus)
    session.select_track(track.id)
    before = session.project
    assert not getattr(track, attribute)
    target = window.timeline
    qtbot.keyClick(target, key, modifier)
    assert getattr(session.project.track(track.id), attribute)
    assert session.project.markers == before.markers  # M no longer drops a marker
    assert window.undo_action.text() == f"Undo {label}"
    qtbot.keyClick(target, key, modifier)
    assert not getattr(session.project.track(track.id), attribute)
    session.undo()
    session.undo()
    assert session.project == before  # each press was one step
    others = [t for t in session.project.tracks if t.id != track.id]
    assert all(getattr(t, attribute) == getattr(o, attribute)
               for t, o in zip(others, [t for t in before.tracks if t.id != track.id],
                               strict=True))


def test_split_and_marker_moved_off_the_track_keys(window: MainWindow, qtbot) -> None:
    session = window.session
    drums = session.project.tracks[0]
    clip = drums.clips[0]
    session.select_track(drums.id)
    session.select_clips([clip.id])
    middle = clip.start_frame + clip.length_frames // 2
    session.locate(middle)
    markers = len(session.project.markers)
    qtbot.keyClick(window.timeline, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert middle in [c.start_frame for c in session.project.track(drums.id).clips]
    qtbot.keyClick(window.timeline, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert len(session.project.markers) == markers + 1
    assert not session.project.track(drums.id).mute
