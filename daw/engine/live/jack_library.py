"""Which libjack the standalone app uses: the machine's own wherever it has one.

A libjack speaks one server's protocol (JACK2's, or PipeWire's in its libjack replacement), so
the copy that matches the machine's server is the one installed there. The bundle still carries
a libjack, because Debian's PortAudio links it and would not load without one, but keeps it in
a folder of its own (``fallback/``) that the dynamic loader never searches. At startup,
before PortAudio loads, :func:`load_libjack` loads the system's libjack by its soname, or, on a
machine without one (or where it fails to load), the bundle's copy. Either way the library is
then loaded under the soname PortAudio asks for, so PortAudio uses that one.
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

SONAME = "libjack.so.0"
"""The name PortAudio's library asks the dynamic loader for."""

FALLBACK_FOLDER = "fallback"
"""The bundle's folder (beside its other libraries) that holds its own libjack."""

FORCE_ENV = "MINIDAW_LIBJACK"
"""Set to ``bundled`` to use the bundle's libjack even where the system has one."""

_loaded: list[ctypes.CDLL] = []  # kept, so the library stays loaded for the process's life


def bundle_folder() -> Path | None:
    """The folder of the bundle's libraries, or None when MiniDAW runs from Python."""
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if getattr(sys, "frozen", False) and base else None


def load_libjack(fallback: Path, soname: str = SONAME) -> str | None:
    """Load the system's libjack, else the copy in `fallback`, before PortAudio loads.

    Returns "system", "bundled fallback", or None when neither could be loaded (PortAudio then
    reports why it cannot load)."""
    if os.environ.get(FORCE_ENV, "").strip().lower() != "bundled":
        try:
            _loaded.append(ctypes.CDLL(soname, mode=ctypes.RTLD_GLOBAL))
            return "system"
        except OSError:
            pass
    copy = fallback / soname
    if not copy.is_file():
        return None
    try:
        _loaded.append(ctypes.CDLL(str(copy), mode=ctypes.RTLD_GLOBAL))
    except OSError:
        return None
    return "bundled fallback"


def loaded_libjack(bundle: Path | None = None) -> tuple[str, str] | None:
    """The file of the libjack this process has loaded and whether it is the system's or the
    bundle's, read from the process's memory map; None when no libjack is loaded."""
    bundle = bundle or bundle_folder()
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        fields = line.split(None, 5)
        if len(fields) == 6 and Path(fields[5]).name.startswith("libjack.so"):
            path = Path(fields[5])
            inside = bundle is not None and path.is_relative_to(bundle)
            return str(path), "bundled fallback" if inside else "system"
    return None
