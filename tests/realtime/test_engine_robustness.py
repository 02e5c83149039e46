"""The engine when things go wrong: a killed recording; and monitoring. (Playback while Python
is busy elsewhere is a question of the machine keeping up: bench/realtime.py measures it.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from daw.engine.live.recovery import find_orphan_takes, recover_takes
from daw.model import EffectSettings, ops
from daw.model.store import load_project, save_project
from tests.engine.songs import RATE
from tests.realtime.engine_helpers import find, new_song, running_engine, wait_until

REPO = Path(__file__).resolve().parents[2]

RECORDING_CHILD = """
import sys, time
from pathlib import Path
from daw.engine.live.transport import Engine
from daw.model.store import load_project
folder, device = Path(sys.argv[1]), int(sys.argv[2])
engine = Engine(load_project(folder), folder)
engine.start()
engine.open_device(device, device, block_size=1024, input_channels=2)
engine.record()
print("recording", flush=True)
time.sleep(120)
"""


def test_a_killed_recording_is_recovered(tmp_path: Path, jack_device, virtual_audio) -> None:
    song = new_song(tmp_path)
    song.track("Vocal")
    song.project = ops.set_track_inputs(song.project, "Vocal", (0,))
    song.project = ops.set_track_record_armed(song.project, "Vocal", True)
    save_project(song.folder, song.project)
    audio = virtual_audio()
    voice = np.random.default_rng(9).uniform(-0.5, 0.5, 4 * RATE).astype(np.float32)
    child = subprocess.Popen(
        [sys.executable, "-c", RECORDING_CHILD, str(song.folder), str(jack_device)],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert child.stdout.readline().strip() == "recording"
        time.sleep(0.3)
        audio.mic.play(voice)
        time.sleep(2.0)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    project = load_project(song.folder)
    (orphan,) = find_orphan_takes(song.folder, project)
    recovered = recover_takes(song.folder, project, [orphan])
    (clip,) = recovered.track("Vocal").clips
    media = recovered.media_ref(clip.media_id)
    take, _ = sf.read(song.folder / media.path, dtype="float32", always_2d=True)
    at = find(voice[:RATE], take[:, 0])
    kept = len(take) - at
    np.testing.assert_array_equal(take[at:, 0], voice[:kept])
    assert kept >= 1.5 * RATE - 2048  # 2 s played before the kill, at most 0.5 s lost
    assert clip.start_frame == 0  # where the recording started, as the journal said
    assert clip.source_offset_frames + clip.length_frames == media.length_frames


def test_monitoring_goes_through_the_track_chain_with_low_latency(
    tmp_path: Path, jack_device, virtual_audio
) -> None:
    song = new_song(tmp_path)
    song.track("Guitar", pan=-1.0)
    song.project = ops.set_track_inputs(song.project, "Guitar", (1,))
    song.project = ops.set_track_monitor(song.project, "Guitar", True)
    trim = EffectSettings("fx-trim", "gain", (("gain_db", -6.0),))
    track = song.project.track("Guitar")
    song.project = song.project.with_tracks((
        type(track)(**{**track.__dict__, "effects": (trim,)}),))
    audio = virtual_audio(capture_seconds=6)
    guitar = np.random.default_rng(3).uniform(-0.5, 0.5, (RATE, 2)).astype(np.float32)
    with running_engine(song.project, song.folder, jack_device) as engine:
        wait_until(lambda: engine.state.device is not None)
        audio.speaker.start_capture()
        wait_until(lambda: audio.speaker.started_frame is not None)
        audio.mic.play(guitar)
        wait_until(lambda: audio.mic.started_frame is not None)
        # Captured until the whole signal, played on, has had a few periods to come back.
        played_to = audio.mic.started_frame + len(guitar) + 4 * 1024
        audio.wait_captured(played_to - audio.speaker.started_frame)
    heard = audio.speaker.captured()
    at = find(guitar[:4800, 1], heard[:, 0])
    expected = guitar[:, 1] * np.float32(10 ** (-6 / 20))
    np.testing.assert_allclose(heard[at:at + RATE, 0], expected, rtol=1e-6, atol=1e-7)
    assert not heard[:, 1].any()  # hard left
    latency = audio.speaker.started_frame + at - audio.mic.started_frame
    assert 0 <= latency <= 4 * 1024  # in, one block of cushion, out: a few periods
