"""A mixed song (effects on tracks, a reverb bus fed by sends, automation, a limiter on the
master) played on the JACK device is, sample for sample, what the bounce renders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from daw.model import ops
from daw.model.automation import add_point
from daw.model.project import MASTER, PAN, VOLUME, EffectSettings, effect_target
from daw.model.routing import add_bus, set_send
from tests.engine.songs import RATE, tone
from tests.realtime.engine_helpers import find, new_song, offline_render, running_engine, wait_until


def _chain(song, track_id: str, *effects: EffectSettings) -> None:
    track = song.project.track(track_id)
    song.project = ops._replace_track(song.project, replace(track, effects=effects))


def test_the_mix_played_live_equals_the_bounce(tmp_path: Path, jack_device, virtual_audio) -> None:
    song = new_song(tmp_path)
    seconds = 3
    for i in range(3):
        media = song.media(f"m{i}", tone(seconds * RATE, 180 + 130 * i, channels=1 + i % 2,
                                         amp=0.35, seed=i))
        song.track(f"T{i}", pan=-0.4 + 0.4 * i)
        song.clip(f"T{i}", media, 0, f"c{i}")
    _chain(song, "T0",
           EffectSettings("eq0", "eq", (("hp_on", 1.0), ("hp_freq_hz", 120.0),
                                        ("p2_gain_db", 4.0))),
           EffectSettings("comp0", "compressor", (("threshold_db", -20.0), ("ratio", 4.0))))
    _chain(song, "T1", EffectSettings("sat1", "saturation", (("drive_db", 12.0),)),
           EffectSettings("dly1", "delay", (("delay_ms", 125.0), ("feedback_percent", 35.0))))
    song.project = add_bus(song.project, "Verb", bus_id="verb")
    _chain(song, "verb", EffectSettings("rv", "reverb", (("wet_percent", 100.0),
                                                         ("dry_percent", 0.0))))
    song.project = set_send(song.project, "T0", "verb", level_db=-6.0)
    song.project = set_send(song.project, "T2", "verb", level_db=-3.0, pre_fader=True)
    song.project = ops.set_master_gain(song.project, 3.0)
    song.project = replace(song.project, master=replace(
        song.project.master,
        effects=(EffectSettings("lim", "limiter", (("ceiling_db", -1.0),)),)))
    p = song.project
    p = add_point(p, "T1", VOLUME, RATE // 2, 0.0)
    p = add_point(p, "T1", VOLUME, 2 * RATE, -18.0)
    p = add_point(p, "T2", PAN, 0, -1.0)
    p = add_point(p, "T2", PAN, 2 * RATE, 1.0)
    p = add_point(p, "T0", effect_target("eq0", "p2_gain_db"), RATE, -6.0)
    p = add_point(p, "T0", effect_target("eq0", "p2_gain_db"), 2 * RATE, 6.0)
    p = add_point(p, MASTER, VOLUME, RATE, 0.0)
    song.project = p
    expected = offline_render(song, 0, song.project.end_frame + RATE)
    audio = virtual_audio(capture_seconds=8)
    with running_engine(song.project, song.folder, jack_device) as engine:
        audio.speaker.start_capture()
        engine.play()
        wait_until(lambda: engine.state.position_frame > song.project.end_frame + RATE)
        engine.stop()
        state = engine.state
    assert state.error is None
    heard = audio.speaker.captured()
    start = find(expected[:4800, 0], heard[:, 0])
    np.testing.assert_array_equal(heard[start:start + len(expected)], expected)
    assert np.abs(expected).max() <= 10 ** (-1.0 / 20) + 1e-6  # the limiter held the ceiling
