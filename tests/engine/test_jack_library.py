"""The standalone app's libjack: the system's wins wherever there is one (it matches the
machine's JACK or PipeWire server), the bundle's copy is loaded only where there is none or
when asked, and PortAudio then uses the libjack that was loaded, never a second one.

Each case runs in a fresh interpreter, since a loaded library stays for the process's life."""

from __future__ import annotations

import ctypes.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Stands in for the bundle: argv[1] is its library folder, whose fallback/ holds a libjack.
PROBE = """
import json, sys
from pathlib import Path
from daw.engine.live.jack_library import load_libjack, loaded_libjack

bundle = Path(sys.argv[1])
source = load_libjack(bundle / "fallback", soname=sys.argv[2])
portaudio = sys.argv[3] == "portaudio"
if portaudio:
    import sounddevice  # loads PortAudio, which links libjack.so.0
maps = {line.split(None, 5)[5] for line in Path("/proc/self/maps").read_text().splitlines()
        if len(line.split(None, 5)) == 6 and "/libjack" in line}
print(json.dumps({"source": source, "loaded": loaded_libjack(bundle), "maps": sorted(maps),
                  "portaudio": portaudio}))
"""

SYSTEM_LIBJACK = ctypes.util.find_library("jack")
needs_libjack = pytest.mark.skipif(SYSTEM_LIBJACK is None,
                                   reason="no system libjack (Debian package libjack-jackd2-0)")


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A library folder whose fallback/ holds a copy of the system's libjack."""
    system, _ = probe(tmp_path)["loaded"]  # no fallback/ here: the system's, by soname
    fallback = tmp_path / "_internal" / "fallback"
    fallback.mkdir(parents=True)
    shutil.copy(system, fallback / "libjack.so.0")
    return tmp_path / "_internal"


def probe(bundle: Path, *, soname: str = "libjack.so.0", force: str = "",
          portaudio: bool = False) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MINIDAW_LIBJACK": force}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(bundle), soname, "portaudio" if portaudio else "-"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@needs_libjack
def test_the_system_libjack_wins_over_the_bundled_copy(bundle: Path) -> None:
    found = probe(bundle, portaudio=True)
    assert found["source"] == "system"
    path, source = found["loaded"]
    assert source == "system" and not Path(path).is_relative_to(bundle)
    assert found["maps"] == [path]  # PortAudio uses it: no second libjack


@needs_libjack
def test_the_bundled_copy_loads_where_the_system_has_none(bundle: Path) -> None:
    # A soname the system lacks stands for a machine without libjack.
    (bundle / "fallback" / "libjack-absent.so.0").symlink_to("libjack.so.0")
    found = probe(bundle, soname="libjack-absent.so.0")
    assert found["source"] == "bundled fallback"
    assert found["loaded"] == [str(bundle / "fallback" / "libjack.so.0"), "bundled fallback"]


@needs_libjack
def test_the_bundled_copy_can_be_forced_and_portaudio_then_uses_it(bundle: Path) -> None:
    found = probe(bundle, force="bundled", portaudio=True)
    copy = str(bundle / "fallback" / "libjack.so.0")
    assert found["source"] == "bundled fallback"
    assert found["loaded"] == [copy, "bundled fallback"]
    assert found["maps"] == [copy]  # PortAudio's libjack.so.0 is the one already loaded


def test_nothing_is_loaded_without_either(tmp_path: Path) -> None:
    found = probe(tmp_path, soname="libjack-absent.so.0")
    assert found["source"] is None and found["loaded"] is None
