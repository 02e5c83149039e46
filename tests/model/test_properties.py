"""Properties over random edit sequences: the file keeps everything, undo loses nothing."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daw.model import FADE_SHAPES, EditError, Fade, MediaRef, Project, ops
from daw.model.history import History
from daw.model.store import load_project, save_project
from daw.model.validate import check_project

NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
)
FRAMES = st.one_of(st.integers(0, 40_000), st.integers(-10, 200_000))
GAINS = st.one_of(st.floats(min_value=-60, max_value=12, allow_nan=False),
                 st.just(float("-inf")))


def start_project() -> Project:
    p = Project(name="Prop")
    p = ops.add_media(p, MediaRef("m-stereo", "audio/s.wav", 2, 100_000, "s.wav"))
    p = ops.add_media(p, MediaRef("m-mono", "audio/m.wav", 1, 30_000, "m.wav"))
    return ops.add_track(p, "One", track_id="t-0")


def pick(data: st.DataObject, items: list[str], label: str) -> str:
    """Mostly an existing id, now and then one that does not exist."""
    if items and data.draw(st.integers(0, 9), label=f"{label} exists") > 0:
        return data.draw(st.sampled_from(items), label=label)
    return "missing-id"


def random_edit(data: st.DataObject, p: Project, n: int) -> tuple[str, Project]:
    """Draw one edit that may or may not be valid, and apply it."""
    tracks = [t.id for t in p.tracks]
    clips = [c.id for t in p.tracks for c in t.clips]
    markers = [m.id for m in p.markers]
    kind = data.draw(st.sampled_from([
        "add_track", "remove_track", "rename_track", "move_track", "gain", "pan", "mute",
        "solo", "add_clip", "move_clip", "trim_start", "trim_end", "split", "delete_clip",
        "duplicate", "fades", "clip_gain", "add_marker", "move_marker", "rename_marker",
        "delete_marker", "tempo", "master", "notes",
    ]), label="edit")
    d = data.draw
    if kind == "add_track":
        return kind, ops.add_track(p, d(NAMES), track_id=f"t-{n}")
    if kind == "remove_track":
        return kind, ops.remove_track(p, pick(data, tracks, "track"))
    if kind == "rename_track":
        return kind, ops.rename_track(p, pick(data, tracks, "track"), d(NAMES))
    if kind == "move_track":
        return kind, ops.move_track(p, pick(data, tracks, "track"), d(st.integers(-1, 4)))
    if kind == "gain":
        return kind, ops.set_track_gain(p, pick(data, tracks, "track"), d(GAINS))
    if kind == "pan":
        return kind, ops.set_track_pan(p, pick(data, tracks, "track"), d(st.floats(-1.2, 1.2)))
    if kind == "mute":
        return kind, ops.set_track_mute(p, pick(data, tracks, "track"), d(st.booleans()))
    if kind == "solo":
        return kind, ops.set_track_solo(p, pick(data, tracks, "track"), d(st.booleans()))
    if kind == "add_clip":
        media = d(st.sampled_from(["m-stereo", "m-mono"]))
        return kind, ops.add_clip(p, pick(data, tracks, "track"), media, d(FRAMES),
                                  length_frames=d(st.one_of(st.integers(1, 20_000),
                                                            st.integers(-5, 120_000))),
                                  source_offset_frames=d(st.one_of(st.integers(0, 5_000),
                                                                   st.integers(0, 40_000))),
                                  clip_id=f"c-{n}")
    if kind == "move_clip":
        target = d(st.one_of(st.none(), st.sampled_from([*tracks, "missing-id"])))
        return kind, ops.move_clip(p, pick(data, clips, "clip"), d(FRAMES), track_id=target)
    if kind == "trim_start":
        return kind, ops.trim_clip_start(p, pick(data, clips, "clip"), d(FRAMES))
    if kind == "trim_end":
        return kind, ops.trim_clip_end(p, pick(data, clips, "clip"), d(FRAMES))
    if kind == "split":
        return kind, ops.split_clip(p, pick(data, clips, "clip"), d(FRAMES), new_clip_id=f"c-{n}")
    if kind == "delete_clip":
        return kind, ops.delete_clip(p, pick(data, clips, "clip"))
    if kind == "duplicate":
        return kind, ops.duplicate_clip(p, pick(data, clips, "clip"), new_clip_id=f"c-{n}")
    if kind == "fades":
        fade = st.builds(Fade, st.integers(-5, 60_000), st.sampled_from([*FADE_SHAPES, "bad"]))
        return kind, ops.set_fades(p, pick(data, clips, "clip"), d(fade), d(fade))
    if kind == "clip_gain":
        return kind, ops.set_clip_gain(p, pick(data, clips, "clip"), d(GAINS))
    if kind == "add_marker":
        return kind, ops.add_marker(p, d(NAMES), d(FRAMES), notes=d(st.text(max_size=30)),
                                    marker_id=f"k-{n}")
    if kind == "move_marker":
        return kind, ops.move_marker(p, pick(data, markers, "marker"), d(FRAMES))
    if kind == "rename_marker":
        return kind, ops.rename_marker(p, pick(data, markers, "marker"), d(NAMES))
    if kind == "delete_marker":
        return kind, ops.delete_marker(p, pick(data, markers, "marker"))
    if kind == "tempo":
        return kind, ops.set_tempo(p, d(st.floats(10, 500)))
    if kind == "master":
        return kind, ops.set_master_gain(p, d(GAINS))
    return kind, ops.set_project_notes(p, d(st.text(max_size=50)))


def apply_random_edits(data: st.DataObject, steps: int) -> History:
    history = History(start_project())
    for n in range(steps):
        before = history.current
        try:
            label, after = random_edit(data, before, n)
        except EditError:
            continue
        check_project(after)  # every accepted edit leaves a valid project
        history.push(after, label)
    return history


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(1, 40))
def test_random_edits_survive_save_and_load(data: st.DataObject, steps: int) -> None:
    project = apply_random_edits(data, steps).current
    with TemporaryDirectory() as folder:
        save_project(Path(folder), project)
        assert load_project(Path(folder)) == project


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(1, 40))
def test_undoing_every_step_returns_the_first_project(data: st.DataObject, steps: int) -> None:
    history = apply_random_edits(data, steps)
    snapshots = []
    while history.can_undo:
        snapshots.append(history.current)
        history.undo()
    assert history.current == start_project()
    for expected in reversed(snapshots):
        assert history.redo() == expected
