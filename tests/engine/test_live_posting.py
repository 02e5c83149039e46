"""An edit never waits on the engine: `set_project` makes the plan on the calling thread
(patched for a parameter edit, compiled for a structural one) and posts it; the engine thread
swaps it in when it next looks at its commands."""

from __future__ import annotations

import threading

import pytest

from daw.engine.live import engine_live
from daw.engine.live.transport import Engine, EngineError
from daw.engine.render.plan import compile_plan
from daw.model import ops
from tests.engine.songs import Song, tone


def two_tracks(song: Song) -> None:
    song.media("a", tone(4800, 440))
    song.track("A")
    song.track("B")
    song.clip("A", "a", 0, "ca")
    song.clip("B", "a", 2400, "cb")


def test_an_edit_is_posted_while_the_engine_thread_is_busy(song: Song) -> None:
    two_tracks(song)
    engine = Engine(song.project, song.folder)
    engine.start()
    gate = threading.Event()
    busy = threading.Thread(target=engine._call, args=(gate.wait,))
    try:
        busy.start()
        edited = ops.move_clip(ops.set_track_gain(song.project, "A", -6.0), "cb", 3600)
        engine.set_project(edited)  # waited on the gate (and timed out) before
        assert engine._edited is song.project  # the engine thread has not got to it yet
        gate.set()
        busy.join()
        engine.locate(0)  # any command that waits: the edit was swapped in before it
        assert engine._edited is edited
        assert engine._project.find_clip("cb")[1].start_frame == 3600
    finally:
        gate.set()
        engine.shutdown()


def test_a_parameter_edit_is_patched_and_a_structural_one_compiled(song: Song,
                                                                  monkeypatch) -> None:
    two_tracks(song)
    compiled: list[object] = []

    def counting(project):
        compiled.append(project)
        return compile_plan(project)

    monkeypatch.setattr(engine_live, "compile_plan", counting)
    engine = Engine(song.project, song.folder)
    engine.start()
    try:
        project = ops.set_track_gain(song.project, "A", -3.0)
        engine.set_project(project)  # the first post has no plan to patch
        assert len(compiled) == 1
        for gain_db in (-4.0, -5.0, -6.0):
            project = ops.set_track_gain(project, "A", gain_db)
            engine.set_project(project)
        project = ops.set_track_solo(project, "B", True)
        engine.set_project(project)
        assert len(compiled) == 1
        posted = engine._posted[1]
        assert posted.tracks[0].mix.gain_db == -6.0
        assert not posted.tracks[0].mix.main_on and posted.tracks[1].mix.main_on
        project = ops.move_clip(project, "ca", 1200)
        engine.set_project(project)
        assert compiled == [compiled[0], project]
        assert engine._posted[1].tracks[0].clips[0].start_frame == 1200
    finally:
        engine.shutdown()


def test_posting_to_a_stopped_engine_says_so(song: Song) -> None:
    two_tracks(song)
    engine = Engine(song.project, song.folder)
    with pytest.raises(EngineError, match="not running"):
        engine.set_project(ops.set_track_gain(song.project, "A", -3.0))


def test_a_posted_edit_that_fails_is_said_in_the_engine_state(song: Song, monkeypatch) -> None:
    song.media("a", tone(4800, 440))
    song.track("A")
    song.clip("A", "a", 0, "c")
    engine = Engine(song.project, song.folder)
    engine.start()
    try:
        def broken(*args):
            raise RuntimeError("the plan could not be swapped")

        monkeypatch.setattr(engine, "_do_set_project", broken)
        engine.set_project(ops.set_track_gain(song.project, "A", -6.0))
        engine.locate(10)  # a command that waits: the post before it has run
        assert engine.state.error == ("the edit could not be played: the plan could not be "
                                      "swapped")
    finally:
        engine.shutdown()
