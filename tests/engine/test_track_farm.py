"""Render processes for long bounces: the same bits as one process, a fair split of the
tracks, errors that reach the bounce, and nothing left running or allocated afterwards."""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from daw.engine.export import bounce as bounce_module
from daw.engine.export.bounce import BounceCancelled, BounceSettings, auto_workers, bounce
from daw.engine.render import track_farm
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import FarmError, Renderer
from daw.engine.render.track_farm import SLOTS, TrackFarm, playing_tracks, share_tracks
from daw.media import MediaError, MediaPool
from daw.model import EffectSettings, ops
from tests.engine.songs import RATE, Song, tone

FRAMES = 40000


def eq(effect_id: str, gain_db: float) -> EffectSettings:
    return EffectSettings(effect_id, "eq", (("p2_gain_db", gain_db), ("hp_on", 1.0)))


def band(song: Song, tracks: int = 5) -> None:
    """Tracks of different lengths and chains, one muted, sends into a reverb bus."""
    for i in range(tracks):
        song.media(f"m{i}", tone(FRAMES - 5000 * i, 150.0 * (i + 1), channels=1 + i % 2,
                                 seed=i))
        song.track(f"T{i}", gain=-1.5 * i, pan=0.3 * (i - 2))
        song.clip(f"T{i}", f"m{i}", 700 * i, f"c{i}")
        chain = [eq(f"eq{i}", 3.0 - i)]
        if i % 2:
            chain.append(EffectSettings(f"comp{i}", "compressor", (("threshold_db", -20.0),)))
        song.effects(f"T{i}", *chain)
    song.bus("Verb")
    song.effects("Verb", EffectSettings("verb", "reverb", (("room_size_percent", 60.0),)))
    for i in (0, 3):
        song.send(f"T{i}", "Verb", -6.0)
    song.project = ops.set_track_mute(song.project, "T4", True)


def test_a_farm_renders_the_mix_of_one_process_bit_for_bit(song: Song) -> None:
    band(song)
    alone = song.render(block=3000)
    assert np.abs(alone).max() > 0.05
    for workers in (2, 3):
        together = song.render(block=3000, workers=workers)
        np.testing.assert_array_equal(together.view(np.uint32), alone.view(np.uint32))


def test_the_tracks_are_shared_fairly_and_kept_in_plan_order(song: Song) -> None:
    band(song, tracks=6)
    plan = compile_plan(song.project)
    playing = playing_tracks(plan)
    assert [t.track_id for t in playing] == ["T0", "T1", "T2", "T3", "T5"]  # T4 is muted
    shares = share_tracks(playing, 2, [(0, FRAMES)])
    assert sorted(t.track_id for share in shares for t in share) == [
        "T0", "T1", "T2", "T3", "T5"]
    order = [t.track_id for t in playing]
    for share in shares:
        ids = [t.track_id for t in share]
        assert ids == sorted(ids, key=order.index)

    def load(share):  # channels x (1 + effects): every track has a chain, so all frames run
        return sum(t.channels * (1 + len(t.effects)) for t in share)

    loads = sorted(load(share) for share in shares)
    biggest = max(load([t]) for t in playing)
    assert loads[1] - loads[0] <= biggest
    assert len(share_tracks(playing, 8, [(0, FRAMES)])) == len(playing)  # one each, no more


def test_auto_workers_asks_for_processes_only_where_they_pay(song: Song, monkeypatch) -> None:
    band(song)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert auto_workers(song.project, seconds=600.0) == 2
    assert auto_workers(song.project, seconds=10.0) == 1  # over before they would start
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)), raising=False)
    assert auto_workers(song.project, seconds=600.0) == 4  # MAX_WORKERS
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0}, raising=False)
    assert auto_workers(song.project, seconds=600.0) == 1


def test_a_worker_that_cannot_read_a_file_fails_the_render_with_its_reason(
        song: Song) -> None:
    band(song)
    blocks = [(0, 16384), (16384, 16384)]
    (song.folder / "audio" / "m1.wav").write_bytes(b"RIFF but not really audio")
    farm = TrackFarm(song.project, song.folder, blocks, 2, 16384)  # it checks nothing itself
    with MediaPool(song.folder, song.project.media) as pool, Renderer(
            compile_plan(song.project), pool, tracks=farm) as renderer, pytest.raises(
                FarmError, match=r"m1\.wav.*unreadable"):
        renderer.render(0, np.zeros((16384, 2), np.float32))
    assert not multiprocessing.active_children()


def test_workers_that_die_before_their_first_block_leave_the_tracks_to_this_process(
        song: Song) -> None:
    band(song)
    blocks = [(0, 16384), (16384, 16384), (32768, FRAMES - 32768)]
    expected = song.render(block=16384)
    farm = TrackFarm(song.project, song.folder, blocks, 2, 16384)
    for child in multiprocessing.active_children():
        child.kill()
        child.join()
    out = np.zeros((FRAMES, 2), np.float32)
    with MediaPool(song.folder, song.project.media) as pool, Renderer(
            compile_plan(song.project), pool, tracks=farm) as renderer:
        for start, n in blocks:
            renderer.render(start, out[start:start + n])
    np.testing.assert_array_equal(out, expected)


def test_a_render_out_of_schedule_is_refused(song: Song) -> None:
    band(song)
    farm = TrackFarm(song.project, song.folder, [(0, 1000), (1000, 1000)], 2, 16384)
    with MediaPool(song.folder, song.project.media) as pool, Renderer(
            compile_plan(song.project), pool, tracks=farm) as renderer:
        renderer.render(0, np.zeros((1000, 2), np.float32))
        with pytest.raises(FarmError, match="not next"):
            renderer.render(5000, np.zeros((1000, 2), np.float32))


def test_a_cancelled_bounce_stops_its_workers_and_frees_their_memory(
        song: Song, tmp_path: Path, monkeypatch) -> None:
    band(song)
    monkeypatch.setattr(bounce_module, "BOUNCE_BLOCK", 4096)  # many blocks, more than SLOTS
    made: list[str] = []

    class Recorded(SharedMemory):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            made.append(self.name)

    monkeypatch.setattr(track_farm, "SharedMemory", Recorded)
    cancel = threading.Event()
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if len(seen) == SLOTS + 2:
            cancel.set()

    target = tmp_path / "cut.wav"
    with pytest.raises(BounceCancelled):
        bounce(song.project, song.folder, BounceSettings(target, workers=2, report=False),
               progress, cancel)
    assert not target.exists() and not list(tmp_path.glob(".*partial*"))
    assert not multiprocessing.active_children()
    assert len(made) == 2
    for name in made:
        with pytest.raises(FileNotFoundError):
            SharedMemory(name=name)


def test_a_bounce_by_workers_equals_one_in_this_process_with_stems_and_a_master(
        song: Song, tmp_path: Path) -> None:
    band(song)
    song.effects("master", EffectSettings("lim", "limiter", (("ceiling_db", -3.0),)))
    files = {}
    for workers in (1, 2):
        files[workers] = bounce(song.project, song.folder, BounceSettings(
            tmp_path / f"w{workers}.wav", bit_depth="32f", workers=workers, report=False,
            stems_dir=tmp_path / f"stems{workers}"))
    one, two = (sf.read(files[w], dtype="float32")[0] for w in (1, 2))
    assert np.abs(one).max() > 0.05
    np.testing.assert_array_equal(two, one)
    for stem in (tmp_path / "stems1").iterdir():
        np.testing.assert_array_equal(sf.read(tmp_path / "stems2" / stem.name)[0],
                                      sf.read(stem)[0])


def test_a_changed_file_is_reported_before_any_worker_starts(song: Song,
                                                             tmp_path: Path) -> None:
    band(song)
    sf.write(song.folder / "audio" / "m2.wav", np.zeros((10, 1), np.float32), RATE)
    with pytest.raises(MediaError, match=r"m2\.wav"):
        bounce(song.project, song.folder, BounceSettings(tmp_path / "x.wav", workers=2))
    assert not multiprocessing.active_children()
