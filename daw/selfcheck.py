"""`daw --self-check`: proves an installation or a bundle is whole, without a screen or a sound
card. It finds the resources, loads the demo song and renders a second of it through the
effects, loads the audio libraries, and opens and closes the window offscreen.

A missing module, resource or library fails the check (exit status 1), so a broken bundle
fails CI; a machine with no sound card or no PortAudio only gets a warning, since MiniDAW
edits and bounces without one.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from daw import __version__
from daw.resources import demo_project, resource_dir

ICONS = ("minidaw.svg", "minidaw-16.png", "minidaw-48.png", "minidaw-256.png",
         "minidaw-512.png", "play.svg", "pause.svg", "stop.svg", "record.svg", "rewind.svg",
         "loop.svg", "click.svg")
RENDER_SECONDS = 1.0


class CheckFailed(Exception):
    """One part of MiniDAW is missing or broken; the message says which and why."""


def check_resources() -> str:
    root = resource_dir()
    missing = [f"icons/{name}" for name in ICONS if not (root / "icons" / name).is_file()]
    missing += [f"clicks/{n}" for n in ("accent.wav", "beat.wav")
                if not (root / "clicks" / n).is_file()]
    if not (demo_project() / "project.json").is_file():
        missing.append("demo/Demo.minidaw/project.json")
    if not any((root / "presets" / "chains").glob("*.json")):
        missing.append("presets/chains/*.json")
    if missing:
        raise CheckFailed(f"{root}: missing {', '.join(missing)}")
    from daw.engine.live.click_sounds import click_problem

    problem = click_problem(48000)
    if problem:
        raise CheckFailed(problem)
    return str(root)


def check_render() -> str:
    """Render one second of the demo song (from its second section, where every part plays),
    here and again by two render processes (as a long bounce does): the same samples."""
    from daw.engine.render.plan import compile_plan
    from daw.engine.render.renderer import DEFAULT_MAX_BLOCK, Renderer, split_blocks
    from daw.engine.render.track_farm import TrackFarm
    from daw.media import MediaPool
    from daw.model.store import load_project

    folder = demo_project()
    project = load_project(folder)
    starts = sorted(m.frame for m in project.markers if m.frame > 0)
    start = starts[0] if starts else 0
    rate = project.sample_rate
    out = np.zeros((round(RENDER_SECONDS * rate), 2), dtype=np.float32)
    with MediaPool(folder, project.media, sample_rate=rate) as pool:
        pool.check()
        with Renderer(compile_plan(project), pool) as renderer:
            renderer.render(start, out)
        farmed = np.zeros_like(out)
        blocks = split_blocks(start, len(out), DEFAULT_MAX_BLOCK)
        farm = TrackFarm(project, folder, blocks, 2, DEFAULT_MAX_BLOCK)
        with Renderer(compile_plan(project), pool, tracks=farm) as renderer:
            renderer.render(start, farmed)
    if not np.isfinite(out).all():
        raise CheckFailed("the demo song rendered to values that are not numbers")
    peak = float(np.abs(out).max())
    if peak < 1e-4:
        raise CheckFailed(f"the demo song rendered silence from {start / rate:.1f} s")
    if farm.delivered != len(blocks):
        raise CheckFailed("render processes did not start (a long bounce renders in one)")
    if not np.array_equal(farmed, out):
        raise CheckFailed("render processes rendered the demo song differently")
    effects = sum(len(t.effects) for t in project.tracks) + len(project.master.effects)
    return (f"'{project.name}': {len(project.tracks)} tracks, {effects} effects; "
            f"{RENDER_SECONDS:g} s from {start / rate:.1f} s, "
            f"peak {20 * math.log10(peak):.1f} dBFS")


def check_audio(warnings: list[str]) -> str:
    """The realtime modules must import; PortAudio and a device may be missing (a warning)."""
    try:
        import rtmixer  # noqa: F401
    except ModuleNotFoundError as error:
        raise CheckFailed(f"the audio engine's module is missing ({error})") from error
    except OSError as error:  # the system's PortAudio library is not installed
        warnings.append(f"audio: PortAudio could not be loaded ({error}); install "
                        "libportaudio2. Editing and bounce still work.")
        return "PortAudio missing"
    from daw.engine.live import audio_io  # noqa: F401  (the engine's realtime path loads)
    from daw.engine.live.devices import AudioUnavailable, list_devices

    try:
        _, devices = list_devices()
    except AudioUnavailable as error:
        warnings.append(f"audio: {error}")
        return "PortAudio unusable"
    import sounddevice

    if not devices:
        warnings.append("audio: no sound card found; play and record need one.")
    portaudio = sounddevice.get_portaudio_version()[1].split(",")[0]
    return f"{portaudio}; {len(devices)} devices"


JACK_HOST_API = "JACK Audio Connection Kit"
JACK_STREAM_SECONDS = 0.3


def check_jack() -> str:
    """Say which libjack is loaded (the system's, or the bundle's fallback copy: it must match
    the machine's server), and when a JACK server runs, stream silence through it: that proves
    PortAudio, the libjack and the server speak to each other."""
    from daw.engine.live.jack_library import loaded_libjack

    try:
        import sounddevice
    except OSError:
        return "PortAudio missing"
    lib = loaded_libjack()
    which = f"libjack {lib[0]} ({lib[1]})" if lib else "no libjack loaded"
    api = next((a for a in sounddevice.query_hostapis() if a["name"] == JACK_HOST_API), None)
    outputs = [sounddevice.query_devices(i) for i in (api["devices"] if api else [])]
    outputs = [d for d in outputs if d["max_output_channels"] > 0]
    if not outputs:
        return f"{which}; no JACK server running"
    if lib is None:
        raise CheckFailed("PortAudio reached a JACK server, yet no libjack is loaded")
    device = outputs[0]
    rate = int(device["default_samplerate"])
    played = 0

    def silence(out, frames, _time, _status) -> None:
        nonlocal played
        out.fill(0)
        played += frames

    with sounddevice.OutputStream(device=device["index"], samplerate=rate,
                                  channels=min(2, device["max_output_channels"]),
                                  dtype="float32", callback=silence):
        time.sleep(JACK_STREAM_SECONDS)
    if played == 0:
        raise CheckFailed(f"a stream on the JACK device '{device['name']}' opened but never ran")
    return f"{which}; streamed {played} frames to '{device['name']}' at {rate} Hz"


def check_window() -> str:
    """Open the window on a copy of the demo song offscreen, paint it, and close it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from daw.ui.app import application
    from daw.ui.main_window import MainWindow
    from daw.ui.session import Session

    app = application()
    if app.windowIcon().isNull():
        raise CheckFailed("the application icon did not load")
    from daw.ui.icons import icon

    if icon("play").pixmap(20, 20).isNull():
        raise CheckFailed("the toolbar's SVG icons cannot be drawn (Qt's SVG support is missing)")
    with tempfile.TemporaryDirectory(prefix="minidaw-selfcheck-") as scratch:
        folder = Path(scratch) / "Demo.minidaw"
        shutil.copytree(demo_project(), folder)  # the peak cache is written beside the song
        settings = QSettings(str(Path(scratch) / "window.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Session(Session.load(folder), folder), settings)
        window.error_dialogs_enabled = False
        window.resize(1280, 800)
        window.show()
        for _ in range(5):
            app.processEvents()
        picture = window.grab()
        menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
        window.session.history.mark_saved()
        window.close()
        window.deleteLater()
        app.processEvents()
        del settings
    if picture.isNull() or picture.width() < 100:
        raise CheckFailed("the window did not paint")
    if "Help" not in menus:
        raise CheckFailed(f"the window's menus are incomplete ({', '.join(menus)})")
    return (f"{picture.width()}×{picture.height()} on '{app.platformName()}', "
            f"menus {' '.join(menus)}")


def run_self_check(out=None) -> int:
    """Run every check, print one line each, and return the exit status (0: all passed)."""
    out = out or sys.stdout
    warnings: list[str] = []
    steps: list[tuple[str, Callable[[], str]]] = [
        ("resources", check_resources),
        ("demo song", check_render),
        ("audio", lambda: check_audio(warnings)),
        ("jack", check_jack),
        ("window", check_window),
    ]
    print(f"MiniDAW {__version__} self-check (Python {sys.version.split()[0]}"
          f"{', bundled' if getattr(sys, 'frozen', False) else ''})", file=out)
    failed = 0
    for name, step in steps:
        started = time.perf_counter()
        try:
            detail = step()
        except CheckFailed as error:
            failed += 1
            print(f"  {name:<10} FAILED: {error}", file=out)
            continue
        except Exception as error:  # a broken install shows up as anything at all
            failed += 1
            print(f"  {name:<10} FAILED: {type(error).__name__}: {error}", file=out)
            continue
        print(f"  {name:<10} ok  {detail} ({time.perf_counter() - started:.1f} s)", file=out)
    for warning in warnings:
        print(f"  warning: {warning}", file=out)
    print("self-check passed" if not failed else f"self-check FAILED ({failed} of "
          f"{len(steps)} checks)", file=out)
    return 1 if failed else 0
