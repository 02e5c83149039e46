"""Mastering targets: the issue's presets, found by name, edited and added as JSON files in
the config folder, damaged files reported by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daw.mastering.targets import (
    FACTORY_TARGETS,
    Target,
    TargetError,
    delete_target,
    find_target,
    load_targets,
    save_target,
    targets_dir,
)


def test_the_factory_presets_are_the_issue_s() -> None:
    found = {t.key: (t.integrated_lufs, t.true_peak_dbtp, t.editable) for t in FACTORY_TARGETS}
    assert found == {
        "streaming": (-14.0, -1.0, False),
        "apple-music": (-16.0, -1.0, False),
        "club-cd": (-9.0, -0.3, False),
        "podcast": (-16.0, -1.0, False),
        "broadcast-ebu-r128": (-23.0, -1.0, False),
        "custom": (-14.0, -1.0, True),
    }


@pytest.mark.parametrize(("asked", "key"), [
    ("streaming", "streaming"), ("Apple Music", "apple-music"), ("club", "club-cd"),
    ("CD", "club-cd"), ("ebu", "broadcast-ebu-r128"), ("Broadcast", "broadcast-ebu-r128"),
    ("pod", "podcast"),
])
def test_targets_are_found_by_name_key_or_a_word(tmp_path: Path, asked: str, key: str) -> None:
    assert find_target(asked, tmp_path).key == key


def test_an_unknown_or_ambiguous_name_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match=r"no target called 'loud' \(targets: streaming, "
                                          r"apple-music, club-cd"):
        find_target("loud", tmp_path)
    save_target(Target("Podium", -12.0, -1.0), tmp_path)
    with pytest.raises(TargetError, match="could be podcast, podium: say which"):
        find_target("pod", tmp_path)


def test_saving_under_a_factory_name_edits_it_and_deleting_brings_it_back(
        tmp_path: Path) -> None:
    path = save_target(Target("Streaming", -13.0, -1.5), tmp_path)
    assert path == tmp_path / "streaming.json"
    assert json.loads(path.read_text()) == {"name": "Streaming", "integrated_lufs": -13.0,
                                            "true_peak_dbtp": -1.5}
    edited = find_target("streaming", tmp_path)
    assert (edited.integrated_lufs, edited.true_peak_dbtp, edited.editable) == (-13.0, -1.5,
                                                                                 True)
    targets, warnings = load_targets(tmp_path)
    assert [t.key for t in targets][:6] == [t.key for t in FACTORY_TARGETS] and not warnings
    assert delete_target("Streaming", tmp_path)
    assert find_target("streaming", tmp_path) == FACTORY_TARGETS[0]
    assert not delete_target("Streaming", tmp_path)


def test_own_targets_follow_the_factory_ones_in_name_order(tmp_path: Path) -> None:
    save_target(Target("Vinyl", -12.0, -2.0), tmp_path)
    save_target(Target("audiobook", -19.0, -3.0), tmp_path)
    targets, _ = load_targets(tmp_path)
    assert [t.name for t in targets[6:]] == ["audiobook", "Vinyl"]


def test_the_config_folder_comes_from_the_environment(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINIDAW_CONFIG_DIR", str(tmp_path))
    assert targets_dir() == tmp_path / "targets"
    save_target(Target("Mine", -15.0, -1.0))
    assert (tmp_path / "targets" / "mine.json").is_file()
    assert find_target("mine").integrated_lufs == -15.0


def test_a_damaged_file_is_named_in_a_warning_and_the_rest_load(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "loud.json").write_text(json.dumps({"name": "Loud", "integrated_lufs": 3.0,
                                                    "true_peak_dbtp": -1.0}))
    save_target(Target("Fine", -12.0, -1.0), tmp_path)
    targets, warnings = load_targets(tmp_path)
    assert "Fine" in [t.name for t in targets]
    assert len(warnings) == 2
    assert warnings[0].startswith(f"{tmp_path / 'broken.json'}: not a target file")
    assert warnings[1] == (f"{tmp_path / 'loud.json'}: the integrated loudness must be a "
                           "number from -40 to -3 LUFS, not 3.0")


@pytest.mark.parametrize(("target", "message"), [
    (Target("", -14.0, -1.0), "a target needs a name"),
    (Target("Hot", -14.0, 0.5), "the true-peak ceiling must be a number from -12 to 0 dBTP"),
    (Target("Quiet", -60.0, -1.0), "the integrated loudness must be a number from -40"),
])
def test_unusable_targets_are_not_saved(tmp_path: Path, target: Target, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        save_target(target, tmp_path)
    assert not list(tmp_path.iterdir())
