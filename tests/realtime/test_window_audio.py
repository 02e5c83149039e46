"""The window on the JACK device: record a take by keys and see its clip where it was played;
a fader drag and a mute click are heard at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from daw.engine.live.transport import Engine, EngineConfig
from daw.media import MediaPool
from daw.model import ops
from daw.model.store import save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.engine.songs import RATE, Song, tone
from tests.realtime.engine_helpers import find


@pytest.fixture
def window_on_jack(qtbot, tmp_path: Path, jack_device) -> Iterator[MainWindow]:
    song = Song(tmp_path / "Song.minidaw")
    song.media("pad", tone(10 * RATE, 330, channels=2, amp=0.4))
    song.track("Pad")
    song.clip("Pad", "pad", 0, "c-pad")
    song.track("Vocal")
    song.project = ops.set_track_inputs(song.project, "Vocal", (0,))
    save_project(song.folder, song.project)
    engine = Engine(song.project, song.folder, EngineConfig())
    engine.start()
    engine.open_device(jack_device, jack_device, block_size=1024, input_channels=2)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(song.project, song.folder, engine), settings)
    window.error_dialogs_enabled = False
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.session.history.mark_saved()
    window.close()
    window.deleteLater()


def red_pixels(window: MainWindow) -> int:
    """Pixels of the lanes painted in the colour of a take being recorded."""
    image = window.timeline.lanes.grab().toImage()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width()]
    blue, green, red = (pixels[..., k].astype(int) for k in range(3))
    return int(np.count_nonzero((red > green + 50) & (red > blue + 50)))


def test_record_from_the_window(window_on_jack: MainWindow, qtbot, virtual_audio) -> None:
    window = window_on_jack
    session = window.session
    audio = virtual_audio(capture_seconds=8)
    session.edit("Record Arm", lambda p: ops.set_track_record_armed(p, "Vocal", True))
    session.locate(RATE)
    voice = np.random.default_rng(4).uniform(-0.5, 0.5, (RATE, 2)).astype(np.float32)
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: session.engine_state.recording, timeout=3000)
    audio.mic.play(voice)
    qtbot.wait(700)
    growing = [red_pixels(window), None]
    qtbot.wait(700)
    growing[1] = red_pixels(window)
    assert 0 < growing[0] < growing[1]  # the take's clip grows on the timeline as it records
    qtbot.keyClick(window, Qt.Key.Key_Space)  # stop: the take becomes a clip
    qtbot.waitUntil(lambda: len(session.project.track("Vocal").clips) == 1, timeout=5000)
    assert session.engine_state.error is None
    (clip,) = session.project.track("Vocal").clips
    assert clip.start_frame == RATE  # where recording started
    assert session.history.undo_label == "Record"
    media = session.project.media_ref(clip.media_id)
    with MediaPool(session.folder, session.project.media) as pool:
        take = np.zeros((media.length_frames, 1), dtype=np.float32)
        pool.read_into(media.id, 0, take)
    at = find(voice[:, 0], take[:, 0])
    np.testing.assert_array_equal(take[at:at + RATE, 0], voice[:, 0])
    qtbot.waitUntil(window.timeline.waveforms_ready, timeout=5000)  # its waveform is drawn
    session.undo()
    assert session.project.track("Vocal").clips == ()


def level_steps(heard: np.ndarray, chunk: int = 1200) -> np.ndarray:
    """Peak level of each 25 ms of the captured sound."""
    usable = len(heard) // chunk * chunk
    return np.abs(heard[:usable]).reshape(-1, chunk).max(axis=1)


def test_fader_and_mute_are_heard_at_once(window_on_jack: MainWindow, qtbot,
                                          virtual_audio) -> None:
    window = window_on_jack
    session = window.session
    audio = virtual_audio(capture_seconds=8)
    audio.speaker.start_capture()
    session.play()
    qtbot.wait(1000)
    strip = window.mixer.strip_for("Pad")
    fader = strip.fader
    steps_before = len(session.history._steps)
    x = fader.rect().center().x()
    start_y, end_y = fader.pixel_for_value(0.0), fader.pixel_for_value(-12.0)
    qtbot.mousePress(fader, Qt.MouseButton.LeftButton, pos=QPoint(x, start_y))
    for y in np.linspace(start_y, end_y, 6):
        qtbot.mouseMove(fader, QPoint(x, round(y)))
    qtbot.mouseRelease(fader, Qt.MouseButton.LeftButton, pos=QPoint(x, end_y))
    released_at = audio.speaker.frames
    gain = session.project.track("Pad").gain_db
    assert abs(gain + 12.0) < 0.6
    assert len(session.history._steps) == steps_before + 1  # the drag is one undo step
    qtbot.wait(1000)
    qtbot.mouseClick(strip.buttons["mute"], Qt.MouseButton.LeftButton)
    muted_at = audio.speaker.frames
    assert session.project.track("Pad").mute
    qtbot.wait(1000)
    session.stop()
    steps = level_steps(audio.speaker.captured()[:, 0])
    chunk = 1200
    before = steps[released_at // chunk - 8: released_at // chunk - 1]
    assert before.min() > 0.3
    lowered = np.flatnonzero(steps[released_at // chunk:] < before.mean() * 10 ** (-9 / 20))
    # In the device's frames: what was already rendered ahead (at most the engine's
    # render-ahead, behind the device's output latency) plays out, then the new level.
    engine = session.engine
    rendered_ahead = (engine.config.ahead_frames + engine.state.device.output_latency_frames
                      + 2 * chunk)  # + the resolution of the level steps
    assert lowered[0] * chunk < rendered_ahead
    after = steps[released_at // chunk + lowered[0] + 2: muted_at // chunk - 1]
    np.testing.assert_allclose(after.mean(), before.mean() * 10 ** (gain / 20), rtol=0.1)
    silent = np.flatnonzero(steps[muted_at // chunk:] < 1e-6)
    assert silent.size and silent[0] * chunk < rendered_ahead
