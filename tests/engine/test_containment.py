"""Non-finite samples stay contained: bad media plays as silence, a strip whose effects produce
NaN is muted (the master's chain bypassed) and reported, and the rest of the mix is exact."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceSettings, bounce
from daw.engine.export.bounce_report import report_paths
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import MASTER, Renderer
from daw.media import MediaPool
from daw.model import EffectSettings
from tests.engine.songs import RATE, Song, tone

BLOCK = 4096
FRAMES = 6 * BLOCK
EQ = (("low_gain_db", 6.0), ("p2_gain_db", -4.0), ("high_gain_db", 3.0))


def eq(effect_id: str, **params: float) -> EffectSettings:
    return EffectSettings(effect_id, "eq", tuple({**dict(EQ), **params}.items()))


def poisoned(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(a stereo tone with NaN and ±inf in it, the same tone with those zeroed)."""
    data = tone(FRAMES, 330, channels=2, seed=seed)
    clean = data.copy()
    for frame, channel, value in ((5000, 0, np.nan), (5001, 1, np.inf), (17000, 0, -np.inf)):
        data[frame, channel] = value
        clean[frame, channel] = 0.0
    return data, clean


def two_tracks(song: Song, bad: np.ndarray, master_eq: bool = True) -> Song:
    """A track playing `bad` through an EQ, a clean track, and (by default) a master EQ."""
    song.media("bad", bad)
    song.media("good", tone(FRAMES, 220, channels=1, seed=5))
    song.track("Bad")
    song.clip("Bad", "bad", 0, "c-bad")
    song.effects("Bad", eq("fx-bad"))
    song.track("Good")
    song.clip("Good", "good", 0, "c-good")
    if master_eq:
        song.effects(MASTER, eq("fx-master", p3_gain_db=-2.0))
    return song


def only_good(song: Song) -> Song:
    """The same song with the bad track left out."""
    song.project = song.project.with_tracks(
        tuple(t for t in song.project.tracks if t.id != "Bad"))
    return song


@pytest.mark.parametrize("block", [None, 1000, BLOCK])
def test_bad_media_renders_as_if_its_bad_samples_were_zero(make_song, block) -> None:
    data, clean = poisoned()
    mix = two_tracks(make_song("bad"), data).render(block=block)
    assert np.isfinite(mix).all()
    np.testing.assert_array_equal(mix, two_tracks(make_song("clean"), clean).render())


def nan_after(processor, calls: int) -> None:
    """Make `processor` emit NaN from its `calls`-th block on (a fault of its own)."""
    original = processor.process
    count = [0]

    def process(block: np.ndarray) -> None:
        original(block)
        count[0] += 1
        if count[0] > calls:
            block[7] = np.nan

    processor.process = process


def render_blocks(renderer: Renderer, frames: int = FRAMES) -> np.ndarray:
    out = np.zeros((frames, 2), dtype=np.float32)
    for at in range(0, frames, BLOCK):
        renderer.render(at, out[at:at + BLOCK])
    return out


def test_a_strip_whose_effect_emits_nan_is_muted_and_the_rest_is_exact(make_song) -> None:
    song = two_tracks(make_song("song"), tone(FRAMES, 330, channels=2), master_eq=False)
    project = song.project
    full = song.render(block=BLOCK)
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool, max_block=BLOCK)
        nan_after(renderer.processor("fx-bad"), 2)
        mix = render_blocks(renderer)
        assert renderer.faulted == frozenset({"Bad"})
        (fault,) = renderer.faults
        assert (fault.strip_id, fault.name, fault.frame) == ("Bad", "Bad", 2 * BLOCK)
        assert "Bad: its effects produced NaN" in fault.describe(RATE)
        # Untouched until the fault, then the good track alone, sample for sample.
        np.testing.assert_array_equal(mix[:2 * BLOCK], full[:2 * BLOCK])
        good = only_good(song).render(block=BLOCK)
        np.testing.assert_array_equal(mix[2 * BLOCK:], good[2 * BLOCK:])

        # Rendering the same plan again keeps it muted; editing its chain brings it back.
        song.project = project
        renderer.swap_plan(compile_plan(song.project))
        assert renderer.faulted == frozenset({"Bad"})
        song.effects("Bad", eq("fx-bad", low_gain_db=5.0))
        renderer.swap_plan(compile_plan(song.project))
        assert renderer.faulted == frozenset() and renderer.faults == []
        again = np.zeros((BLOCK, 2), dtype=np.float32)
        renderer.render(FRAMES, again)
        assert np.isfinite(again).all()


def test_a_faulted_bus_is_muted_and_the_tracks_main_outputs_stay(make_song) -> None:
    song = make_song("bus")
    song.media("good", tone(FRAMES, 220, channels=1, seed=5))
    song.track("Good")
    song.clip("Good", "good", 0, "c-good")
    song.bus("Verb")
    song.send("Good", "Verb", level_db=-6.0)
    song.effects("Verb", eq("fx-verb"))
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool, max_block=BLOCK)
        nan_after(renderer.processor("fx-verb"), 1)
        mix = render_blocks(renderer)
    assert renderer.faulted == frozenset({"Verb"})
    song.project = replace(song.project, tracks=tuple(
        replace(t, sends=()) if t.id == "Good" else t for t in song.project.tracks))
    dry = song.render(block=BLOCK)
    np.testing.assert_array_equal(mix[BLOCK:], dry[BLOCK:])


def test_a_master_chain_emitting_nan_is_reset_and_bypassed(make_song) -> None:
    song = two_tracks(make_song("master"), tone(FRAMES, 330, channels=2))
    full = song.render(block=BLOCK)
    with MediaPool(song.folder, song.project.media) as pool:
        renderer = Renderer(compile_plan(song.project), pool, max_block=BLOCK)
        nan_after(renderer.processor("fx-master"), 3)
        mix = render_blocks(renderer)
    assert renderer.faulted == frozenset({MASTER})
    assert renderer.faults[0].frame == 3 * BLOCK
    assert "master: its effects produced NaN" in renderer.faults[0].describe(RATE)
    np.testing.assert_array_equal(mix[:3 * BLOCK], full[:3 * BLOCK])
    assert not mix[3 * BLOCK:4 * BLOCK].any()  # the block it failed in is silent
    song.effects(MASTER)
    unmastered = song.render(block=BLOCK)
    np.testing.assert_array_equal(mix[4 * BLOCK:], unmastered[4 * BLOCK:])


def overflowing(song: Song) -> Song:
    """A track whose samples are finite but so loud that +24 dB makes them infinite."""
    loud = np.full((FRAMES, 2), 3e38, dtype=np.float32)
    song.media("bad", loud)
    song.media("good", tone(FRAMES, 220, channels=1, seed=5))
    song.media("other", tone(FRAMES, 440, channels=2, seed=6))
    song.track("Bad")
    song.clip("Bad", "bad", 0, "c-bad")
    song.effects("Bad", EffectSettings("fx-boost", "gain", (("gain_db", 24.0),)))
    for name in ("Good", "Other"):
        song.track(name)
        song.clip(name, name.lower(), 0, f"c-{name}")
        song.effects(name, eq(f"fx-{name}"))
    return song


def test_render_processes_contain_a_bad_track_the_same_way(make_song) -> None:
    song = overflowing(make_song("farm"))
    with np.errstate(over="ignore", invalid="ignore"):
        alone = song.render(block=BLOCK)
        farmed = song.render(block=BLOCK, workers=2)
    assert np.isfinite(alone).all()
    np.testing.assert_array_equal(farmed, alone)
    np.testing.assert_array_equal(alone, only_good(song).render(block=BLOCK))


def test_bounce_reports_the_silenced_strip(make_song, tmp_path: Path) -> None:
    song = overflowing(make_song("farm"))
    warnings: list[str] = []
    target = tmp_path / "mix.wav"
    with np.errstate(over="ignore", invalid="ignore"):
        bounce(song.project, song.folder, BounceSettings(target, bit_depth="32f", workers=2,
                                                         tail=0.0),
               warn=warnings.append)
    assert len(warnings) == 1 and warnings[0].startswith(
        "Bad: its effects produced NaN or infinite samples at 0.000 s; the strip was muted")
    report = json.loads(report_paths(target)[0].read_text())
    assert report["bounce"]["silenced"] == [
        {"strip_id": "Bad", "name": "Bad", "frame": 0, "seconds": 0.0}]
    text = report_paths(target)[1].read_text()
    assert "Silenced:            Bad at 0:00.000 (its effects produced NaN" in text
    mix, _ = sf.read(target, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(mix, only_good(song).render())


@pytest.mark.parametrize("depth", ["32f", "24"])
def test_bounce_of_bad_media_equals_the_song_with_those_samples_zeroed(
        make_song, tmp_path: Path, depth: str) -> None:
    data, clean = poisoned()
    bad = two_tracks(make_song("bad"), data)
    good = two_tracks(make_song("clean"), clean)
    files = []
    for song in (bad, good):
        target = tmp_path / f"{song.folder.stem}-{depth}.wav"
        bounce(song.project, song.folder, BounceSettings(target, bit_depth=depth))
        files.append(sf.read(target, dtype="float64", always_2d=True)[0])
        report = json.loads(report_paths(target)[0].read_text())
        assert report["bounce"]["silenced"] == []
    assert np.isfinite(files[0]).all()
    assert np.abs(files[0]).max() > 0.1  # music, not silence
    np.testing.assert_array_equal(files[0], files[1])
