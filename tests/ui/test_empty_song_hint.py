"""A song without tracks says what to do first in its empty lanes, with the keys of the map,
and says nothing once it has a track."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage

from daw.model import Project
from daw.model.store import create_project, load_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from daw.ui.shortcuts import KEYS, empty_song_hint
from tests.ui.windows import private_settings, shown_window


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    folder = create_project(tmp_path / "Empty.minidaw", Project(name="Empty"))
    with shown_window(qtbot, Session(load_project(folder), folder), private_settings(tmp_path),
                      size=(1280, 820)) as win:
        yield win


def light_pixels(image: QImage, area: QRect) -> int:
    """Pixels of light grey text (the lanes, grid and clip-less tracks are all dark)."""
    count = 0
    for y in range(max(area.top(), 0), min(area.bottom() + 1, image.height())):
        for x in range(max(area.left(), 0), min(area.right() + 1, image.width())):
            colour = image.pixelColor(x, y)
            r, g, b = colour.red(), colour.green(), colour.blue()
            if min(r, g, b) > 110 and max(r, g, b) - min(r, g, b) < 40:
                count += 1
    return count


def test_the_hint_names_the_keys_of_the_map() -> None:
    assert empty_song_hint() == (
        f"Add a track ({KEYS['add_track']}), import audio ({KEYS['import']}) or drop files "
        f"here, then arm it ({KEYS['arm']}) and record ({KEYS['record']})")
    assert "(Ctrl+T)" in empty_song_hint() and "(Ctrl+I)" in empty_song_hint()


def test_an_empty_song_shows_the_hint_until_it_has_a_track(window: MainWindow, qtbot) -> None:
    lanes = window.timeline.lanes
    image = lanes.grab().toImage()
    whole = QRect(0, 0, image.width(), image.height())
    hint = lanes.empty_hint_rect().toRect()
    assert hint.width() > 400 and whole.contains(hint)
    drawn = light_pixels(image, whole)
    assert drawn > 300  # a line of text
    assert light_pixels(image, hint) == drawn  # all of it where the hint is painted
    qtbot.keyClick(window.timeline, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert len(window.session.project.tracks) == 1
    assert light_pixels(lanes.grab().toImage(), whole) == 0
    window.session.undo()
    assert light_pixels(lanes.grab().toImage(), whole) == drawn
