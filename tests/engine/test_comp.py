"""Comping: two takes of one region, a range of the second put into the comp, rendered as the
chosen ranges joined by equal-power crossfades."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from daw.dsp.fades import fade_in_curve, fade_out_curve
from daw.model import EditError
from daw.model.takes import (
    add_take,
    comp_range,
    delete_take,
    rate_take,
    remove_unused_media,
    unused_media,
    use_take,
)
from tests.engine.songs import RATE, Song, tone
from tests.realtime.engine_helpers import offline_render

XF = 480


def two_takes(tmp_path: Path) -> Song:
    song = Song(tmp_path / "Comp.minidaw")
    song.media("a", tone(RATE, 220, amp=0.4, seed=1))
    song.media("b", tone(RATE, 330, amp=0.4, seed=2))
    song.track("Vox")
    song.project = add_take(song.project, "Vox", "a", 1000, RATE - 2000, source_offset_frames=500,
                            take_id="take-a")
    song.project = add_take(song.project, "Vox", "b", 1000, RATE - 2000, source_offset_frames=500,
                            take_id="take-b")
    return song


def test_a_comp_plays_the_chosen_ranges_with_crossfades(tmp_path: Path) -> None:
    song = two_takes(tmp_path)
    song.project = use_take(song.project, "take-a", XF)
    song.project = comp_range(song.project, "take-b", 12000, 24000, XF)
    heard = offline_render(song, 0, RATE)[:, 0]
    a = np.zeros(RATE)
    b = np.zeros(RATE)
    a[1000:RATE - 1000] = song.audio["a"][500:RATE - 1500, 0]
    b[1000:RATE - 1000] = song.audio["b"][500:RATE - 1500, 0]
    gain_a = np.zeros(RATE)
    gain_a[1000:RATE - 1000] = 1.0
    gain_b = np.zeros(RATE)
    gain_b[12000 - XF // 2:24000 + XF // 2] = 1.0
    gain_a[12000 - XF // 2:24000 + XF // 2] = 0.0
    gain_a[12000 - XF // 2:12000 + XF // 2] = fade_out_curve("equal_power", XF)
    gain_b[12000 - XF // 2:12000 + XF // 2] = fade_in_curve("equal_power", XF)
    gain_b[24000 - XF // 2:24000 + XF // 2] = fade_out_curve("equal_power", XF)
    gain_a[24000 - XF // 2:24000 + XF // 2] = fade_in_curve("equal_power", XF)
    pan = np.cos(np.pi / 4)  # a centred mono track, -3 dB a side
    expected = (a * gain_a + b * gain_b) * pan
    np.testing.assert_allclose(heard, expected, atol=2e-6)
    # Outside the comp range the first take plays untouched.
    np.testing.assert_allclose(heard[2000:11000], a[2000:11000] * pan, atol=1e-6)


def test_comp_clips_are_ordinary_clips_and_remember_their_take(tmp_path: Path) -> None:
    song = two_takes(tmp_path)
    p = use_take(song.project, "take-a", XF)
    p = comp_range(p, "take-b", 12000, 24000, XF)
    clips = p.track("Vox").clips
    assert [c.take_id for c in clips] == ["take-a", "take-b", "take-a"]
    assert [(c.start_frame, c.end_frame) for c in clips] == [
        (1000, 12000 + XF // 2), (12000 - XF // 2, 24000 + XF // 2), (24000 - XF // 2, RATE - 1000)]
    assert all(c.fade_in.shape == "equal_power" for c in clips[1:])
    # Comping the same range again replaces it rather than stacking clips.
    again = comp_range(p, "take-a", 12000, 24000, XF)
    assert [c.take_id for c in again.track("Vox").clips] == ["take-a", "take-a", "take-a"]
    with pytest.raises(EditError, match="outside the take"):
        comp_range(p, "take-b", 0, 900, XF)


def test_deleting_a_take_keeps_its_file_until_a_clean_up(tmp_path: Path) -> None:
    song = two_takes(tmp_path)
    p = use_take(song.project, "take-a", XF)
    p = rate_take(p, "take-a", 5)
    assert p.track("Vox").take("take-a").rating == 5
    p = delete_take(p, "take-b")
    assert [t.id for t in p.track("Vox").takes] == ["take-a"]
    assert [m.id for m in unused_media(p)] == ["b"]
    assert [m.id for m in remove_unused_media(p).media] == ["a"]
    with pytest.raises(EditError, match="0 to 5"):
        rate_take(p, "take-a", 6)
