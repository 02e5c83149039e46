"""Effect and chain presets: named settings kept as small JSON files, read-only factory ones
bundled with MiniDAW and the person's own in the config folder.

A preset file holds ``{"kind": "compressor", "params": {"ratio": 3.0, ...}}`` (one effect) or
``{"chain": [{"kind": ..., "params": {...}, "bypassed": false}, ...]}`` (a whole chain). Both
trees have the same layout: ``effects/<kind>/<name>.json`` and ``chains/<name>.json``. A file
is checked against the effect registry when it is read and before it is written, so a typo in
a hand-edited preset is reported with the file's name instead of being silently ignored.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from daw.dsp.effects import PARAMETERS
from daw.model.disk import write_text_atomically
from daw.model.project import EffectSettings
from daw.resources import resource_dir
from daw.settings.audio import config_dir

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
"""Characters no file name may hold on some system we run on."""
_MAX_NAME = 100


class PresetError(ValueError):
    """A preset that cannot be read, written or deleted; names the file and the reason."""


@dataclass(frozen=True)
class PresetInfo:
    """A preset as a menu lists it."""

    name: str
    factory: bool
    path: Path


def preset_file_name(name: str) -> str:
    """The file stem for a preset name: characters a file name cannot hold become "_"."""
    stem = _UNSAFE.sub("_", name).strip().strip(".").strip()[:_MAX_NAME].strip()
    if not stem:
        raise PresetError(f"{name!r} cannot be a preset name: type a few letters")
    return stem


def _check_effect(kind: object, params: object, where: str) -> dict[str, float]:
    """The parameters of one effect, checked against the registry; `where` names the file."""
    if not isinstance(kind, str) or kind not in PARAMETERS:
        known = ", ".join(sorted(PARAMETERS))
        raise PresetError(f"{where}: unknown effect kind {kind!r} (known: {known})")
    if not isinstance(params, Mapping):
        raise PresetError(f"{where}: the {kind} parameters must be an object of name: value")
    specs = {spec[0]: spec for spec in PARAMETERS[kind]}
    checked: dict[str, float] = {}
    for name, value in params.items():
        if name not in specs:
            known = ", ".join(specs)
            raise PresetError(f"{where}: unknown parameter {name!r} for {kind} (known: {known})")
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
            value
        ):
            raise PresetError(f"{where}: {kind} parameter {name!r} must be a number, "
                              f"not {value!r}")
        _name, _label, unit, low, high, _default = specs[name]
        if not low <= value <= high:
            raise PresetError(f"{where}: {kind} parameter {name!r} is {value:g}, outside "
                              f"{low:g} to {high:g} {unit}".rstrip())
        checked[name] = float(value)
    return checked


def _read_json(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise PresetError(f"{path}: no such preset") from None
    except OSError as error:
        raise PresetError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise PresetError(f"{path}: not a preset file ({error})") from None


def _write_json(path: Path, data: object) -> None:
    """Write atomically (temporary file, then rename), so a crash leaves the old preset."""
    try:
        write_text_atomically(path, json.dumps(data, indent=2) + "\n")
    except OSError as error:
        raise PresetError(f"{path}: cannot be saved ({error.strerror or error})") from None


def read_effect_preset(path: Path, kind: str | None = None) -> dict[str, float]:
    """The parameters in an effect preset file (of `kind`, if given)."""
    data = _read_json(path)
    if not isinstance(data, dict) or "kind" not in data or "params" not in data:
        raise PresetError(f"{path}: not an effect preset (expected \"kind\" and \"params\")")
    params = _check_effect(data["kind"], data["params"], str(path))
    if kind is not None and data["kind"] != kind:
        raise PresetError(f"{path}: holds a {data['kind']} preset, not a {kind} one")
    return params


def read_chain_preset(path: Path) -> tuple[EffectSettings, ...]:
    """The effects in a chain preset file; their ids are blank (a chain gets fresh ones)."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("chain"), list):
        raise PresetError(f"{path}: not a chain preset (expected \"chain\": [...])")
    effects = []
    for number, entry in enumerate(data["chain"], start=1):
        where = f"{path}: effect {number}"
        if not isinstance(entry, dict) or "kind" not in entry:
            raise PresetError(f"{where}: expected an object with \"kind\" and \"params\"")
        params = _check_effect(entry["kind"], entry.get("params", {}), where)
        bypassed = entry.get("bypassed", False)
        if not isinstance(bypassed, bool):
            raise PresetError(f"{where}: \"bypassed\" must be true or false, not {bypassed!r}")
        effects.append(EffectSettings("", entry["kind"], tuple(params.items()), bypassed))
    return tuple(effects)


class PresetStore:
    """The factory presets (read-only) and the person's own, listed factory first."""

    def __init__(self, user_dir: Path, factory_dir: Path) -> None:
        self.user_dir = user_dir
        self.factory_dir = factory_dir

    @classmethod
    def default(cls) -> PresetStore:
        """The person's presets in the config folder, beside the bundled factory ones."""
        return cls(config_dir() / "presets", resource_dir() / "presets")

    # --- listing --------------------------------------------------------------------------

    @staticmethod
    def _list(folder: Path, factory: bool) -> list[PresetInfo]:
        if not folder.is_dir():
            return []
        files = [p for p in folder.glob("*.json") if p.is_file() and not p.name.startswith(".")]
        return [PresetInfo(p.stem, factory, p)
                for p in sorted(files, key=lambda p: (p.stem.casefold(), p.stem))]

    def _listing(self, relative: Path) -> list[PresetInfo]:
        factory = self._list(self.factory_dir / relative, True)
        taken = {info.name.casefold() for info in factory}
        user = [i for i in self._list(self.user_dir / relative, False)
                if i.name.casefold() not in taken]
        return factory + user

    def list_effect_presets(self, kind: str) -> list[PresetInfo]:
        return self._listing(Path("effects") / kind)

    def list_chain_presets(self) -> list[PresetInfo]:
        return self._listing(Path("chains"))

    # --- finding --------------------------------------------------------------------------

    def _find(self, relative: Path, name: str) -> PresetInfo:
        stem = preset_file_name(name)
        for info in self._listing(relative):
            if info.name.casefold() == stem.casefold():
                return info
        raise PresetError(f"{self.user_dir / relative / (stem + '.json')}: no such preset")

    def _user_path(self, relative: Path, name: str) -> Path:
        stem = preset_file_name(name)
        if self.is_factory_name(relative, name):
            raise PresetError(f"{stem!r} is a factory preset, which cannot be changed: "
                              "choose another name")
        return self.user_dir / relative / f"{stem}.json"

    def user_effect_preset_exists(self, kind: str, name: str) -> bool:
        """True when saving under `name` would replace one of the person's presets."""
        return (self.user_dir / "effects" / kind / f"{preset_file_name(name)}.json").exists()

    def user_chain_preset_exists(self, name: str) -> bool:
        return (self.user_dir / "chains" / f"{preset_file_name(name)}.json").exists()

    def is_factory_name(self, relative: Path, name: str) -> bool:
        """True when `name` is taken by a factory preset under `relative` ("chains")."""
        stem = preset_file_name(name).casefold()
        return any(i.factory and i.name.casefold() == stem for i in self._listing(relative))

    # --- effects --------------------------------------------------------------------------

    def load_effect_preset(self, kind: str, name: str) -> dict[str, float]:
        """The parameters of the `kind` preset called `name` (factory or the person's)."""
        return read_effect_preset(self._find(Path("effects") / kind, name).path, kind)

    def save_effect_preset(self, kind: str, name: str, params: Mapping[str, float]) -> PresetInfo:
        """Save (or replace) one of the person's effect presets."""
        path = self._user_path(Path("effects") / kind, name)
        checked = _check_effect(kind, dict(params), str(path))
        _write_json(path, {"kind": kind, "params": checked})
        return PresetInfo(path.stem, False, path)

    def delete_effect_preset(self, kind: str, name: str) -> None:
        self._delete(self._find(Path("effects") / kind, name))

    # --- chains ---------------------------------------------------------------------------

    def load_chain_preset(self, name: str) -> tuple[EffectSettings, ...]:
        return read_chain_preset(self._find(Path("chains"), name).path)

    def save_chain_preset(self, name: str, effects: Iterable[EffectSettings]) -> PresetInfo:
        """Save (or replace) one of the person's chain presets: kinds, parameters, bypass."""
        path = self._user_path(Path("chains"), name)
        entries = []
        for number, effect in enumerate(effects, start=1):
            params = _check_effect(effect.kind, dict(effect.params), f"{path}: effect {number}")
            entries.append({"kind": effect.kind, "params": params,
                            "bypassed": bool(effect.bypassed)})
        _write_json(path, {"chain": entries})
        return PresetInfo(path.stem, False, path)

    def delete_chain_preset(self, name: str) -> None:
        self._delete(self._find(Path("chains"), name))

    @staticmethod
    def _delete(info: PresetInfo) -> None:
        if info.factory:
            raise PresetError(f"{info.path}: factory presets cannot be deleted")
        try:
            info.path.unlink()
        except OSError as error:
            raise PresetError(f"{info.path}: cannot be deleted "
                              f"({error.strerror or error})") from None
