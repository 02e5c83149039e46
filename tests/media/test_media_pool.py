"""MediaPool: block reads equal slices of the files, with zeros outside; check() finds changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.media import MediaError, MediaPool, import_audio
from daw.model.project import MediaRef

RATE = 48000


def read_all(path: Path) -> np.ndarray:
    data, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    return data


def expected_slice(source: np.ndarray, offset: int, count: int) -> np.ndarray:
    """Frames [offset, offset + count) of ``source``, zeros where the source has none."""
    out = np.zeros((count, source.shape[1]), dtype=np.float32)
    start, end = max(offset, 0), min(offset + count, len(source))
    if start < end:
        out[start - offset : end - offset] = source[start:end]
    return out


@pytest.fixture
def media(write_audio, make_noise, make_sine, project_dir):
    """Three imported files: stereo 24-bit WAV, mono float WAV, stereo FLAC (decoded by blocks)."""
    sources = [
        write_audio("Guitar.wav", make_noise(50_000, 2, seed=1), RATE, "WAV", "PCM_24"),
        write_audio("Click.wav", make_sine(1000, RATE, 30_001)[:, None], RATE, "WAV", "FLOAT"),
        write_audio("Keys.flac", make_noise(70_000, 2, seed=3), RATE, "FLAC", "PCM_16"),
    ]
    refs = [import_audio(path, project_dir, RATE) for path in sources]
    data = {ref.id: read_all(project_dir / ref.path) for ref in refs}
    return refs, data


def test_random_reads_equal_slices_of_the_source(project_dir, media):
    refs, data = media
    rng = np.random.default_rng(2024)
    with MediaPool(project_dir, refs) as pool:
        for ref in refs:
            source = data[ref.id]
            for count in (1, 64, 65, 8193, len(source)):
                for _ in range(25):
                    offset = int(rng.integers(-count - 10, len(source) + 10))
                    out = np.full((count, ref.channels), np.nan, dtype=np.float32)
                    pool.read_into(ref.id, offset, out)
                    np.testing.assert_array_equal(out, expected_slice(source, offset, count))


def test_interleaved_reads_of_several_files(project_dir, media):
    refs, data = media
    rng = np.random.default_rng(7)
    with MediaPool(project_dir, refs, max_open_files=2) as pool:
        for _ in range(200):
            ref = refs[int(rng.integers(len(refs)))]
            count = int(rng.choice([1, 64, 65, 8193]))
            offset = int(rng.integers(-100, ref.length_frames + 100))
            out = np.empty((count, ref.channels), dtype=np.float32)
            pool.read_into(ref.id, offset, out)
            np.testing.assert_array_equal(out, expected_slice(data[ref.id], offset, count))


@pytest.mark.parametrize("block", [1, 64, 65, 8193])
def test_sequential_reads_rebuild_the_whole_file(project_dir, media, block):
    refs, data = media
    with MediaPool(project_dir, refs) as pool:
        for ref in refs:
            offsets = range(-300, ref.length_frames + 2 * block, block)
            blocks = []
            for offset in offsets:
                out = np.empty((block, ref.channels), dtype=np.float32)
                pool.read_into(ref.id, offset, out)
                blocks.append(out)
            got = np.concatenate(blocks)
            np.testing.assert_array_equal(got, expected_slice(data[ref.id], -300, len(got)))


def test_mono_media_reads_as_one_column(project_dir, media):
    refs, data = media
    click = refs[1]
    out = np.empty((480, 1), dtype=np.float32)

    with MediaPool(project_dir, refs) as pool:
        pool.read_into(click.id, 48, out)

    np.testing.assert_array_equal(out, data[click.id][48:528])
    # The file holds a 1 kHz sine at 0.5: frame 48 starts a period, frame 60 is its peak.
    assert out[0, 0] == pytest.approx(0.0, abs=1e-6)
    assert out[12, 0] == pytest.approx(0.5, abs=1e-6)


def test_reads_outside_the_file_are_zeros(project_dir, media):
    refs, data = media
    guitar = refs[0]
    source = data[guitar.id]
    with MediaPool(project_dir, refs) as pool:
        before = np.full((100, 2), 9.0, dtype=np.float32)
        pool.read_into(guitar.id, -100, before)
        after = np.full((100, 2), 9.0, dtype=np.float32)
        pool.read_into(guitar.id, guitar.length_frames, after)
        straddle = np.full((100, 2), 9.0, dtype=np.float32)
        pool.read_into(guitar.id, guitar.length_frames - 30, straddle)

    np.testing.assert_array_equal(before, 0.0)
    np.testing.assert_array_equal(after, 0.0)
    np.testing.assert_array_equal(straddle[:30], source[-30:])
    np.testing.assert_array_equal(straddle[30:], 0.0)


def test_reads_stop_at_the_length_the_project_knows(project_dir, media):
    refs, data = media
    guitar = refs[0]
    shorter = MediaRef(guitar.id, guitar.path, guitar.channels, 1000, guitar.source_name)
    out = np.empty((50, 2), dtype=np.float32)

    with MediaPool(project_dir, [shorter]) as pool:
        pool.read_into(guitar.id, 980, out)

    np.testing.assert_array_equal(out[:20], data[guitar.id][980:1000])
    np.testing.assert_array_equal(out[20:], 0.0)


def test_a_closed_pool_opens_files_again_when_read(project_dir, media):
    refs, data = media
    pool = MediaPool(project_dir, refs)
    out = np.empty((10, 2), dtype=np.float32)
    pool.read_into(refs[0].id, 0, out)
    pool.close()

    pool.read_into(refs[0].id, 5, out)
    pool.close()

    np.testing.assert_array_equal(out, data[refs[0].id][5:15])


def test_wrong_buffers_and_unknown_ids_are_refused(project_dir, media):
    refs, _data = media
    with MediaPool(project_dir, refs) as pool:
        with pytest.raises(ValueError, match="shape"):
            pool.read_into(refs[0].id, 0, np.empty((10, 1), dtype=np.float32))
        with pytest.raises(ValueError, match="float32"):
            pool.read_into(refs[0].id, 0, np.empty((10, 2), dtype=np.float64))
        with pytest.raises(ValueError, match="C-contiguous"):
            pool.read_into(refs[0].id, 0, np.empty((2, 10), dtype=np.float32).T)
        with pytest.raises(KeyError, match="media-nope"):
            pool.read_into("media-nope", 0, np.empty((10, 2), dtype=np.float32))


def test_duplicate_ids_are_refused(project_dir, media):
    refs, _data = media
    with pytest.raises(ValueError, match="twice"):
        MediaPool(project_dir, [refs[0], refs[0]])


def test_check_passes_for_intact_media(project_dir, media):
    refs, _data = media
    with MediaPool(project_dir, refs, sample_rate=RATE) as pool:
        pool.check()


def test_check_reports_a_deleted_file(project_dir, media):
    refs, _data = media
    (project_dir / refs[1].path).unlink()

    with MediaPool(project_dir, refs) as pool, pytest.raises(MediaError) as caught:
        pool.check()

    assert str(caught.value) == (
        f"1 media file has a problem: audio/Click.wav (media {refs[1].id}): missing"
    )


def test_check_reports_every_problem_at_once(write_audio, make_noise, project_dir, media):
    refs, _data = media
    guitar, click, keys = refs
    # Replace the guitar with a shorter file and the keys with a mono one; delete the click.
    sf.write(str(project_dir / guitar.path), make_noise(1234, 2), RATE, subtype="PCM_24")
    sf.write(str(project_dir / keys.path), make_noise(70_000, 1), RATE, format="FLAC")
    (project_dir / click.path).unlink()

    with MediaPool(project_dir, refs) as pool, pytest.raises(MediaError) as caught:
        pool.check()

    assert caught.value.problems == (
        f"audio/Guitar.wav (media {guitar.id}): 1234 frames, the project expects 50000",
        f"audio/Click.wav (media {click.id}): missing",
        f"audio/Keys.flac (media {keys.id}): 1 channel, the project expects 2",
    )
    message = str(caught.value)
    assert message.startswith("3 media problems: ")
    assert all(problem in message for problem in caught.value.problems)


def test_check_reports_unreadable_and_wrong_rate_files(make_noise, project_dir, media):
    refs, _data = media
    guitar, click, _keys = refs
    (project_dir / guitar.path).write_text("overwritten by a text editor")
    sf.write(str(project_dir / click.path), make_noise(30_001, 1), 44100, subtype="FLOAT")

    with MediaPool(project_dir, refs, sample_rate=RATE) as pool, pytest.raises(MediaError) as c:
        pool.check()

    assert c.value.problems == (
        f"audio/Guitar.wav (media {guitar.id}): unreadable (Format not recognised)",
        f"audio/Click.wav (media {click.id}): 44100 Hz, the project runs at 48000 Hz",
    )


def test_check_makes_later_reads_see_the_new_file(make_noise, project_dir, media):
    refs, _data = media
    guitar = refs[0]
    out = np.empty((100, 2), dtype=np.float32)
    with MediaPool(project_dir, refs) as pool:
        pool.read_into(guitar.id, 0, out)
        replacement = make_noise(50_000, 2, seed=77)
        sf.write(str(project_dir / guitar.path), replacement, RATE, subtype="FLOAT")
        pool.check()
        pool.read_into(guitar.id, 0, out)

    np.testing.assert_array_equal(out, replacement[:100])


def test_reading_a_missing_file_names_it(project_dir, media):
    refs, _data = media
    (project_dir / refs[2].path).unlink()

    with MediaPool(project_dir, refs) as pool, pytest.raises(MediaError) as caught:
        pool.read_into(refs[2].id, 0, np.empty((10, 2), dtype=np.float32))

    assert str(caught.value) == f"audio/Keys.flac (media {refs[2].id}): missing"


def test_with_missing_ok_a_missing_file_reads_as_silence_and_the_rest_as_ever(project_dir,
                                                                              media):
    refs, data = media
    (project_dir / refs[2].path).unlink()
    with MediaPool(project_dir, refs, missing_ok=True) as pool:
        assert pool.missing == {refs[2].id}
        pool.check()  # a missing file is not a problem here
        out = np.full((1000, 2), np.nan, dtype=np.float32)
        pool.read_into(refs[2].id, 10, out)
        assert not out.any()
        pool.read_into(refs[0].id, 10, out)
        np.testing.assert_array_equal(out, expected_slice(data[refs[0].id], 10, 1000))
        (project_dir / refs[0].path).unlink()  # gone while the pool was open: silent too
        pool.close()
        pool.read_into(refs[0].id, 10, out)
        assert not out.any() and pool.missing == {refs[0].id, refs[2].id}


def test_with_missing_ok_a_changed_file_is_still_a_problem(project_dir, media):
    refs, _data = media
    (project_dir / refs[2].path).unlink()
    sf.write(project_dir / refs[1].path, np.zeros((5, 1), np.float32), RATE, subtype="FLOAT")
    with MediaPool(project_dir, refs, missing_ok=True) as pool, \
            pytest.raises(MediaError) as caught:
        pool.check()
    assert caught.value.problems == (
        f"audio/Click.wav (media {refs[1].id}): 5 frames, the project expects 30001",)
