"""A song whose audio file is gone opens without an error dialog: its clips are drawn hatched
with the word "missing", a bar says once which file is missing, and Locate… (a file or a
folder) and Remove repair it, each as one undo step."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from daw.model import Project
from daw.model.store import create_project, load_project, save_project
from daw.model.takes import add_take
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import RATE, Song, tone

FPP = 200.0


def render(project: Project, folder: Path) -> np.ndarray:
    out = np.zeros((project.end_frame, 2), dtype=np.float32)
    with MediaPool(folder, project.media, missing_ok=True) as pool:
        Renderer(compile_plan(project), pool).render(0, out)
    return out


@pytest.fixture
def song(tmp_path: Path) -> Song:
    song = Song(tmp_path / "Song.minidaw")
    song.media("drums", tone(RATE, 110, channels=2, amp=0.4, seed=1))
    song.media("vox", tone(RATE // 2, 330, amp=0.6, seed=2))
    song.track("Drums")
    song.track("Vocal")
    song.clip("Drums", "drums", 0, "c-drums")
    song.clip("Vocal", "vox", RATE // 4, "c-vox")
    song.project = add_take(song.project, "Vocal", "vox", RATE // 4, RATE // 2, take_id="k")
    save_project(song.folder, song.project)
    song.expected = render(song.project, song.folder)  # as it played with every file
    (tmp_path / "backup" / "deep").mkdir(parents=True)
    shutil.copy(song.folder / "audio" / "vox.wav", tmp_path / "backup" / "deep" / "vox.wav")
    (song.folder / "audio" / "vox.wav").unlink()
    return song


def open_window(qtbot, tmp_path: Path, project: Project, folder: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(project, folder), settings)
    window.error_dialogs_enabled = False
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    window.session.view.set_zoom(FPP, 0)
    window.session.view.scroll_to(0)
    return window


@pytest.fixture
def window(qtbot, tmp_path: Path, song: Song) -> Iterator[MainWindow]:
    window = open_window(qtbot, tmp_path, load_project(song.folder), song.folder)
    yield window
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()


def hatched(window: MainWindow, clip_id: str) -> int:
    """Pixels of the clip's body in the hatch's red."""
    session = window.session
    track, clip = session.project.find_clip(clip_id)
    index = [t.id for t in session.project.tracks].index(track.id)
    rect = window.timeline.layout_.clip_rect(clip, index).toRect().adjusted(2, 2, -2, -2)
    lanes = window.timeline.lanes
    lanes.repaint()
    image = lanes.grab(rect).toImage()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()].astype(int)
    blue, green, red = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return int(np.count_nonzero((red > green + 60) & (red > blue + 60)))


def settle(qtbot, window: MainWindow) -> None:
    project, cache = window.session.project, window.timeline.cache
    qtbot.waitUntil(lambda: all(cache.settled(window.session.folder, ref)
                                for ref in project.media))
    qtbot.wait(20)  # the queued "ready" repaints


def test_the_song_opens_without_an_error_and_shows_what_is_missing(qtbot,
                                                                   window: MainWindow) -> None:
    settle(qtbot, window)
    assert window.last_error is None
    bar = window.missing_bar
    assert bar.dock is not None and bar.dock.isVisible()
    assert "1 audio file is missing" in bar.label.text()
    assert 'audio/vox.wav (track "Vocal")' in bar.label.text().replace("&quot;", '"')
    assert window.missing_media_action.isEnabled()
    assert hatched(window, "c-vox") > 200
    assert hatched(window, "c-drums") == 0
    lanes = window.timeline.lanes
    _track, clip = window.session.project.find_clip("c-vox")
    rect = window.timeline.layout_.clip_rect(clip, 1)
    where = rect.center().toPoint()
    QApplication.sendEvent(lanes, QHelpEvent(QEvent.Type.ToolTip, where,
                                             lanes.mapToGlobal(where)))
    assert QToolTip.text().startswith("Missing: audio/vox.wav (imported from vox.wav)")


def test_locate_refuses_a_different_file_and_takes_the_right_one(qtbot, window: MainWindow,
                                                                 tmp_path: Path,
                                                                 song: Song) -> None:
    session = window.session
    before = session.project
    sf.write(tmp_path / "wrong.wav", tone(RATE // 2, 330, channels=2), RATE)
    assert not window.missing_bar.locate_file("vox", tmp_path / "wrong.wav")
    assert window.last_error == ("wrong.wav is not audio/vox.wav: it has 2 channels, 0.500 s "
                                 "(24000 frames), the song needs 1 channel, 0.500 s "
                                 "(24000 frames)")
    assert session.project is before
    # The same sound at 44.1 kHz: converted into the song's audio/ at its length.
    data = sf.read(tmp_path / "backup" / "deep" / "vox.wav", dtype="float32")[0]
    sf.write(tmp_path / "vox44.wav", data[::2].repeat(2)[:22050], 44100, subtype="FLOAT")
    assert window.missing_bar.locate_file("vox", tmp_path / "vox44.wav")
    ref = session.project.media_ref("vox")
    assert ref.path == "audio/vox44.wav" and (session.folder / ref.path).is_file()
    assert sf.info(session.folder / ref.path).frames == RATE // 2
    assert session.history.undo_label == "Locate Missing Media"
    assert not window.missing_bar.dock.isVisible()
    assert not window.missing_media_action.isEnabled()
    settle(qtbot, window)
    assert hatched(window, "c-vox") == 0
    session.undo()
    assert session.project is before and window.missing_bar.dock.isVisible()


def test_a_folder_search_relinks_what_it_finds_and_the_song_plays_as_before(
        qtbot, window: MainWindow, tmp_path: Path, song: Song) -> None:
    session = window.session
    settle(qtbot, window)
    sf.write(tmp_path / "backup" / "Vox.flac", tone(100, 330), RATE)  # the name, not the length
    text = window.missing_bar.search(tmp_path / "backup")
    assert text == "Found 1 of 1 missing file"
    assert session.project.media_ref("vox").path == "audio/vox.wav"  # copied back in place
    assert not window.missing_bar.dock.isVisible()
    settle(qtbot, window)
    assert hatched(window, "c-vox") == 0
    heard = render(session.project, session.folder)
    assert np.abs(heard).max() > 0.1
    np.testing.assert_array_equal(heard, song.expected)


def test_remove_takes_out_the_clips_and_takes_as_one_step(window: MainWindow) -> None:
    session = window.session
    before = session.project
    window.missing_bar.remove_button.click()
    project = session.project
    assert [m.id for m in project.media] == ["drums"]
    assert project.track("Vocal").clips == () and project.track("Vocal").takes == ()
    assert project.track("Drums") == before.track("Drums")
    assert session.history.undo_label == "Remove Missing Media"
    assert not window.missing_bar.dock.isVisible()
    session.undo()
    assert session.project is before and not session.history.can_undo


def test_opening_such_a_song_in_the_window_shows_the_bar_and_no_dialog(
        qtbot, tmp_path: Path, song: Song) -> None:
    empty = create_project(tmp_path / "Empty.minidaw", Project(name="Empty"))
    window = open_window(qtbot, tmp_path, load_project(empty), empty)
    try:
        assert not window.missing_bar.dock.isVisible()
        assert window.open_project(song.folder)
        settle(qtbot, window)
        assert window.missing_bar.dock.isVisible() and window.last_error is None
        assert window.missing_media_action.isEnabled()
        dialog = window.missing_bar.open_dialog()
        assert [dialog.files.item(i).text() for i in range(dialog.files.count())] == [
            'audio/vox.wav (track "Vocal")']
        dialog.remove_button.click()
        assert dialog.files.count() == 0 and not dialog.remove_button.isEnabled()
        dialog.close()
    finally:
        window.session.history.mark_saved()
        window.close()
        window.deleteLater()
