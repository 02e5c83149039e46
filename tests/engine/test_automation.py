"""Automation against the formulas: volume, pan, send levels and the master per sample, effect
parameters in steps of AUTOMATION_STEP frames, each reaching its values at the right frames
whatever the block size; envelopes that do not apply are ignored.

A constant (DC) source makes the output the gains themselves, frame by frame.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from daw.engine.render.automation_plan import AUTOMATION_STEP, step_segments
from daw.engine.render.plan import compile_plan
from daw.model import EffectSettings, automation, ops
from daw.model.project import MASTER, PAN, VOLUME, AutomationPoint, Envelope
from tests.engine.songs import Song, balance, db, dc, mono_pan, tone

BLOCKS = [64, 65, 8192, 8193]


def ramp_db(frames: np.ndarray, points: list[tuple[int, float]]) -> np.ndarray:
    """The envelope's values in dB (straight lines between points), float64."""
    xs, ys = zip(*points, strict=True)
    return np.interp(frames, xs, ys)


def assert_same_bits(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_array_equal(a.view(np.uint32), b.view(np.uint32))


def test_a_volume_ramp_reaches_its_values_at_the_right_frames(song: Song) -> None:
    song.media("dc", dc(12000, 0.5, channels=2))
    song.track("T")
    song.clip("T", "dc", 0, "c")
    points = [(1000, 0.0), (3000, -20.0)]
    song.automate("T", VOLUME, points)
    out = song.render()
    # halfway along the line in dB: −10 dB, to float32 precision
    np.testing.assert_allclose(out[2000], 0.5 * 10 ** (-10 / 20), rtol=2e-7)
    assert out[1000, 0] == np.float32(0.5) and out[3000, 0] == np.float32(0.5 * db(-20))
    gains = 10 ** (ramp_db(np.arange(12000), points) / 20)
    np.testing.assert_allclose(out[:, 0], 0.5 * gains, rtol=2e-7)
    np.testing.assert_array_equal(out[:, 0], out[:, 1])
    for block in BLOCKS:
        assert_same_bits(song.render(block=block), out)
    assert_same_bits(song.render(start=1900, frames=300, block=1), out[1900:2200])


def test_volume_automation_overrides_the_fader_until_disabled(song: Song) -> None:
    song.media("dc", dc(4000, 0.5, channels=2))
    song.track("T", gain=-6.0)
    song.clip("T", "dc", 0, "c")
    song.automate("T", VOLUME, [(0, -12.0)])
    np.testing.assert_allclose(song.render()[:, 0], 0.5 * db(-12), rtol=2e-7)
    song.project = automation.set_envelope_enabled(song.project, "T", VOLUME, False)
    np.testing.assert_allclose(song.render()[:, 0], 0.5 * db(-6), rtol=2e-7)


def test_pan_automation_follows_the_pan_law_per_sample(song: Song) -> None:
    song.media("dc", dc(6000, 0.5))
    song.media("dc2", dc(6000, 0.5, channels=2))
    song.track("Mono")
    song.track("Stereo")
    song.clip("Mono", "dc", 0, "cm")
    song.clip("Stereo", "dc2", 0, "cs")
    song.automate("Mono", PAN, [(0, -1.0), (4800, 1.0)])
    song.automate("Stereo", PAN, [(1000, 0.5), (2000, -0.5)])
    song.project = ops.set_track_mute(song.project, "Stereo", True)
    frames = np.arange(6000)
    pans = ramp_db(frames, [(0, -1.0), (4800, 1.0)])
    out = song.render()
    expected = 0.5 * np.stack([mono_pan(p) for p in pans])
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    assert out[0, 1] == 0.0 and out[4800, 0] < 1e-7
    song.project = ops.set_track_mute(song.project, "Stereo", False)
    song.project = ops.set_track_mute(song.project, "Mono", True)
    pans = ramp_db(frames, [(1000, 0.5), (2000, -0.5)])
    expected = 0.5 * np.stack([balance(p) for p in pans])
    np.testing.assert_allclose(song.render(), expected, rtol=1e-6)


@pytest.mark.parametrize("pre_fader", [True, False])
def test_send_automation(song: Song, pre_fader: bool) -> None:
    song.media("dc", dc(6000, 0.5))
    song.track("T", gain=-6.0, pan=0.5)
    song.clip("T", "dc", 0, "c")
    song.bus("R", solo=True)
    song.send("T", "R", -80.0, pre_fader=pre_fader)
    points = [(1000, -30.0), (5000, 0.0)]
    song.automate("T", "send:R", points)
    out = song.render()
    levels = 10 ** (ramp_db(np.arange(6000), points) / 20)
    law = mono_pan(0.0) if pre_fader else mono_pan(0.5) * db(-6)
    np.testing.assert_allclose(out, 0.5 * levels[:, None] * law, rtol=1e-6)
    for block in BLOCKS:
        assert_same_bits(song.render(block=block), out)


def test_master_volume_automation(song: Song) -> None:
    song.media("dc", dc(4000, 0.5, channels=2))
    song.track("T")
    song.clip("T", "dc", 0, "c")
    song.project = ops.set_master_gain(song.project, -40.0)  # overridden by the envelope
    points = [(500, -6.0), (1500, 3.0)]
    song.automate(MASTER, VOLUME, points)
    gains = 10 ** (ramp_db(np.arange(4000), points) / 20)
    np.testing.assert_allclose(song.render()[:, 1], 0.5 * gains, rtol=2e-7)


def test_an_effect_parameter_steps_every_64_frames_and_reaches_its_value(song: Song) -> None:
    song.media("dc", dc(6000, 0.5, channels=2))
    song.track("T")
    song.clip("T", "dc", 0, "c")
    song.effects("T", EffectSettings("fx-trim", "gain", (("gain_db", 3.0),)))
    points = [(1000, 0.0), (2000, -12.0)]
    song.automate("T", "effect:fx-trim:gain_db", points)
    out = song.render()
    frames = np.arange(6000)
    stepped = ramp_db(frames - frames % AUTOMATION_STEP, points)
    expected = (np.float32(0.5) * (10 ** (stepped / 20)).astype(np.float32))
    np.testing.assert_array_equal(out[:, 0], expected)
    changes = np.flatnonzero(np.diff(out[:, 0])) + 1
    assert len(changes) > 10 and all(changes % AUTOMATION_STEP == 0)
    assert out[2048, 0] == np.float32(0.5 * db(-12)) and out[1023, 0] == np.float32(0.5)
    for block in [1, *BLOCKS]:
        if block == 1:
            assert_same_bits(song.render(start=950, frames=200, block=1), out[950:1150])
        else:
            assert_same_bits(song.render(block=block), out)


def test_eq_gain_automation_reaches_the_static_sound(song: Song) -> None:
    song.media("s", tone(24000, 1000, amp=0.3))
    song.track("T")
    song.clip("T", "s", 0, "c")
    eq = EffectSettings("fx-eq", "eq", (("p2_freq_hz", 1000.0), ("p2_gain_db", 0.0)))
    song.effects("T", eq)
    flat = song.render()
    song.automate("T", "effect:fx-eq:p2_gain_db", [(4800, 0.0), (9600, 12.0)])
    moving = song.render(block=1000)
    song.effects("T", replace(eq, params=(("p2_freq_hz", 1000.0), ("p2_gain_db", 12.0))))
    boosted = song.render()
    np.testing.assert_array_equal(moving[:4800], flat[:4800])  # 0 dB until the ramp starts
    np.testing.assert_allclose(moving[14400:], boosted[14400:], atol=1e-5)
    window = slice(7200 - 240, 7200 + 240)  # ten periods around the ramp's middle
    halfway = np.sqrt(np.mean(moving[window, 0] ** 2) / np.mean(flat[window, 0] ** 2))
    assert halfway == pytest.approx(db(6), rel=0.02)  # halfway along: about +6 dB


def test_step_segments_split_only_where_a_value_changes() -> None:
    from daw.engine.render.automation_plan import Curve

    curve = Curve((AutomationPoint(100, 0.0), AutomationPoint(300, 10.0)))
    segments = step_segments((("x", curve),), 10, 400)
    starts = [a + 10 for a, _, _ in segments]
    assert starts[0] == 10 and all(s % AUTOMATION_STEP == 0 for s in starts[1:])
    assert starts[1:] == [128, 192, 256, 320]  # 64 still holds the first value (frame ≤ 100)
    assert segments[-1][1] == 400 and segments[-1][2] == (10.0,)
    assert segments[1][2] == (np.interp(128, [100, 300], [0, 10]),)


def test_envelopes_that_do_not_apply_are_ignored(song: Song) -> None:
    song.media("m", tone(5000, 300, channels=2))
    song.track("T", gain=-3.0)
    song.clip("T", "m", 0, "c")
    trim = EffectSettings("fx-trim", "gain", (("gain_db", -2.0),))
    song.effects("T", trim)
    plain = song.render()
    track = song.project.track("T")
    ignored = (
        Envelope(VOLUME, (AutomationPoint(0, -30.0),), enabled=False),
        Envelope(PAN, ()),
        Envelope("effect:fx-gone:gain_db", (AutomationPoint(0, -30.0),)),
        Envelope("effect:fx-trim:no_such_param", (AutomationPoint(0, -30.0),)),
        Envelope("send:nowhere", (AutomationPoint(0, -30.0),)),
    )
    song.project = song.project.with_tracks((replace(track, automation=ignored),))
    assert_same_bits(song.render(), plain)
    song.effects("T", replace(trim, bypassed=True))
    bypassed = song.render()
    song.automate("T", "effect:fx-trim:gain_db", [(0, -30.0)])
    assert_same_bits(song.render(), bypassed)  # a bypassed effect's envelope does nothing
    assert compile_plan(song.project).tracks[0].effect_automation == {}


def test_any_block_size_gives_the_same_bits_with_buses_automation_and_effects(
        song: Song) -> None:
    for i in range(3):
        song.media(f"m{i}", tone(9000, 150 * (i + 1), channels=1 + i % 2, seed=i))
        song.track(f"T{i}", gain=-1.0 * i, pan=-0.5 + 0.5 * i)
        song.clip(f"T{i}", f"m{i}", 100 * i, f"c{i}")
        song.effects(f"T{i}", EffectSettings(f"trim{i}", "gain", (("gain_db", -1.0 * i),)))
    song.bus("Echo", gain=-2.0)
    song.bus("Group", pan=0.3)
    song.effects("Echo", EffectSettings("fx-delay", "delay", (("delay_ms", 20.0),
                                                              ("feedback_percent", 30.0))))
    song.effects("Group", EffectSettings("fx-g", "gain", (("gain_db", 2.0),)))
    song.effects(MASTER, EffectSettings("fx-m", "gain", (("gain_db", -1.0),)))
    song.send("T0", "Echo", -6.0)
    song.send("T1", "Group", -3.0, pre_fader=True)
    song.send("T2", "Echo", -9.0, pre_fader=True)
    song.send("Group", "Echo", -4.0)
    song.automate("T0", VOLUME, [(500, 0.0), (7000, -15.0)])
    song.automate("T1", PAN, [(0, -1.0), (8000, 1.0)])
    song.automate("T2", "send:Echo", [(2000, -40.0), (3000, 0.0)])
    song.automate("T1", "effect:trim1:gain_db", [(1000, 0.0), (6000, -10.0)])
    song.automate("Group", "effect:fx-g:gain_db", [(0, 6.0), (4000, -6.0)])
    song.automate(MASTER, VOLUME, [(3000, 0.0), (3500, -2.0)])
    whole = song.render()
    assert np.abs(whole).max() > 0.1
    for block in BLOCKS:
        assert_same_bits(song.render(block=block), whole)
    assert_same_bits(song.render(frames=3150, block=1), whole[:3150])  # effects keep state
