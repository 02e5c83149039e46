"""Stems: one file per track and bus, all as long as the main file and aligned with it, each
what its strip adds to the master sum, so that together they make the unmastered mix."""

from __future__ import annotations

import errno
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export import bounce as bounce_module
from daw.engine.export import bounce_writer
from daw.engine.export.bounce import BounceCancelled, BounceError, BounceSettings, bounce
from daw.engine.export.stems import safe_file_name, stem_paths
from daw.model import EffectSettings, ops
from daw.model.project import MASTER, VOLUME
from tests.engine.songs import RATE, Song, balance, db, mono_pan, tone

NULL = 1e-6


def read(path: Path) -> np.ndarray:
    data, _ = sf.read(path, dtype="float64", always_2d=True)
    return data


def mixed_song(song: Song) -> None:
    """A: mono, panned, post-fader send to bus R; B: stereo; C: muted; R: a bus with a chain;
    the master: a fader and a compressor (which no stem may contain)."""
    song.media("a", tone(20000, 300, seed=1))
    song.media("b", tone(15000, 500, channels=2, seed=2))
    song.media("c", tone(9000, 700, seed=3))
    song.track("A", gain=-6.0, pan=-0.3)
    song.track("B", gain=2.0, pan=0.5)
    song.track("C", mute=True)
    song.clip("A", "a", 1000, "ca")
    song.clip("B", "b", 0, "cb")
    song.clip("C", "c", 0, "cc")
    song.bus("R", gain=-1.0, pan=0.4)
    song.effects("R", EffectSettings("fx-r", "gain", (("gain_db", -2.0),)))
    song.send("A", "R", -3.0)
    song.effects(MASTER, EffectSettings("fx-m", "compressor", (("threshold_db", -30.0),)))
    song.project = ops.set_master_gain(song.project, -1.5)


def stems_of(folder: Path) -> dict[str, np.ndarray]:
    return {p.name: read(p) for p in sorted(folder.iterdir())}


def test_stems_add_up_to_the_unmastered_mix(song: Song, tmp_path: Path) -> None:
    mixed_song(song)
    raw = bounce(song.project, song.folder,
                 BounceSettings(tmp_path / "raw.wav", bit_depth="32f", mastered=False,
                                stems_dir=tmp_path / "stems", report=False))
    stems = stems_of(tmp_path / "stems")
    assert list(stems) == ["Test - A.wav", "Test - B.wav", "Test - C.wav", "Test - R.wav"]
    mix = read(raw)
    assert len(mix) == 21000 and all(s.shape == mix.shape for s in stems.values())
    np.testing.assert_allclose(sum(stems.values()), mix, atol=NULL, rtol=0)

    master = db(-1.5)
    a = np.zeros((21000, 1))
    a[1000:] = song.audio["a"]
    np.testing.assert_allclose(stems["Test - A.wav"], a * db(-6) * mono_pan(-0.3) * master,
                               atol=NULL, rtol=0)
    b = np.zeros((21000, 2))
    b[:15000] = song.audio["b"]
    np.testing.assert_allclose(stems["Test - B.wav"], b * db(2) * balance(0.5) * master,
                               atol=NULL, rtol=0)
    assert np.count_nonzero(stems["Test - C.wav"]) == 0  # muted: silent, but there
    sent = a * db(-6) * mono_pan(-0.3) * db(-3)  # post-fader send, then the bus
    np.testing.assert_allclose(stems["Test - R.wav"], sent * db(-2) * db(-1) * balance(0.4)
                               * master, atol=NULL, rtol=0)
    assert np.abs(mix - song.render()).max() > 0.01  # the compressor is not in it...
    chained = song.project
    song.project = replace(chained, master=replace(chained.master, effects=()))
    np.testing.assert_array_equal(mix, song.render())  # ...and all else is
    song.project = chained

    mastered = bounce(song.project, song.folder,
                      BounceSettings(tmp_path / "mastered.wav", bit_depth="32f",
                                     stems_dir=tmp_path / "again", report=False))
    np.testing.assert_array_equal(read(mastered), song.render())
    again = stems_of(tmp_path / "again")
    for name, stem in stems.items():  # stems never pass the master chain
        np.testing.assert_array_equal(again[name], stem)


def test_the_master_fader_and_its_automation_reach_the_stems(song: Song,
                                                             tmp_path: Path) -> None:
    mixed_song(song)
    song.automate(MASTER, VOLUME, [(2000, 0.0), (12000, -20.0)])
    raw = bounce(song.project, song.folder,
                 BounceSettings(tmp_path / "raw.wav", bit_depth="32f", mastered=False,
                                stems_dir=tmp_path, report=False))
    mix = read(raw)
    stems = [read(p) for p in sorted(tmp_path.glob("Test - *.wav"))]
    assert len(stems) == 4
    np.testing.assert_allclose(sum(stems), mix, atol=NULL, rtol=0)
    assert np.abs(mix[15000:]).max() < np.abs(mix[:2000]).max() * db(-12)  # faded by 20 dB


def click_song(song: Song) -> None:
    clicks = np.zeros((30000, 2), dtype=np.float32)
    clicks[7000, 0] = clicks[7000, 1] = 0.5
    song.media("clicks", clicks)
    song.media("pad", tone(30000, 220, channels=2, amp=0.2))
    song.track("Clicks")
    song.track("Pad")
    song.clip("Clicks", "clicks", 0, "c1")
    song.clip("Pad", "pad", 0, "c2")


@pytest.mark.parametrize(("suffix", "depth", "rate", "tolerance"), [
    ("wav", "32f", 44100, NULL),
    ("wav", "32f", 96000, NULL),
    ("flac", "24", 44100, 3 * 1.5 * 2.0**-23),  # each file's own rounding and dither
    ("wav", "16", 48000, 3 * 1.5 * 2.0**-15),
])
def test_stems_are_as_long_and_aligned_in_every_format(song: Song, tmp_path: Path, suffix: str,
                                                       depth: str, rate: int,
                                                       tolerance: float) -> None:
    click_song(song)
    start = 501
    main = bounce(song.project, song.folder,
                  BounceSettings(tmp_path / f"mix.{suffix}", start_frame=start, bit_depth=depth,
                                 sample_rate=rate, mastered=False, stems_dir=tmp_path / "st",
                                 report=False))
    stems = stems_of(tmp_path / "st")
    assert list(stems) == [f"Test - Clicks.{suffix}", f"Test - Pad.{suffix}"]
    mix = read(main)
    frames = round((30000 - start) * rate / RATE)
    assert len(mix) == frames and all(len(s) == frames for s in stems.values())
    assert {sf.info(p).samplerate for p in (tmp_path / "st").iterdir()} == {rate}
    np.testing.assert_allclose(sum(stems.values()), mix, atol=tolerance, rtol=0)
    landed = np.argmax(np.abs(stems[f"Test - Clicks.{suffix}"][:, 0]))
    assert abs(landed - (7000 - start) * rate / RATE) <= 1


def test_stems_from_render_processes_are_the_same_files(song: Song, tmp_path: Path) -> None:
    mixed_song(song)
    for workers in (1, 3):
        bounce(song.project, song.folder,
               BounceSettings(tmp_path / f"m{workers}.wav", bit_depth="24", workers=workers,
                              stems_dir=tmp_path / f"s{workers}", report=False))
    for one in (tmp_path / "s1").iterdir():
        assert one.read_bytes() == (tmp_path / "s3" / one.name).read_bytes()
    assert (tmp_path / "m1.wav").read_bytes() == (tmp_path / "m3.wav").read_bytes()


def test_stem_names_are_safe_and_apart(tmp_path: Path, song: Song) -> None:
    assert safe_file_name('Lead/Vox: "take 1"?', "x") == "Lead_Vox_ _take 1_"
    assert safe_file_name(" ..hidden.. ", "x") == "hidden"
    assert safe_file_name("...", "fallback") == "fallback"
    assert len(safe_file_name("a" * 300, "x")) == 120
    song.project = replace(song.project, name="My Song?")
    for name, track_id in (("Gtr", "t1"), ("gtr", "t2"), ("A/B", "t3"), ("...", "t4")):
        song.project = ops.add_track(song.project, name, track_id=track_id)
    paths = stem_paths(song.project, tmp_path, "flac")
    assert [p.name for p in paths.values()] == [
        "My Song_ - Gtr.flac", "My Song_ - gtr (2).flac", "My Song_ - A_B.flac",
        "My Song_ - t4.flac"]
    assert list(paths) == ["t1", "t2", "t3", "t4"]


def test_cancel_leaves_no_stem_and_no_folder(song: Song, tmp_path: Path,
                                             monkeypatch) -> None:
    mixed_song(song)
    monkeypatch.setattr(bounce_module, "BOUNCE_BLOCK", 4096)  # several blocks in this song
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        cancel.set()

    with pytest.raises(BounceCancelled):
        bounce(song.project, song.folder,
               BounceSettings(tmp_path / "mix.wav", stems_dir=tmp_path / "stems"),
               progress, cancel)
    assert seen == [4096]  # stopped at the next block
    assert list(tmp_path.iterdir()) == [song.folder]


def test_a_full_disk_while_writing_a_stem_names_it_and_finishes_the_rest(
        song: Song, tmp_path: Path, monkeypatch) -> None:
    mixed_song(song)
    monkeypatch.setattr(bounce_module, "BOUNCE_BLOCK", 4096)  # several blocks in this song
    clean = tmp_path / "clean"
    (clean / "stems").mkdir(parents=True)
    bounce(song.project, song.folder, BounceSettings(clean / "mix.wav",
                                                     stems_dir=clean / "stems", report=False))
    (tmp_path / "stems").mkdir()
    real_write = sf.SoundFile.write

    def disk_full(self, data):
        if "Test - B" in self.name and self.frames > 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(bounce_writer.sf.SoundFile, "write", disk_full)
    with pytest.raises(BounceError) as caught:
        bounce(song.project, song.folder,
               BounceSettings(tmp_path / "mix.wav", stems_dir=tmp_path / "stems"))
    failed = tmp_path / "stems" / "Test - B.wav"
    assert str(caught.value).startswith(f"cannot write {failed}: no space left on device: ")
    assert str(caught.value).endswith("; written all the same: mix.wav, Test - A.wav, "
                                      "Test - C.wav, Test - R.wav")
    # The mix and the other stems are finished, the same as without the fault; no partial.
    np.testing.assert_array_equal(read(tmp_path / "mix.wav"), read(clean / "mix.wav"))
    assert sorted(p.name for p in (tmp_path / "stems").iterdir()) == [
        "Test - A.wav", "Test - C.wav", "Test - R.wav"]
    for name in ("Test - A.wav", "Test - C.wav", "Test - R.wav"):
        np.testing.assert_array_equal(read(tmp_path / "stems" / name),
                                      read(clean / "stems" / name))
    assert (tmp_path / "mix.loudness.json").is_file()
    assert not [p for p in tmp_path.rglob(".*partial")]


def test_stems_into_a_file_or_over_the_mix_are_refused(song: Song, tmp_path: Path) -> None:
    mixed_song(song)
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BounceError, match=r"notes\.txt: not a folder"):
        bounce(song.project, song.folder,
               BounceSettings(tmp_path / "mix.wav", stems_dir=tmp_path / "notes.txt"))
    assert (tmp_path / "notes.txt").read_text() == "mine"
    with pytest.raises(BounceError, match=r"Test - B\.wav: a stem would have this name too"):
        bounce(song.project, song.folder,
               BounceSettings(tmp_path / "Test - B.wav", stems_dir=tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Test.minidaw", "notes.txt"]
