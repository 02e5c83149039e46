"""Parameter-only edits patch the plan instead of compiling it, and the patch renders exactly
what a compile of the edited project renders; structural edits are told apart."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from daw.engine.render.live_params import parameter_patch
from daw.engine.render.plan import RenderPlan, compile_plan
from daw.engine.render.renderer import Renderer
from daw.media import MediaPool
from daw.model import EffectSettings, Project, automation, chains, ops, routing
from daw.model.project import MASTER, PAN, effect_target
from tests.engine.songs import Song, tone

Edit = Callable[[Project], Project]


def build(song: Song) -> None:
    song.media("a", tone(9600, 330, channels=1, seed=1))
    song.media("b", tone(9600, 550, channels=2, seed=2))
    song.track("A")
    song.track("B")
    song.clip("A", "a", 0, "ca")
    song.clip("B", "b", 1200, "cb")
    song.bus("Verb")
    song.send("A", "Verb", -6.0)
    song.send("B", "Verb", -3.0, pre_fader=True)
    song.effects("A", EffectSettings("eq-a", "eq", (("p2_gain_db", 3.0),)),
                 EffectSettings("comp-a", "compressor", (("threshold_db", -18.0),)))
    song.effects("Verb", EffectSettings("verb-eq", "eq", (("p1_gain_db", -6.0),)))
    song.effects(MASTER, EffectSettings("m-gain", "gain", (("gain_db", -1.0),)))


def render(song: Song, plan: RenderPlan, frames: int = 10800) -> np.ndarray:
    out = np.zeros((frames, 2), dtype=np.float32)
    with MediaPool(song.folder, song.project.media) as pool, Renderer(plan, pool) as renderer:
        for at in range(0, frames, 1000):
            renderer.render(at, out[at:at + 1000])
    return out


PARAMETER_EDITS: dict[str, Edit] = {
    "fader": lambda p: ops.set_track_gain(p, "A", -7.5),
    "pan": lambda p: ops.set_track_pan(p, "B", 0.4),
    "mute": lambda p: ops.set_track_mute(p, "A", True),
    "solo": lambda p: ops.set_track_solo(p, "B", True),
    "bus fader": lambda p: ops.set_track_gain(p, "Verb", 2.0),
    "send level": lambda p: routing.set_send(p, "A", "Verb", level_db=-1.0),
    "effect parameter": lambda p: chains.set_effect_params(p, "comp-a", {"threshold_db": -30.0}),
    "master fader": lambda p: ops.set_master_gain(p, -4.0),
    "master effect": lambda p: chains.set_effect_params(p, "m-gain", {"gain_db": -6.0}),
    "pan automation": lambda p: automation.set_points(p, "B", PAN, [(0, -1.0), (9000, 1.0)]),
    "effect automation": lambda p: automation.set_points(
        p, "A", effect_target("eq-a", "p2_gain_db"), [(0, -6.0), (6000, 6.0)]),
}


@pytest.mark.parametrize("name", sorted(PARAMETER_EDITS))
def test_a_parameter_edit_patches_the_plan_into_what_a_compile_renders(song: Song,
                                                                        name: str) -> None:
    build(song)
    old = song.project
    new = PARAMETER_EDITS[name](old)
    patched = parameter_patch(compile_plan(old), old, new)
    assert patched is not None
    song.project = new
    expected = render(song, compile_plan(new))
    assert not np.array_equal(expected, render(song, compile_plan(old)))  # the edit is heard
    np.testing.assert_array_equal(render(song, patched), expected)


def test_a_patch_keeps_the_clip_plans_of_the_old_plan(song: Song) -> None:
    build(song)
    old = song.project
    plan = compile_plan(old)
    patched = parameter_patch(plan, old, ops.set_track_solo(old, "A", True))
    assert patched is not None
    assert [s.clips for s in patched.tracks] == [s.clips for s in plan.tracks]
    assert all(a.clips is b.clips for a, b in zip(patched.tracks, plan.tracks, strict=True))


STRUCTURAL_EDITS: dict[str, Edit] = {
    "clip move": lambda p: ops.move_clip(p, "cb", 2400),
    "clip gain": lambda p: ops.set_clip_gain(p, "ca", -3.0),
    "new track": lambda p: ops.add_track(p, "C", track_id="C"),
    "track removed": lambda p: ops.remove_track(p, "B"),
    "send removed": lambda p: routing.remove_send(p, "A", "Verb"),
    "send made pre-fader": lambda p: routing.set_send(p, "A", "Verb", pre_fader=True),
    "effect bypassed": lambda p: chains.set_effect_bypassed(p, "eq-a", True),
    "tempo": lambda p: ops.set_tempo(p, 90.0),
    "track renamed": lambda p: ops.rename_track(p, "A", "Lead"),
}


@pytest.mark.parametrize("name", sorted(STRUCTURAL_EDITS))
def test_a_structural_edit_asks_for_a_compile(song: Song, name: str) -> None:
    build(song)
    old = song.project
    assert parameter_patch(compile_plan(old), old, STRUCTURAL_EDITS[name](old)) is None


def test_no_edit_keeps_the_plan(song: Song) -> None:
    build(song)
    plan = compile_plan(song.project)
    assert parameter_patch(plan, song.project, song.project) is plan
