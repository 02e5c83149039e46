"""The keyboard shortcuts and the About text, in one place for the Help menu and the README."""

from __future__ import annotations

import platform

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Space", "Play / stop (stop returns to where play started)"),
    ("R", "Record the armed tracks"),
    ("S", "Split the selected clips (or the selected track) at the playhead"),
    ("M", "Add a marker at the playhead"),
    ("Home / End", "Go to the start / end of the song"),
    ("Ctrl+Left / Ctrl+Right", "Previous / next marker"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+X / Ctrl+C / Ctrl+V", "Cut / copy / paste clips (paste at the playhead)"),
    ("Ctrl+D", "Duplicate the selected clips"),
    ("Delete", "Delete the selected clips"),
    ("Ctrl+A", "Select all clips"),
    ("Ctrl+G", "Clip gain"),
    ("Alt+Left / Alt+Right", "Nudge the selected clips by one grid step"),
    ("Ctrl+Alt+Left / Ctrl+Alt+Right", "Nudge the selected clips by 10 ms"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "Zoom in / out / to the whole song"),
    ("Ctrl+wheel", "Zoom around the mouse"),
    ("Shift+drag", "Move or trim without snapping"),
    ("Ctrl+T", "Add a track"),
    ("F2", "Rename the selected track"),
    ("Ctrl+I", "Import audio"),
    ("Ctrl+B", "Bounce"),
    ("Ctrl+S / Ctrl+Shift+S", "Save / save as"),
    ("F1", "This list"),
)


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{key}</b></td><td>{what}</td></tr>" for key, what in SHORTCUTS)
    return f"<table cellspacing='6'>{rows}</table>"


def about_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    from daw import __version__

    libraries = ", ".join(f"{name} {v(name)}" for name in (
        "PySide6-Essentials", "numpy", "soundfile", "soxr", "sounddevice", "rtmixer"))
    return (f"<h3>MiniDAW {__version__}</h3>"
            "<p>A small multitrack recording studio: record, edit, mix and master.</p>"
            "<p>Free software under the GNU General Public License, version 3 or later.</p>"
            f"<p>Python {platform.python_version()}; {libraries}.</p>")
