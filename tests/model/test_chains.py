"""Effect chain edits: each does exactly its job, refuses what is wrong, and undoes cleanly."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from daw.model import EditError, EffectSettings, Project, chains, ops
from daw.model.chains import MASTER
from daw.model.history import History
from daw.model.project import AutomationPoint, Envelope


@pytest.fixture
def song() -> Project:
    p = Project(name="Song", sample_rate=48000)
    p = ops.add_track(p, "Vocal", track_id="t-vox")
    p = ops.add_track(p, "Bass", track_id="t-bass")
    p = chains.add_effect(p, "t-vox", "eq", {"hp_on": 1, "hp_freq_hz": 90.0}, effect_id="fx-eq")
    p = chains.add_effect(p, "t-vox", "compressor", {"ratio": 3.0}, effect_id="fx-comp")
    return chains.add_effect(p, MASTER, "limiter", {"ceiling_db": -1.0}, effect_id="fx-lim")


def ids(p: Project, owner: str) -> list[str]:
    return [e.id for e in chains.chain(p, owner)]


def test_add_puts_the_effect_at_the_end_or_at_a_position(song: Project) -> None:
    p = chains.add_effect(song, "t-vox", "reverb", {"wet_percent": 20}, effect_id="fx-verb")
    assert ids(p, "t-vox") == ["fx-eq", "fx-comp", "fx-verb"]
    assert p.track("t-vox").effects[2] == EffectSettings(
        "fx-verb", "reverb", (("wet_percent", 20.0),), False)
    p = chains.add_effect(p, "t-vox", "gate", index=0, effect_id="fx-gate", bypassed=True)
    assert ids(p, "t-vox") == ["fx-gate", "fx-eq", "fx-comp", "fx-verb"]
    assert p.track("t-vox").effects[0].bypassed is True
    assert ids(p, "t-bass") == []
    assert song.track("t-vox").effects == p.track("t-vox").effects[1:3]  # the old one is intact


def test_add_to_the_master_and_fresh_ids(song: Project) -> None:
    p = chains.add_effect(song, MASTER, "eq")
    p = chains.add_effect(p, MASTER, "eq")
    made = ids(p, MASTER)
    assert made[0] == "fx-lim" and len(set(made)) == 3
    assert all(effect_id.startswith("fx-") for effect_id in made)
    assert p.master.effects[1].params == ()


def test_params_keep_their_order_and_become_floats(song: Project) -> None:
    p = chains.add_effect(song, "t-bass", "gain", [("gain_db", -3), ("invert_polarity", 1)],
                          effect_id="fx-g")
    assert p.track("t-bass").effects[0].params == (("gain_db", -3.0), ("invert_polarity", 1.0))
    assert isinstance(p.track("t-bass").effects[0].params[0][1], float)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: chains.add_effect(p, "t-nope", "eq"), "no track with id 't-nope'"),
        (lambda p: chains.add_effect(p, "t-vox", ""), "an effect needs a kind"),
        (lambda p: chains.add_effect(p, "t-vox", "eq", effect_id="fx-comp"),
         "effect id 'fx-comp' is already used"),
        (lambda p: chains.add_effect(p, "t-vox", "eq", index=5), "position 5 is out of range"),
        (lambda p: chains.add_effect(p, "t-vox", "eq", {"q": float("nan")}),
         "parameter q: expected a number"),
        (lambda p: chains.add_effect(p, "t-vox", "eq", {"q": "high"}),
         "parameter q: expected a number, got 'high'"),
        (lambda p: chains.remove_effect(p, "fx-none"), "no effect with id 'fx-none'"),
        (lambda p: chains.move_effect(p, "fx-eq", 2), "position 2 is out of range (0 to 1)"),
        (lambda p: chains.move_effect(p, "fx-none", 0), "no effect with id 'fx-none'"),
        (lambda p: chains.set_effect_params(p, "fx-none", {"ratio": 2}), "no effect"),
        (lambda p: chains.set_effect_params(p, "fx-comp", {"ratio": float("inf")}),
         "parameter ratio: expected a number, got inf"),
        (lambda p: chains.set_effect_bypassed(p, "fx-none", True), "no effect"),
        (lambda p: chains.replace_chain(p, "t-none", ()), "no track with id 't-none'"),
    ],
)
def test_refused_edits_say_why(song: Project, edit, message: str) -> None:
    with pytest.raises(EditError, match=re.escape(message)):
        edit(song)


def test_remove_takes_out_only_that_effect(song: Project) -> None:
    p = chains.remove_effect(song, "fx-eq")
    assert ids(p, "t-vox") == ["fx-comp"]
    p = chains.remove_effect(p, "fx-lim")
    assert p.master.effects == ()
    assert ids(p, "t-vox") == ["fx-comp"]


def test_move_within_the_chain(song: Project) -> None:
    p = chains.add_effect(song, "t-vox", "reverb", effect_id="fx-verb")
    p = chains.move_effect(p, "fx-verb", 0)
    assert ids(p, "t-vox") == ["fx-verb", "fx-eq", "fx-comp"]
    p = chains.move_effect(p, "fx-verb", 2)
    assert ids(p, "t-vox") == ["fx-eq", "fx-comp", "fx-verb"]
    assert chains.move_effect(p, "fx-comp", 1) == p


def test_set_params_merges(song: Project) -> None:
    p = chains.set_effect_params(song, "fx-eq", {"hp_freq_hz": 120, "p2_gain_db": 3.5})
    assert p.track("t-vox").effects[0].params == (
        ("hp_on", 1.0), ("hp_freq_hz", 120.0), ("p2_gain_db", 3.5))
    assert p.track("t-vox").effects[1] == song.track("t-vox").effects[1]


def test_bypass_and_back(song: Project) -> None:
    p = chains.set_effect_bypassed(song, "fx-lim", True)
    assert p.master.effects[0].bypassed is True
    assert p.master.effects[0].params == (("ceiling_db", -1.0),)
    assert chains.set_effect_bypassed(p, "fx-lim", False) == song


def test_find_effect_names_owner_and_place(song: Project) -> None:
    assert chains.find_effect(song, "fx-comp")[:2] == ("t-vox", 1)
    assert chains.find_effect(song, "fx-lim")[:2] == (MASTER, 0)


def test_replace_chain_gives_fresh_ids_and_keeps_settings(song: Project) -> None:
    preset = (EffectSettings("x", "eq", (("hp_on", 1.0),)),
              EffectSettings("x", "compressor", (("ratio", 4.0),), bypassed=True))
    p = chains.replace_chain(song, "t-bass", preset)
    effects = p.track("t-bass").effects
    assert [(e.kind, e.params, e.bypassed) for e in effects] == [
        ("eq", (("hp_on", 1.0),), False), ("compressor", (("ratio", 4.0),), True)]
    again = chains.replace_chain(p, MASTER, preset)
    every = [e.id for e in again.track("t-bass").effects] + ids(again, MASTER)
    assert len(set(every)) == 4 and "x" not in every
    assert chains.replace_chain(again, MASTER, ()).master.effects == ()


def test_each_edit_is_one_undo_step(song: Project) -> None:
    history = History(song)
    steps = [
        ("Add Reverb", lambda p: chains.add_effect(p, "t-vox", "reverb", effect_id="fx-v")),
        ("Move Reverb", lambda p: chains.move_effect(p, "fx-v", 0)),
        ("Bypass Reverb", lambda p: chains.set_effect_bypassed(p, "fx-v", True)),
        ("Remove EQ", lambda p: chains.remove_effect(p, "fx-eq")),
    ]
    snapshots = [song]
    for label, edit in steps:
        snapshots.append(history.push(edit(history.current), label))
    assert ids(history.current, "t-vox") == ["fx-v", "fx-comp"]
    for label, _edit in reversed(steps):
        assert history.undo_label == label
        snapshots.pop()
        assert history.undo() == snapshots[-1]
    assert history.current == song
    history.redo()
    assert ids(history.current, "t-vox") == ["fx-eq", "fx-comp", "fx-v"]


def test_a_knob_drag_is_one_undo_step(song: Project) -> None:
    history = History(song)
    for ratio in (3.5, 4.0, 6.0):
        history.push(chains.set_effect_params(history.current, "fx-comp", {"ratio": ratio}),
                     "Compressor Ratio", gesture=("fx", "fx-comp", "ratio"))
    history.end_gesture()
    assert history.current.track("t-vox").effects[1].param("ratio") == 6.0
    assert history.undo() == song


def test_removing_an_effect_drops_its_automation(song: Project) -> None:
    lanes = (Envelope("effect:fx-comp:ratio", (AutomationPoint(0, 2.0),)),
             Envelope("effect:fx-eq:hp_freq_hz", (AutomationPoint(0, 80.0),)))
    track = replace(song.track("t-vox"), automation=lanes)
    p = song.with_tracks((track, song.track("t-bass")))
    after = chains.remove_effect(p, "fx-comp")
    assert [e.target for e in after.track("t-vox").automation] == ["effect:fx-eq:hp_freq_hz"]
    cleared = chains.replace_chain(p, "t-vox", ())
    assert cleared.track("t-vox").automation == ()


def test_removing_a_master_effect_drops_its_automation(song: Project) -> None:
    points = (AutomationPoint(0, -1.0), AutomationPoint(10, -3.0))
    lane = Envelope("effect:fx-lim:ceiling_db", points)
    p = replace(song, master=replace(song.master, automation=(lane,)))
    assert chains.remove_effect(p, "fx-lim").master.automation == ()
    assert chains.move_effect(chains.add_effect(p, MASTER, "eq", effect_id="fx-e"), "fx-lim",
                              1).master.automation == (lane,)
