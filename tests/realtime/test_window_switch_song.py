"""File ▸ New and File ▸ Open give the engine a fresh state for the new song: a take recorded
after them lands in the new song's folder, and the old song is left exactly as it was."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from daw.engine.live.transport import Engine, EngineConfig
from daw.media import MediaPool
from daw.model import ops
from daw.model.store import load_project, save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import RATE, Song, tone
from tests.realtime.engine_helpers import find
from tests.ui.windows import private_settings, shown_window


def folder_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def window_on_old_song(qtbot, tmp_path: Path, jack_device) -> Iterator[MainWindow]:
    song = Song(tmp_path / "Old.minidaw")
    song.media("pad", tone(2 * RATE, 330, channels=2, amp=0.4))
    song.track("Pad")
    song.clip("Pad", "pad", 0, "c-pad")
    save_project(song.folder, song.project)
    engine = Engine(song.project, song.folder, EngineConfig())
    engine.start()
    engine.open_device(jack_device, jack_device, block_size=1024, input_channels=2)
    with shown_window(qtbot, Session(song.project, song.folder, engine),
                      private_settings(tmp_path)) as window:
        yield window


def record_a_take(window: MainWindow, qtbot, audio) -> np.ndarray:
    """Arm a new track, record a second of noise into it, stop; returns what was played."""
    session = window.session
    window.add_track()
    track = session.project.tracks[-1].id
    session.edit("Inputs", lambda p: ops.set_track_inputs(p, track, (0,)))
    session.edit("Record Arm", lambda p: ops.set_track_record_armed(p, track, True))
    voice = np.random.default_rng(9).uniform(-0.5, 0.5, (RATE, 2)).astype(np.float32)
    session.record()
    qtbot.waitUntil(lambda: session.engine_state.recording, timeout=3000)
    audio.mic.play(voice)
    qtbot.wait(1500)
    session.stop()
    qtbot.waitUntil(lambda: bool(session.project.track(track).clips), timeout=5000)
    return voice


def assert_take_is_in(folder: Path, session: Session, voice: np.ndarray) -> None:
    (clip,) = session.project.tracks[-1].clips
    media = session.project.media_ref(clip.media_id)
    assert (folder / media.path).is_file()
    assert media.path.startswith("audio/")
    with MediaPool(folder, session.project.media) as pool:
        take = np.zeros((media.length_frames, 1), dtype=np.float32)
        pool.read_into(media.id, 0, take)
    at = find(voice[:, 0], take[:, 0])
    np.testing.assert_array_equal(take[at:at + RATE // 2, 0], voice[:RATE // 2, 0])


def test_new_then_record_writes_into_the_new_song(window_on_old_song, qtbot, tmp_path,
                                                  virtual_audio) -> None:
    window = window_on_old_song
    old_folder = window.session.folder
    before = folder_digest(old_folder)
    audio = virtual_audio(capture_seconds=6)
    assert window.new_project(tmp_path / "Fresh.minidaw")
    session = window.session
    assert session.folder == tmp_path / "Fresh.minidaw"
    assert session.engine is not None and session.engine.project_dir == session.folder
    voice = record_a_take(window, qtbot, audio)
    assert_take_is_in(session.folder, session, voice)
    assert window.last_error is None  # no "cannot draw the waveform … missing"
    session.save()
    assert load_project(session.folder).tracks[-1].clips
    assert folder_digest(old_folder) == before  # the old song is untouched
    labels = window.statusBar().findChildren(QLabel)
    assert len([label for label in labels if label.text().startswith("dropouts")]) == 1


def test_open_then_record_writes_into_the_opened_song(window_on_old_song, qtbot, tmp_path,
                                                      virtual_audio) -> None:
    window = window_on_old_song
    old_folder = window.session.folder
    other = Song(tmp_path / "Other.minidaw")
    other.track("Guitar")
    save_project(other.folder, other.project)
    before = folder_digest(old_folder)
    audio = virtual_audio(capture_seconds=6)
    assert window.open_project(other.folder)
    voice = record_a_take(window, qtbot, audio)
    assert_take_is_in(other.folder, window.session, voice)
    assert not list((old_folder / "audio").glob("take*"))
    assert folder_digest(old_folder) == before
