"""Every number in a project file is checked at load, for range and finiteness, with a message
that names the file, the track and the effect once each; sizes are capped before anything is
built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daw.model import EffectSettings, MediaRef, Project, ProjectFileError, ops
from daw.model.limits import MAX_CLIPS, MAX_SONG_HOURS, max_frames
from daw.model.serialize import project_to_dict
from daw.model.store import create_project, load_project, project_from_json_data

KINDS = {"eq": {"p1_gain_db": (-24.0, 24.0), "p1_freq_hz": (20.0, 20000.0)},
         "gain": {"gain_db": (-48.0, 24.0)}}


def song() -> Project:
    p = Project(name="Song")
    p = ops.add_media(p, MediaRef("m1", "audio/a.wav", 1, 48000, "a.wav"))
    p = ops.add_track(p, "Vocal", track_id="t1")
    p = ops.add_clip(p, "t1", "m1", 0, clip_id="c1")
    p = ops.add_marker(p, "Verse", 0, marker_id="k1")
    track = p.tracks[0]
    effects = (EffectSettings("fx1", "gain", (("gain_db", -3.0),)),
               EffectSettings("fx2", "eq", (("p1_gain_db", 2.0), ("p1_freq_hz", 800.0))))
    return p.with_tracks((type(track)(**{**track.__dict__, "effects": effects}),))


def load_changed(change, kinds=KINDS) -> str:
    data = project_to_dict(song())
    change(data)
    with pytest.raises(ProjectFileError) as caught:
        project_from_json_data(data, "project.json", kinds)
    return str(caught.value)


def test_the_song_itself_loads_with_the_kinds() -> None:
    assert project_from_json_data(project_to_dict(song()), "project.json", KINDS) == song()


def test_an_effect_parameter_out_of_range_names_track_effect_and_range() -> None:
    def change(d):
        d["tracks"][0]["effects"][1]["params"]["p1_gain_db"] = 1e308
    assert load_changed(change) == ("project.json: track 'Vocal', effect 2 (eq): p1_gain_db: "
                                    "1e+308 is out of range (-24 to 24)")


def test_an_unknown_effect_kind_names_track_and_kind() -> None:
    def change(d):
        d["tracks"][0]["effects"][0]["kind"] = "fuzzbox"
    assert load_changed(change) == ("project.json: track 'Vocal', effect 1: unknown kind "
                                    "'fuzzbox' (known: eq, gain)")


def test_without_kinds_a_kind_is_taken_as_given() -> None:
    data = project_to_dict(song())
    data["tracks"][0]["effects"][0]["kind"] = "someone-elses-plugin"
    assert project_from_json_data(data, "p", None).tracks[0].effects[0].kind == (
        "someone-elses-plugin")


def test_a_master_effect_is_named_as_the_masters() -> None:
    def change(d):
        d["master"]["effects"] = [{"id": "m", "kind": "gain", "params": {"gain_db": -1e9}}]
    assert load_changed(change).endswith(
        "master, effect 1 (gain): gain_db: -1e+09 is out of range (-48 to 24)")


@pytest.mark.parametrize(("change", "field", "problem"), [
    (lambda d: d.__setitem__("sample_rate", 5), "sample_rate",
     "5 Hz is not supported (8000 to 384000 Hz)"),
    (lambda d: d.__setitem__("tempo_bpm", 1e308), "tempo_bpm", "expected 20 to 400 BPM"),
    (lambda d: d.__setitem__("time_signature", [4, 3]), "time_signature",
     "4/3 cannot be used (1 to 32 beats of 1, 2, 4, 8, 16 or 32)"),
    (lambda d: d["master"].__setitem__("gain_db", 1e308), "master.gain_db", "out of range"),
])
def test_whole_song_messages_say_their_subject_once(change, field: str, problem: str) -> None:
    message = load_changed(change)
    assert message == f"project.json: {field}: {problem}" or (
        message.startswith(f"project.json: {field}: ") and problem in message)
    subject = field.split(".")[-1].replace("_", " ").removesuffix(" bpm").removesuffix(" db")
    assert message.replace("_", " ").count(subject) == 1


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["tracks"][0].__setitem__("gain_db", 1e308), "out of range"),
    (lambda d: d["tracks"][0].__setitem__("pan", -1e308), "from -1 (left) to +1"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("gain_db", float("nan")), "finite"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("gain_db", float("inf")), "finite"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("start_frame", -5), "at least 0"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("start_frame", 10**13),
     f"past {MAX_SONG_HOURS} hours of song"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("length_frames", 10**400),
     "length_frames: a number of 401 digits is out of range"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("stretch", 0.0), "stretch"),
    (lambda d: d["tracks"][0]["clips"][0].__setitem__("pitch_semitones", 1e308), "pitch"),
    (lambda d: d["media"][0].__setitem__("length_frames", 10**15), "past 24 hours"),
    (lambda d: d["markers"][0].__setitem__("frame", 10**13), "past 24 hours"),
    (lambda d: d["tracks"][0]["effects"][0]["params"].__setitem__("gain_db", float("nan")),
     "finite"),
    (lambda d: d["tracks"][0].__setitem__(
        "automation", [{"target": "volume", "points": [[0, 1e308]]}]), "out of range"),
    (lambda d: d["tracks"][0].__setitem__(
        "automation", [{"target": "pan", "points": [[10**13, 0.0]]}]), "past 24 hours"),
    (lambda d: d["tracks"][0].__setitem__(
        "automation", [{"target": "pan", "points": [[0, float("nan")]]}]), "[frame, value]"),
    (lambda d: d["tracks"][0].__setitem__(
        "sends", [{"bus_id": "t1", "level_db": 1e308}]), "send"),
])
def test_absurd_numbers_are_refused(change, words: str) -> None:
    message = load_changed(change)
    assert message.startswith("project.json: ") and words in message
    assert "\n" not in message


def test_a_million_clips_are_refused_before_they_are_built() -> None:
    def change(d):
        clip = d["tracks"][0]["clips"][0]
        d["tracks"][0]["clips"] = [clip] * 1_000_000
    message = load_changed(change)
    assert message == (f"project.json: tracks: 1,000,000 clips and takes; a project holds at "
                       f"most {MAX_CLIPS:,}")


def test_a_clip_may_end_exactly_at_the_cap() -> None:
    data = project_to_dict(song())
    limit = max_frames(48000)
    data["media"][0]["length_frames"] = limit
    data["tracks"][0]["clips"][0].update(start_frame=limit - 48000, length_frames=48000)
    project = project_from_json_data(data, "p", KINDS)
    assert project.end_frame == limit
    data["tracks"][0]["clips"][0]["start_frame"] += 1
    with pytest.raises(ProjectFileError, match="past 24 hours"):
        project_from_json_data(data, "p", KINDS)


def test_bare_nan_in_the_file_and_deep_nesting(tmp_path: Path) -> None:
    folder = create_project(tmp_path / "Song", song())
    text = (folder / "project.json").read_text().replace('"gain_db": -3.0', '"gain_db": NaN')
    assert "NaN" in text
    (folder / "project.json").write_text(text)
    with pytest.raises(ProjectFileError, match="expected a finite number, got the number nan"):
        load_project(folder)
    (folder / "project.json").write_text('{"tracks": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ProjectFileError, match="nested too deeply"):
        load_project(folder)
    (folder / "project.json").write_text('{"schema_version": 1' + "0" * 5000 + "}")
    with pytest.raises(ProjectFileError, match="not valid JSON"):
        load_project(folder)


def test_edits_keep_to_the_same_cap() -> None:
    with pytest.raises(ops.EditError, match="past 24 hours"):
        ops.move_clip(song(), "c1", 10**13)


def test_message_for_a_damaged_file_is_stable_json(tmp_path: Path) -> None:
    """The loader's refusal reads the same from a file as from data."""
    folder = create_project(tmp_path / "Song", song())
    data = json.loads((folder / "project.json").read_text())
    data["sample_rate"] = 5
    (folder / "project.json").write_text(json.dumps(data))
    with pytest.raises(ProjectFileError) as caught:
        load_project(folder)
    assert str(caught.value).endswith("project.json: sample_rate: 5 Hz is not supported "
                                      "(8000 to 384000 Hz)")
