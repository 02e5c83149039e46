"""Clip pitch and stretch play from renditions rendered in a worker and cached: the bounce
equals the rendition, playback swaps it in once ready, the cache reuses files and rebuilds."""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export.bounce import BounceSettings, bounce
from daw.engine.live.transport import Engine
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.engine.render.renditions import RENDITION_PREFIX, RenditionCache, rendition_key
from daw.media import MediaError, MediaPool
from daw.model import Project, ops
from daw.model.disk import free_bytes, size_text
from daw.model.timing import set_clip_pitch, set_clip_stretch
from tests.dsp.test_pitch import measured_frequency
from tests.engine.songs import RATE, Song


def sine(frames: int, freq: float = 440.0, channels: int = 2) -> np.ndarray:
    wave = 0.5 * np.sin(2 * np.pi * freq * np.arange(frames) / RATE)
    return np.repeat(wave[:, None], channels, axis=1).astype(np.float32)


@pytest.fixture
def processed(song: Song) -> Song:
    """One stereo sine clip (1 s of 440 Hz from frame 1000 of a 1.5 s file) at frame 0, an
    octave up."""
    song.media("a", sine(72_000))
    song.track("A")
    song.clip("A", "a", 0, "c", length_frames=RATE, source_offset_frames=1000)
    song.project = set_clip_pitch(song.project, "c", 12)
    return song


def rendition_of(project: Project) -> tuple[str, Path]:
    """The media id and file the (only) clip plays in a played project."""
    clip = project.tracks[0].clips[0]
    assert clip.media_id.startswith(RENDITION_PREFIX) and not clip.is_processed
    return clip.media_id, Path(project.media_ref(clip.media_id).path)


def render(project: Project, folder: Path, frames: int) -> np.ndarray:
    """What playback renders: the plan and the renderer over the project as it plays."""
    out = np.zeros((frames, 2), dtype=np.float32)
    with MediaPool(folder, project.media) as pool, Renderer(compile_plan(project),
                                                            pool) as renderer:
        for at in range(0, frames, 4096):
            renderer.render(at, out[at:at + 4096])
    return out


def test_pitch_up_an_octave_doubles_the_frequency_and_keeps_the_length(processed: Song) -> None:
    with RenditionCache(processed.folder) as cache:
        played = cache.playable(processed.project, wait=True)
    _media_id, path = rendition_of(played)
    assert path.parts[:2] == ("cache", "renditions")
    audio, rate = sf.read(processed.folder / path, dtype="float32")
    assert rate == RATE and audio.shape == (RATE, 2)
    np.testing.assert_allclose(measured_frequency(audio[:, 0]), 880.0, rtol=0.01)
    # The clip's place and everything else stay as they were.
    clip = played.find_clip("c")[1]
    assert (clip.start_frame, clip.length_frames, clip.source_offset_frames) == (0, RATE, 0)
    assert played.tracks[0].id == processed.project.tracks[0].id


def test_stretch_makes_the_clip_longer_and_keeps_the_frequency(processed: Song) -> None:
    project = set_clip_pitch(processed.project, "c", 0)
    project = set_clip_stretch(project, "c", 1.5)
    assert project.find_clip("c")[1].length_frames == 72_000
    with RenditionCache(processed.folder) as cache:
        played = cache.playable(project, wait=True)
    audio, _rate = sf.read(processed.folder / rendition_of(played)[1], dtype="float32")
    assert audio.shape == (72_000, 2)
    np.testing.assert_allclose(measured_frequency(audio[:, 1]), 440.0, rtol=0.01)


def test_the_bounce_equals_the_rendition_and_so_does_playback_once_ready(
        processed: Song, tmp_path: Path) -> None:
    out = bounce(processed.project, processed.folder,
                 BounceSettings(tmp_path / "mix.wav", bit_depth="32f", report=False))
    mix, _rate = sf.read(out, dtype="float32")
    with RenditionCache(processed.folder) as cache:
        path = cache.path(processed.project, processed.project.find_clip("c")[1])
    rendition, _rate = sf.read(path, dtype="float32")
    np.testing.assert_array_equal(mix, rendition)  # a stereo track at unity: the same samples

    shutil.rmtree(processed.folder / "cache")
    ready = threading.Event()
    with RenditionCache(processed.folder, on_ready=ready.set) as cache:
        # Not ready yet: playback plays the clip's unprocessed audio meanwhile.
        first = cache.playable(processed.project)
        assert first.find_clip("c")[1].media_id == "a"
        unprocessed = render(first, processed.folder, RATE)
        np.testing.assert_array_equal(unprocessed, processed.audio["a"][1000:1000 + RATE])
        assert ready.wait(30)
        assert cache.ready(processed.project, processed.project.find_clip("c")[1])
        later = cache.playable(processed.project)
    np.testing.assert_array_equal(render(later, processed.folder, RATE), mix)


def test_the_cache_reuses_a_file_and_makes_a_new_one_for_a_new_pitch(processed: Song) -> None:
    project = processed.project
    clip = project.find_clip("c")[1]
    with RenditionCache(processed.folder) as cache:
        assert not cache.ready(project, clip)
        first = cache.ensure(project, clip).result(30)
        made = first.stat().st_mtime_ns
        assert cache.ready(project, clip)
        again = cache.ensure(project, clip)
        assert again.done() and again.result() == first  # on disk: nothing to render
        assert cache.playable(project) == cache.playable(project, wait=True)

        higher = set_clip_pitch(project, "c", 12, 50)
        second = cache.ensure(higher, higher.find_clip("c")[1]).result(30)
        assert second != first and second.is_file() and first.is_file()
        assert first.stat().st_mtime_ns == made
        files = sorted(p.name for p in first.parent.iterdir())
        assert files == sorted([first.name, second.name])  # no temporary files left
        # Two clips with the same settings share one rendition.
        twin = ops.duplicate_clip(project, "c", new_clip_id="twin")
        played = cache.playable(twin, wait=True)
        ids = {c.media_id for c in played.tracks[0].clips}
        assert len(ids) == 1 and len(played.media) == len(project.media) + 1


def test_cache_can_be_deleted_and_is_rebuilt(processed: Song) -> None:
    project = processed.project
    with RenditionCache(processed.folder) as cache:
        path = cache.path(project, project.find_clip("c")[1])
        cache.playable(project, wait=True)
        before, _rate = sf.read(path, dtype="float32")
        shutil.rmtree(processed.folder / "cache")
        assert not cache.ready(project, project.find_clip("c")[1])
        assert cache.playable(project).find_clip("c")[1].media_id == "a"
        assert cache.wait(30)
        after, _rate = sf.read(path, dtype="float32")
    np.testing.assert_array_equal(after, before)


def test_a_changed_media_file_gets_a_new_rendition(processed: Song) -> None:
    project = processed.project
    clip = project.find_clip("c")[1]
    first = rendition_key(processed.folder, project, clip)
    media = processed.folder / "audio" / "a.wav"
    stat = media.stat()
    os.utime(media, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = rendition_key(processed.folder, project, clip)
    assert second != first and second.name != first.name
    assert replace(second, file_mtime_ns=first.file_mtime_ns) == first


def test_missing_media_plays_as_it_is_and_the_bounce_says_which_file(
        processed: Song, tmp_path: Path) -> None:
    (processed.folder / "audio" / "a.wav").unlink()
    with RenditionCache(processed.folder) as cache:
        assert cache.playable(processed.project) == processed.project
        assert cache.playable(processed.project, wait=True) == processed.project
    warnings: list[str] = []
    bounce(processed.project, processed.folder,
           BounceSettings(tmp_path / "mix.wav", bit_depth="32f"), warn=warnings.append)
    assert warnings and warnings[0].startswith("1 media file is missing and plays as "
                                               "silence: audio/a.wav")
    assert not sf.read(tmp_path / "mix.wav")[0].any()


def test_unprocessed_projects_play_unchanged(song: Song) -> None:
    song.media("a", sine(4800))
    song.track("A")
    song.clip("A", "a", 0, "c")
    with RenditionCache(song.folder) as cache:
        assert cache.playable(song.project, wait=True) is song.project
        assert not cache.ready(song.project, song.project.find_clip("c")[1])
    assert not (song.folder / "cache").exists()


def test_the_engine_swaps_the_rendition_in_when_it_is_ready(processed: Song) -> None:
    """Without a sound card: the engine's project as it plays takes the rendition once it is
    written, and the edited project is untouched."""
    plain = set_clip_pitch(processed.project, "c", 0)
    engine = Engine(plain, processed.folder)
    engine.start()
    try:
        engine.set_project(processed.project)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            playing = engine._project  # what the engine renders from
            if playing.find_clip("c")[1].media_id != "a":
                break
            time.sleep(0.02)
        rendition_of(playing)
        assert processed.project.find_clip("c")[1].is_processed
    finally:
        engine.shutdown()


def test_the_mastering_analysis_hears_processed_clips_as_the_bounce_does(
        processed: Song, tmp_path: Path) -> None:
    from daw.mastering.mix_analysis import render_premaster

    out = bounce(processed.project, processed.folder,
                 BounceSettings(tmp_path / "mix.wav", bit_depth="32f", report=False))
    mix, _rate = sf.read(out, dtype="float32")
    premaster = render_premaster(processed.project, processed.folder, strip_stats=False)
    np.testing.assert_array_equal(premaster.audio, mix)


def test_a_rendition_the_disk_refuses_names_its_file_and_leaves_nothing(
        processed: Song, tmp_path: Path, monkeypatch) -> None:
    real_write = os.write

    def full_for_renditions(fd: int, data) -> int:
        if "renditions" in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    if not os.path.exists("/proc/self/fd"):
        pytest.skip("needs /proc to tell which file a write is for")
    monkeypatch.setattr(os, "write", full_for_renditions)
    with pytest.raises(MediaError) as caught:
        bounce(processed.project, processed.folder, BounceSettings(tmp_path / "mix.wav"))
    monkeypatch.undo()
    folder = processed.folder / "cache" / "renditions"
    assert str(caught.value).startswith(f"cannot write {folder}/a-")
    assert str(caught.value).endswith(".wav: no space left on device: "
                                      f"{size_text(free_bytes(folder))} free")
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "mix.wav").exists()
