"""While playing, a track whose effects produce NaN is reported in the engine's state, the
rest plays on, and editing its chain brings it back."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from daw.model.project import EffectSettings
from tests.engine.songs import RATE, tone
from tests.realtime.engine_helpers import new_song, running_engine, wait_until
from tests.realtime.jack_harness import jack_device_index


def boost(gain_db: float) -> tuple[EffectSettings, ...]:
    return (EffectSettings("fx-boost", "gain", (("gain_db", gain_db),)),)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the +24 dB boost
def test_the_engine_publishes_a_faulted_strip_until_its_chain_is_edited(
    tmp_path: Path, jack_server_factory, virtual_audio
) -> None:
    song = new_song(tmp_path)
    song.media("loud", np.full((6 * RATE, 2), 3e38, dtype=np.float32))
    song.media("good", tone(6 * RATE, 330, channels=2, amp=0.4, seed=5))
    song.track("Loud")
    song.clip("Loud", "loud", 0, "c0")
    song.track("Good")
    song.clip("Good", "good", 0, "c1")
    song.effects("Loud", *boost(24.0))  # 3e38 at +24 dB is infinite
    tamed = song.project.with_tracks(tuple(
        replace(t, effects=boost(-24.0)) if t.id == "Loud" else t
        for t in song.project.tracks))
    with (jack_server_factory(period=1024) as server,
          virtual_audio(server=server, capture_seconds=4) as audio):
        with running_engine(song.project, song.folder, jack_device_index()) as engine:
            audio.speaker.start_capture()
            engine.play()
            wait_until(lambda: engine.state.faulted == frozenset({"Loud"}))
            wait_until(lambda: engine.state.position_frame > RATE // 2)
            engine.set_project(tamed)
            wait_until(lambda: engine.state.faulted == frozenset())
            engine.stop()
            assert engine.state.error is None
        heard = audio.speaker.captured()
    assert np.isfinite(heard).all() and np.abs(heard).max() > 0.1
