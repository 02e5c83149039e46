"""The metronome switch is saved with the song (schema 4); a song saved before has it off."""

from __future__ import annotations

import json
from pathlib import Path

from daw.model import Project, ops
from daw.model.store import create_project, load_project, save_project


def test_the_click_switch_is_saved_and_loaded(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Song", ops.set_metronome(Project(), True))
    data = json.loads((folder / "project.json").read_text())
    assert data["schema_version"] == 4 and data["metronome"] is True
    assert load_project(folder).metronome is True
    save_project(folder, ops.set_metronome(load_project(folder), False))
    assert load_project(folder).metronome is False


def test_a_version_3_song_opens_with_the_click_off(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Old", ops.set_tempo(Project(), 96))
    data = json.loads((folder / "project.json").read_text())
    data["schema_version"] = 3
    data.pop("metronome")
    (folder / "project.json").write_text(json.dumps(data))
    project = load_project(folder)
    assert project.metronome is False and project.tempo_bpm == 96
