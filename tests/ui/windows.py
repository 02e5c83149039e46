"""A MainWindow for a test: its own settings file, dialogs off (errors land in `last_error`),
shown, and closed afterwards without the "Save changes?" question blocking the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSettings

from daw.ui.main_window import MainWindow
from daw.ui.session import Session


def private_settings(folder: Path, name: str = "window.ini") -> QSettings:
    """Window settings in a file of the test's own, never the person's."""
    return QSettings(str(folder / name), QSettings.Format.IniFormat)


@contextmanager
def shown_window(qtbot, session: Session, settings: QSettings,
                 size: tuple[int, int] | None = None) -> Iterator[MainWindow]:
    window = MainWindow(session, settings)
    window.error_dialogs_enabled = False
    if size is not None:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        close_window(window)


def close_window(window: MainWindow) -> None:
    """Close as a person who saved would: nothing is asked."""
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()
