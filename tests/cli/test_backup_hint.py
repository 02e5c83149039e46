"""A project.json that will not load: the command's one error line names the newest backup
that loads, and how to restore it."""

from __future__ import annotations

from pathlib import Path

from daw.cli import main
from daw.model import Project, ops
from daw.model.store import create_project, save_project


def test_the_error_names_the_newest_loadable_backup(tmp_path: Path, capsys) -> None:
    folder = create_project(tmp_path / "S.minidaw", Project(name="S"))
    save_project(folder, ops.set_tempo(Project(name="S"), 99.0))  # keeps the first save
    (folder / "project.json").write_text("{ broken")
    assert main(["render", str(folder), "-o", str(tmp_path / "out.wav")]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("daw: error: ")
    assert "not valid JSON" in lines[0]
    assert f"newest backup that loads is {folder / 'backups'}" in lines[0]
    assert "copy it over" in lines[0]
    assert not (tmp_path / "out.wav").exists()


def test_without_a_loadable_backup_it_says_so(tmp_path: Path, capsys) -> None:
    folder = create_project(tmp_path / "S.minidaw", Project(name="S"))
    (folder / "project.json").write_text("{ broken")
    assert main(["render", str(folder), "-o", str(tmp_path / "out.wav")]) == 1
    line = capsys.readouterr().err.strip()
    assert line.endswith("no backup in its backups/ folder loads either")
