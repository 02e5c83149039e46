"""The master's chosen mastering target: saved and loaded by name, absent from files that
have none (so older files load, and files without a target are written as before)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from daw.model import Project, ProjectFileError
from daw.model.serialize import project_from_dict, project_to_dict
from daw.model.store import create_project, load_project


def test_the_target_round_trips_through_the_project_file(tmp_path: Path) -> None:
    project = Project(name="Song")
    project = replace(project, master=replace(project.master, target="Club / CD"))
    folder = create_project(tmp_path / "Song.minidaw", project)
    assert json.loads((folder / "project.json").read_text())["master"]["target"] == "Club / CD"
    assert load_project(folder).master.target == "Club / CD"


def test_a_file_without_a_target_loads_with_none_and_is_written_without_one() -> None:
    data = project_to_dict(Project(name="Old"))
    assert "target" not in data["master"]
    assert project_from_dict(data).master.target == ""


def test_a_target_that_is_not_text_is_refused_by_field(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Bad.minidaw", Project(name="Bad"))
    data = json.loads((folder / "project.json").read_text())
    data["master"]["target"] = 14
    (folder / "project.json").write_text(json.dumps(data))
    with pytest.raises(ProjectFileError, match=r"master\.target"):
        load_project(folder)
