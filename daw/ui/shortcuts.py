"""The keyboard map, written down once: the menus, the F1 table (and the README's copy of it),
the button tooltips and the empty song's hint all read their keys from here, so they cannot
disagree.

The track keys follow GarageBand (M mutes, S solos the selected track), the rest REAPER and
Audacity habits: Space plays, R records, Shift+R arms, Ctrl+E splits, Shift+M drops a marker,
Ctrl+M shows or hides the mixer.
"""

from __future__ import annotations

KEYS: dict[str, str] = {
    "play": "Space",
    "record": "R",
    "arm": "Shift+R",
    "mute": "M",
    "solo": "S",
    "split": "Ctrl+E",
    "marker": "Shift+M",
    "start": "Home",
    "end": "End",
    "next_marker": "Ctrl+Right",
    "previous_marker": "Ctrl+Left",
    "duplicate": "Ctrl+D",
    "clip_gain": "Ctrl+G",
    "add_track": "Ctrl+T",
    "rename_track": "F2",
    "import": "Ctrl+I",
    "bounce": "Ctrl+B",
    "mixer": "Ctrl+M",
    "mastering": "Ctrl+Shift+M",
    "zoom_in": "Ctrl+=",
    "zoom_out": "Ctrl+-",
    "zoom_song": "Ctrl+0",
    "redo": "Ctrl+Shift+Z",
    "save_as": "Ctrl+Shift+S",
    "help": "F1",
}
"""Command name → the key a menu action binds (as `QKeySequence.toString()` writes it)."""

K = KEYS
SHORTCUTS: tuple[tuple[str, str], ...] = (
    (K["play"], "Play / stop (stop returns to where play started)"),
    (K["record"], "Record the armed tracks"),
    (K["arm"], "Arm / disarm the selected track for recording"),
    (K["mute"], "Mute / unmute the selected track"),
    (K["solo"], "Solo / unsolo the selected track"),
    (K["split"], "Split the selected clips (or the selected track) at the playhead"),
    (K["marker"], "Add a marker at the playhead"),
    (f"{K['start']} / {K['end']}", "Go to the start / end of the song"),
    (f"{K['previous_marker']} / {K['next_marker']}", "Previous / next marker"),
    ("Up / Down", "Select the track above / below"),
    (f"Ctrl+Z / {K['redo']}", "Undo / redo"),
    ("Ctrl+X / Ctrl+C / Ctrl+V", "Cut / copy / paste clips (paste at the playhead)"),
    (K["duplicate"], "Duplicate the selected clips"),
    ("Delete", "Delete the selected clips"),
    ("Ctrl+A", "Select all clips"),
    (K["clip_gain"], "Clip gain"),
    ("Alt+Left / Alt+Right", "Nudge the selected clips by one grid step"),
    ("Ctrl+Alt+Left / Ctrl+Alt+Right", "Nudge the selected clips by 10 ms"),
    ("Alt+Shift+Left / Alt+Shift+Right", "Nudge the selected clips (a single hit) by 1 ms"),
    (f"{K['zoom_in']} / {K['zoom_out']} / {K['zoom_song']}",
     "Zoom in / out / to the whole song"),
    ("Ctrl+wheel", "Zoom around the mouse"),
    ("Shift+drag", "Move or trim without snapping"),
    ("Alt+drag on the ruler", "Set the punch range (and turn punch in/out on)"),
    ("Click / drag on a take lane", "Use the whole take / comp the dragged range"),
    (K["add_track"], "Add a track"),
    (K["rename_track"], "Rename the selected track"),
    (K["import"], "Import audio"),
    (K["bounce"], "Bounce"),
    (K["mixer"], "Show / hide the mixer"),
    (K["mastering"], "Show / hide the mastering panel"),
    ("Ctrl+N / Ctrl+O", "New song / open a song"),
    (f"Ctrl+S / {K['save_as']}", "Save / save as"),
    ("Ctrl+Q", "Quit"),
    ("Enter / Escape in a number box", "Keep / undo the typed value and give the keys back"),
    (K["help"], "This list"),
)
"""The F1 table and the README's "Keyboard shortcuts" table, row by row."""
del K

TIPS: dict[str, str] = {
    "play": "Play / stop",
    "record": "Record the armed tracks",
    "start": "Back to the start",
    "arm": "Arm for recording",
    "mute": "Mute",
    "solo": "Solo",
}


def tooltip(command: str) -> str:
    """A button's tooltip with its key, as "Mute (M)"."""
    return f"{TIPS[command]} ({KEYS[command]})"


def empty_song_hint() -> str:
    """What the lanes of a song without tracks say to do first."""
    return (f"Add a track ({KEYS['add_track']}), import audio ({KEYS['import']}) or drop "
            f"files here, then arm it ({KEYS['arm']}) and record ({KEYS['record']})")
