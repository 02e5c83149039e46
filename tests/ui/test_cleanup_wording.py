"""The Clean Up question reads as English for one file as for many."""

from __future__ import annotations

from pathlib import Path

from daw.ui.cleanup import question


def test_one_missing_file_is_gone_and_two_are(tmp_path: Path) -> None:
    one = question(tmp_path, [], 1)
    assert one.startswith("1 audio file the song no longer uses is already gone")
    assert "Forget it and save" in one
    two = question(tmp_path, [], 2)
    assert two.startswith("2 audio files the song no longer uses are already gone")
    assert "Forget them and save" in two


def test_one_file_to_delete_is_named_in_the_singular(tmp_path: Path) -> None:
    (tmp_path / "audio").mkdir()
    wav = tmp_path / "audio" / "take.wav"
    wav.write_bytes(b"x" * 2048)
    text = question(tmp_path, [wav], 1)
    assert text.startswith("Delete 1 audio file the song no longer uses (2.0 KB)?")
    assert "audio/take.wav  (2.0 KB)" in text
