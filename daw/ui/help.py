"""What the Help menu says: the keyboard shortcuts, the first-song walkthrough and the About
text. The README shows the same shortcuts and walkthrough (a test keeps them equal)."""

from __future__ import annotations

import platform
from html import escape

from daw.ui.shortcuts import SHORTCUTS

__all__ = ["SHORTCUTS", "WALKTHROUGH", "about_text", "shortcuts_html",
           "walkthrough_html"]

WALKTHROUGH: tuple[tuple[str, str], ...] = (
    ('Listen',
     'Press Space: the demo plays. Space again stops it (and returns to where play '
     'started). If you hear nothing, Options ▸ Audio Device… lists every device with the '
     'sample rates it takes, plays a 1 kHz test tone at −20 dBFS on the output you chose, '
     'and shows the level of each input live, so you can check both ends before the first '
     'take.'),
    ('A new song',
     'File ▸ New… (Ctrl+N), give it a name: it is a folder of its own, in '
     'Documents/MiniDAW the first time. Set its tempo and metre in the transport bar.'),
    ('Record',
     "Ctrl+T adds a track. It records from the sound card's first input (the button on its "
     'header picks another). Shift+R arms it (or its R button): its meter now shows your '
     'input. R records after a one-bar count-in (Options ▸ Count-in); play or sing, then '
     "Space stops. The take appears where you played it, and its file is in the song's "
     'audio folder; record again over it and every take is kept, ready for comping.'),
    ('Edit',
     'Drag clips to move them (Shift: off the grid), drag their edges to trim, the corner '
     'handles for fades and the middle line for clip gain. Ctrl+E splits at the playhead, '
     'Ctrl+D duplicates, Delete removes. Drag on the ruler to set a loop, Shift+M drops a '
     'marker. Every step can be undone with Ctrl+Z.'),
    ('Mix',
     "In the mixer below (Ctrl+M shows or hides it), set each track's fader and pan; M "
     'mutes and S solos the selected track. The + on a strip adds an effect: + ▸ EQ, then '
     '+ ▸ Reverb, and the track has both. The ≡ menu loads a whole chain. Track ▸ Add Bus '
     'makes a shared reverb: send tracks to it from their strips. The A button on a track '
     'header draws automation.'),
    ('Master',
     'Put the finishing chain on the master strip: a gentle EQ and compressor, then a '
     'limiter (the “Master -1 dB” preset keeps peaks under −1 dBFS). Watch the master '
     'meter while the loudest part plays.'),
    ('Bounce',
     "File ▸ Bounce… (Ctrl+B), then Bounce: it writes Name.wav beside the song's folder, "
     "mastered, going on past the last clip until the reverb's tail has died away, with a "
     "loudness report. It can also write a loop or a marker's section, FLAC, 16 bits with "
     'dither, and stems. Save the song with Ctrl+S: a song is a folder with its audio, and '
     'the originals are never changed.'),
)

LICENCE = "GPL-3.0-or-later"
LIBRARIES = ("PySide6-Essentials", "numpy", "soundfile", "soxr", "sounddevice", "rtmixer",
             "pedalboard", "pyloudnorm", "platformdirs")


def shortcuts_html() -> str:
    rows = "".join(f"<tr><td><b>{escape(key)}</b></td><td>{escape(what)}</td></tr>"
                   for key, what in SHORTCUTS)
    return f"<h3>Keyboard shortcuts</h3><table cellspacing='6'>{rows}</table>"


def walkthrough_html() -> str:
    steps = "".join(f"<li><p><b>{escape(title)}.</b> {escape(text)}</p></li>"
                    for title, text in WALKTHROUGH)
    return ("<h3>Your first song</h3><p>From the demo song (it opens on first start) to a "
            "finished file of your own in seven steps.</p>"
            f"<ol>{steps}</ol>")


def library_versions() -> list[tuple[str, str]]:
    """(name, version) of the libraries MiniDAW runs on, as installed (or bundled)."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in LIBRARIES:
        try:
            found.append((name, version(name)))
        except PackageNotFoundError:
            found.append((name, "not installed"))
    return found


def about_text() -> str:
    from daw import __version__

    libraries = ", ".join(f"{name} {v}" for name, v in library_versions())
    return (f"<h3>MiniDAW {__version__}</h3>"
            "<p>A small multitrack recording studio: record, edit, mix and master.</p>"
            "<p>Free software under the GNU General Public License, version 3 or later "
            f"({LICENCE}): you may use, study, share and change it.</p>"
            f"<p>Python {platform.python_version()} on {escape(platform.system())}; "
            f"{escape(libraries)}.</p>")
