"""The master assistant, proved by measurement: its chain is put on the project, the song is
bounced with daw.engine.export.bounce, and the file is measured independently (pyloudnorm's
integrated loudness; true peak by an ideal 4x FFT interpolation and by the standard's own
filter). Then what it chose: EQ direction, glue amount, width, editable settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from daw.dsp.effects import PARAMETERS
from daw.engine.export.bounce import BounceSettings, bounce
from daw.mastering.assistant import (
    EQ_LIMIT_DB,
    AssistantError,
    apply_chain,
    comparison_chains,
    master_assistant,
)
from daw.mastering.targets import Target, find_target
from daw.model import EffectSettings
from daw.model.project import MASTER, VOLUME, effect_target
from tests.dsp.independent_meters import bs1770_true_peak_dbtp, fft_true_peak_dbtp
from tests.engine.songs import RATE, Song
from tests.mastering import mastering_songs


def bounced(song: Song, project, folder: Path, name: str = "master.wav") -> np.ndarray:
    path = bounce(project, song.folder, BounceSettings(folder / name, bit_depth="24",
                                                       report=False))
    data, rate = sf.read(path, always_2d=True)
    assert rate == RATE
    return data


def loudness(audio: np.ndarray) -> float:
    return float(pyloudnorm.Meter(RATE).integrated_loudness(audio))


@pytest.mark.parametrize("target_name", ["streaming", "club"])
@pytest.mark.parametrize("mix", ["quiet", "loud", "dynamic"])
def test_a_bounced_master_lands_on_the_target(tmp_path: Path, mix: str,
                                              target_name: str) -> None:
    song = mastering_songs.make(mix, tmp_path / "Song.minidaw")
    target = find_target(target_name, tmp_path / "config")
    result = master_assistant(song.project, song.folder, target)
    data = bounced(song, apply_chain(song.project, result), tmp_path)
    assert loudness(data) == pytest.approx(target.integrated_lufs, abs=0.5)
    assert fft_true_peak_dbtp(data) <= target.true_peak_dbtp
    assert bs1770_true_peak_dbtp(data) <= target.true_peak_dbtp
    # The assistant's own figures are those of the file (its meter, not pyloudnorm's).
    assert result.after.integrated_lufs == pytest.approx(target.integrated_lufs, abs=0.3)
    assert result.after.true_peak_dbtp <= target.true_peak_dbtp


def test_the_chain_is_ordinary_editable_effects(tmp_path: Path) -> None:
    song = mastering_songs.make("quiet", tmp_path / "Song.minidaw")
    target = find_target("streaming", tmp_path / "config")
    result = master_assistant(song.project, song.folder, target)
    assert [e.kind for e in result.chain] == ["gain", "eq", "compressor", "truepeak_limiter"]
    ids = [e.id for e in result.chain]
    assert len(set(ids)) == len(ids)
    for effect in result.chain:
        specs = PARAMETERS[effect.kind]
        assert [name for name, _ in effect.params] == [spec[0] for spec in specs]
        for (_name, value), spec in zip(effect.params, specs, strict=True):
            assert spec[3] <= value <= spec[4]
    eq = dict(result.chain[1].params)
    assert all(abs(eq[g]) <= EQ_LIMIT_DB for g in ("low_gain_db", "p1_gain_db", "p2_gain_db",
                                                   "high_gain_db"))
    glue = dict(result.chain[2].params)
    assert (glue["ratio"], glue["attack_ms"]) == (2.0, 30.0)
    assert 1.0 <= result.glue_reduction_db <= 3.0
    assert dict(result.chain[3].params)["ceiling_dbtp"] == -1.0
    assert result.matched_gain_db == pytest.approx(
        result.after.integrated_lufs - result.before.integrated_lufs)
    # Edited afterwards, a setting is heard: 3 dB less into the limiter, about 3 LU quieter
    # (less, as it limits less).
    limiter = result.chain[3]
    params = dict(limiter.params)
    softer = replace(limiter, params=tuple({**params,
                                            "input_gain_db": params["input_gain_db"] - 3}
                                           .items()))
    edited = replace(result, chain=(*result.chain[:3], softer))
    data = bounced(song, apply_chain(song.project, edited), tmp_path)
    assert -3.0 < loudness(data) - result.after.integrated_lufs < -1.5


def test_the_loudness_matched_comparison_plays_both_at_the_mix_s_loudness(
        tmp_path: Path) -> None:
    song = mastering_songs.make("dynamic", tmp_path / "Song.minidaw")
    result = master_assistant(song.project, song.folder, find_target("club", tmp_path))
    before, after = comparison_chains(result)
    assert [e.id for e in before] == [e.id for e in result.chain]
    assert all(e.bypassed for e in before)
    assert [e.id for e in after[:-1]] == [e.id for e in result.chain]
    plain = bounced(song, apply_chain(song.project, replace(result, chain=before)), tmp_path,
                    "before.wav")
    matched = bounced(song, apply_chain(song.project, replace(result, chain=after)), tmp_path,
                      "after.wav")
    assert loudness(matched) == pytest.approx(loudness(plain), abs=0.15)
    assert result.matched_gain_db > 5.0  # the master is much louder than the mix


def _shaped_noise(seconds: float, tilt_db: dict[str, float] | None = None,
                  seed: int = 3) -> np.ndarray:
    """Stereo noise with the neutral curve's balance (octave-band energy falling 1.5 dB an
    octave from 20 Hz up, nothing below), then `tilt_db` more below 150 Hz ("low") or above
    4 kHz ("high"). The channels share most of it, as a mix's do (correlation about 0.86);
    peaks at −6 dBFS."""
    frames = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((frames, 1))
    white = shared + 0.4 * rng.standard_normal((frames, 2))
    spectrum = np.fft.rfft(white, axis=0)
    freqs = np.fft.rfftfreq(frames, 1 / RATE)
    gain = np.where(freqs >= 20.0, np.maximum(freqs, 20.0) ** -0.75, 0.0)
    tilt = tilt_db or {}
    gain *= np.where(freqs < 150, 10 ** (tilt.get("low", 0.0) / 20), 1.0)
    gain *= np.where(freqs > 4000, 10 ** (tilt.get("high", 0.0) / 20), 1.0)
    noise = np.fft.irfft(spectrum * gain[:, None], frames, axis=0)
    return noise / np.abs(noise).max() * 0.5


def _one_track_song(folder: Path, audio: np.ndarray) -> Song:
    song = Song(folder)
    song.media("mix", audio.astype(np.float32))
    song.track("Mix")
    song.clip("Mix", "mix", 0, "clip-mix")
    return song


def _eq_gains(result) -> dict[str, float]:
    eq = dict(next(e for e in result.chain if e.kind == "eq").params)
    return {k: eq[k] for k in ("low_gain_db", "p1_gain_db", "p2_gain_db", "high_gain_db")}


@pytest.mark.parametrize(("tilt", "check"), [
    ({}, lambda g: max(abs(v) for v in g.values()) <= 0.5),
    ({"low": 9.0}, lambda g: g["low_gain_db"] <= -2.0 and abs(g["high_gain_db"]) <= 1.0),
    ({"high": -9.0}, lambda g: g["high_gain_db"] >= 2.0 and abs(g["low_gain_db"]) <= 1.0),
], ids=["balanced", "boomy", "dull"])
def test_the_eq_leans_towards_the_neutral_curve(tmp_path: Path, tilt, check) -> None:
    song = _one_track_song(tmp_path / "Song.minidaw", _shaped_noise(4.0, tilt))
    result = master_assistant(song.project, song.folder, Target("Test", -14.0, -1.0))
    assert check(_eq_gains(result)), _eq_gains(result)


def test_a_reference_track_sets_the_balance_and_the_loudness(tmp_path: Path) -> None:
    """The reference is bright and at −18 LUFS; the mix is neutral and much quieter. The EQ
    lifts the highs, and the bounce lands on the reference's loudness, under the target's
    ceiling."""
    reference = _shaped_noise(5.0, {"high": 8.0}, seed=9)
    meter = pyloudnorm.Meter(RATE)
    reference *= 10 ** ((-18.0 - meter.integrated_loudness(reference)) / 20)
    sf.write(tmp_path / "reference.wav", reference.astype(np.float32), RATE, subtype="FLOAT")
    song = _one_track_song(tmp_path / "Song.minidaw", _shaped_noise(4.0) * 0.3)
    target = find_target("streaming", tmp_path)
    result = master_assistant(song.project, song.folder, target, tmp_path / "reference.wav")
    assert result.target.name == "Reference: reference.wav"
    assert result.target.integrated_lufs == pytest.approx(-18.0, abs=0.15)
    assert result.target.true_peak_dbtp == -1.0
    assert _eq_gains(result)["high_gain_db"] >= 3.0
    data = bounced(song, apply_chain(song.project, result), tmp_path)
    assert loudness(data) == pytest.approx(-18.0, abs=0.5)
    assert fft_true_peak_dbtp(data) <= -1.0


def test_a_narrow_mix_is_widened_and_a_wide_one_is_not(tmp_path: Path) -> None:
    wide = _shaped_noise(4.0)
    mid = wide.mean(axis=1, keepdims=True)
    narrow = mid + (wide - mid) * 0.2  # side about 25 dB under the mid: narrow, not mono
    for name, audio, widened in (("narrow", narrow, True), ("wide", wide, False)):
        song = _one_track_song(tmp_path / f"{name}.minidaw", audio)
        result = master_assistant(song.project, song.folder, Target("Test", -14.0, -1.0))
        found = [dict(e.params) for e in result.chain if e.kind == "width"]
        if widened:
            assert len(found) == 1 and found[0]["width_percent"] == 130.0
            assert found[0]["bass_mono_on"] == 1.0
        else:
            assert not found


def test_apply_chain_replaces_the_master_chain_and_keeps_the_fader(tmp_path: Path) -> None:
    song = mastering_songs.make("loud", tmp_path / "Song.minidaw")
    old = EffectSettings("effect-old", "gain", (("gain_db", -3.0),))
    song.effects(MASTER, old)
    song.automate(MASTER, VOLUME, [(0, -2.0), (RATE, -1.0)])
    song.automate(MASTER, effect_target("effect-old", "gain_db"), [(0, -3.0), (RATE, -6.0)])
    song.project = replace(song.project, master=replace(song.project.master, gain_db=-1.5))
    result = master_assistant(song.project, song.folder, find_target("streaming", tmp_path))
    mastered = apply_chain(song.project, result)
    assert mastered.master.effects == result.chain
    assert mastered.master.gain_db == -1.5
    assert [e.target for e in mastered.master.automation] == [VOLUME]
    assert mastered.master.target == "Streaming"
    assert song.project.master.effects == (old,)  # the project itself is not changed


def test_a_silent_or_empty_song_is_refused(tmp_path: Path) -> None:
    song = _one_track_song(tmp_path / "Silent.minidaw", np.zeros((RATE, 2)))
    target = Target("Test", -14.0, -1.0)
    with pytest.raises(AssistantError, match="the mix is silent"):
        master_assistant(song.project, song.folder, target)
    empty = Song(tmp_path / "Empty.minidaw")
    with pytest.raises(AssistantError, match="the project has no clips"):
        master_assistant(empty.project, empty.folder, target)
