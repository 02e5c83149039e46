"""Edits heard soon while playing: the feeder takes back what the device has not reached and
renders it again from the renderer's saved state, so nothing but the edit changes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from daw.engine.live.playback import PlaybackFeeder, RingBroken
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from daw.model import Project, ops
from daw.model.project import EffectSettings
from tests.engine.songs import Song, tone

CHUNK = 1024
AHEAD = 12288


class TakeBackRing:
    """A ring that can withdraw its newest frames, as AudioIO.take_back does."""

    def __init__(self) -> None:
        self.frames = np.zeros((0, 2), dtype=np.float32)
        self.refuse = False
        self.broken = False

    def write(self, frames: np.ndarray) -> int:
        self.frames = np.concatenate([self.frames, frames])
        return len(frames)

    def take_back(self, count: int) -> int:
        if self.broken:
            return -1
        if self.refuse:
            return 0
        self.frames = self.frames[:len(self.frames) - count]
        return count


def with_effects(project: Project, track_id: str, *effects: EffectSettings) -> Project:
    track = project.track(track_id)
    return ops._replace_track(project, replace(track, effects=effects))


EXACT_CHAIN = (
    EffectSettings("fx-eq", "eq", (("p2_gain_db", 6.0), ("p2_freq_hz", 900.0))),
    EffectSettings("fx-comp", "compressor", (("threshold_db", -24.0), ("ratio", 4.0))),
    EffectSettings("fx-delay", "delay", (("delay_ms", 150.0), ("feedback_percent", 40.0),
                                         ("mix_percent", 30.0))),
)


def song_with(tmp_path: Path, *effects: EffectSettings) -> Song:
    song = Song(tmp_path / "Live.minidaw")
    song.media("a", tone(4 * 48000, 220, channels=2, amp=0.4, seed=3))
    song.track("T0")
    song.clip("T0", "a", 0, "c0")
    song.project = with_effects(song.project, "T0", *effects)
    return song


def play(project: Project, pool: MediaPool) -> tuple[PlaybackFeeder, TakeBackRing]:
    feeder = PlaybackFeeder(Renderer(compile_plan(project), pool, max_block=CHUNK),
                            48000, 48000, CHUNK)
    ring = TakeBackRing()
    feeder.start(0)
    feeder.fill(ring.write, 1 << 20, 0, AHEAD)
    return feeder, ring


def reference(project: Project, pool: MediaPool, frames: int) -> np.ndarray:
    out = np.zeros((frames, 2), dtype=np.float32)
    Renderer(compile_plan(project), pool, max_block=CHUNK).render(0, out)
    return out


def test_rendering_again_without_an_edit_changes_nothing(tmp_path: Path) -> None:
    song = song_with(tmp_path, *EXACT_CHAIN)
    with MediaPool(song.folder, song.project.media) as pool:
        feeder, ring = play(song.project, pool)
        assert feeder.rewrite(3000, ring.take_back)
        assert len(ring.frames) == 3000  # from that very frame, mid-chunk
        feeder.fill(ring.write, 1 << 20, 0, AHEAD)
        expected = reference(song.project, pool, len(ring.frames))
    # The EQ and the compressor split their work at block edges, so a render in other
    # steps may differ in the last bit of float32; nothing more.
    np.testing.assert_allclose(ring.frames, expected, rtol=0, atol=2e-7)


def test_a_fader_move_is_heard_from_the_frame_asked_and_the_tails_run_on(tmp_path: Path) -> None:
    song = song_with(tmp_path, *EXACT_CHAIN)
    quieter = ops.set_track_gain(song.project, "T0", -20.0)
    with MediaPool(song.folder, song.project.media) as pool:
        feeder, ring = play(song.project, pool)
        assert feeder.rewrite(2500, ring.take_back)
        feeder.renderer.swap_plan(compile_plan(quieter))
        feeder.fill(ring.write, 1 << 20, 0, AHEAD)
        old = reference(song.project, pool, len(ring.frames))
        new = reference(quieter, pool, len(ring.frames))
    # Up to the frame asked for: what was already there. From a ramp's length after it: the
    # whole song as if the fader had always been down (the chain before the fader, with its
    # delay and compressor state, ran on unbroken).
    np.testing.assert_array_equal(ring.frames[:2500], old[:2500])
    np.testing.assert_allclose(ring.frames[2500 + 2048:], new[2500 + 2048:], rtol=0, atol=2e-7)
    step = np.abs(np.diff(ring.frames[2400:2700, 0])).max()
    assert step < 2 * np.abs(np.diff(old[2400:2700, 0])).max()  # no click at the change


def test_an_effect_knob_is_heard_with_its_state_carried(tmp_path: Path) -> None:
    song = song_with(tmp_path, *EXACT_CHAIN)
    eq = replace(EXACT_CHAIN[0], params=(("p2_gain_db", -6.0), ("p2_freq_hz", 900.0)))
    turned = with_effects(song.project, "T0", eq, *EXACT_CHAIN[1:])
    with MediaPool(song.folder, song.project.media) as pool:
        feeder, ring = play(song.project, pool)
        kept = 4096
        assert feeder.rewrite(kept, ring.take_back)
        feeder.renderer.swap_plan(compile_plan(turned))
        feeder.fill(ring.write, 1 << 20, 0, AHEAD)
        # The same as rendering straight through and turning the knob at that frame.
        straight = Renderer(compile_plan(song.project), pool, max_block=CHUNK)
        expected = np.zeros((len(ring.frames), 2), dtype=np.float32)
        straight.render(0, expected[:kept])
        straight.swap_plan(compile_plan(turned))
        straight.render(kept, expected[kept:])
    np.testing.assert_array_equal(ring.frames, expected)


def test_a_reverb_tail_survives_rendering_again(tmp_path: Path) -> None:
    reverb = EffectSettings("fx-verb", "reverb", (("room_size_percent", 80.0),
                                                  ("wet_percent", 60.0)))
    song = song_with(tmp_path, reverb)
    with MediaPool(song.folder, song.project.media) as pool:
        feeder, ring = play(song.project, pool)
        feeder.fill(ring.write, 1 << 20, 0, 40 * CHUNK)  # play on for a while
        end = len(ring.frames)
        assert feeder.rewrite(end - 6 * CHUNK, ring.take_back)
        feeder.fill(ring.write, 1 << 20, 0, 6 * CHUNK)
        expected = reference(song.project, pool, len(ring.frames))
    again = ring.frames[end - 6 * CHUNK:]
    wanted = expected[end - 6 * CHUNK:]
    error = np.sqrt(np.mean((again - wanted) ** 2)) / np.sqrt(np.mean(wanted ** 2))
    assert error < 10 ** (-40 / 20)  # replayed reverb state: within -40 dB of the original


def test_refused_or_broken_rings(tmp_path: Path) -> None:
    song = song_with(tmp_path, *EXACT_CHAIN)
    with MediaPool(song.folder, song.project.media) as pool:
        feeder, ring = play(song.project, pool)
        before = ring.frames.copy()
        ring.refuse = True
        assert not feeder.rewrite(2000, ring.take_back)
        assert feeder.written == len(before)
        assert not feeder.rewrite(feeder.written + 1, ring.take_back)  # nothing after it
        ring.refuse, ring.broken = False, True
        with pytest.raises(RingBroken):
            feeder.rewrite(2000, ring.take_back)


def test_no_rewrite_while_resampling(tmp_path: Path) -> None:
    song = song_with(tmp_path)
    with MediaPool(song.folder, song.project.media) as pool:
        feeder = PlaybackFeeder(Renderer(compile_plan(song.project), pool, max_block=CHUNK),
                                48000, 44100, CHUNK)
        ring = TakeBackRing()
        feeder.start(0)
        feeder.fill(ring.write, 1 << 20, 0, AHEAD)
        assert not feeder.rewrite(2000, ring.take_back)
