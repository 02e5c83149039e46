"""A property of the project loader: whatever a damaged or hand-edited file holds (keys gone,
wrong types, huge, negative or NaN numbers, text where numbers go, deep nesting), loading it
gives a Project or a ProjectFileError naming the file, never any other exception."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daw.model import MediaRef, Project, ProjectFileError, ops, routing
from daw.model.automation import set_points
from daw.model.chains import add_effect
from daw.model.serialize import project_to_dict
from daw.model.store import project_from_json_data
from daw.model.takes import add_take

KINDS = {"eq": {"p1_gain_db": (-24.0, 24.0)}, "gain": {"gain_db": (-48.0, 24.0)}}


def rich_song() -> dict:
    """A valid song with something in every list the file can hold."""
    p = Project(name="Fuzz")
    p = ops.add_media(p, MediaRef("m1", "audio/a.wav", 2, 96_000, "a.wav"))
    p = ops.add_track(p, "Vocal", track_id="t1")
    p = routing.add_bus(p, "Verb", bus_id="b1")
    p = routing.set_send(p, "t1", "b1", level_db=-6.0)
    p = ops.add_clip(p, "t1", "m1", 100, clip_id="c1")
    p = add_take(p, "t1", "m1", 0, 48_000, take_id="k1")
    p = add_effect(p, "t1", "eq", {"p1_gain_db": 2.0}, effect_id="fx1")
    p = add_effect(p, "master", "gain", {"gain_db": -1.0}, effect_id="fx2")
    p = set_points(p, "t1", "volume", [(0, -3.0), (48_000, 0.0)])
    p = set_points(p, "master", "effect:fx2:gain_db", [(0, -1.0)])
    p = ops.add_marker(p, "Verse", 0, marker_id="mk1")
    return project_to_dict(p)


BASE = rich_song()


def nested(depth: int) -> object:
    value: object = 0
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 10**13, -1, 0, 10**400, float("nan"), "", "12", "NaN"]),
    st.text(max_size=8), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.integers(1, 3000).map(nested),
)


def paths(value: object, here: tuple = ()) -> list[tuple]:
    """Every place in the data: the keys of objects and the items of lists (a deeply nested
    value put there by a mutation is a place only as a whole)."""
    found = [here]
    if len(here) > 8:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*here, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*here, index))
    return found


def mutate(data: dict, draw) -> dict:
    places = paths(data)[1:]
    where = places[draw(st.integers(0, len(places) - 1))]
    parent = data
    for step in where[:-1]:
        parent = parent[step]
    last = where[-1]
    how = draw(st.sampled_from(["drop", "replace", "replace", "wrap", "duplicate"]))
    if how == "drop":
        del parent[last]
    elif how == "replace":
        parent[last] = draw(HOSTILE)
    elif how == "wrap":
        parent[last] = [parent[last]]
    elif isinstance(parent, list):
        parent.append(parent[last])
    else:
        parent[last] = [parent[last], parent[last]]
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_loader_returns_a_project_or_says_what_is_wrong(data: st.DataObject) -> None:
    song = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 5), label="mutations")):
        song = mutate(song, data.draw)
    kinds = data.draw(st.sampled_from([None, KINDS]), label="kinds")
    try:
        project = project_from_json_data(song, "project.json", kinds)
    except ProjectFileError as error:
        message = str(error)
        assert message.startswith("project.json: ") and "\n" not in message
        assert len(message) < 2000
    else:
        assert isinstance(project, Project)
        # What loads saves and loads again unchanged.
        again = json.loads(json.dumps(project_to_dict(project)))
        assert project_from_json_data(again, "project.json", kinds) == project


def test_the_unchanged_song_loads() -> None:
    project = project_from_json_data(copy.deepcopy(BASE), "project.json", KINDS)
    assert [t.name for t in project.tracks] == ["Vocal", "Verb"]
    assert project.master.effects[0].params == (("gain_db", -1.0),)
