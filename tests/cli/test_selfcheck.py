"""`daw --self-check` from the source tree: every check passes, offscreen and without a sound
card; and a missing resource or audio file fails the check, naming what is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from daw import selfcheck
from daw.media import MediaError
from daw.resources import demo_project, resource_dir

ROOT = Path(__file__).resolve().parents[2]


def test_self_check_passes_from_the_source_tree(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "MINIDAW_CONFIG_DIR": str(tmp_path / "config"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "daw", "--self-check"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("MiniDAW ") and "self-check" in lines[0]
    for name in ("resources", "demo song", "audio", "jack", "window"):
        assert any(line.startswith(f"  {name:<10} ok  ") for line in lines), (name, lines)
    assert "'Demo': 6 tracks" in result.stdout and "peak -" in result.stdout
    assert "on 'offscreen'" in result.stdout and "Help" in result.stdout
    assert lines[-1] == "self-check passed"
    assert not (tmp_path / "data").exists()  # the demo song was opened from a scratch copy


def test_missing_resources_are_named(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "resources"
    shutil.copytree(resource_dir(), broken, ignore=shutil.ignore_patterns("*.ogg"))
    (broken / "icons" / "play.svg").unlink()
    (broken / "clicks" / "beat.wav").unlink()
    monkeypatch.setattr(selfcheck, "resource_dir", lambda: broken)
    with pytest.raises(selfcheck.CheckFailed) as failure:
        selfcheck.check_resources()
    assert str(failure.value) == f"{broken}: missing icons/play.svg, clicks/beat.wav"


def test_a_demo_song_with_a_missing_file_fails_the_render(tmp_path: Path, monkeypatch) -> None:
    broken = tmp_path / "Demo.minidaw"
    shutil.copytree(demo_project(), broken)
    (broken / "audio" / "bass.ogg").unlink()
    monkeypatch.setattr(selfcheck, "demo_project", lambda: broken)
    with pytest.raises(MediaError, match=r"bass\.ogg"):
        selfcheck.check_render()


def test_the_render_check_reports_the_demo_song() -> None:
    detail = selfcheck.check_render()
    assert detail.startswith("'Demo': 6 tracks, ") and "1 s from 8.0 s" in detail


def test_the_jack_check_streams_through_a_running_server(jack_server) -> None:
    detail = selfcheck.check_jack()
    assert detail.startswith("libjack /") and "(system); " in detail, detail
    assert f"frames to 'system' at {jack_server.rate} Hz" in detail, detail
    assert int(detail.split("streamed ")[1].split()[0]) > 0
