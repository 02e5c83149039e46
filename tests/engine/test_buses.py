"""Buses and sends against the formulas: pre- and post-fader sends, bus chains and faders,
buses feeding buses, mute and solo through the routing, click-free changes while playing,
snapshot and restore, gain reduction for the meters, and rendering on several threads.

Bus chains use the "gain" effect, whose output is known exactly, so every expectation is a
sum of products computed here in float64; the render must match it to −120 dBFS.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceSettings, auto_workers, bounce
from daw.engine.live.playback import PlaybackFeeder
from daw.engine.render.mixing import RAMP_FRAMES
from daw.engine.render.plan import compile_plan, routing_states
from daw.engine.render.renderer import LevelTaker, Renderer
from daw.media import MediaPool
from daw.model import EffectSettings, ops, routing
from daw.model.project import MASTER, VOLUME
from tests.engine.songs import Song, balance, db, mono_pan, tone

NULL = 1e-6  # −120 dBFS
CENTRE = mono_pan(0.0)


def gain_fx(effect_id: str, gain_db: float, bypassed: bool = False) -> EffectSettings:
    return EffectSettings(effect_id, "gain", (("gain_db", gain_db),), bypassed)


def assert_null(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape
    assert np.max(np.abs(actual - expected)) < NULL


def two_tracks_and_a_bus(song: Song) -> None:
    """A: mono, post-fader send; B: stereo, pre-fader send; both into bus R with a chain."""
    song.media("a", tone(6000, 300, seed=1))
    song.media("b", tone(6000, 500, channels=2, seed=2))
    song.track("A", gain=-6.0, pan=-0.3)
    song.track("B", gain=2.0, pan=0.5)
    song.clip("A", "a", 0, "ca")
    song.clip("B", "b", 0, "cb")
    song.bus("R", gain=-1.0, pan=0.4)
    song.effects("R", gain_fx("fx-r", -2.0))
    song.send("A", "R", -3.0)
    song.send("B", "R", -10.0, pre_fader=True)
    song.project = ops.set_master_gain(song.project, -1.5)


def test_a_bus_sums_its_sends_through_its_chain_fader_and_pan(song: Song) -> None:
    two_tracks_and_a_bus(song)
    a, b = song.audio["a"], song.audio["b"]
    a_out = a * db(-6) * mono_pan(-0.3)
    b_out = b * db(2) * balance(0.5)
    r_in = a_out * db(-3) + b * db(-10)  # post-fader: panned and faded; pre-fader: neither
    r_out = r_in * db(-2) * db(-1) * balance(0.4)
    assert_null(song.render(), (a_out + b_out + r_out) * db(-1.5))


@pytest.mark.parametrize("pre_fader", [True, False])
def test_pre_fader_sends_ignore_the_fader_and_post_fader_sends_follow_it(
        song: Song, pre_fader: bool) -> None:
    song.media("m", tone(3000, 440))
    song.track("T", pan=-0.5)
    song.clip("T", "m", 0, "c")
    song.bus("R", solo=True)  # only what reaches the bus is heard
    song.send("T", "R", -4.0, pre_fader=pre_fader)
    loud = song.render()
    law = CENTRE if pre_fader else mono_pan(-0.5)  # a mono pre-fader send sits at the centre
    assert_null(loud, song.audio["m"] * db(-4) * law)
    song.project = ops.set_track_gain(song.project, "T", -20.0)
    quiet = song.render()
    if pre_fader:
        np.testing.assert_array_equal(quiet, loud)
    else:
        assert_null(quiet, song.audio["m"] * db(-4) * db(-20) * law)


def test_a_bus_feeds_a_later_bus_whatever_the_track_order(song: Song) -> None:
    song.media("m", tone(4000, 220, channels=2, seed=5))
    song.bus("Second", gain=-2.0)  # before "First" in the track list, after it in the mix
    song.bus("First", pan=-0.25)
    song.track("T")
    song.clip("T", "m", 0, "c")
    song.send("T", "First", -6.0)
    song.send("First", "Second", -3.0, pre_fader=True)
    song.effects("Second", gain_fx("fx-2", 1.5))
    assert [b.track_id for b in compile_plan(song.project).buses] == ["First", "Second"]
    t_out = song.audio["m"]
    first_in = t_out * db(-6)
    first_out = first_in * balance(-0.25)
    second_out = first_in * db(-3) * db(1.5) * db(-2)
    assert_null(song.render(), t_out + first_out + second_out)


def vocal_guitar_reverb(song: Song) -> dict[str, np.ndarray]:
    song.media("v", tone(5000, 330, seed=3))
    song.media("g", tone(5000, 196, seed=4))
    song.track("Vox", pan=-0.2)
    song.track("Gtr", pan=0.6)
    song.clip("Vox", "v", 0, "cv")
    song.clip("Gtr", "g", 0, "cg")
    song.bus("Verb")
    song.effects("Verb", gain_fx("fx-verb", -3.0))
    song.send("Vox", "Verb", -6.0)
    song.send("Gtr", "Verb", 0.0)
    vox = song.audio["v"] * mono_pan(-0.2)
    gtr = song.audio["g"] * mono_pan(0.6)
    return {"vox": vox, "gtr": gtr, "vox_verb": vox * db(-6) * db(-3),
            "gtr_verb": gtr * db(-3)}


def test_a_soloed_track_is_heard_with_its_reverb_bus(song: Song) -> None:
    parts = vocal_guitar_reverb(song)
    song.project = ops.set_track_solo(song.project, "Vox", True)
    assert_null(song.render(), parts["vox"] + parts["vox_verb"])


def test_a_soloed_bus_plays_what_is_sent_to_it_and_nothing_else(song: Song) -> None:
    parts = vocal_guitar_reverb(song)
    song.project = ops.set_track_solo(song.project, "Verb", True)
    assert_null(song.render(), parts["vox_verb"] + parts["gtr_verb"])


def test_a_muted_track_sends_nothing_and_a_muted_bus_plays_nothing(song: Song) -> None:
    parts = vocal_guitar_reverb(song)
    song.project = ops.set_track_mute(song.project, "Vox", True)
    assert_null(song.render(), parts["gtr"] + parts["gtr_verb"])
    song.project = ops.set_track_mute(song.project, "Vox", False)
    song.project = ops.set_track_mute(song.project, "Verb", True)
    assert_null(song.render(), parts["vox"] + parts["gtr"])


def test_solo_follows_sends_through_buses(song: Song) -> None:
    for name in ("T", "U"):
        song.track(name)
    for name in ("Group", "Verb", "Other"):
        song.bus(name)
    song.send("T", "Group")
    song.send("U", "Other")
    song.send("Group", "Verb")
    song.project = ops.set_track_solo(song.project, "T", True)
    states = routing_states(song.project)
    heard = {k for k, (main, _) in states.items() if main}
    assert heard == {"T", "Group", "Verb"}
    song.project = ops.set_track_solo(song.project, "T", False)
    song.project = ops.set_track_solo(song.project, "Verb", True)
    states = routing_states(song.project)
    assert states["Verb"][0] and not states["Group"][0] and not states["T"][0]
    assert states["T"][1] == {"Group"} and states["Group"][1] == {"Verb"}
    assert states["U"] == (False, frozenset())  # feeds another bus only: silent


def test_a_bypassed_chain_is_bit_identical_to_no_chain(song: Song) -> None:
    two_tracks_and_a_bus(song)
    song.effects("R")
    plain = song.render()
    song.effects("A", gain_fx("fx-a", -6.0, bypassed=True))
    song.effects("R", gain_fx("fx-r", -6.0, bypassed=True))
    song.effects(MASTER, gain_fx("fx-m", 6.0, bypassed=True))
    song.automate("R", "effect:fx-r:gain_db", [(0, -20.0), (3000, 0.0)])
    np.testing.assert_array_equal(song.render().view(np.uint32), plain.view(np.uint32))


def rich_song(song: Song) -> None:
    """Four tracks with EQs, compressors and trims, two buses, automation everywhere."""
    for i in range(4):
        song.media(f"m{i}", tone(20000, 110 * (i + 1), channels=1 + i % 2, amp=0.6, seed=i))
        song.track(f"T{i}", gain=-2.0 * i, pan=-0.6 + 0.4 * i)
        song.clip(f"T{i}", f"m{i}", 300 * i, f"c{i}")
        song.effects(f"T{i}",
                     EffectSettings(f"eq{i}", "eq", (("p2_gain_db", 4.0 - 2 * i),
                                                     ("hp_on", 1.0))),
                     EffectSettings(f"comp{i}", "compressor", (("threshold_db", -18.0),)),
                     gain_fx(f"trim{i}", -1.0))
    song.bus("Verb", gain=-3.0)
    song.bus("Group", pan=0.2)
    song.effects("Verb", EffectSettings("verb-eq", "eq", (("p1_gain_db", -6.0),)))
    for i in range(4):
        song.send(f"T{i}", "Verb" if i % 2 else "Group", -6.0 - i, pre_fader=i == 3)
    song.send("Group", "Verb", -9.0)
    song.automate("T1", VOLUME, [(2000, 0.0), (9000, -12.0)])
    song.automate("T2", "send:Group", [(0, -30.0), (12000, 0.0)])
    song.automate("T0", "effect:eq0:p2_gain_db", [(1000, 0.0), (15000, 9.0)])
    song.automate(MASTER, VOLUME, [(5000, 0.0), (6000, -3.0)])


def test_render_processes_render_the_same_bits(song: Song) -> None:
    rich_song(song)
    one = song.render(block=4096)
    assert np.abs(one).max() > 0.1
    two = song.render(block=4096, workers=2)
    np.testing.assert_array_equal(two.view(np.uint32), one.view(np.uint32))


# --- changes while playing ------------------------------------------------------------------


def steady(song: Song, freq: float = 1000.0) -> float:
    """A steady mono sine on track A (and a quieter one on B); returns the largest step one
    sample to the next that A's sine itself makes at the output."""
    amp = 0.5
    t = np.arange(24000) / 48000
    song.media("s", (amp * np.sin(2 * np.pi * freq * t))[:, None].astype(np.float32))
    song.media("q", (0.2 * np.sin(2 * np.pi * 250 * t))[:, None].astype(np.float32))
    song.track("A")
    song.track("B", pan=0.3)
    song.clip("A", "s", 0, "ca")
    song.clip("B", "q", 0, "cb")
    return amp * CENTRE[0] * 2 * math.sin(math.pi * freq / 48000)


def live(song: Song, changed, split: int = 4096, frames: int = 12288) -> np.ndarray:
    """Render up to `split`, swap in the changed project, render on (as playback does)."""
    out = np.zeros((frames, 2), dtype=np.float32)
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool, max_block=1024)
        for at in range(0, split, 1024):
            renderer.render(at, out[at:at + 1024])
        renderer.swap_plan(compile_plan(changed))
        for at in range(split, frames, 1024):
            renderer.render(at, out[at:at + 1024])
    return out


def test_a_fader_step_while_playing_ramps_without_a_click(song: Song) -> None:
    slope = steady(song)
    song.project = ops.set_track_mute(song.project, "B", True)
    changed = ops.set_track_gain(song.project, "A", -12.0)
    out = live(song, changed)
    before, after = song.render(frames=12288), Song.render(_with(song, changed), frames=12288)
    assert abs(after[4096, 0] - before[4095, 0]) > 3 * slope  # a plain switch would click
    assert np.abs(np.diff(out[:, 0])).max() <= slope * 1.001
    np.testing.assert_array_equal(out[:4096], before[:4096])
    np.testing.assert_array_equal(out[4096 + RAMP_FRAMES:], after[4096 + RAMP_FRAMES:])
    ramp = out[4096:4096 + RAMP_FRAMES, 0] / before[4096:4096 + RAMP_FRAMES, 0]
    expected = 1 + (db(-12) - 1) * np.arange(1, RAMP_FRAMES + 1) / RAMP_FRAMES
    np.testing.assert_allclose(ramp[np.abs(before[4096:4096 + RAMP_FRAMES, 0]) > 0.05],
                               expected[np.abs(before[4096:4096 + RAMP_FRAMES, 0]) > 0.05],
                               rtol=1e-5)


def _with(song: Song, project) -> Song:
    other = Song.__new__(Song)
    other.__dict__.update(song.__dict__, project=project)
    return other


@pytest.mark.parametrize("change", ["mute", "unmute", "solo", "send", "master"])
def test_mute_solo_send_and_master_changes_fade_too(song: Song, change: str) -> None:
    slope = steady(song)
    song.bus("R", pan=-0.5)
    song.send("A", "R", -6.0)
    if change == "unmute":
        song.project = ops.set_track_mute(song.project, "A", True)
    changed = {
        "mute": lambda p: ops.set_track_mute(p, "A", True),
        "unmute": lambda p: ops.set_track_mute(p, "A", False),
        "solo": lambda p: ops.set_track_solo(p, "B", True),
        "send": lambda p: ops.set_track_gain(p, "A", -30.0),  # also moves its post send
        "master": lambda p: ops.set_master_gain(p, -10.0),
    }[change](song.project)
    out = live(song, changed)
    after = Song.render(_with(song, changed), frames=12288)
    b_slope = 0.2 * 2 * math.sin(math.pi * 250 / 48000)
    # A (direct and through the bus) and B: the steps of their sines, and no more.
    bound = slope * (1 + db(-6)) + b_slope
    assert np.abs(np.diff(out, axis=0)).max() <= bound
    np.testing.assert_array_equal(out[4096 + RAMP_FRAMES:], after[4096 + RAMP_FRAMES:])


def test_snapshot_and_restore_give_the_same_render_again(song: Song) -> None:
    rich_song(song)
    quieter = ops.set_track_gain(song.project, "T0", -10.0)
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool, max_block=1024)
        first = np.zeros((4096, 2), np.float32)
        renderer.render(0, first)  # A
        state = renderer.snapshot()
        assert state.exact  # EQs, compressors and trims go back bit for bit
        assert renderer.exact_state()
        once = np.zeros((4096, 2), np.float32)
        renderer.render(4096, once)  # B
        renderer.restore(state)
        again = np.zeros((4096, 2), np.float32)
        renderer.render(4096, again)  # B again
        np.testing.assert_array_equal(again, once)
        # A fader moved, taken back to the snapshot: as if swapped in at that point.
        renderer.restore(state)
        renderer.swap_plan(compile_plan(quieter))
        moved = np.zeros((4096, 2), np.float32)
        renderer.render(4096, moved)
        straight = Renderer(compile_plan(song.project), pool, max_block=1024)
        expected = np.zeros((8192, 2), np.float32)
        straight.render(0, expected[:4096])
        straight.swap_plan(compile_plan(quieter))
        straight.render(4096, expected[4096:])
    np.testing.assert_array_equal(moved, expected[4096:])
    assert not np.array_equal(moved, once)


def test_a_snapshot_says_when_a_processor_only_replays_its_way_back(song: Song) -> None:
    song.media("m", tone(2000, 300))
    song.track("T")
    song.clip("T", "m", 0, "c")
    song.effects("T", EffectSettings("fx-verb", "reverb", ()))
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool)
        assert not renderer.snapshot().exact
        assert not renderer.exact_state()


def test_dynamics_report_their_deepest_gain_reduction_with_the_audio(song: Song) -> None:
    song.media("loud", tone(8192, 200, amp=0.9))
    song.track("T")
    song.clip("T", "loud", 0, "c")
    song.effects("T", EffectSettings("fx-comp", "compressor", (("threshold_db", -30.0),
                                                              ("ratio", 8.0))),
                 gain_fx("fx-trim", -3.0))
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool, max_block=1024)
        renderer.meter = LevelTaker()
        deepest = 0.0
        block = np.zeros((1024, 2), np.float32)
        for at in range(0, 4096, 1024):
            renderer.render(at, block)
            deepest = max(deepest, renderer.processor("fx-comp").gain_reduction_db)
        reductions = renderer.meter.take_gain_reduction()
        assert reductions == {"fx-comp": deepest} and deepest > 10.0
        assert renderer.meter.take_gain_reduction() == {}
        feeder = PlaybackFeeder(renderer, 48000, 48000, 1024)
        feeder.start(0)
        feeder.fill(lambda frames: len(frames), 1 << 20, 0, 2048)
        feeder.timeline_frame_at(0)
        assert feeder.gain_reduction_at(0)["fx-comp"] > 10.0


def test_a_bus_added_while_playing_fades_in(song: Song) -> None:
    steady(song)
    with_bus = routing.add_bus(song.project, "R", bus_id="R")
    with_bus = routing.set_send(with_bus, "A", "R", level_db=0.0)
    out = live(song, with_bus)
    after = Song.render(_with(song, with_bus), frames=12288)
    bus_part = out[4096:4096 + RAMP_FRAMES] - song.render(frames=12288)[4096:4096 + RAMP_FRAMES]
    assert np.abs(bus_part[:8]).max() < 0.01  # starts from silence
    np.testing.assert_array_equal(out[4096 + RAMP_FRAMES:], after[4096 + RAMP_FRAMES:])


def test_the_plan_compiles_sends_and_keeps_silenced_strips(song: Song) -> None:
    two_tracks_and_a_bus(song)
    song.project = ops.set_track_mute(song.project, "A", True)
    plan = compile_plan(song.project)
    a, b = plan.tracks
    assert a.mix.silent and not a.mix.main_on
    assert [(s.bus_id, s.level_db, s.pre_fader, s.on) for s in b.mix.sends] == [
        ("R", -10.0, True, True)]
    assert plan.buses[0].channels == 2 and plan.buses[0].is_bus


def test_a_bounce_by_render_processes_writes_the_same_file(song: Song, tmp_path) -> None:
    rich_song(song)
    one = bounce(song.project, song.folder, BounceSettings(tmp_path / "one.wav",
                                                           bit_depth="32f", workers=1))
    two = bounce(song.project, song.folder, BounceSettings(tmp_path / "two.wav",
                                                           bit_depth="32f", workers=2))
    samples = sf.read(one, dtype="float32")[0]  # (the files' PEAK chunks hold a time)
    np.testing.assert_array_equal(sf.read(two, dtype="float32")[0], samples)
    mix = song.render()  # the song to its last clip; the bounce goes on with the tails
    np.testing.assert_array_equal(samples[:len(mix)], mix)
    assert 1 <= auto_workers(song.project, seconds=600.0) <= 4
    song.project = song.project.with_tracks(tuple(replace(t, effects=())
                                                  for t in song.project.tracks))
    assert auto_workers(song.project, seconds=600.0) == 1  # reading files: one does it best
