"""Stems: one file per track and per bus, named after the song and the strip.

A stem is what its strip adds to the master sum (post-fader, post-pan; a bus's stem is its
own output), times the master fader, so the stems of a song add up to its unmastered mix. The
master chain is never in a stem: it works on the whole mix and cannot be split.
"""

from __future__ import annotations

import re
from pathlib import Path

from daw.model.project import Project

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
MAX_NAME = 120
"""Characters of a stem's name before the suffix (file systems allow 255 bytes)."""


def safe_file_name(text: str, fallback: str) -> str:
    """`text` usable as a file name on every common file system: no separators, no
    characters Windows refuses, no leading or trailing dots and spaces."""
    name = _UNSAFE.sub("_", text).strip(" .")
    return name[:MAX_NAME].rstrip(" .") or fallback


def stem_paths(project: Project, folder: Path, suffix: str) -> dict[str, Path]:
    """{strip id: its stem's path} for every track and bus, in track order:
    ``<song> - <track name>.<suffix>``, names made safe, repeated names numbered."""
    song = safe_file_name(project.name, "Song")
    paths: dict[str, Path] = {}
    taken: set[str] = set()
    for track in project.tracks:
        base = f"{song} - {safe_file_name(track.name, track.id)}"
        name, count = base, 1
        while name.casefold() in taken:
            count += 1
            name = f"{base} ({count})"
        taken.add(name.casefold())
        paths[track.id] = folder / f"{name}.{suffix}"
    return paths
