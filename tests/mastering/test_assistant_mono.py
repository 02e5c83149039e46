"""The Master Assistant never widens a mono or nearly mono mix (a voice alone with a little
room on one side), and says what it would have done and why it did not."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from daw.mastering.assistant import master_assistant
from daw.mastering.targets import Target
from tests.mastering.test_assistant import _one_track_song, _shaped_noise


def test_a_nearly_mono_voice_is_not_widened_and_the_notes_say_so(tmp_path: Path) -> None:
    voice = _shaped_noise(4.0, seed=7)[:, :1]
    nearly_mono = np.hstack([voice, 0.95 * voice])  # side about 32 dB under the mid
    song = _one_track_song(tmp_path / "Voice.minidaw", nearly_mono)
    result = master_assistant(song.project, song.folder, Target("Test", -14.0, -1.0))
    assert result.before.side_to_mid_db < -30.0
    assert not [e for e in result.chain if e.kind == "width"]
    [note] = [n for n in result.notes if "wid" in n.lower()]
    assert "not widened" in note and "130 %" in note


def test_a_mono_mix_is_left_mono(tmp_path: Path) -> None:
    voice = _shaped_noise(4.0, seed=8)[:, :1]
    song = _one_track_song(tmp_path / "Mono.minidaw", np.hstack([voice, voice]))
    result = master_assistant(song.project, song.folder, Target("Test", -14.0, -1.0))
    assert not [e for e in result.chain if e.kind == "width"]
    assert any("left mono" in n for n in result.notes)
