"""The renderer against the expected sums: gains, pan law, fades, crossfades, mute, solo.

A null test: the render minus the mix computed here in float64 from the formulas must stay
below −120 dBFS (1e-6 of full scale).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.fades import fade_in_curve, fade_out_curve
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from daw.model import Fade, ops
from tests.engine.songs import Song, tone

NULL = 1e-6  # −120 dBFS


def render(song: Song, start: int = 0, frames: int | None = None, block: int | None = None):
    frames = song.project.end_frame - start if frames is None else frames
    out = np.zeros((frames, 2), dtype=np.float32)
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool)
        step = block or frames
        for at in range(0, frames, step):
            renderer.render(start + at, out[at:at + step])
    return out


def db(x: float) -> float:
    return 10 ** (x / 20)


def mono_pan(pan: float) -> np.ndarray:
    theta = (pan + 1) * math.pi / 4
    return np.array([math.cos(theta), math.sin(theta)])


def assert_null(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape
    assert np.max(np.abs(actual - expected)) < NULL


def test_mono_clip_gain_and_pan_law(song: Song) -> None:
    vox = song.media("vox", tone(4800, 440))
    song.track("Vox", gain=-6.0, pan=0.3)
    song.clip("Vox", vox, 1000, "c1")
    song.project = ops.set_clip_gain(song.project, "c1", -2.5)
    expected = np.zeros((5800, 2))
    expected[1000:] = song.audio["vox"] * db(-2.5) * db(-6.0) * mono_pan(0.3)
    assert_null(render(song), expected)


def test_centre_pan_is_minus_3_db_for_mono(song: Song) -> None:
    dc = song.media("dc", np.full((100, 1), 0.5, dtype=np.float32))
    song.track("T")
    song.clip("T", dc, 0, "c")
    out = render(song)
    assert 20 * math.log10(out[0, 0] / 0.5) == pytest.approx(-3.0103, abs=1e-3)
    assert out[0, 0] == out[0, 1]


@pytest.mark.parametrize(("pan", "gains"), [(0.0, (1.0, 1.0)), (-1.0, (1.0, 0.0)),
                                            (0.5, (math.sqrt(2) * math.cos(3 * math.pi / 8),
                                                   1.0))])
def test_stereo_balance(song: Song, pan: float, gains: tuple[float, float]) -> None:
    pad = song.media("pad", tone(2000, 220, channels=2))
    song.track("Pad", pan=pan)
    song.clip("Pad", pad, 0, "c")
    assert_null(render(song), song.audio["pad"] * np.array(gains))


def test_tracks_sum_and_master_gain(song: Song) -> None:
    a = song.media("a", tone(3000, 100, seed=1))
    b = song.media("b", tone(2000, 300, channels=2, seed=2))
    song.track("A", pan=-1.0)
    song.track("B", gain=3.0)
    song.clip("A", a, 0, "ca")
    song.clip("B", b, 500, "cb", source_offset_frames=200, length_frames=1500)
    song.project = ops.set_master_gain(song.project, -4.0)
    expected = np.zeros((3000, 2))
    expected += song.audio["a"] * mono_pan(-1.0)
    expected[500:2000] += song.audio["b"][200:1700] * db(3.0)
    assert_null(render(song), expected * db(-4.0))


def test_mono_clip_on_a_stereo_track_feeds_both_sides(song: Song) -> None:
    m = song.media("m", tone(1000, 500))
    s = song.media("s", tone(1000, 700, channels=2))
    song.track("T")
    song.clip("T", m, 0, "cm")
    song.clip("T", s, 1000, "cs")
    expected = np.concatenate([np.repeat(song.audio["m"], 2, axis=1), song.audio["s"]])
    assert_null(render(song), expected)


@pytest.mark.parametrize("shape", ["linear", "equal_power", "exponential"])
def test_fade_shapes(song: Song, shape: str) -> None:
    m = song.media("m", tone(10000, 330))
    song.track("T", pan=-1.0)
    song.clip("T", m, 0, "c")
    song.project = ops.set_fades(song.project, "c", Fade(3000, shape), Fade(2000, shape))
    n_in = np.arange(3000) / 3000
    n_out = (2000 - np.arange(2000)) / 2000
    law = {
        "linear": lambda t: t,
        "equal_power": lambda t: np.sin(t * np.pi / 2),
        "exponential": lambda t: (1000.0 ** t - 1) / 999,
    }[shape]
    envelope = np.ones(10000)
    envelope[:3000] = law(n_in)
    envelope[-2000:] = law(n_out)
    out = render(song)
    assert_null(out[:, 0], song.audio["m"][:, 0] * envelope)
    assert out[0, 0] == 0.0
    if shape == "exponential":  # even in dB: halfway through the fade is about −30 dB
        assert 20 * math.log10(law(np.array(0.5))) == pytest.approx(-30.1, abs=0.2)


def test_fades_are_complementary() -> None:
    for shape in ("linear", "equal_power"):
        fin = fade_in_curve(shape, 480).astype(np.float64)
        fout = fade_out_curve(shape, 480).astype(np.float64)
        power = 1 if shape == "linear" else 2
        np.testing.assert_allclose(fin**power + fout**power, 1.0, atol=1e-6)


def test_overlapping_clips_crossfade_over_the_overlap(song: Song) -> None:
    a = song.media("a", tone(6000, 200, seed=3))
    b = song.media("b", tone(6000, 450, seed=4))
    song.track("T", pan=-1.0)
    song.clip("T", a, 0, "ca")
    song.clip("T", b, 4000, "cb")  # overlaps a for frames 4000..6000
    song.project = ops.set_fades(song.project, "cb", fade_in=Fade(0, "equal_power"))
    out = render(song)[:, 0]
    expected = np.zeros(10000)
    expected[:6000] += song.audio["a"][:, 0]
    expected[4000:] += song.audio["b"][:, 0]
    t = np.arange(2000) / 2000
    expected[4000:6000] = (song.audio["a"][4000:, 0] * (1 - t)
                           + song.audio["b"][:2000, 0] * np.sin(t * np.pi / 2))
    assert_null(out, expected)


def test_split_clip_renders_the_same_as_whole(song: Song) -> None:
    m = song.media("m", tone(9000, 123))
    song.track("T", pan=0.2)
    song.clip("T", m, 100, "c")
    whole = render(song)
    song.project = ops.split_clip(song.project, "c", 4321, new_clip_id="c2")
    np.testing.assert_array_equal(render(song), whole)


def test_mute_solo_and_muted_clips(song: Song) -> None:
    x = song.media("x", tone(1000, 100))
    for name in ("A", "B", "C"):
        song.track(name, pan=-1.0)
    song.clip("A", x, 0, "ca")
    song.clip("B", x, 0, "cb")
    song.clip("C", x, 0, "cc")
    left = song.audio["x"][:, 0]
    assert_null(render(song)[:, 0], 3 * left)
    song.project = ops.set_track_mute(song.project, "A", True)
    assert_null(render(song)[:, 0], 2 * left)
    song.project = ops.set_track_solo(song.project, "B", True)
    assert_null(render(song)[:, 0], left)
    song.project = ops.set_track_solo(song.project, "A", True)  # muted and soloed: mute wins
    assert_null(render(song)[:, 0], left)
    song.project = ops.set_clip_muted(song.project, "cb", True)
    assert not render(song, frames=1000).any()


def demo_like(song: Song) -> None:
    """Several tracks, overlaps, fades of every shape, offsets, mono and stereo."""
    for i, (freq, ch) in enumerate([(110, 1), (220, 2), (330, 1), (440, 2)]):
        mid = song.media(f"m{i}", tone(7000 + 900 * i, freq, channels=ch, seed=i))
        song.track(f"T{i}", gain=-1.5 * i, pan=-0.6 + 0.4 * i)
        song.clip(f"T{i}", mid, 37 * i, f"c{i}a", length_frames=5000)
        song.clip(f"T{i}", mid, 4000 + 11 * i, f"c{i}b", source_offset_frames=1000)
        shape = ("linear", "equal_power", "exponential", "linear")[i]
        song.project = ops.set_fades(song.project, f"c{i}a", Fade(777, shape), Fade(100, shape))
        song.project = ops.set_fades(song.project, f"c{i}b", fade_out=Fade(1999, shape))
    song.project = ops.set_master_gain(song.project, -2.0)


@pytest.mark.parametrize("block", [1, 64, 65, 512, 8193])
def test_output_is_bit_identical_whatever_the_block_size(song: Song, block: int) -> None:
    demo_like(song)
    whole = render(song)
    if block == 1:  # one sample at a time is slow in Python: check a window over the joins
        window = render(song, start=3900, frames=1300, block=1)
        np.testing.assert_array_equal(window.view(np.uint32), whole[3900:5200].view(np.uint32))
    else:
        np.testing.assert_array_equal(render(song, block=block).view(np.uint32),
                                      whole.view(np.uint32))


def test_render_is_identical_from_run_to_run(song: Song) -> None:
    demo_like(song)
    first = render(song)
    assert np.abs(first).max() > 0.1
    np.testing.assert_array_equal(render(song).view(np.uint32), first.view(np.uint32))


def test_render_past_the_end_and_before_a_clip_is_silence(song: Song) -> None:
    demo_like(song)
    end = song.project.end_frame
    assert not render(song, start=end, frames=5000).any()
    out = render(song, start=end - 10, frames=20)
    assert out[:10].any() and not out[10:].any()


def test_track_and_master_chains_and_bypass(song: Song) -> None:
    from dataclasses import replace

    from daw.model import EffectSettings

    demo_like(song)
    plain = render(song)
    trim = EffectSettings("fx-trim", "gain", (("gain_db", -6.0),))
    track = song.project.tracks[1]
    bypassed = replace(track, effects=(replace(trim, bypassed=True),))
    song.project = song.project.with_tracks(
        (song.project.tracks[0], bypassed, *song.project.tracks[2:]))
    np.testing.assert_array_equal(render(song).view(np.uint32), plain.view(np.uint32))
    active = replace(track, effects=(trim,))
    song.project = song.project.with_tracks(
        (song.project.tracks[0], active, *song.project.tracks[2:]))
    with_trim = render(song)
    without_track = song.project.with_tracks(
        (song.project.tracks[0], *song.project.tracks[2:]))
    song_copy = Song.__new__(Song)
    song_copy.__dict__.update(song.__dict__, project=without_track)
    others = render(song_copy, frames=song.project.end_frame)
    # the trimmed track adds half its amplitude to the rest of the mix
    np.testing.assert_allclose(with_trim - others, (plain - others) * 10 ** (-6 / 20),
                               atol=2e-6)
    song.project = replace(song.project, master=replace(
        song.project.master, effects=(EffectSettings("fx-m", "gain", (("gain_db", 6.0),)),)))
    np.testing.assert_allclose(render(song), with_trim * 10 ** (6 / 20), rtol=1e-5, atol=1e-6)


def test_effect_state_survives_a_plan_swap(song: Song) -> None:
    """A changed parameter is taken by the same processor; another kind builds a new one."""
    from dataclasses import replace

    from daw.engine.render.plan import compile_plan
    from daw.model import EffectSettings

    demo_like(song)
    trim = EffectSettings("fx-trim", "gain", (("gain_db", -6.0),))
    track = replace(song.project.tracks[0], effects=(trim,))
    song.project = song.project.with_tracks((track, *song.project.tracks[1:]))
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool)
        first = renderer.processor("fx-trim")
        louder = replace(track, effects=(replace(trim, params=(("gain_db", -3.0),)),))
        renderer.swap_plan(compile_plan(song.project.with_tracks(
            (louder, *song.project.tracks[1:]))))
        assert renderer.processor("fx-trim") is first
        assert first._factor == np.float32(10 ** (-3 / 20))


def test_a_delay_synced_to_the_tempo_echoes_on_the_beat(song: Song) -> None:
    from dataclasses import replace

    from daw.model import EffectSettings

    click = np.zeros((48000, 1), dtype=np.float32)
    click[100, 0] = 0.5
    song.media("click", click)
    song.track("T", pan=-1.0)
    song.clip("T", "click", 0, "c")
    song.project = ops.set_tempo(song.project, 150.0)  # a quarter note is 19200 frames
    echo = EffectSettings("fx-delay", "delay", (("sync", 1.0), ("note_beats", 1.0),
                                                ("feedback_percent", 0.0),
                                                ("mix_percent", 50.0)))
    track = replace(song.project.tracks[0], effects=(echo,))
    song.project = song.project.with_tracks((track,))
    out = render(song)[:, 0]
    hits = np.flatnonzero(np.abs(out) > 1e-4)
    assert list(hits) == [100, 100 + 19200]
