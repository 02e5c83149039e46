"""The wheel carries its resources: built from this checkout, unpacked, and imported with the
source tree out of reach, MiniDAW finds the demo song, the presets, the icons and the click
samples inside it. And the desktop entry and AppStream metadata say what the app is."""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pytest

from daw import __version__

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"

# Run inside the unpacked wheel: report what daw.resources finds there, and save the click
# samples as the engine reads them.
PROBE = """
import json, sys
from pathlib import Path
import numpy as np
import daw
from daw.resources import demo_project, resource_dir
from daw.engine.live.click_sounds import click_problem, click_sounds
from daw.settings.presets import PresetStore
from daw.model.store import load_project

out = Path(sys.argv[1])
accent, beat = click_sounds(48000)
np.save(out / "accent.npy", accent)
np.save(out / "beat.npy", beat)
store = PresetStore(out / "user-presets", resource_dir() / "presets")
project = load_project(demo_project())
print(json.dumps({
    "daw": daw.__file__,
    "resources": str(resource_dir()),
    "demo_tracks": [t.name for t in project.tracks],
    "demo_media": [str(demo_project() / m.path) for m in project.media],
    "chains": [p.name for p in store.list_chain_presets()],
    "limiter_presets": [p.name for p in store.list_effect_presets("limiter")],
    "icons": sorted(p.name for p in (resource_dir() / "icons").iterdir()),
    "click_problem": click_problem(48000),
}))
"""


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory) -> Path:
    """The wheel built from this checkout (offline: hatchling from the environment),
    unpacked as pip would install it."""
    if importlib.util.find_spec("hatchling") is None:
        pytest.fail("hatchling is missing: it is in the test extra (pip install -e '.[test]')")
    work = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "--disable-pip-version-check", "-w", str(work / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = (work / "dist").glob("minidaw-*.whl")
    assert wheel.name.startswith(f"minidaw-{__version__}-")
    site = work / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_finds_its_resources_without_the_source_tree(unpacked_wheel: Path,
                                                                tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(unpacked_wheel)  # the only place daw can come from
    env["MINIDAW_CONFIG_DIR"] = str(tmp_path / "config")
    result = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert Path(found["daw"]).is_relative_to(unpacked_wheel)
    assert Path(found["resources"]) == unpacked_wheel / "daw" / "_resources"
    assert found["demo_tracks"] == ["Drums", "Bass", "Chords", "Lead", "Vocal", "Reverb"]
    for media in found["demo_media"]:
        assert Path(media).is_relative_to(unpacked_wheel) and Path(media).stat().st_size > 0
    assert found["chains"] == ["Acoustic guitar", "Bass", "Drum bus", "Vocal"]
    assert found["limiter_presets"] == ["Master -1 dB"]
    for name in ("minidaw.svg", "minidaw-16.png", "minidaw-512.png", "play.svg", "pause.svg",
                 "stop.svg", "record.svg", "rewind.svg", "loop.svg", "click.svg"):
        assert name in found["icons"]
    assert found["click_problem"] is None
    # The samples the wheel's engine plays are the ones the script beside them makes.
    spec = importlib.util.spec_from_file_location(
        "make_clicks", ROOT / "resources" / "clicks" / "make_clicks.py")
    maker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(maker)
    np.testing.assert_array_equal(np.load(tmp_path / "accent.npy"), maker.accent())
    np.testing.assert_array_equal(np.load(tmp_path / "beat.npy"), maker.beat())


def test_the_wheel_holds_the_same_resource_files_as_the_checkout(unpacked_wheel: Path) -> None:
    source = ROOT / "resources"
    packed = unpacked_wheel / "daw" / "_resources"
    for folder in ("icons", "clicks", "presets", "demo/Demo.minidaw"):
        wanted = [p.relative_to(source) for p in (source / folder).rglob("*") if p.is_file()]
        wanted = [r for r in wanted if not {"__pycache__", "cache"} & set(r.parts[:-1])]
        assert wanted, folder
        for relative in wanted:
            assert (packed / relative).read_bytes() == (source / relative).read_bytes(), relative


def test_desktop_entry() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "minidaw.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "MiniDAW"
    assert desktop["Exec"].split()[0] == "daw" and desktop["Terminal"] == "false"
    assert desktop["Icon"] == "minidaw"
    assert "AudioVideo" in desktop["Categories"].split(";")
    assert (ROOT / "resources" / "icons" / "minidaw.svg").is_file()
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(["desktop-file-validate", str(PACKAGING / "minidaw.desktop")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_appstream_metadata() -> None:
    path = PACKAGING / "io.github.minidaw.MiniDAW.metainfo.xml"
    component = ET.parse(path).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == "io.github.minidaw.MiniDAW"
    assert component.findtext("project_license") == "GPL-3.0-or-later"
    assert component.findtext("launchable") == "minidaw.desktop"
    assert component.find("releases/release").get("version") == __version__
    assert component.findtext("provides/binary") == "daw"
    if shutil.which("appstreamcli"):
        result = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

