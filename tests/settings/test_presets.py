"""Presets: the factory ones build real processors and change the sound; the person's own are
saved, listed, loaded and deleted by name; a broken preset file is named in the error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from daw.dsp.effects import PARAMETERS, create_processor
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from daw.model import EffectSettings, chains
from daw.resources import resource_dir
from daw.settings.presets import PresetError, PresetStore, preset_file_name
from tests.engine.songs import RATE, Song, tone

FACTORY = resource_dir() / "presets"
EFFECT_FILES = sorted((FACTORY / "effects").glob("*/*.json"))
CHAIN_FILES = sorted((FACTORY / "chains").glob("*.json"))


@pytest.fixture
def store(tmp_path: Path) -> PresetStore:
    return PresetStore(tmp_path / "user", FACTORY)


def noise_block(frames: int = 4800) -> np.ndarray:
    rng = np.random.default_rng(7)
    return (0.3 * rng.standard_normal((frames, 2))).astype(np.float32)


def test_the_factory_has_the_promised_presets(store: PresetStore) -> None:
    assert [i.name for i in store.list_chain_presets()] == [
        "Acoustic guitar", "Bass", "Drum bus", "Vocal"]
    assert all(i.factory for i in store.list_chain_presets())
    assert "Gentle glue" in [i.name for i in store.list_effect_presets("compressor")]
    assert {"Small room", "Plate-ish hall"} <= {i.name for i in store.list_effect_presets("reverb")}
    assert "Quarter-note slapback" in [i.name for i in store.list_effect_presets("delay")]
    assert store.list_effect_presets("phaser") == []


@pytest.mark.parametrize("path", EFFECT_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_factory_effect_preset_builds_a_processor(store: PresetStore, path: Path) -> None:
    kind = path.parent.name
    params = store.load_effect_preset(kind, path.stem)
    assert params and set(params) <= {spec[0] for spec in PARAMETERS[kind]}
    processor = create_processor(kind, params, 2, RATE)
    block = noise_block()
    processor.process(block)
    assert np.all(np.isfinite(block))


@pytest.mark.parametrize("path", CHAIN_FILES, ids=lambda p: p.stem)
def test_every_factory_chain_builds_its_processors(store: PresetStore, path: Path) -> None:
    effects = store.load_chain_preset(path.stem)
    assert len(effects) >= 2
    block = noise_block()
    for effect in effects:
        assert effect.id == "" and not effect.bypassed
        create_processor(effect.kind, dict(effect.params), 2, RATE).process(block)
    assert np.all(np.isfinite(block)) and np.max(np.abs(block)) > 0.01


def test_the_vocal_chain_is_what_it_says() -> None:
    store = PresetStore(Path("unused"), FACTORY)
    effects = store.load_chain_preset("vocal")  # names are found whatever their case
    assert [e.kind for e in effects] == ["eq", "deesser", "compressor", "reverb"]
    eq, _deesser, comp, verb = effects
    assert (eq.param("hp_on"), eq.param("hp_freq_hz")) == (1.0, 90.0)
    assert comp.param("ratio") == 3.0
    assert verb.param("wet_percent") == 12.0


def render(song: Song) -> np.ndarray:
    out = np.zeros((song.project.end_frame, 2), dtype=np.float32)
    with MediaPool(song.folder, song.project.media) as pool:
        Renderer(compile_plan(song.project), pool).render(0, out)
    return out


@pytest.mark.parametrize("name", ["Vocal", "Bass", "Drum bus", "Acoustic guitar"])
def test_a_chain_preset_on_a_track_changes_the_sound(song: Song, store: PresetStore,
                                                     name: str) -> None:
    song.media("vox", tone(RATE // 2, 220, channels=1, amp=0.4))
    song.track("Vox")
    song.clip("Vox", "vox", 0, "c1")
    dry = render(song)
    song.project = chains.replace_chain(song.project, "Vox", store.load_chain_preset(name))
    wet = render(song)
    assert [e.kind for e in song.project.track("Vox").effects] == [
        e.kind for e in store.load_chain_preset(name)]
    assert np.sqrt(np.mean(wet**2)) > 0.05
    assert np.max(np.abs(wet - dry)) > 0.01


def test_save_list_load_and_delete_a_users_effect_preset(store: PresetStore) -> None:
    params = {"threshold_db": -24.5, "ratio": 6.0, "attack_ms": 0.5}
    info = store.save_effect_preset("compressor", "My squash", params)
    assert info.path == store.user_dir / "effects" / "compressor" / "My squash.json"
    assert json.loads(info.path.read_text()) == {"kind": "compressor", "params": params}
    listed = store.list_effect_presets("compressor")
    assert [i.factory for i in listed] == [True] * (len(listed) - 1) + [False]
    assert listed[-1].name == "My squash"
    assert store.load_effect_preset("compressor", "My squash") == params
    assert store.user_effect_preset_exists("compressor", "My squash")
    store.save_effect_preset("compressor", "My squash", {"ratio": 2.0})  # replaces it
    assert store.load_effect_preset("compressor", "My squash") == {"ratio": 2.0}
    store.delete_effect_preset("compressor", "My squash")
    assert not info.path.exists()
    assert not store.user_effect_preset_exists("compressor", "My squash")


def test_save_and_load_a_users_chain_preset(store: PresetStore) -> None:
    chain = (EffectSettings("fx-1", "gate", (("threshold_db", -45.0),), bypassed=True),
             EffectSettings("fx-2", "delay", (("sync", 1.0), ("note_beats", 0.5))))
    store.save_chain_preset("Gated echo", chain)
    assert store.user_chain_preset_exists("Gated echo")
    assert [i.name for i in store.list_chain_presets()][-1] == "Gated echo"
    loaded = store.load_chain_preset("Gated echo")
    assert loaded == (EffectSettings("", "gate", (("threshold_db", -45.0),), True),
                      EffectSettings("", "delay", (("sync", 1.0), ("note_beats", 0.5)), False))
    store.delete_chain_preset("Gated echo")
    assert [i.name for i in store.list_chain_presets()] == [
        "Acoustic guitar", "Bass", "Drum bus", "Vocal"]


def test_names_are_made_safe_for_files(store: PresetStore) -> None:
    assert preset_file_name(' A/B: "loud"? ') == "A_B_ _loud__"
    assert preset_file_name("..hidden.") == "hidden"
    info = store.save_effect_preset("gain", "Up/down", {"gain_db": 3.0})
    assert info.name == "Up_down" and info.path.name == "Up_down.json"
    assert store.load_effect_preset("gain", "Up/down") == {"gain_db": 3.0}
    for bad in ("", "  ", "..", " . "):
        with pytest.raises(PresetError, match="cannot be a preset name"):
            store.save_effect_preset("gain", bad, {})


def test_factory_presets_cannot_be_replaced_or_deleted(store: PresetStore) -> None:
    with pytest.raises(PresetError, match="'Vocal' is a factory preset"):
        store.save_chain_preset("Vocal", ())
    with pytest.raises(PresetError, match="'gentle glue' is a factory preset"):
        store.save_effect_preset("compressor", "gentle glue", {"ratio": 2.0})
    with pytest.raises(PresetError, match="factory presets cannot be deleted"):
        store.delete_chain_preset("Bass")
    with pytest.raises(PresetError, match="no such preset"):
        store.delete_chain_preset("Nothing here")


def test_saving_refuses_what_the_effect_does_not_have(store: PresetStore) -> None:
    with pytest.raises(PresetError, match="unknown parameter 'ratio_x' for compressor"):
        store.save_effect_preset("compressor", "Typo", {"ratio_x": 2.0})
    with pytest.raises(PresetError, match="unknown effect kind 'fuzz'"):
        store.save_chain_preset("Odd", (EffectSettings("fx", "fuzz"),))
    assert not (store.user_dir / "effects" / "compressor" / "Typo.json").exists()


@pytest.mark.parametrize(
    ("relative", "text", "problem"),
    [
        ("effects/compressor/Bad.json", '{"kind": "compressor", "params": {"ratoi": 3}}',
         "unknown parameter 'ratoi' for compressor"),
        ("effects/compressor/Bad.json", '{"kind": "fuzz", "params": {}}',
         "unknown effect kind 'fuzz'"),
        ("effects/compressor/Bad.json", '{"kind": "eq", "params": {}}',
         "holds a eq preset, not a compressor one"),
        ("effects/compressor/Bad.json", '{"kind": "compressor", "params": {"ratio": 50}}',
         "'ratio' is 50, outside 1 to 20 :1"),
        ("effects/compressor/Bad.json", '{"kind": "compressor", "params": {"ratio": "4"}}',
         "'ratio' must be a number"),
        ("effects/compressor/Bad.json", '{"kind": "compressor"', "not a preset file"),
        ("effects/compressor/Bad.json", '[1, 2]', "not an effect preset"),
        ("chains/Bad.json", '{"chain": [{"kind": "reverb", "params": {"size": 1}}]}',
         "effect 1: unknown parameter 'size' for reverb"),
        ("chains/Bad.json", '{"chain": [{"kind": "gain", "bypassed": "yes"}]}',
         "\"bypassed\" must be true or false"),
        ("chains/Bad.json", '{"effects": []}', "not a chain preset"),
    ],
)
def test_a_broken_preset_file_is_named_in_the_error(store: PresetStore, relative: str,
                                                     text: str, problem: str) -> None:
    path = store.user_dir / relative
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PresetError) as caught:
        if relative.startswith("chains"):
            store.load_chain_preset("Bad")
        else:
            store.load_effect_preset("compressor", "Bad")
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message
    assert "\n" not in message


def test_the_default_store_lives_in_the_config_folder() -> None:
    store = PresetStore.default()
    assert store.user_dir == Path(os.environ["MINIDAW_CONFIG_DIR"]) / "presets"
    assert store.factory_dir == FACTORY
    assert store.list_effect_presets("reverb")[0].factory
