"""Autosaves and backups: written atomically beside the song, offered only when they hold
something the saved file lacks, and the newest loadable one found for a damaged project."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from daw.model import Project, ops
from daw.model.backups import (
    autosave_path,
    list_backups,
    newest_loadable_backup,
    pending_autosave,
    read_autosave,
    write_autosave,
)
from daw.model.history import History
from daw.model.store import PROJECT_FILE, create_project, save_project


def song(tmp_path: Path) -> tuple[Path, Project]:
    project = ops.add_track(Project(name="Song"), "Vocal")
    return create_project(tmp_path / "Song.minidaw", project), project


def test_an_autosave_with_more_edits_is_offered_and_round_trips(tmp_path: Path) -> None:
    folder, saved = song(tmp_path)
    saved_bytes = (folder / PROJECT_FILE).read_bytes()
    edited = ops.set_tempo(ops.add_track(saved, "Bass"), 97.0)
    write_autosave(folder, edited, edits=2)
    assert (folder / PROJECT_FILE).read_bytes() == saved_bytes  # the save is never touched
    offered = pending_autosave(folder)
    assert offered is not None and offered.project == edited and offered.edits == 2
    assert "autosave, 2 edits after the last save" in offered.describe()
    assert not list(autosave_path(folder).parent.glob(".*.tmp"))


def test_an_autosave_equal_to_the_save_or_older_is_not_offered(tmp_path: Path) -> None:
    folder, saved = song(tmp_path)
    write_autosave(folder, saved, edits=0)
    assert pending_autosave(folder) is None
    write_autosave(folder, ops.add_track(saved, "Bass"), edits=1)
    later = time.time() + 5
    save_project(folder, ops.add_track(saved, "Keys"))
    os.utime(folder / PROJECT_FILE, (later, later))  # saved after the autosave was written
    assert pending_autosave(folder) is None


def test_a_damaged_autosave_is_reported_not_offered(tmp_path: Path) -> None:
    folder, _ = song(tmp_path)
    autosave_path(folder).write_text("{\"kind\": \"minidaw-autosave\", \"wri")
    assert pending_autosave(folder) is None
    damaged = read_autosave(folder)
    assert damaged is not None and not damaged.loadable and "damaged" in damaged.problem


def test_the_newest_loadable_backup_of_a_damaged_project(tmp_path: Path) -> None:
    folder, project = song(tmp_path)
    for tempo in (100.0, 110.0, 120.5):
        project = ops.set_tempo(project, tempo)
        save_project(folder, project)  # each save keeps the one before in backups/
    backups = sorted((folder / "backups").glob("project-*.json"),
                     key=lambda p: p.stat().st_mtime_ns)  # tempos 120 (new), 100, 110
    for age, path in enumerate(reversed(backups)):
        stamp = time.time() - 100 * (age + 1)
        os.utime(path, (stamp, stamp))
    newest = backups[-1]
    data = json.loads(newest.read_text())
    newest.write_text(json.dumps({**data, "tracks": "oops"}))  # the newest backup is damaged
    (folder / PROJECT_FILE).write_text("{ not json")
    listed = list_backups(folder)
    assert [b.loadable for b in listed][:2] == [False, True]
    assert "tracks" in listed[0].problem
    chosen = newest_loadable_backup(folder)
    assert chosen is not None and chosen.project is not None
    assert chosen.project.tempo_bpm == 100.0


def test_history_counts_the_edits_since_the_last_save() -> None:
    history = History(Project())
    assert history.edits_since_save == 0
    history.push(ops.add_track(history.current, "A"), "Add Track")
    history.push(ops.set_tempo(history.current, 90.0), "Tempo", gesture="drag")
    history.push(ops.set_tempo(history.current, 91.0), "Tempo", gesture="drag")  # one gesture
    assert history.edits_since_save == 2
    history.undo()
    assert history.edits_since_save == 3
    history.mark_saved()
    assert history.edits_since_save == 0 and not history.is_modified
    history.mark_unsaved()
    assert history.is_modified


def test_forgetting_the_past_makes_the_current_state_the_oldest() -> None:
    history = History(Project())
    history.push(ops.add_track(history.current, "A"), "Add Track")
    history.push(ops.add_track(history.current, "B"), "Add Track")
    history.undo()
    history.forget_past()
    assert not history.can_undo and not history.can_redo
    assert [t.name for t in history.current.tracks] == ["A"]
