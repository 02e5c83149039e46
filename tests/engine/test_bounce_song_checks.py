"""A bounce checks the song against the effects this MiniDAW has before rendering: an unknown
kind or a parameter out of its range is one BounceError naming the track and the effect, not
an exception from deep in the renderer (the window's bounce dialog goes this way too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from daw.engine.export.bounce import BounceError, BounceSettings, bounce
from daw.model.project import MASTER, EffectSettings
from tests.engine.songs import RATE, Song, tone


@pytest.mark.parametrize(("owner", "effect", "words"), [
    ("Vocal", EffectSettings("fx1", "fuzzbox", ()),
     "cannot bounce: track 'Vocal', effect 1: unknown kind 'fuzzbox' (known: chorus,"),
    ("Vocal", EffectSettings("fx1", "gain", (("gain_db", 1e308),)),
     "cannot bounce: track 'Vocal', effect 1 (gain): gain_db: 1e+308 is out of range "
     "(-48 to 24)"),
    (MASTER, EffectSettings("fx1", "eq", (("p1_q", -1.0),)),
     "cannot bounce: master, effect 1 (eq): p1_q: -1 is out of range (0.1 to 18)"),
])
def test_a_song_the_engine_cannot_play_is_refused(song: Song, tmp_path: Path, owner: str,
                                                  effect: EffectSettings, words: str) -> None:
    song.media("vox", tone(RATE // 10, 440))
    song.track("Vocal")
    song.clip("Vocal", "vox", 0, "c1")
    song.effects(owner, effect)
    out = tmp_path / "mix.wav"
    with pytest.raises(BounceError) as caught:
        bounce(song.project, song.folder, BounceSettings(out))
    assert str(caught.value).startswith(words)
    assert not out.exists()
    assert list(tmp_path.glob("*.wav")) == []
