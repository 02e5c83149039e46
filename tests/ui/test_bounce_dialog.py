"""Bouncing from the window, with no sound card: the files appear, complete, with a report;
Cancel leaves nothing; the window stays responsive while the bounce runs."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from daw.engine.export import bounce as bounce_module
from daw.model import ops
from daw.model.store import save_project
from daw.ui import bounce_dialog
from daw.ui.bounce_dialog import CANCELLED, BounceDialog
from daw.ui.session import Session
from tests.engine.songs import Song, tone


def make_session(tmp_path: Path) -> Session:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(96000, 330, channels=2, amp=0.4))
    song.media("b", tone(60000, 550, amp=0.3, seed=1))
    song.track("A")
    song.track("B", pan=0.4)
    song.clip("A", "a", 0, "c")
    song.clip("B", "b", 10000, "d")
    song.project = ops.add_marker(song.project, "Verse", 0)
    song.project = ops.add_marker(song.project, "Chorus", 48000)
    save_project(song.folder, song.project)
    return Session(song.project, song.folder)


def open_dialog(qtbot, session: Session) -> BounceDialog:
    dialog = BounceDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def bounce_and_wait(qtbot, dialog: BounceDialog) -> str:
    with qtbot.waitSignal(dialog.bounceFinished, timeout=20000) as finished:
        click(qtbot, dialog.start)
    return finished.args[0]


def items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_bounce_a_section_from_the_dialog(qtbot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, make_session(tmp_path))
    assert items(dialog.range) == ["Whole song", "Between markers"]  # no loop region set
    assert items(dialog.marker) == ["Verse", "Chorus"]
    assert not dialog.marker.isEnabled()
    dialog.range.setCurrentIndex(dialog.range.findData("markers"))
    assert dialog.marker.isEnabled()
    dialog.marker.setCurrentIndex(1)
    dialog.depth.setCurrentIndex(dialog.depth.findData("16"))
    target = tmp_path / "chorus.wav"
    dialog.path.setText(str(target))
    assert bounce_and_wait(qtbot, dialog) == ""
    info = sf.info(target)
    assert (info.frames, info.subtype) == (48000, "PCM_16")  # Chorus to the end of A
    data, _ = sf.read(target)
    assert 0.2 < np.abs(data).max() < 0.8
    report = json.loads((tmp_path / "chorus.loudness.json").read_text())
    assert report["bounce"]["range"]["start_frame"] == 48000
    peak = 20 * np.log10(np.abs(data).max())
    assert dialog.result.text().startswith("Wrote chorus.wav.\nIntegrated loudness: ")
    assert f"Sample peak: {peak:.1f} dBFS" in dialog.result.text()
    assert dialog.isVisible() and dialog.progress.value() == 1000


def test_loop_region_flac_unmastered_stems_and_no_dither(qtbot, tmp_path: Path) -> None:
    session = make_session(tmp_path)
    session.set_loop(4000, 28000, enabled=False)  # kept for the bounce even while off
    dialog = open_dialog(qtbot, session)
    assert items(dialog.range) == ["Whole song", "Loop region (0.08 s–0.58 s)",
                                   "Between markers"]
    dialog.range.setCurrentIndex(1)
    dialog.depth.setCurrentIndex(dialog.depth.findData("32f"))
    assert not dialog.dither.isEnabled()
    dialog.format.setCurrentIndex(dialog.format.findData("flac"))
    assert dialog.depth.currentData() == "24"  # FLAC has no float
    assert not dialog.depth.model().item(dialog.depth.findData("32f")).isEnabled()
    assert dialog.path.text() == str(tmp_path / "Test.flac")
    assert dialog.dither.isEnabled()
    click(qtbot, dialog.dither)
    click(qtbot, dialog.mastered)
    assert not dialog.stems_dir.isEnabled()
    click(qtbot, dialog.stems)
    assert dialog.stems_dir.isEnabled()
    assert dialog.stems_dir.text() == str(tmp_path / "Test stems")
    dialog.rate.setCurrentIndex(dialog.rate.findData(44100))
    assert items(dialog.rate) == ["44.1 kHz", "48 kHz (project)", "96 kHz"]
    assert bounce_and_wait(qtbot, dialog) == ""

    main, rate = sf.read(tmp_path / "Test.flac", dtype="int32", always_2d=True)
    assert (rate, len(main), sf.info(tmp_path / "Test.flac").subtype) == (44100, 22050,
                                                                         "PCM_24")
    stems = sorted((tmp_path / "Test stems").iterdir())
    assert [p.name for p in stems] == ["Test - A.flac", "Test - B.flac"]
    parts = [sf.read(p, dtype="int32", always_2d=True)[0] >> 8 for p in stems]
    assert all(len(p) == len(main) for p in parts)
    # each file rounded on its own (no dither), after float32 resampling (~1 LSB of 24 bit)
    assert np.abs(sum(parts) - (main >> 8)).max() <= 2
    report = json.loads((tmp_path / "Test.loudness.json").read_text())
    assert report["bounce"]["range"]["start_frame"] == 4000
    assert (report["bounce"]["mastered"], report["bounce"]["dither"]) == (False, False)
    assert report["bounce"]["stems"] == ["Test - A.flac", "Test - B.flac"]
    assert "and the stems in Test stems" in dialog.result.text()


def test_unchecking_the_report_writes_none(qtbot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, make_session(tmp_path))
    click(qtbot, dialog.report)
    dialog.path.setText(str(tmp_path / "plain.wav"))
    assert bounce_and_wait(qtbot, dialog) == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Song.minidaw", "plain.wav"]
    assert dialog.result.text() == "Wrote plain.wav."
    assert sf.info(tmp_path / "plain.wav").frames == 96000


@pytest.fixture
def held_bounce(monkeypatch) -> tuple[threading.Event, list[int]]:
    """The real bounce, held after its first block until it is cancelled, so that a test can
    press Cancel while it runs (and see the window go on working meanwhile)."""
    first_block = threading.Event()
    blocks: list[int] = []
    monkeypatch.setattr(bounce_module, "BOUNCE_BLOCK", 16384)  # several blocks in the song

    def held(project, folder, settings, progress=None, cancel=None, warn=None):
        def report(done: int, total: int) -> None:
            blocks.append(done)
            progress(done, total)
            first_block.set()
            cancel.wait(20)

        return bounce_module.bounce(project, folder, settings, report, cancel, warn=warn)

    monkeypatch.setattr(bounce_dialog, "bounce", held)
    return first_block, blocks


def test_cancel_leaves_no_file(qtbot, tmp_path: Path, held_bounce) -> None:
    first_block, blocks = held_bounce
    dialog = open_dialog(qtbot, make_session(tmp_path))
    click(qtbot, dialog.stems)
    dialog.path.setText(str(tmp_path / "mix.wav"))
    assert not dialog.cancel.isEnabled()
    click(qtbot, dialog.start)
    qtbot.waitUntil(first_block.is_set, timeout=10000)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=10000)  # the UI is live
    assert dialog.progress.value() == int(1000 * 16384 / 96000)
    assert not dialog.start.isEnabled() and not dialog.path.isEnabled()
    with qtbot.waitSignal(dialog.bounceFinished, timeout=20000) as finished:
        click(qtbot, dialog.cancel)
    assert finished.args == [CANCELLED]
    assert blocks == [16384]
    assert [p.name for p in tmp_path.iterdir()] == ["Song.minidaw"]  # no partial, no stems
    assert dialog.result.text() == "Cancelled: nothing was written."
    assert dialog.isVisible() and dialog.start.isEnabled()


def test_closing_while_bouncing_cancels_first(qtbot, tmp_path: Path, held_bounce) -> None:
    first_block, _ = held_bounce
    dialog = open_dialog(qtbot, make_session(tmp_path))
    dialog.path.setText(str(tmp_path / "mix.wav"))
    click(qtbot, dialog.start)
    qtbot.waitUntil(first_block.is_set, timeout=10000)
    with qtbot.waitSignal(dialog.rejected, timeout=20000):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result_message == CANCELLED
    assert [p.name for p in tmp_path.iterdir()] == ["Song.minidaw"]


def test_a_failed_bounce_is_reported(qtbot, tmp_path: Path) -> None:
    session = make_session(tmp_path)
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    dialog = open_dialog(qtbot, session)
    dialog.path.setText(str(tmp_path / "no such folder" / "mix.wav"))
    message = bounce_and_wait(qtbot, dialog)
    assert "no such folder" in message
    assert errors == [f"Bounce failed: {message}"]
    assert dialog.result.text() == f"Bounce failed: {message}"
    assert dialog.start.isEnabled()


def test_what_the_bounce_went_on_despite_is_shown(qtbot, tmp_path: Path, monkeypatch) -> None:
    real_bounce = bounce_dialog.bounce

    def bounce_with_a_silenced_strip(*args, warn=None, **kwargs):
        made = real_bounce(*args, warn=warn, **kwargs)
        warn("B: its effects produced NaN or infinite samples at 0.500 s; the strip was muted")
        return made

    monkeypatch.setattr(bounce_dialog, "bounce", bounce_with_a_silenced_strip)
    dialog = open_dialog(qtbot, make_session(tmp_path))
    dialog.path.setText(str(tmp_path / "mix.wav"))
    assert bounce_and_wait(qtbot, dialog) == ""
    assert "⚠ B: its effects produced NaN" in dialog.result.text()
