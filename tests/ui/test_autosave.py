"""Autosave: a window's edits survive SIGKILL and are offered back on the next open; the
saved file is never touched; a damaged project offers its backups; the interval is a setting."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from daw.model import Project, ops
from daw.model.backups import autosave_path, write_autosave
from daw.model.serialize import project_from_dict
from daw.model.store import PROJECT_FILE, create_project, load_project, save_project
from daw.ui.main_window import MainWindow
from daw.ui.session import Session
from tests.ui.windows import private_settings, shown_window

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, tmp_path: Path) -> Iterator[MainWindow]:
    start = create_project(tmp_path / "Start.minidaw", Project(name="Start"))
    with shown_window(qtbot, Session(load_project(start), start),
                      private_settings(tmp_path)) as made:
        yield made


def song(tmp_path: Path) -> Path:
    project = ops.add_track(Project(name="Song"), "Vocal")
    return create_project(tmp_path / "Song.minidaw", project)


def test_edits_survive_a_kill_and_are_restored(window: MainWindow, tmp_path: Path) -> None:
    folder = song(tmp_path)
    saved_bytes = (folder / PROJECT_FILE).read_bytes()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/ui/autosave_child.py"), str(folder),
         str(tmp_path / "child.ini")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env, cwd=ROOT)
    try:
        line = child.stdout.readline()  # the song as the autosave holds it
        assert line, child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    edited = project_from_dict(json.loads(line))
    assert [t.name for t in edited.tracks][:1] == ["Lead vocal"] and len(edited.tracks) == 3
    assert (folder / PROJECT_FILE).read_bytes() == saved_bytes  # never the person's file

    questions: list[str] = []
    window.confirm = lambda title, text: questions.append(text) or True
    assert window.open_project(folder)
    assert window.session.project == edited  # every edit up to the last autosave
    assert "5 edits made after the last save" in questions[0]
    assert window.session.is_modified
    assert (folder / PROJECT_FILE).read_bytes() == saved_bytes
    window.session.undo()  # back to the song as saved
    assert window.session.project == load_project(folder)


def test_declining_opens_the_saved_song_and_keeps_the_autosave(window: MainWindow,
                                                                tmp_path: Path) -> None:
    folder = song(tmp_path)
    write_autosave(folder, ops.set_tempo(load_project(folder), 80.0), edits=1)
    window.confirm = lambda title, text: False
    assert window.open_project(folder)
    assert window.session.project == load_project(folder)
    assert autosave_path(folder).is_file()


def test_the_window_autosaves_after_a_change(window: MainWindow, qtbot) -> None:
    window.set_autosave_interval(0.05)
    session = window.session
    session.edit("Tempo", lambda p: ops.set_tempo(p, 101.0))
    qtbot.waitUntil(lambda: autosave_path(session.folder).is_file(), timeout=5000)
    window.autosaver.wait()
    written = json.loads(autosave_path(session.folder).read_text())
    assert written["project"]["tempo_bpm"] == 101.0 and written["edits_since_save"] == 1
    assert load_project(session.folder).tempo_bpm == 120.0  # the save is untouched
    assert len(window.autosaver.ui_seconds) >= 1  # the hand-over was timed (bench/soak.py)


def test_autosave_off_writes_nothing(window: MainWindow, qtbot) -> None:
    window.set_autosave_interval(0)
    assert window.autosave_actions[0.0].isChecked()
    window.session.edit("Tempo", lambda p: ops.set_tempo(p, 101.0))
    qtbot.wait(200)
    assert not autosave_path(window.session.folder).exists()
    assert float(window.settings.value("autosaveSeconds")) == 0.0


def test_a_failed_autosave_is_reported_once(window: MainWindow, qtbot, monkeypatch) -> None:
    import errno

    import daw.ui.autosave as autosave_module

    def full_disk(folder, project, edits):
        raise OSError(errno.ENOSPC, "No space left on device", str(autosave_path(folder)))

    monkeypatch.setattr(autosave_module, "write_autosave", full_disk)
    shown: list[str] = []
    window.autosaver.report = shown.append
    window.set_autosave_interval(0.05)
    window.session.edit("Tempo", lambda p: ops.set_tempo(p, 101.0))
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert "no space left on device" in shown[0] and "autosave.json" in shown[0]
    qtbot.wait(300)
    assert len(shown) == 1


def test_a_damaged_project_offers_its_backups(window: MainWindow, tmp_path: Path) -> None:
    folder = song(tmp_path)
    good = ops.set_tempo(load_project(folder), 99.0)
    save_project(folder, good)
    save_project(folder, ops.set_tempo(good, 101.0))  # backups/ now keeps the 99 BPM save
    (folder / PROJECT_FILE).write_text("{ damaged")
    offered: list[list] = []

    def choose(where, problem, backups):
        offered.append(backups)
        assert "not valid JSON" in problem
        return next(b for b in backups if b.project.tempo_bpm == 99.0)

    window.choose_backup = choose
    assert window.open_project(folder)
    assert window.session.project.tempo_bpm == 99.0
    assert window.session.is_modified  # project.json is whole again only after a save
    assert (folder / PROJECT_FILE).read_text() == "{ damaged"
    window.save()
    assert load_project(folder).tempo_bpm == 99.0


def test_a_damaged_project_without_a_chosen_backup_changes_nothing(window: MainWindow,
                                                                   tmp_path: Path) -> None:
    folder = song(tmp_path)
    save_project(folder, load_project(folder))
    (folder / PROJECT_FILE).write_text("{ damaged")
    window.choose_backup = lambda where, problem, backups: None
    before = window.session
    assert not window.open_project(folder)
    assert window.session is before and "not valid JSON" in window.last_error


def test_discarding_the_changes_discards_the_autosave(window: MainWindow, qtbot, tmp_path,
                                                      monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.set_autosave_interval(0.05)
    first = window.session.folder
    window.session.edit("Tempo", lambda p: ops.set_tempo(p, 101.0))
    qtbot.waitUntil(lambda: autosave_path(first).is_file(), timeout=5000)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: QMessageBox.StandardButton.Discard)
    assert window.open_project(song(tmp_path))
    assert not autosave_path(first).exists()  # nothing offered back at the next open
    asked: list[str] = []
    window.confirm = lambda title, text: asked.append(text) or True
    assert window.open_project(first)
    assert asked == [] and window.session.project.tempo_bpm == 120.0
