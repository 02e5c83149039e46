"""Buses, sends and automation in the model: the edits, the loop rule, and the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daw.model import EditError, Project, ops
from daw.model.automation import (
    add_point,
    clear_envelope,
    delete_point,
    drop_effect_automation,
    envelope,
    move_point,
    set_envelope_enabled,
)
from daw.model.history import History
from daw.model.project import MASTER, PAN, VOLUME, EffectSettings, effect_target, send_target
from daw.model.routing import add_bus, bus_order, remove_send, set_send
from daw.model.store import create_project, load_project


def mixed() -> Project:
    p = Project(name="Mix")
    p = ops.add_track(p, "Vox", track_id="vox")
    p = ops.add_track(p, "Gtr", track_id="gtr")
    p = add_bus(p, "Verb", bus_id="verb")
    p = add_bus(p, "Group", bus_id="group")
    p = set_send(p, "vox", "verb", level_db=-6.0)
    p = set_send(p, "gtr", "group", pre_fader=True)
    p = set_send(p, "group", "verb", level_db=-12.0)
    return p


def test_sends_are_added_and_changed_in_place() -> None:
    p = mixed()
    vox = p.track("vox")
    assert [(s.bus_id, s.level_db, s.pre_fader) for s in vox.sends] == [("verb", -6.0, False)]
    p = set_send(p, "vox", "verb", pre_fader=True)
    assert p.track("vox").send("verb").level_db == -6.0
    assert p.track("vox").send("verb").pre_fader is True
    assert p.track("verb").is_bus and not p.track("vox").is_bus


@pytest.mark.parametrize(
    ("source", "bus", "words"),
    [
        ("verb", "verb", "itself"),
        ("verb", "group", "loop: 'Verb' → 'Group' → 'Verb'"),
        ("vox", "gtr", "not a bus"),
    ],
)
def test_routing_loops_and_non_buses_are_refused(source: str, bus: str, words: str) -> None:
    p = mixed()
    with pytest.raises(EditError) as error:
        set_send(p, source, bus)
    assert words.replace("'", "") in str(error.value).replace("'", "")


def test_bus_order_puts_feeding_buses_first() -> None:
    assert bus_order(mixed()) == ("group", "verb")


def test_removing_a_bus_removes_the_sends_to_it() -> None:
    p = add_point(mixed(), "vox", send_target("verb"), 0, -3.0)
    p = ops.remove_track(p, "verb")
    assert p.track("vox").sends == ()
    assert p.track("vox").automation == ()
    assert p.track("group").sends == ()


def test_remove_send_takes_its_automation() -> None:
    p = add_point(mixed(), "vox", send_target("verb"), 100, -3.0)
    p = remove_send(p, "vox", "verb")
    assert p.track("vox").sends == () and p.track("vox").automation == ()


def test_a_bus_cannot_hold_clips_or_record() -> None:
    p = mixed()
    with pytest.raises(EditError, match="bus"):
        ops.set_track_record_armed(p, "verb", True)
    p = ops.add_media(p, ops.MediaRef("m", "audio/m.wav", 1, 1000))
    with pytest.raises(EditError, match="bus"):
        ops.add_clip(p, "verb", "m", 0)


def test_points_are_kept_in_order_and_interpolated() -> None:
    p = mixed()
    p = add_point(p, "vox", VOLUME, 48000, -12.0)
    p = add_point(p, "vox", VOLUME, 0, 0.0)
    p = add_point(p, "vox", VOLUME, 96000, -6.0)
    env = envelope(p, "vox", VOLUME)
    assert [pt.frame for pt in env.points] == [0, 48000, 96000]
    assert env.value_at(-5) == 0.0
    assert env.value_at(24000) == pytest.approx(-6.0)
    assert env.value_at(72000) == pytest.approx(-9.0)
    assert env.value_at(10**9) == -6.0
    # Same frame: replaces the value.
    p = add_point(p, "vox", VOLUME, 48000, -24.0)
    assert envelope(p, "vox", VOLUME).value_at(48000) == -24.0


def test_dragging_a_point_stops_at_its_neighbours() -> None:
    p = mixed()
    for frame, value in ((0, 0.0), (100, 0.5), (200, -0.5)):
        p = add_point(p, "vox", PAN, frame, value)
    p = move_point(p, "vox", PAN, 1, 500, 0.25)
    assert [(pt.frame, pt.value) for pt in envelope(p, "vox", PAN).points] == [
        (0, 0.0), (199, 0.25), (200, -0.5)]
    with pytest.raises(EditError, match="pan"):
        move_point(p, "vox", PAN, 1, 150, 3.0)
    p = delete_point(p, "vox", PAN, 0)
    p = delete_point(p, "vox", PAN, 0)
    p = delete_point(p, "vox", PAN, 0)
    assert envelope(p, "vox", PAN) is None


def test_targets_must_exist() -> None:
    p = mixed()
    with pytest.raises(EditError, match="no send"):
        add_point(p, "gtr", send_target("verb"), 0, 0.0)
    with pytest.raises(EditError, match="no effect"):
        add_point(p, MASTER, effect_target("fx-1", "gain_db"), 0, 0.0)
    with pytest.raises(EditError, match="can be automated"):
        add_point(p, "vox", "colour", 0, 0.0)


def test_master_and_effect_automation_round_trip_through_the_file(tmp_path: Path) -> None:
    p = mixed()
    eq = EffectSettings("fx-eq", "eq", (("band1_gain_db", 0.0),))
    p = ops._replace_track(p, ops._update_track(p, "vox", effects=(eq,)))
    p = add_point(p, "vox", effect_target("fx-eq", "band1_gain_db"), 10, 3.0)
    p = add_point(p, MASTER, VOLUME, 0, -1.5)
    p = set_envelope_enabled(p, "vox", effect_target("fx-eq", "band1_gain_db"), False)
    p = set_send(p, "vox", "verb", level_db=float("-inf"))
    folder = create_project(tmp_path / "Mix", p)
    assert load_project(folder) == p
    data = json.loads((folder / "project.json").read_text())
    assert data["tracks"][0]["sends"] == [{"bus_id": "verb", "level_db": None,
                                           "pre_fader": False}]
    assert data["master"]["automation"][0]["points"] == [[0, -1.5]]
    q = drop_effect_automation(p, "vox", "fx-eq")
    assert q.track("vox").automation == ()
    assert clear_envelope(p, MASTER, VOLUME).master.automation == ()


def test_a_hand_made_loop_in_the_file_is_refused(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Mix", mixed())
    data = json.loads((folder / "project.json").read_text())
    verb = next(t for t in data["tracks"] if t["id"] == "verb")
    verb["sends"] = [{"bus_id": "group", "level_db": 0.0, "pre_fader": False}]
    (folder / "project.json").write_text(json.dumps(data))
    with pytest.raises(Exception, match="routing loop"):
        load_project(folder)


def test_a_version_1_file_loads(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Old", mixed())
    data = json.loads((folder / "project.json").read_text())
    data["schema_version"] = 1
    for track in data["tracks"]:
        for key in ("kind", "sends", "automation"):
            track.pop(key)
    data["master"].pop("automation")
    data["tracks"] = [t for t in data["tracks"] if t["id"] in ("vox", "gtr")]
    (folder / "project.json").write_text(json.dumps(data))
    project = load_project(folder)
    assert [t.kind for t in project.tracks] == ["audio", "audio"]


def test_undo_returns_the_routing_and_automation() -> None:
    start = mixed()
    history = History(start)
    history.push(add_point(history.current, "vox", VOLUME, 0, -3.0), "Add Point")
    history.push(set_send(history.current, "gtr", "verb"), "Send")
    history.undo()
    assert history.undo() == start
