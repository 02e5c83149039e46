"""How the window shares its room: the timeline first (never squeezed below a usable size), the
mixer dock below it at about a third of the height, the mastering panel a narrow column on the
right. The splits a person drags are remembered per user; a layout saved by an older MiniDAW
(whose default gave the mixer almost half the window) is not brought back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer

if TYPE_CHECKING:
    from daw.ui.main_window import MainWindow

LAYOUT_VERSION = 2
"""Stored with the window state; a state of another version is ignored."""
MIXER_SHARE = 1 / 3
MASTERING_SHARE = 0.25
MASTERING_MAX = 340
TIMELINE_MIN = QSize(600, 230)
"""The headers, a few bars of lanes, the ruler and two tracks, at any window size."""
FIT_TRACK_MIN = 52
"""Opening a song shrinks its tracks down to this height, at most, to show them all."""


def place_docks(window: MainWindow) -> None:
    """The default splits for the window's size: the mixer about a third of the height (or
    the least its strips need), the mastering panel a quarter of the width at most."""
    window.timeline.setMinimumSize(TIMELINE_MIN)
    mixer = max(round(window.height() * MIXER_SHARE), window.mixer_dock.minimumSizeHint().height())
    window.resizeDocks([window.mixer_dock], [mixer], Qt.Orientation.Vertical)
    mastering = min(MASTERING_MAX, round(window.width() * MASTERING_SHARE))
    window.resizeDocks([window.mastering_dock], [mastering], Qt.Orientation.Horizontal)


def restore_layout(window: MainWindow, settings: QSettings) -> None:
    """The window's remembered size and splits, or the defaults when there are none (or they
    come from an older layout)."""
    geometry = settings.value("geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    state = settings.value("windowState")
    if not (isinstance(state, QByteArray) and window.restoreState(state, LAYOUT_VERSION)):
        place_docks(window)
    window.mastering_dock.visibilityChanged.connect(lambda shown: _narrow(window, shown))


def _narrow(window: MainWindow, shown: bool) -> None:
    """A mastering panel wider than the default share (Qt gives a docked panel its size
    hint) is brought back to it when it is shown."""
    limit = min(MASTERING_MAX, round(window.width() * MASTERING_SHARE))
    if shown and window.mastering_dock.width() > limit and not window.mastering_dock.isFloating():
        window.resizeDocks([window.mastering_dock], [limit], Qt.Orientation.Horizontal)


def save_layout(window: MainWindow, settings: QSettings) -> None:
    settings.setValue("geometry", window.saveGeometry())
    settings.setValue("windowState", window.saveState(LAYOUT_VERSION))


def fit_tracks_soon(window: MainWindow) -> None:
    """Once the window has laid itself out, shrink the tracks (never below `FIT_TRACK_MIN`)
    so a song's tracks all show, as the demo's five and its bus do at 1280×820."""
    QTimer.singleShot(0, lambda: fit_tracks(window))


def fit_tracks(window: MainWindow) -> None:
    session, lanes = window.session, window.timeline.lanes
    rows = session.view.row_count(session.project)
    if rows == 0 or lanes.height() <= 0:
        return
    if window.timeline.layout_.content_height(rows) > lanes.height():
        fitted = max(FIT_TRACK_MIN, lanes.height() // rows - 1)
        session.view.set_track_height(min(session.view.track_height, fitted))
