"""Edits while playing, heard on the JACK device: before the render-ahead plays out, without a
click, without a gap. Counted in the device's frames; how many milliseconds that is, and whether
the machine kept up, is measured by bench/live_heard.py."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from daw.model import ops
from daw.model.project import EffectSettings
from tests.engine.songs import RATE, tone
from tests.realtime.engine_helpers import find, new_song, offline_render, running_engine, wait_until
from tests.realtime.jack_harness import jack_device_index

PERIOD = 256


def test_a_fader_move_while_playing_is_heard_before_the_render_ahead_plays_out(
    tmp_path: Path, jack_server_factory, virtual_audio
) -> None:
    song = new_song(tmp_path)
    media = song.media("a", tone(6 * RATE, 330, channels=2, amp=0.4, seed=5))
    song.track("T0")
    song.clip("T0", media, 0, "c0")
    quieter = ops.set_track_gain(song.project, "T0", -20.0)
    with (jack_server_factory(period=PERIOD) as server,
          virtual_audio(server=server, capture_seconds=8) as audio):
        with running_engine(song.project, song.folder, jack_device_index(),
                            block_size=PERIOD) as engine:
            audio.speaker.start_capture()
            engine.play()
            wait_until(lambda: engine.state.position_frame > RATE)
            moved = engine.state  # the playhead and the render-ahead, as of one moment
            engine.set_project(quieter)
            wait_until(lambda: engine.state.position_frame > 2 * RATE)
            engine.stop()
            state = engine.state
        heard = audio.speaker.captured()
    assert state.error is None
    before = offline_render(song, 0, 3 * RATE)
    song.project = quieter
    after = offline_render(song, 0, 3 * RATE)
    start = find(before[:4800, 0], heard[:, 0])
    heard = heard[start:start + 2 * RATE]  # index = timeline frame
    changed = int(np.flatnonzero(np.abs(heard[:, 0] - before[:len(heard), 0]) > 1e-6)[0])
    # Queued behind what was rendered, the edit would be heard at the timeline frame of the
    # ring's end (the playhead, the device's output latency and the render-ahead on); taken
    # back from the ring, it is heard before that.
    ring_end = moved.position_frame + moved.device.output_latency_frames + moved.ahead_frames
    assert moved.position_frame <= changed < ring_end, (moved, changed)
    settled = RATE // 10  # the speaker's ports may connect a period apart at the very start
    np.testing.assert_array_equal(heard[settled:changed], before[settled:changed])
    ramp = RATE // 50  # the fader glides over a few ms; after that, exactly the new mix
    np.testing.assert_array_equal(heard[changed + ramp:], after[changed + ramp:len(heard)])
    jumps = np.abs(np.diff(heard[changed - 200:changed + ramp, 0]))
    assert jumps.max() <= 1.5 * np.abs(np.diff(before[:RATE, 0])).max()  # no click


def test_adding_an_effect_while_playing_keeps_playing_and_keeps_other_tails(
    tmp_path: Path, jack_server_factory, virtual_audio
) -> None:
    song = new_song(tmp_path)
    burst = np.zeros((6 * RATE, 2), dtype=np.float32)
    burst[:RATE // 4] = np.random.default_rng(1).uniform(-0.5, 0.5, (RATE // 4, 2))
    song.media("burst", burst)
    song.media("b", tone(6 * RATE, 110, channels=1, amp=0.3, seed=2))
    song.track("Verb")
    song.clip("Verb", "burst", 0, "c0")
    song.track("Bass")
    song.clip("Bass", "b", RATE // 4, "c1")  # after the burst, which is how we line up
    verb = EffectSettings("fx-verb", "reverb", (("room_size_percent", 95.0),
                                                ("wet_percent", 100.0), ("dry_percent", 0.0)))
    song.project = ops._replace_track(song.project,
                                      replace(song.project.track("Verb"), effects=(verb,)))
    eq = EffectSettings("fx-eq", "eq", (("hp_on", 1.0), ("hp_freq_hz", 2000.0)))
    edited = ops._replace_track(song.project, replace(song.project.track("Bass"), effects=(eq,)))
    with (jack_server_factory(period=PERIOD) as server,
          virtual_audio(server=server, capture_seconds=8) as audio):
        with running_engine(song.project, song.folder, jack_device_index(),
                            block_size=PERIOD) as engine:
            audio.speaker.start_capture()
            engine.play()
            wait_until(lambda: engine.state.position_frame > RATE // 2)
            engine.set_project(edited)
            wait_until(lambda: engine.state.position_frame > 2 * RATE)
            engine.stop()
            state = engine.state
        heard = audio.speaker.captured()
    assert state.error is None
    unedited = offline_render(song, 0, RATE // 2)
    song.project = ops.set_track_mute(song.project, "Bass", True)
    verb_alone = offline_render(song, 0, 2 * RATE)
    song.project = ops.set_track_mute(edited, "Verb", True)
    bass_filtered = offline_render(song, 0, 2 * RATE)
    start = find(unedited[:RATE // 4, 0], heard[:, 0])
    heard = heard[start:start + 2 * RATE]
    # From 1.2 s on the bass is through the high-pass and the reverb tail of the burst is
    # still ringing as if nothing had happened on the other track.
    window = slice(int(1.2 * RATE), 2 * RATE)
    residual = heard[window] - bass_filtered[window] - verb_alone[window]
    tail = verb_alone[window]
    assert np.sqrt(np.mean(tail ** 2)) > 1e-3  # the tail is really there
    assert np.sqrt(np.mean(residual ** 2)) < 0.01 * np.sqrt(np.mean(tail ** 2))  # -40 dB


def test_dragging_a_fader_while_playing_renders_each_move_and_ends_where_it_stopped(
    tmp_path: Path, jack_server_factory, virtual_audio
) -> None:
    """Sixty small moves a second, as a mouse makes: each is rendered again at once, and the
    song ends up exactly where the last move left it (bench/live_heard.py counts the dropouts
    of such a drag)."""
    song = new_song(tmp_path)
    for i in range(4):
        media = song.media(f"m{i}", tone(6 * RATE, 200 + 90 * i, channels=2, amp=0.2, seed=i))
        song.track(f"T{i}")
        song.clip(f"T{i}", media, 0, f"c{i}")
        song.project = ops._replace_track(song.project, replace(
            song.project.track(f"T{i}"),
            effects=(EffectSettings(f"eq{i}", "eq", (("p2_gain_db", 3.0),)),
                     EffectSettings(f"comp{i}", "compressor", (("threshold_db", -20.0),)))))
    moves = [ops.set_track_gain(song.project, "T0", -0.5 * step) for step in range(1, 61)]
    with (jack_server_factory(period=PERIOD) as server,
          virtual_audio(server=server, capture_seconds=8) as audio):
        with running_engine(song.project, song.folder, jack_device_index(),
                            block_size=PERIOD) as engine:
            audio.speaker.start_capture()
            engine.play()
            wait_until(lambda: engine.state.position_frame > RATE // 2)
            for project in moves:
                engine.set_project(project)
                time.sleep(1 / 60)
            settled_from = engine.state.position_frame + RATE // 5
            wait_until(lambda: engine.state.position_frame > settled_from + RATE)
            engine.stop()
            state = engine.state
            rewrites = engine._feeder.rewrites
        heard = audio.speaker.captured()
    assert state.error is None
    assert rewrites >= 1  # rendered again, not left to play out (how soon: bench/live_heard)
    unmoved = offline_render(song, 0, RATE // 2)
    song.project = moves[-1]
    final = offline_render(song, 0, 4 * RATE)
    start = find(unmoved[:4800, 0], heard[:, 0])
    heard = heard[start:start + 4 * RATE]
    np.testing.assert_array_equal(heard[settled_from:settled_from + RATE],
                                  final[settled_from:settled_from + RATE])
