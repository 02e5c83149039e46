"""The Help menu's texts: the shortcut list and the walkthrough are the README's, and About
names the version, the licence and the libraries."""

from __future__ import annotations

from pathlib import Path

from daw import __version__
from daw.ui.help import (
    LIBRARIES,
    SHORTCUTS,
    WALKTHROUGH,
    about_text,
    library_versions,
    shortcuts_html,
    walkthrough_html,
)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_shortcut() -> None:
    text = README.read_text(encoding="utf-8")
    for keys, what in SHORTCUTS:
        assert f"| {keys} | {what} |" in text


def test_readme_has_the_walkthrough_of_the_help_menu() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())  # the README wraps its lines
    for number, (title, step) in enumerate(WALKTHROUGH, 1):
        assert f"{number}. **{title}.** {step}" in text
    assert [title for title, _ in WALKTHROUGH] == ["Listen", "A new song", "Record", "Edit",
                                                   "Mix", "Master", "Bounce"]


def test_help_texts() -> None:
    assert "Ctrl+Z" in shortcuts_html()
    assert "<ol><li><p><b>Listen.</b>" in walkthrough_html()
    about = about_text()
    assert f"MiniDAW {__version__}" in about
    assert "GNU General Public License" in about and "GPL-3.0-or-later" in about
    versions = dict(library_versions())
    assert list(versions) == list(LIBRARIES)
    for name in ("PySide6-Essentials", "numpy", "soundfile", "sounddevice"):
        assert versions[name] != "not installed" and f"{name} {versions[name]}" in about
