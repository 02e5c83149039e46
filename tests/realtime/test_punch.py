"""Punch-in on the JACK device: the backing plays from the pre-roll on, the whole pass is kept
as a take, and only the punch range is comped in: outside it the song plays exactly as before,
to the last sample; inside, the new audio with a crossfade at each end."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daw.dsp.fades import fade_in_curve, fade_out_curve
from daw.engine.live.transport import EngineConfig
from daw.model.comping import add_recorded_takes
from tests.engine.songs import RATE, tone
from tests.realtime.engine_helpers import find, new_song, running_engine, wait_until
from tests.realtime.test_engine_record import arm, take_audio

XF = 480
"""The comp crossfade at 48 kHz (10 ms)."""


def test_a_punch_replaces_only_its_range(tmp_path: Path, jack_device, virtual_audio) -> None:
    song = new_song(tmp_path)
    song.media("old", tone(4 * RATE, 220, amp=0.4, seed=1))
    song.media("bass", tone(4 * RATE, 110, channels=2, amp=0.3, seed=2))
    arm(song, "Vox", (0,))
    song.clip("Vox", "old", 0, "c-old")  # the existing performance, punched over
    song.track("Bass", pan=0.3)
    song.clip("Bass", "bass", 0, "c-bass")
    punch = (3 * RATE // 2 + 7, 5 * RATE // 2)
    preroll = RATE  # one second
    voice = np.random.default_rng(3).uniform(-0.5, 0.5, 8 * RATE).astype(np.float32)
    before = song.render(0, 4 * RATE)
    audio = virtual_audio(capture_seconds=8)
    with running_engine(song.project, song.folder, jack_device,
                        EngineConfig(preroll_seconds=1.0)) as engine:
        engine.set_punch(*punch)
        audio.mic.play(voice)
        audio.speaker.start_capture()
        engine.record()
        wait_until(lambda: engine.state.position_frame > punch[1] + RATE // 4)
        (take,) = engine.stop()
        state = engine.state
    assert state.error is None
    assert state.position_frame == punch[0] - preroll  # back to the pre-roll's start
    assert take.track_id == "Vox" and take.comp == punch
    assert take.start_frame == punch[0] - preroll  # the whole pass is kept
    # The take holds exactly what the microphone played ...
    recorded = take_audio(song, take)[take.source_offset_frames:, 0]
    at = find(recorded[:RATE], voice)
    np.testing.assert_array_equal(recorded[:take.length_frames],
                                  voice[at:at + take.length_frames])
    # ... while the backing (the old vocal too) played from the pre-roll on.
    heard = audio.speaker.captured()
    played = before[take.start_frame:punch[1]]
    start = find(played[:4800, 0], heard[:, 0])
    np.testing.assert_array_equal(heard[start:start + len(played)], played)

    song.project = add_recorded_takes(song.project, [take])
    after = song.render(0, 4 * RATE)
    np.testing.assert_array_equal(after[:punch[0]], before[:punch[0]])
    np.testing.assert_array_equal(after[punch[1]:], before[punch[1]:])
    frames = punch[1] - punch[0]
    first = take.source_offset_frames + punch[0] - take.start_frame
    new = take_audio(song, take)[first:first + frames, 0].astype(np.float64)
    old = song.audio["old"][punch[0]:punch[1], 0]
    gain_new = np.ones(frames)
    gain_new[:XF] = fade_in_curve("equal_power", XF)
    gain_new[-XF:] = fade_out_curve("equal_power", XF)
    gain_old = np.zeros(frames)
    gain_old[:XF] = fade_out_curve("equal_power", XF)
    gain_old[-XF:] = fade_in_curve("equal_power", XF)
    change = np.cos(np.pi / 4) * (new * gain_new - old * (1 - gain_old))  # centred: -3 dB
    for channel in range(2):
        np.testing.assert_allclose(after[punch[0]:punch[1], channel],
                                   before[punch[0]:punch[1], channel] + change, atol=2e-6)
    vox = song.project.track("Vox")
    assert [t.name for t in vox.takes] == ["Take 1"]
    assert [c.take_id for c in vox.clips] == ["", vox.takes[0].id, ""]
