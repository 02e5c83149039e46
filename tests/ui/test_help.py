"""The shortcut list in Help is the one in the README."""

from __future__ import annotations

from pathlib import Path

from daw.ui.help import SHORTCUTS, about_text, shortcuts_html

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_lists_every_shortcut() -> None:
    text = README.read_text(encoding="utf-8")
    for keys, what in SHORTCUTS:
        assert f"| {keys} | {what} |" in text


def test_help_texts() -> None:
    assert "Ctrl+Z" in shortcuts_html()
    assert "GNU General Public License" in about_text() and "PySide6" in about_text()
