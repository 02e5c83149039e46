"""A whole-song bounce goes on past the last clip while reverb and delay tails still sound."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceSettings, bounce
from daw.engine.export.tail import TAIL_FLOOR, quiet_window
from daw.model import EffectSettings
from tests.engine.songs import Song, tone

RATE = 48000
SONG = 12000
"""The last clip ends here (a quarter of a second)."""


def delayed_song(song: Song, feedback: float = 50.0) -> Song:
    """A short tone sent to a bus with a 100 ms delay: repeats ring on past the clip."""
    song.media("t", tone(SONG, 440, amp=0.5, seed=3))
    song.track("A")
    song.clip("A", "t", 0, "ct")
    song.bus("FX")
    song.effects("FX", EffectSettings("echo", "delay", (
        ("delay_ms", 100.0), ("feedback_percent", feedback), ("mix_percent", 100.0))))
    song.send("A", "FX", -6.0)
    return song


def read(path: Path) -> np.ndarray:
    return sf.read(path, dtype="float32", always_2d=True)[0]


def test_the_tail_goes_on_until_below_minus_90_dbfs_and_equals_an_explicit_end(
        make_song, tmp_path: Path) -> None:
    song = delayed_song(make_song("echo"))
    mix = read(bounce(song.project, song.folder,
                      BounceSettings(tmp_path / "mix.wav", bit_depth="32f")))
    assert len(mix) > SONG + RATE // 2  # the repeats at 50 % feedback last past a second
    assert np.abs(mix[-1]).max() >= TAIL_FLOOR  # it ends on its last sample above the floor
    assert np.abs(mix[SONG:]).max() > 0.01  # the echoes are there
    explicit = read(bounce(song.project, song.folder, BounceSettings(
        tmp_path / "long.wav", bit_depth="32f", end_frame=len(mix) + RATE)))
    assert np.abs(explicit[len(mix):]).max() < TAIL_FLOOR  # nothing loud was cut off
    np.testing.assert_array_equal(mix, explicit[:len(mix)])
    same = read(bounce(song.project, song.folder, BounceSettings(
        tmp_path / "same.wav", bit_depth="32f", end_frame=len(mix))))
    np.testing.assert_array_equal(same, mix)


def test_the_tail_is_capped_and_a_cap_of_zero_keeps_the_song_length(
        make_song, tmp_path: Path) -> None:
    song = delayed_song(make_song("capped"), feedback=99.0)  # rings for a very long time
    capped = read(bounce(song.project, song.folder,
                         BounceSettings(tmp_path / "cap.wav", bit_depth="32f", tail=2.0)))
    assert len(capped) == SONG + 2 * RATE
    none = read(bounce(song.project, song.folder,
                       BounceSettings(tmp_path / "none.wav", bit_depth="32f", tail=0.0)))
    assert len(none) == SONG
    np.testing.assert_array_equal(none, capped[:SONG])


def test_a_range_with_an_end_adds_no_tail_unless_asked(make_song, tmp_path: Path) -> None:
    song = delayed_song(make_song("range"))
    plain = read(bounce(song.project, song.folder,
                        BounceSettings(tmp_path / "r.wav", bit_depth="32f", end_frame=6000)))
    assert len(plain) == 6000
    tailed = read(bounce(song.project, song.folder, BounceSettings(
        tmp_path / "t.wav", bit_depth="32f", end_frame=6000, tail=5.0)))
    assert len(tailed) > 6000 + RATE // 10


def test_stems_are_as_long_as_the_mix_with_its_tail(make_song, tmp_path: Path) -> None:
    song = delayed_song(make_song("stems"))
    stems = tmp_path / "stems"
    mix = read(bounce(song.project, song.folder, BounceSettings(
        tmp_path / "mix.wav", bit_depth="32f", stems_dir=stems, mastered=False)))
    lengths = {path.name: len(read(path)) for path in stems.glob("*.wav")}
    assert len(lengths) == 2 and set(lengths.values()) == {len(mix)}
    assert len(mix) > SONG + RATE // 2


@pytest.mark.parametrize("workers", [1, 2])
def test_a_reverb_tail_renders_the_same_in_render_processes(
        make_song, tmp_path: Path, workers: int) -> None:
    song = make_song(f"verb{workers}")
    for name in ("A", "B"):
        song.media(f"m{name}", tone(SONG, 300 if name == "A" else 500, amp=0.4, seed=2))
        song.track(name)
        song.clip(name, f"m{name}", 0, f"c{name}")
        song.effects(name, EffectSettings(f"v{name}", "reverb", (("room_size_percent", 80.0),)))
    one = read(bounce(song.project, song.folder,
                      BounceSettings(tmp_path / "one.wav", bit_depth="32f", workers=1)))
    many = read(bounce(song.project, song.folder,
                       BounceSettings(tmp_path / f"{workers}.wav", bit_depth="32f",
                                      workers=workers)))
    assert len(one) > SONG + RATE // 10
    np.testing.assert_array_equal(many, one)


def test_the_quiet_window_outlasts_the_longest_delay(make_song) -> None:
    song = delayed_song(make_song("window"))
    assert quiet_window(song.project) == RATE // 2  # 100 ms echoes: half a second is enough
    song.effects("FX", EffectSettings("long", "delay", (("delay_ms", 2000.0),)))
    assert quiet_window(song.project) > 2 * RATE
