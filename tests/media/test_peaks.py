"""The peak cache: levels and queries equal brute-force min/max; the cache file is trusted only
when it matches the audio file, and anything wrong with it means a silent rebuild."""

from __future__ import annotations

import itertools
import math
import os
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.media import MediaError
from daw.media import peaks as peaks_module
from daw.media.peaks import (
    FINEST_WINDOW,
    PeakBuildCancelled,
    PeakReader,
    Peaks,
    build_peaks,
    cache_file,
    level_windows,
    load_or_build,
    load_peaks,
    save_peaks,
)
from daw.model.project import MediaRef

RATE = 48000


def noise(frames: int, channels: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, (frames, channels)).astype(np.float32)


def stereo_signal(frames: int, seed: int = 7) -> np.ndarray:
    """Left: a ramp from -1 to 1 with noise on top; right: louder seeded noise. Both on the
    16-bit grid, so every format stores them exactly."""
    ramp = np.linspace(-0.9, 0.9, frames, dtype=np.float64)
    left = ramp + 0.05 * noise(frames, 1, seed)[:, 0]
    right = 0.9 * noise(frames, 1, seed + 1)[:, 0]
    data = np.stack([left, right], axis=1)
    return (np.round(data * 32768) / 32768).astype(np.float32)


def write(path: Path, data: np.ndarray, subtype: str = "PCM_16", fmt: str = "WAV") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), data, RATE, subtype=subtype, format=fmt)
    return path


def brute_level(data: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-window min and max, (channels, windows), the last window partial."""
    count = -(-len(data) // window)
    mins = np.array([data[i * window : (i + 1) * window].min(axis=0) for i in range(count)])
    maxs = np.array([data[i * window : (i + 1) * window].max(axis=0) for i in range(count)])
    shape = (data.shape[1], count)
    return mins.T.reshape(shape), maxs.T.reshape(shape)


def brute_columns(
    data: np.ndarray, start: float, fpp: float, pixels: int, window: int
) -> tuple[np.ndarray, np.ndarray]:
    """The documented meaning of a query, one column at a time."""
    mins = np.full((data.shape[1], pixels), np.nan, dtype=np.float32)
    maxs = mins.copy()
    for p in range(pixels):
        lo = math.floor((start + fpp * p) / window)
        hi = max(math.floor((start + fpp * (p + 1)) / window), lo + 1)
        first, end = max(lo * window, 0), min(hi * window, len(data))
        if first < end:
            mins[:, p] = data[first:end].min(axis=0)
            maxs[:, p] = data[first:end].max(axis=0)
    return mins, maxs


def coarsest_window(windows: tuple[int, ...], fpp: float) -> int:
    fitting = [w for w in windows if w <= fpp]
    return max(fitting) if fitting else windows[0]


def assert_same(got: tuple[np.ndarray, np.ndarray], want: tuple[np.ndarray, np.ndarray]) -> None:
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


@pytest.fixture(params=[1 << 18, 384], ids=["default-blocks", "small-blocks"])
def block_frames(request, monkeypatch) -> int:
    """Builds with the real block size, and with blocks small enough that a file spans many."""
    monkeypatch.setattr(peaks_module, "BLOCK_FRAMES", request.param)
    return request.param


@pytest.mark.parametrize("frames", [1, 127, 128, 129, 511, 513, 4097, 70_001])
@pytest.mark.parametrize("channels", [1, 2])
def test_every_level_equals_brute_force(tmp_path, block_frames, frames, channels) -> None:
    data = stereo_signal(frames)[:, :channels]
    peaks = build_peaks(write(tmp_path / "a.wav", data))
    assert peaks.channels == channels and peaks.length_frames == frames
    assert peaks.windows == level_windows(frames)
    assert peaks.windows[-1] >= frames and peaks.levels[-1][0].shape[1] == 1
    for window, level in zip(peaks.windows, peaks.levels, strict=True):
        assert_same(level, brute_level(data, window))


@pytest.mark.parametrize(
    ("subtype", "fmt"),
    [("PCM_16", "WAV"), ("FLOAT", "WAV"), ("PCM_24", "WAV"), ("PCM_16", "FLAC")],
)
def test_formats_give_the_samples_exact_values(tmp_path, subtype, fmt) -> None:
    suffix = ".flac" if fmt == "FLAC" else ".wav"
    data = stereo_signal(10_000, seed=3)
    if subtype == "FLOAT":
        data = data * 1.5  # float files may go past full scale; the peaks keep that
    path = write(tmp_path / f"a{suffix}", data, subtype, fmt)
    decoded, _ = sf.read(str(path), dtype="float32", always_2d=True)
    np.testing.assert_array_equal(decoded, data)
    peaks = build_peaks(path)
    for window, level in zip(peaks.windows, peaks.levels, strict=True):
        assert_same(level, brute_level(data, window))


def test_level_for_picks_the_coarsest_window_that_fits_a_pixel(tmp_path) -> None:
    peaks = build_peaks(write(tmp_path / "a.wav", stereo_signal(600_000)))
    assert peaks.windows == (128, 512, 2048, 8192, 32768, 131072, 524288, 2097152)
    for fpp in [0.5, 1, 127.9, 128, 511.5, 512, 3000, 8192, 1e6, 2097152, 1e9]:
        assert peaks.windows[peaks.level_for(fpp)] == coarsest_window(peaks.windows, fpp)


@pytest.fixture(scope="module")
def long_file(tmp_path_factory) -> tuple[Path, np.ndarray, Peaks]:
    """600 001 frames of stereo: eight levels, the last windows partial."""
    data = stereo_signal(600_001, seed=11)
    path = write(tmp_path_factory.mktemp("long") / "long.wav", data)
    return path, data, build_peaks(path)


def random_queries(seed: int, count: int, fpp_low: float, fpp_high: float, length: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        fpp = float(np.exp(rng.uniform(np.log(fpp_low), np.log(fpp_high))))
        pixels = int(rng.integers(1, 400))
        start = float(rng.uniform(-fpp * 20, length + fpp * 5))
        if rng.random() < 0.3:
            start = float(round(start))  # whole-frame starts too
        yield start, fpp, pixels


def test_queries_equal_brute_force_at_any_position_and_zoom(long_file) -> None:
    _, data, peaks = long_file
    for start, fpp, pixels in random_queries(1, 150, 1.0, 3e6, len(data)):
        window = coarsest_window(peaks.windows, fpp)
        got = peaks.query(start, fpp, pixels)
        assert got[0].shape == (2, pixels) and got[0].dtype == np.float32
        assert_same(got, brute_columns(data, start, fpp, pixels, window))


@pytest.mark.parametrize(
    ("start", "fpp", "pixels"),
    [
        (0.0, 128.0, 4688),  # finest level, whole file, last column partial
        (0.0, 600_001 / 1000, 1000),  # the whole file in 1000 pixels
        (599_000.5, 1000.0, 10),  # past the end: NaN columns after the last frame
        (-5000.0, 513.0, 20),  # before frame 0: NaN columns first
        (1e9, 4096.0, 10),  # entirely past the end
        (1234.567, 2047.999, 300),  # just under a level's window: the finer level
        (1234.567, 2048.0, 300),  # exactly a level's window
        (0.0, 5e8, 3),  # coarser than the coarsest level
    ],
)
def test_query_edges(long_file, start, fpp, pixels) -> None:
    _, data, peaks = long_file
    want = brute_columns(data, start, fpp, pixels, coarsest_window(peaks.windows, fpp))
    assert_same(peaks.query(start, fpp, pixels), want)


def test_columns_split_the_audio_so_a_click_shows_once(tmp_path) -> None:
    data = np.zeros((100_000, 1), dtype=np.float32)
    data[54_321] = 0.5
    peaks = build_peaks(write(tmp_path / "click.wav", data))
    for fpp in [128.0, 200.3, 777.7, 4096.0, 9999.9]:
        mins, maxs = peaks.query(-333.3, fpp, int(100_400 / fpp))
        assert np.count_nonzero(maxs[0] == 0.5) == 1
        assert np.nanmin(mins) == 0.0


def test_finer_than_the_finest_level_reads_samples(long_file) -> None:
    path, data, peaks = long_file
    with PeakReader(path, peaks) as reader:
        for start, fpp, pixels in random_queries(2, 150, 0.05, 127.99, len(data)):
            got = reader.query(start, fpp, pixels)
            assert_same(got, brute_columns(data, start, fpp, pixels, 1))
        # From the finest level up, the reader answers as the peaks do.
        assert_same(reader.query(1000.5, 300.0, 200), peaks.query(1000.5, 300.0, 200))
        # Several pixels a frame: each column shows the frame its left edge is in.
        mins, maxs = reader.query(10.0, 0.25, 8)
        np.testing.assert_array_equal(mins, np.repeat(data[10:12].T, 4, axis=1))
        np.testing.assert_array_equal(maxs, mins)


def test_reader_samples_are_the_audio_with_zeros_outside(long_file) -> None:
    path, data, peaks = long_file
    with PeakReader(path, peaks) as reader:
        for start, count in [(0, 100), (-50, 120), (599_990, 30), (700_000, 5), (300_000, 1)]:
            want = np.zeros((2, count), dtype=np.float32)
            lo, hi = max(start, 0), min(start + count, len(data))
            if lo < hi:
                want[:, lo - start : hi - start] = data[lo:hi].T
            np.testing.assert_array_equal(reader.samples(start, count), want)


def test_bad_zoom_is_refused(long_file) -> None:
    _, _, peaks = long_file
    with pytest.raises(ValueError, match="frames_per_pixel"):
        peaks.query(0, 0, 10)
    with pytest.raises(ValueError, match="pixels"):
        peaks.query(0, 10, -1)
    with pytest.raises(ValueError, match="from frame nan"):
        peaks.query(float("nan"), 10, 5)
    assert peaks.query(0, 10, 0)[0].shape == (2, 0)


def test_empty_file_has_no_audio_under_any_column(tmp_path) -> None:
    path = write(tmp_path / "empty.wav", np.zeros((0, 2), dtype=np.float32))
    peaks = build_peaks(path)
    assert peaks.length_frames == 0 and peaks.windows == (FINEST_WINDOW,)
    assert np.isnan(peaks.query(0, 200, 5)[0]).all()
    with PeakReader(path, peaks) as reader:
        assert np.isnan(reader.query(0, 0.5, 5)[1]).all()
    save_peaks(peaks, tmp_path / "empty.peaks")
    loaded = load_peaks(tmp_path / "empty.peaks", path)
    assert loaded is not None and loaded.length_frames == 0


# The cache on disk.


@pytest.fixture
def project(tmp_path) -> tuple[Path, MediaRef, np.ndarray]:
    folder = tmp_path / "Song.minidaw"
    data = stereo_signal(50_001, seed=5)
    write(folder / "audio" / "take.wav", data)
    return folder, MediaRef("media-take1", "audio/take.wav", 2, len(data)), data


def assert_peaks_of(peaks: Peaks, data: np.ndarray) -> None:
    assert peaks.length_frames == len(data)
    for window, level in zip(peaks.windows, peaks.levels, strict=True):
        assert_same(level, brute_level(data, window))


def built_from_scratch(folder: Path, ref: MediaRef) -> tuple[Peaks, bool]:
    """load_or_build, and whether it read the audio (a build reports progress, a load not)."""
    reports: list[float] = []
    peaks = load_or_build(folder, ref, progress=reports.append)
    return peaks, bool(reports)


def test_cache_round_trip(project) -> None:
    folder, ref, data = project
    peaks, built = built_from_scratch(folder, ref)
    assert built
    target = folder / "cache" / "peaks" / "media-take1.peaks"
    assert cache_file(folder, ref.id) == target and target.is_file()
    again, built = built_from_scratch(folder, ref)
    assert not built
    assert again.windows == peaks.windows and again.sample_rate == RATE
    assert_peaks_of(again, data)
    assert_same(again.query(100.5, 333.3, 150), peaks.query(100.5, 333.3, 150))
    assert os.listdir(target.parent) == [target.name]  # no temporary files left


def test_progress_rises_to_one(project, monkeypatch) -> None:
    monkeypatch.setattr(peaks_module, "BLOCK_FRAMES", 4096)
    folder, ref, _ = project
    reports: list[float] = []
    load_or_build(folder, ref, progress=reports.append)
    assert len(reports) > 10 and reports[-1] == 1.0
    assert all(0 < a <= b <= 1 for a, b in itertools.pairwise(reports))


@pytest.mark.parametrize("change", ["longer", "same-size"])
def test_a_changed_audio_file_is_read_again(project, change) -> None:
    folder, ref, _ = project
    load_or_build(folder, ref)
    stat = (folder / ref.path).stat()
    new = stereo_signal(60_000 if change == "longer" else 50_001, seed=99)
    write(folder / ref.path, new)
    if change == "same-size":
        assert (folder / ref.path).stat().st_size == stat.st_size
        os.utime(folder / ref.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    peaks, built = built_from_scratch(folder, ref)
    assert built
    assert_peaks_of(peaks, new)
    assert not built_from_scratch(folder, ref)[1]  # and saved again


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-4])


def _grow(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\0" * 4)


def _garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(0).bytes(path.stat().st_size))


def _header_only(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:40])


def _flip_header_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    raw[17] ^= 0x01  # the sample rate: nothing but the header's checksum can tell
    path.write_bytes(bytes(raw))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage", [_truncate, _grow, _garbage, _header_only, _flip_header_byte, _empty]
)
def test_a_damaged_cache_is_rebuilt_silently(project, damage) -> None:
    folder, ref, data = project
    load_or_build(folder, ref)
    damage(cache_file(folder, ref.id))
    peaks, built = built_from_scratch(folder, ref)
    assert built
    assert_peaks_of(peaks, data)
    assert_peaks_of(load_peaks(cache_file(folder, ref.id), folder / ref.path), data)


def test_a_directory_in_place_of_the_cache_file_is_left_alone(project) -> None:
    folder, ref, data = project
    cache_file(folder, ref.id).mkdir(parents=True)
    assert_peaks_of(load_or_build(folder, ref), data)


def test_an_unwritable_cache_folder_still_gives_peaks(project) -> None:
    folder, ref, data = project
    (folder / "cache").write_bytes(b"not a folder")
    assert_peaks_of(load_or_build(folder, ref), data)


def test_cancel_stops_the_build_and_saves_nothing(project, monkeypatch) -> None:
    monkeypatch.setattr(peaks_module, "BLOCK_FRAMES", 4096)
    folder, ref, _ = project
    cancel = threading.Event()
    reports: list[float] = []

    def progress(fraction: float) -> None:
        reports.append(fraction)
        if len(reports) == 2:
            cancel.set()

    with pytest.raises(PeakBuildCancelled):
        load_or_build(folder, ref, progress=progress, cancel=cancel)
    assert len(reports) == 2  # stopped at the next block
    peaks_dir = folder / "cache" / "peaks"
    assert not peaks_dir.exists() or not any(peaks_dir.iterdir())
    with pytest.raises(PeakBuildCancelled):
        build_peaks(folder / ref.path, cancel=cancel)


def test_missing_or_unreadable_audio_names_the_file(project) -> None:
    folder, ref, _ = project
    (folder / ref.path).unlink()
    with pytest.raises(MediaError, match=r"^audio/take\.wav \(media media-take1\): missing$"):
        load_or_build(folder, ref)
    (folder / ref.path).write_bytes(b"RIFF nonsense")
    with pytest.raises(MediaError, match=r"^audio/take\.wav \(media media-take1\): unreadable"):
        load_or_build(folder, ref)


def test_reader_notices_a_file_with_other_channels(project) -> None:
    folder, ref, data = project
    peaks = load_or_build(folder, ref)
    write(folder / ref.path, data[:, :1])
    with (
        PeakReader(folder / ref.path, peaks) as reader,
        pytest.raises(MediaError, match="has 1 channels now, 2 when its peaks were built"),
    ):
        reader.query(0, 10, 10)


@pytest.mark.parametrize("media_id", ["", "../x", "a/b", "a\\b", ".hidden"])
def test_media_ids_that_cannot_name_a_file_are_refused(tmp_path, media_id) -> None:
    with pytest.raises(ValueError, match="cannot name a cache file"):
        cache_file(tmp_path, media_id)
