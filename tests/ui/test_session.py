"""The session: edits as undo steps, selection kept valid, files saved and imported, recorded
takes kept and comped in, the punch range."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from daw.engine.live.recorder import Take
from daw.model import MediaRef, ops
from daw.model.store import load_project
from daw.ui.session import Session
from tests.engine.songs import Song, tone

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def make_session(tmp_path: Path) -> tuple[Session, Song]:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(48000, 220))
    song.track("A")
    song.clip("A", "a", 0, "c1")
    from daw.model.store import save_project

    save_project(song.folder, song.project)
    return Session(song.project, song.folder), song


def test_edits_are_undo_steps_and_refusals_are_reported(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    with qtbot.waitSignal(session.projectChanged):
        assert session.edit("Move Clip", lambda p: ops.move_clip(p, "c1", 4800))
    assert session.history.undo_label == "Move Clip" and session.is_modified
    assert not session.edit("Move Clip", lambda p: ops.move_clip(p, "c1", -5))
    assert errors and "before the start" in errors[0]
    session.undo()
    assert session.project.find_clip("c1")[1].start_frame == 0
    session.redo()
    assert session.project.find_clip("c1")[1].start_frame == 4800


def test_a_gesture_is_one_step(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    for frame in range(100, 1000, 100):
        session.edit("Move Clip", lambda p, f=frame: ops.move_clip(p, "c1", f), gesture="drag")
    session.end_gesture()
    session.undo()
    assert session.project.find_clip("c1")[1].start_frame == 0
    assert not session.history.can_undo


def test_selection_forgets_deleted_clips(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    session.select_clips(["c1"])
    with qtbot.waitSignal(session.selectionChanged):
        session.edit("Delete", lambda p: ops.delete_clip(p, "c1"))
    assert session.selected_clips == frozenset()


def test_save_and_save_as_keep_the_audio(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    session.edit("Tempo", lambda p: ops.set_tempo(p, 90))
    session.save()
    assert load_project(session.folder).tempo_bpm == 90 and not session.is_modified
    copy = session.save(tmp_path / "Copy.minidaw")
    assert copy == tmp_path / "Copy.minidaw" and session.folder == copy
    assert (copy / "audio" / "a.wav").exists()
    assert load_project(copy) == session.project


def test_import_files_is_one_step_and_skips_bad_files(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    sf.write(tmp_path / "one.wav", np.zeros((4800, 1)) + 0.1, 48000)
    sf.write(tmp_path / "two.wav", np.zeros((2400, 2)) + 0.1, 48000)
    (tmp_path / "bad.wav").write_text("no audio here")
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    made = session.import_files([tmp_path / "one.wav", tmp_path / "bad.wav",
                                 tmp_path / "two.wav"], track_id="A", at_frame=48000)
    assert len(made) == 2 and len(errors) == 1 and "bad.wav" in errors[0]
    clips = session.project.track("A").clips
    assert [(c.start_frame, c.length_frames) for c in clips[1:]] == [(48000, 4800),
                                                                     (52800, 2400)]
    session.undo()
    assert len(session.project.track("A").clips) == 1


def recorded_take(song: Song, name: str, start: int, comp: tuple[int, int] | None) -> Take:
    """A take as the engine hands it over when recording stops (its file in the project)."""
    data = tone(2 * 48000, 330, seed=4)
    sf.write(song.folder / "audio" / f"{name}.wav", data, 48000, subtype="FLOAT")
    ref = MediaRef(f"media-{name}", f"audio/{name}.wav", 1, len(data), f"{name}.wav")
    return Take("A", ref, start, 1000, 40000, comp)


def test_a_recording_is_kept_as_takes_and_comped_in_one_step(qtbot, tmp_path: Path) -> None:
    session, song = make_session(tmp_path)
    before = session.project
    takes = [recorded_take(song, "pass", 4000, None),
             recorded_take(song, "punch", 4000, (10000, 30000))]
    with qtbot.waitSignal(session.projectChanged):
        session.add_takes(takes)
    assert session.history.undo_label == "Record"
    track = session.project.track("A")
    assert [t.name for t in track.takes] == ["Take 1", "Take 2"]
    assert [(c.take_id, c.start_frame, c.end_frame) for c in track.clips] == [
        ("", 0, 10480), (track.takes[1].id, 10000, 30000), ("", 29520, 48000)]
    assert {"media-pass", "media-punch", "a"} <= {m.id for m in session.project.media}
    session.undo()  # one step brings the old clip back whole, and forgets the takes
    assert session.project == before


def test_the_punch_range_is_view_state(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    with qtbot.waitSignal(session.view.changed):
        session.set_punch(48000, 96000)
    assert (session.punch_region, session.punch_enabled) == ((48000, 96000), True)
    session.set_punch(48000, 96000, enabled=False)
    assert session.punch_region == (48000, 96000) and not session.punch_enabled
    session.set_punch(5000, 5000)  # an empty range is ignored
    assert session.punch_region == (48000, 96000)
    assert not session.history.can_undo


def test_import_reports_nonfinite_samples(qtbot, tmp_path: Path) -> None:
    session, _ = make_session(tmp_path)
    data = np.full((4800, 1), 0.1, dtype=np.float32)
    data[2400, 0] = np.nan
    sf.write(tmp_path / "nan.wav", data, 48000, subtype="FLOAT")
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    made = session.import_files([tmp_path / "nan.wav"])
    assert len(made) == 1
    assert errors == ["nan.wav: 1 sample was NaN or infinite (first at 0.050 s, mono "
                      "channel); replaced by silence"]
    media = session.project.media[-1]
    copy, _ = sf.read(session.folder / media.path, dtype="float32")
    assert copy[2400] == 0.0 and np.count_nonzero(copy == np.float32(0.1)) == 4799
