"""Bounce to WAV and FLAC: exact quantisation, TPDF dither measured, rate conversion with exact
lengths and alignment, ranges, the loudness report, and nothing half-written."""

from __future__ import annotations

import errno
import json
import threading
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from daw.engine.export import bounce as bounce_module
from daw.engine.export import bounce_writer
from daw.engine.export.bounce import (
    BounceCancelled,
    BounceError,
    BounceSettings,
    bounce,
    loop_range,
    marker_range,
)
from daw.engine.export.bounce_report import find_figure, report_paths
from daw.model import ops
from tests.engine.songs import RATE, Song, tone


def stereo_song(song: Song) -> Song:
    song.media("pad", tone(RATE, 440, channels=2, amp=0.4))
    song.track("Pad")
    song.clip("Pad", "pad", 0, "c")
    return song


def read(path: Path, dtype: str = "float64") -> np.ndarray:
    data, _ = sf.read(path, dtype=dtype, always_2d=True)
    return data


def settings(path: Path, **kw) -> BounceSettings:
    """Bounce settings without the loudness report, unless asked for."""
    return BounceSettings(path, **{"report": False, **kw})


def test_32_bit_float_is_the_render_itself(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    out = bounce(song.project, song.folder, settings(tmp_path / "f.wav", bit_depth="32f"))
    np.testing.assert_array_equal(read(out, "float32"), song.audio["pad"].astype(np.float32))
    assert sf.info(out).subtype == "FLOAT"


@pytest.mark.parametrize("file_format", ["wav", "flac"])
def test_24_bit_without_dither_is_rounded_exactly(song: Song, tmp_path: Path,
                                                  file_format: str) -> None:
    stereo_song(song)
    out = bounce(song.project, song.folder,
                 settings(tmp_path / f"a.{file_format}", bit_depth="24", dither=False))
    assert (sf.info(out).format, sf.info(out).subtype) == (file_format.upper(), "PCM_24")
    ints = read(out, "int32") >> 8
    expected = np.rint(song.audio["pad"].astype(np.float32).astype(np.float64) * 2**23)
    np.testing.assert_array_equal(ints, expected)


@pytest.mark.parametrize(("depth", "dtype", "shift"), [("16", "int16", 0), ("24", "int32", 8)])
def test_16_and_24_bit_are_tpdf_dithered_and_repeatable(song: Song, tmp_path: Path, depth: str,
                                                        dtype: str, shift: int) -> None:
    stereo_song(song)
    first = bounce(song.project, song.folder, settings(tmp_path / "a.wav", bit_depth=depth))
    ints = (read(first, dtype) >> shift).astype(np.float64)
    exact = song.audio["pad"].astype(np.float32).astype(np.float64) * 2.0 ** (int(depth) - 1)
    error = ints - exact
    assert np.abs(error).max() <= 1.5  # rounding (0.5) plus at most one step of dither
    assert error.var() == pytest.approx(1 / 4, rel=0.05)  # TPDF (1/6) + rounding (1/12)
    assert abs(error.mean()) < 0.01
    second = bounce(song.project, song.folder, settings(tmp_path / "b.wav", bit_depth=depth))
    assert first.read_bytes() == second.read_bytes()


def test_dither_of_silence_and_a_tiny_tone(song: Song, tmp_path: Path) -> None:
    """Silence, then a tone of four 16-bit steps. The quantiser adds u1 − u2 (two uniform
    draws in [0, 1) LSB) and rounds: on silence that gives −1, 0, +1 LSB with probabilities
    1/8, 3/4, 1/8 (|u1 − u2| > 1/2 has probability 1/4); on any signal the error has mean 0
    and variance 1/4 LSB² whatever the signal's value (TPDF's point: 1/6 of dither plus 1/12
    of rounding, with no trace of the signal left in it)."""
    lsb = 2.0**-15
    n = 96000
    t = np.arange(n) / RATE
    quiet = (4 * lsb * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    song.media("tiny", np.stack([quiet, quiet[::-1].copy()], axis=1))
    song.track("Tiny")
    song.clip("Tiny", "tiny", n, "c")  # frames 0..n are digital silence
    dithered = read(bounce(song.project, song.folder,
                           settings(tmp_path / "d.wav", bit_depth="16")), "int16")
    plain = read(bounce(song.project, song.folder,
                        settings(tmp_path / "p.wav", bit_depth="16", dither=False)), "int16")
    assert dithered.shape == plain.shape == (2 * n, 2)

    silence = dithered[:n].ravel()
    assert set(np.unique(silence)) == {-1, 0, 1}
    shares = [np.mean(silence == v) for v in (-1, 0, 1)]
    np.testing.assert_allclose(shares, [1 / 8, 3 / 4, 1 / 8], atol=0.005)
    assert silence.astype(np.float64).var() == pytest.approx(1 / 4, rel=0.03)
    assert np.count_nonzero(plain[:n]) == 0  # without dither silence stays silent

    exact = song.audio["tiny"].astype(np.float32).astype(np.float64) / lsb
    error = dithered[n:].astype(np.float64) - exact
    assert abs(error.mean()) < 0.01
    assert error.var() == pytest.approx(1 / 4, rel=0.03)
    assert abs(np.corrcoef(error.ravel(), exact.ravel())[0, 1]) < 0.02
    fraction = (exact - np.floor(exact)).ravel()
    for low in np.arange(0.0, 1.0, 0.25):  # the error does not depend on where x falls
        inside = (fraction >= low) & (fraction < low + 0.25)
        assert error.ravel()[inside].var() == pytest.approx(1 / 4, rel=0.1)
    np.testing.assert_array_equal(plain[n:], np.rint(exact))  # plain rounding


def click_song(song: Song, frames: int, click: int) -> None:
    data = np.zeros((frames, 1), dtype=np.float32)
    data[click] = 0.5
    song.media("click", data)
    song.track("Click")
    song.clip("Click", "click", 0, "c")


FORMATS = [("wav", "16"), ("wav", "24"), ("wav", "32f"), ("flac", "16"), ("flac", "24")]


@pytest.mark.parametrize(("file_format", "depth"), FORMATS)
@pytest.mark.parametrize("rate", [44100, 48000, 96000, 22050])
def test_every_format_reads_back_with_its_length_and_alignment(
        song: Song, tmp_path: Path, file_format: str, depth: str, rate: int) -> None:
    frames, click, start = 30011, 12345, 1001
    click_song(song, frames, click)
    out = bounce(song.project, song.folder,
                 settings(tmp_path / f"x.{file_format}", start_frame=start, bit_depth=depth,
                          sample_rate=rate))
    info = sf.info(out)
    assert (info.format, info.samplerate, info.channels) == (file_format.upper(), rate, 2)
    data = read(out)
    assert len(data) == round((frames - start) * rate / RATE)
    expected = (click - start) * rate / RATE
    landed = np.argmax(np.abs(data[:, 0]))
    assert abs(landed - expected) <= 1
    near = np.arange(landed - 32, landed + 33)
    energy = data[near, 0] ** 2  # the resampled click is symmetric about where it belongs
    assert np.sum(near * energy) / np.sum(energy) == pytest.approx(expected, abs=0.05)
    np.testing.assert_allclose(data[:, 0], data[:, 1], atol=2.5 * 2.0**-15)  # mono; dither


def test_16_bit_flac_holds_the_same_samples_as_16_bit_wav(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    wav = bounce(song.project, song.folder, settings(tmp_path / "a.wav", bit_depth="16"))
    flac = bounce(song.project, song.folder, settings(tmp_path / "a.flac", bit_depth="16"))
    assert sf.info(flac).subtype == "PCM_16"
    np.testing.assert_array_equal(read(flac, "int16"), read(wav, "int16"))
    assert flac.stat().st_size < wav.stat().st_size


def test_rate_conversion_keeps_pitch_and_length(song: Song, tmp_path: Path) -> None:
    song.media("sine", (0.5 * np.sin(2 * np.pi * 1000 * np.arange(RATE) / RATE))[:, None]
               .astype(np.float32))
    song.track("Sine")
    song.clip("Sine", "sine", 0, "c")
    out = bounce(song.project, song.folder,
                 settings(tmp_path / "a.wav", bit_depth="32f", sample_rate=44100))
    data = read(out)
    assert sf.info(out).samplerate == 44100
    assert len(data) == 44100
    spectrum = np.abs(np.fft.rfft(data[2000:-2000, 0] * np.hanning(len(data) - 4000)))
    peak_hz = np.argmax(spectrum) * 44100 / (len(data) - 4000)
    assert peak_hz == pytest.approx(1000, abs=1.5)
    middle = data[4000:-4000, 0]
    assert np.abs(middle).max() == pytest.approx(0.5 * np.cos(np.pi / 4), rel=1e-3)


def test_ranges_marker_ranges_and_the_loop(song: Song, tmp_path: Path) -> None:
    stereo_song(song)
    song.project = ops.add_marker(song.project, "Verse", 1000)
    song.project = ops.add_marker(song.project, "Chorus", 30000)
    assert marker_range(song.project, "verse") == (1000, 30000)
    assert marker_range(song.project, "Chorus") == (30000, RATE)
    with pytest.raises(BounceError, match=r"no marker called 'Bridge'.*Verse, Chorus"):
        marker_range(song.project, "Bridge")
    assert loop_range((2000, 5000)) == (2000, 5000)
    with pytest.raises(BounceError, match="no loop region"):
        loop_range(None)
    with pytest.raises(BounceError, match="empty"):
        loop_range((5000, 5000))
    out = bounce(song.project, song.folder,
                 settings(tmp_path / "v.wav", start_frame=1000, end_frame=30000,
                          bit_depth="32f"))
    np.testing.assert_array_equal(read(out, "float32"),
                                  song.audio["pad"][1000:30000].astype(np.float32))
    past_the_end = bounce(song.project, song.folder,
                          settings(tmp_path / "e.wav", start_frame=RATE - 10,
                                   end_frame=RATE + 90, bit_depth="32f"))
    tail = read(past_the_end, "float32")
    assert len(tail) == 100 and np.count_nonzero(tail[10:]) == 0


def test_the_loudness_report(song: Song, tmp_path: Path) -> None:
    song.media("tone", tone(3 * RATE, 1000, channels=2, amp=0.25))
    song.track("T")
    song.clip("T", "tone", 0, "c")
    out = bounce(song.project, song.folder,
                 BounceSettings(tmp_path / "mix.wav", start_frame=100, bit_depth="32f"))
    json_path, text_path = report_paths(out)
    assert (json_path.name, text_path.name) == ("mix.loudness.json", "mix.loudness.txt")
    report = json.loads(json_path.read_text())
    data = read(out)
    assert report["frames"] == len(data) == 3 * RATE - 100
    assert report["bounce"]["range"] == {"start_frame": 100, "end_frame": 3 * RATE,
                                         "project_sample_rate": RATE,
                                         "start_seconds": 100 / RATE, "end_seconds": 3.0}
    assert report["bounce"]["bit_depth"] == "32f" and report["bounce"]["mastered"] is True
    peak = 20 * np.log10(np.abs(data).max())
    assert report["levels"]["overall_peak_dbfs"] == pytest.approx(peak, abs=1e-3)
    text = text_path.read_text()
    assert text.splitlines()[0] == "mix.wav: 32-bit float WAV, mastered"
    assert f"Sample peak:         {peak:.1f} dBFS" in text
    assert "Length:              0:02.998 (143900 frames at 48000 Hz)" in text
    integrated = find_figure(report, "integrated")
    if integrated is not None:  # once the analysis measures loudness
        expected = pyloudnorm.Meter(RATE).integrated_loudness(data)
        assert integrated == pytest.approx(expected, abs=0.1)
        assert f"Integrated loudness: {integrated:.1f} LUFS" in text
    else:
        assert "Integrated loudness: not measured" in text
    bounce(song.project, song.folder, settings(tmp_path / "quiet.wav"))
    assert not report_paths(tmp_path / "quiet.wav")[0].exists()


def test_find_figure_reads_nested_reports() -> None:
    report = {"levels": {"peak_dbfs": [-3.0, -1.0]},
              "loudness": {"integrated_lufs": -14.25, "true_peak_dbtp": [-1.5, -0.5],
                           "lra_lu": None}}
    assert find_figure(report, "integrated") == -14.25
    assert find_figure(report, "true_peak") == -0.5
    assert find_figure(report, "lra") == -np.inf
    assert find_figure(report, "peak_dbfs") == -1.0
    assert find_figure(report, "momentary") is None
    nested = {"true_peak": {"peak_dbtp": [-2.0, -0.7], "max_dbtp": -0.7}}
    assert find_figure(nested, "true_peak", "dbtp") == -0.7


def test_cancel_and_errors_leave_no_file(song: Song, tmp_path: Path, monkeypatch) -> None:
    stereo_song(song)
    monkeypatch.setattr(bounce_module, "BOUNCE_BLOCK", 4096)  # several blocks in this song
    target = tmp_path / "mix.wav"
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        cancel.set()

    with pytest.raises(BounceCancelled):
        bounce(song.project, song.folder, BounceSettings(target), progress, cancel)
    assert list(tmp_path.iterdir()) == [song.folder]

    real_write = sf.SoundFile.write

    def disk_full(self, data):
        if self.frames > 20000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(bounce_writer.sf.SoundFile, "write", disk_full)
    with pytest.raises(BounceError, match=r"^cannot write .*mix\.wav: no space left on device: "):
        bounce(song.project, song.folder, BounceSettings(target))
    assert list(tmp_path.iterdir()) == [song.folder]


def test_an_unwritable_place_is_named(song: Song, tmp_path: Path, monkeypatch) -> None:
    stereo_song(song)
    (tmp_path / "taken").mkdir()
    with pytest.raises(BounceError, match=r"^cannot write .*taken: Is a directory$"):
        bounce(song.project, song.folder, settings(tmp_path / "taken"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Test.minidaw", "taken"]

    real_open = Path.open

    def read_only_folder(self: Path, mode: str = "r", *args, **kw):
        if self.parent == tmp_path and "w" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, mode, *args, **kw)

    monkeypatch.setattr(Path, "open", read_only_folder)
    with pytest.raises(BounceError) as caught:
        bounce(song.project, song.folder, settings(tmp_path / "mix.wav"))
    assert str(caught.value) == f"cannot write {tmp_path / 'mix.wav'}: permission denied"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Test.minidaw", "taken"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"bit_depth": "8"}, "bit depth '8': choose 16, 24 or 32f"),
        ({"bit_depth": "32f", "path": "x.flac"}, "FLAC holds 16 or 24 bit"),
        ({"format": "mp3"}, "format 'mp3': choose wav or flac"),
        ({"format": "flac"}, r"x\.wav: a FLAC file should not end in \.wav"),
        ({"sample_rate": 4000}, r"sample rate 4000 Hz is not supported \(8000–384000 Hz\)"),
        ({"start_frame": -5}, "starts before the song"),
        ({"start_frame": 500, "end_frame": 500}, "nothing to render"),
        ({"stems_dir": Path("nope/stems")}, "no such folder"),
    ],
)
def test_clear_errors_for_bad_requests(song: Song, tmp_path: Path, kw: dict,
                                       message: str) -> None:
    stereo_song(song)
    kw = {k: tmp_path / v if isinstance(v, Path) else v for k, v in kw.items()}
    path = tmp_path / kw.pop("path", "x.wav")
    with pytest.raises(BounceError, match=message):
        bounce(song.project, song.folder, settings(path, **kw))
    assert list(tmp_path.iterdir()) == [song.folder]


def test_clear_errors_for_missing_things(song: Song, tmp_path: Path) -> None:
    with pytest.raises(BounceError, match="nothing to render"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "x.wav"))
    stereo_song(song)
    with pytest.raises(BounceError, match="no such folder"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "nope" / "x.wav"))
    (song.folder / "audio" / "pad.wav").unlink()  # played as silence, with a warning
    warnings: list[str] = []
    bounce(song.project, song.folder, BounceSettings(tmp_path / "x.wav", bit_depth="32f"),
           warn=warnings.append)
    assert warnings == ['1 media file is missing and plays as silence: audio/pad.wav '
                        '(track "Pad")']
    assert not read(tmp_path / "x.wav").any()


def test_a_mastered_bounce_lines_up_with_the_unmastered_one(song: Song, tmp_path: Path) -> None:
    """A look-ahead limiter on the master delays the mix; the bounce takes the delay back, so
    every sample sits where it does without the chain, to the last frame."""
    from dataclasses import replace as replace_

    from daw.model.project import EffectSettings

    stereo_song(song)
    limiter = EffectSettings("lim", "limiter", (("ceiling_db", 0.0), ("lookahead_ms", 5.0)))
    project = replace_(song.project, master=replace_(song.project.master, effects=(limiter,)))
    plain = bounce(project, song.folder, settings(tmp_path / "plain.wav", bit_depth="32f",
                                                  mastered=False))
    mastered = bounce(project, song.folder, settings(tmp_path / "m.wav", bit_depth="32f"))
    a, _ = sf.read(plain, dtype="float32")
    b, _ = sf.read(mastered, dtype="float32")
    assert a.shape == b.shape
    peak = np.abs(a).max()
    assert peak < 0.99  # the limiter leaves a quiet song alone: the files must be equal
    np.testing.assert_allclose(b, a, atol=1e-6)
