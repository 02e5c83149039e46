"""The metronome's click samples: read from resources/clicks at the project's rate, placed on
the beats by the metronome, and the synthesised clicks when the samples are missing."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from daw.dsp.click import Metronome, click_sound
from daw.engine.live.click_sounds import click_problem, click_sounds, clicks_folder
from daw.resources import resource_dir


def _maker():
    """resources/clicks/make_clicks.py, the script the samples come from."""
    path = resource_dir() / "clicks" / "make_clicks.py"
    spec = importlib.util.spec_from_file_location("make_clicks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_samples_are_the_files_made_by_their_script() -> None:
    maker = _maker()
    accent, beat = click_sounds(48000)
    np.testing.assert_array_equal(accent, maker.accent())
    np.testing.assert_array_equal(beat, maker.beat())
    assert click_problem(48000) is None
    assert np.abs(accent).max() == np.float32(0.9)
    np.testing.assert_allclose(np.abs(beat).max(), 0.9 * 10 ** (-3 / 20), rtol=1e-6)
    assert not accent.flags.writeable  # shared between metronomes


def test_samples_follow_the_project_rate() -> None:
    accent, _ = click_sounds(44100)
    file_accent, rate = sf.read(clicks_folder() / "accent.wav", dtype="float32")
    assert rate == 48000
    expected = soxr.resample(file_accent, 48000, 44100, quality="VHQ")
    np.testing.assert_allclose(accent, expected, atol=1e-7)
    assert len(accent) == round(len(file_accent) * 44100 / 48000)


def test_metronome_plays_the_samples_on_the_beats() -> None:
    accent, beat = click_sounds(48000)
    metronome = Metronome(48000, 120.0, 4, 4, level_db=-6.0, sounds=(accent, beat))
    out = np.zeros((4 * 24000 + 5000, 2), dtype=np.float32)
    metronome.add_to(0, out)
    gain = np.float32(10 ** (-6 / 20))
    expected = np.zeros_like(out)
    for beat_number in range(5):
        sound = accent if beat_number % 4 == 0 else beat
        at = beat_number * 24000
        expected[at:at + len(sound)] += (sound * gain)[:len(expected) - at, None]
    np.testing.assert_array_equal(out, expected)


def test_block_boundaries_cut_no_sample() -> None:
    metronome = Metronome(48000, 133.0, 3, 4, sounds=click_sounds(48000))
    whole = np.zeros((100000, 2), dtype=np.float32)
    metronome.add_to(-30000, whole)
    pieces = np.zeros_like(whole)
    for at in range(0, len(pieces), 997):
        metronome.add_to(-30000 + at, pieces[at:at + 997])
    np.testing.assert_array_equal(pieces, whole)


def test_missing_samples_fall_back_to_the_synthesised_click(tmp_path: Path) -> None:
    folder = tmp_path / "clicks"
    folder.mkdir()
    shutil.copy(clicks_folder() / "accent.wav", folder / "accent.wav")  # beat.wav is missing
    accent, beat = click_sounds(48000, folder)
    np.testing.assert_array_equal(accent, click_sound(48000, 1500.0))
    np.testing.assert_array_equal(beat, click_sound(48000, 1000.0) * np.float32(0.7))
    problem = click_problem(48000, folder)
    assert problem is not None and "beat.wav: file not found" in problem


def test_a_damaged_sample_falls_back_and_says_which_file(tmp_path: Path) -> None:
    folder = tmp_path / "clicks"
    folder.mkdir()
    shutil.copy(clicks_folder() / "accent.wav", folder / "accent.wav")
    (folder / "beat.wav").write_bytes(b"RIFF, but not really")
    click_sounds(32000, folder)
    problem = click_problem(32000, folder)
    assert problem is not None and problem.startswith("click samples unavailable (beat.wav: ")
