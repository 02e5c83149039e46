"""The mix report finds what was planted, with the right numbers, and nothing in a clean mix:
clipping, DC offset, an inverted channel, headroom, tonal balance, loudness."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.dsp.pan import mono_pan_gains
from daw.mastering.assistant import apply_chain, master_assistant
from daw.mastering.mix_analysis import CLIP_RUN, StatsGatherer
from daw.mastering.mix_report import mix_report
from daw.mastering.targets import Target
from daw.model import EffectSettings
from daw.model.project import MASTER
from tests.engine.songs import RATE, Song
from tests.mastering.test_assistant import _shaped_noise

TARGET = Target("Test", -14.0, -1.0)
SECONDS = 3


def song_with(folder: Path, parts: dict[str, np.ndarray], **track_settings: dict) -> Song:
    song = Song(folder)
    for name, audio in parts.items():
        song.media(name.lower(), audio.astype(np.float32))
        song.track(name, **track_settings.get(name, {}))
        song.clip(name, name.lower(), 0, f"clip-{name.lower()}")
    return song


def kinds_by_track(report) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in report.findings:
        found.setdefault(finding.where, set()).add(finding.kind)
    return found


def test_a_clean_mastered_mix_has_nothing_to_report(tmp_path: Path) -> None:
    song = song_with(tmp_path / "Clean.minidaw", {"Music": _shaped_noise(SECONDS)})
    result = master_assistant(song.project, song.folder, TARGET)
    report = mix_report(apply_chain(song.project, result), song.folder, TARGET)
    assert report.findings == ()
    assert report.has_chain
    assert report.output.integrated_lufs == pytest.approx(-14.0, abs=0.3)
    assert "Nothing to fix" in report.text()


def test_planted_problems_are_found_on_their_tracks_with_their_numbers(tmp_path: Path) -> None:
    t = np.arange(SECONDS * RATE) / RATE
    raw = 1.6 * np.sin(2 * np.pi * 220 * t)
    clipped = 0.5 * np.clip(raw, -1.0, 1.0)
    dc = 0.1 * np.sin(2 * np.pi * 330 * t) + 0.05
    pad = _shaped_noise(SECONDS, seed=5) * 0.5
    pad[:, 1] = -pad[:, 0]  # one channel's polarity inverted
    hot = 0.9 * np.sin(2 * np.pi * 440 * t)
    song = song_with(
        tmp_path / "Problems.minidaw",
        {"Music": _shaped_noise(SECONDS) * 0.3, "Guitar": clipped[:, None], "Keys": dc[:, None],
         "Pad": pad, "Hot": hot[:, None]},
        Hot={"gain": 6.0})
    report = mix_report(song.project, song.folder, TARGET)
    found = kinds_by_track(report)
    assert "Music" not in found
    assert found["Guitar"] == {"clipping"}
    assert found["Keys"] == {"dc_offset"}
    assert found["Pad"] == {"phase", "mono_collapse"}
    assert found["Hot"] == {"clipping"}

    (guitar,) = [f for f in report.findings if f.where == "Guitar"]
    assert guitar.values["clipped_samples"] == 2 * np.count_nonzero(np.abs(raw) > 1.0)
    (keys,) = [f for f in report.findings if f.where == "Keys"]
    left, right = mono_pan_gains(0.0)
    assert keys.values["dc_left"] == pytest.approx(0.05 * left, abs=2e-4)
    assert keys.values["dc_right"] == pytest.approx(0.05 * right, abs=2e-4)
    phase = next(f for f in report.findings if f.where == "Pad" and f.kind == "phase")
    assert phase.values["correlation"] == pytest.approx(-1.0, abs=1e-9)
    (hot_finding,) = [f for f in report.findings if f.where == "Hot"]
    expected_peak = 20 * math.log10(0.9 * left) + 6.0
    assert hot_finding.values["peak_dbfs"] == pytest.approx(expected_peak, abs=0.01)
    assert "peaks at +" in hot_finding.message
    # The master carries the hot track over full scale, and the keys' DC offset.
    assert {"clipping", "dc_offset"} <= found["Master"]
    text = report.text()
    assert "- Guitar: clipped:" in text and "- Pad: left and right are out of phase" in text
    assert json.loads(json.dumps(report.as_dict()))["findings"][0]["kind"] in (
        "clipping", "dc_offset", "phase", "mono_collapse")


@pytest.mark.parametrize(("peak", "kind_expected"), [(10 ** (-0.4 / 20), True),
                                                     (10 ** (-30 / 20), True),
                                                     (10 ** (-6 / 20), False)],
                         ids=["hot", "very low", "fine"])
def test_headroom_into_the_master(tmp_path: Path, peak: float, kind_expected: bool) -> None:
    music = _shaped_noise(SECONDS)
    song = song_with(tmp_path / "Level.minidaw", {"Music": music / np.abs(music).max() * peak})
    report = mix_report(song.project, song.folder, TARGET)
    headroom = report.of_kind("headroom")
    assert bool(headroom) == kind_expected
    if kind_expected:
        assert headroom[0].values["peak_dbfs"] == pytest.approx(20 * math.log10(peak),
                                                                abs=0.01)


@pytest.mark.parametrize(("tilt", "expected"), [
    ({}, set()), ({"low": 9.0}, {"low_end"}), ({"high": 9.0}, {"harsh_highs"}),
], ids=["neutral", "boomy", "harsh"])
def test_tonal_balance_against_the_neutral_curve(tmp_path: Path, tilt: dict[str, float],
                                                 expected: set[str]) -> None:
    song = song_with(tmp_path / "Tone.minidaw", {"Music": _shaped_noise(SECONDS, tilt)})
    report = mix_report(song.project, song.folder, TARGET)
    found = {f.kind for f in report.findings} & {"low_end", "harsh_highs"}
    assert found == expected
    for finding in report.findings:
        if finding.kind in expected:
            assert 4.0 < finding.values["excess_db"] < 9.5


def test_against_a_reference_track_its_own_balance_is_not_a_problem(tmp_path: Path) -> None:
    boomy = _shaped_noise(SECONDS, {"low": 9.0})
    sf.write(tmp_path / "reference.wav", _shaped_noise(4, {"low": 9.0}, seed=8)
             .astype(np.float32), RATE)
    song = song_with(tmp_path / "Boomy.minidaw", {"Music": boomy})
    assert mix_report(song.project, song.folder, TARGET).of_kind("low_end")
    report = mix_report(song.project, song.folder, TARGET, tmp_path / "reference.wav")
    assert not report.of_kind("low_end")


def test_loudness_far_from_the_target_and_a_chain_that_lets_peaks_through(
        tmp_path: Path) -> None:
    music = _shaped_noise(SECONDS)
    song = song_with(tmp_path / "Loud.minidaw", {"Music": music * 0.1})
    first = mix_report(song.project, song.folder, TARGET)
    (quiet,) = first.of_kind("loudness")
    assert quiet.values["off_lu"] < -2.0 and "below" in quiet.message
    boost = round(TARGET.integrated_lufs - first.premaster.integrated_lufs + 6.0, 1)
    song.effects(MASTER, EffectSettings("effect-boost", "gain", (("gain_db", boost),)))
    report = mix_report(song.project, song.folder, TARGET)
    (loud,) = report.of_kind("loudness")
    assert loud.values["off_lu"] == pytest.approx(6.0, abs=0.1) and "above" in loud.message
    over = [f for f in report.of_kind("clipping") if "true peak" in f.message]
    assert over and over[0].values["true_peak_dbtp"] > -1.0
    assert report.output.integrated_lufs == pytest.approx(
        report.premaster.integrated_lufs + boost, abs=0.05)


def test_flat_tops_are_counted_the_same_across_block_boundaries() -> None:
    rng = np.random.default_rng(2)
    signal = np.clip(rng.standard_normal((5000, 2)) * 0.6, -0.8, 0.8).astype(np.float32)
    signal[1000:1003] = 0.05  # a flat run under the floor does not count
    signal[2000:2002, 0] = 0.3  # two equal samples are not a flat top
    whole = StatsGatherer()
    whole.add(signal)
    pieces = StatsGatherer()
    for start in range(0, 5000, 7):
        pieces.add(signal[start : start + 7])
    at_rail = np.abs(signal) == np.float32(0.8)
    expected = 0
    for channel in range(2):
        runs = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], at_rail[:, channel], [0]]))))
        expected += int(runs[::2][runs[::2] >= CLIP_RUN].sum())
    assert whole.stats().clipped_samples == pieces.stats().clipped_samples == expected > 0
    a, b = whole.stats(), pieces.stats()
    assert (a.frames, a.peak, a.heard) == (b.frames, b.peak, b.heard)
    np.testing.assert_allclose([*a.dc_offset, a.correlation, a.mono_drop_db],
                               [*b.dc_offset, b.correlation, b.mono_drop_db], atol=1e-12)
