"""Mastering targets: the integrated loudness and the true-peak ceiling a master aims for, as
presets the person can edit.

The factory presets follow the published delivery specifications: streaming (Spotify, YouTube,
Tidal normalise to about −14 LUFS), Apple Music (Sound Check, −16 LUFS), loud club and CD
masters (about −9 LUFS, a ceiling of −0.3 dBTP), podcasts (−16 LUFS, the figure Apple and most
hosts give), broadcast per EBU R 128 (−23 LUFS, −1 dBTP), and "Custom" for the person's own
numbers. A preset is edited by saving a target under its name: the saved file, in
``<config dir>/targets/<key>.json``, then takes the factory preset's place until it is
deleted. Any other saved name is a new preset. ``{"name": ..., "integrated_lufs": ...,
"true_peak_dbtp": ...}`` is the whole file.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

from daw.model.disk import write_text_atomically
from daw.settings.audio import config_dir

TARGETS_FOLDER = "targets"
LUFS_RANGE = (-40.0, -3.0)
CEILING_RANGE = (-12.0, 0.0)
"""What the true-peak limiter can hold."""


class TargetError(ValueError):
    """A target that cannot be found, read or saved; the message names the file or the name."""


@dataclass(frozen=True)
class Target:
    """Where a master should land: its integrated loudness and its true-peak ceiling."""

    name: str
    integrated_lufs: float
    true_peak_dbtp: float
    editable: bool = True
    """False for the factory presets as shipped (saving one under its name edits it)."""

    @property
    def key(self) -> str:
        """The short name for the command line and the file: ``apple-music``."""
        return target_key(self.name)

    def describe(self) -> str:
        """``Streaming (-14 LUFS, -1 dBTP)``."""
        return f"{self.name} ({self.integrated_lufs:g} LUFS, {self.true_peak_dbtp:g} dBTP)"


FACTORY_TARGETS: tuple[Target, ...] = (
    Target("Streaming", -14.0, -1.0, editable=False),
    Target("Apple Music", -16.0, -1.0, editable=False),
    Target("Club / CD", -9.0, -0.3, editable=False),
    Target("Podcast", -16.0, -1.0, editable=False),
    Target("Broadcast EBU R128", -23.0, -1.0, editable=False),
    Target("Custom", -14.0, -1.0, editable=True),
)
DEFAULT_TARGET = FACTORY_TARGETS[0]


def target_key(name: str) -> str:
    """Lower case, words joined by hyphens: "Club / CD" is ``club-cd``."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def targets_dir() -> Path:
    """Where the person's targets are kept."""
    return config_dir() / TARGETS_FOLDER


def check_target(target: Target, where: str = "target") -> Target:
    """The target if its numbers are usable; TargetError naming `where` otherwise."""
    if not target.name.strip() or not target_key(target.name):
        raise TargetError(f"{where}: a target needs a name with letters or digits")
    for value, (low, high), what, unit in (
        (target.integrated_lufs, LUFS_RANGE, "integrated loudness", "LUFS"),
        (target.true_peak_dbtp, CEILING_RANGE, "true-peak ceiling", "dBTP"),
    ):
        if not isinstance(value, int | float) or isinstance(value, bool) or not (
                math.isfinite(value) and low <= value <= high):
            raise TargetError(f"{where}: the {what} must be a number from {low:g} to {high:g} "
                              f"{unit}, not {value!r}")
    return target


def _read(path: Path) -> Target:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TargetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TargetError(f"{path}: not a target file (damaged JSON: {exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise TargetError(f"{path}: not a target file (it needs a \"name\")")
    target = Target(data["name"], data.get("integrated_lufs"),  # type: ignore[arg-type]
                    data.get("true_peak_dbtp"), editable=True)  # type: ignore[arg-type]
    target = check_target(target, str(path))
    return replace(target, integrated_lufs=float(target.integrated_lufs),
                   true_peak_dbtp=float(target.true_peak_dbtp))


def load_targets(folder: Path | None = None) -> tuple[list[Target], list[str]]:
    """Every target: the factory ones (each replaced by the person's edit, if any), then the
    person's own in name order; and a warning for each file that could not be read (the
    others still load)."""
    folder = targets_dir() if folder is None else folder
    saved: dict[str, Target] = {}
    warnings: list[str] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                target = _read(path)
            except TargetError as error:
                warnings.append(str(error))
                continue
            saved[target.key] = target
    targets = [saved.pop(t.key, t) for t in FACTORY_TARGETS]
    targets += sorted(saved.values(), key=lambda t: t.name.casefold())
    return targets, warnings


def find_target(name: str, folder: Path | None = None) -> Target:
    """The target called `name`: by its name or key, or by the start of one key when only
    one starts so (``club``, ``ebu``: a word of the key will do too)."""
    targets, _warnings = load_targets(folder)
    wanted = target_key(name)
    for target in targets:
        if target.key == wanted:
            return target
    found = [t for t in targets if wanted and (t.key.startswith(wanted)
                                              or wanted in t.key.split("-"))]
    if len(found) == 1:
        return found[0]
    keys = ", ".join(t.key for t in targets)
    if found:
        raise TargetError(f"target {name!r} could be {', '.join(t.key for t in found)}: "
                          f"say which")
    raise TargetError(f"no target called {name!r} (targets: {keys})")


def save_target(target: Target, folder: Path | None = None) -> Path:
    """Save the target (a new preset, or an edit of the one with its name), atomically;
    returns the file. Raises TargetError naming the file and the reason."""
    check_target(target)
    folder = targets_dir() if folder is None else folder
    path = folder / f"{target.key}.json"
    text = json.dumps({"name": target.name.strip(), "integrated_lufs": target.integrated_lufs,
                       "true_peak_dbtp": target.true_peak_dbtp}, indent=2) + "\n"
    try:
        write_text_atomically(path, text)
    except OSError as exc:
        raise TargetError(f"{path}: could not save the target ({exc.strerror or exc})") from exc
    return path


def delete_target(name: str, folder: Path | None = None) -> bool:
    """Delete the person's saved target of that name (a factory preset comes back as it
    was); False when there was none."""
    folder = targets_dir() if folder is None else folder
    path = folder / f"{target_key(name)}.json"
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise TargetError(f"{path}: could not delete the target ({exc.strerror or exc})") from exc
    return True


def unknown_target_warning(project_target: str, where: str,
                           folder: Path | None = None) -> str | None:
    """A warning for a song whose chosen mastering target (``master.target``) is not among
    the targets here (a preset deleted, or a file from another machine), or None. The song
    still renders: its master chain is what plays, the target only guided it."""
    if not project_target:
        return None
    try:
        find_target(project_target, folder)
    except TargetError as error:
        return (f"{where}: master.target: {error}; rendering with the master chain as it "
                "is")
    return None
