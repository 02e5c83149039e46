"""The Master Assistant from the window: it analyses a generated song on a worker thread,
shows its notes and figures, Apply puts its chain on the master as one undo step, Cancel stops
it; the loudness-matched before/after plays variants through the engine, neither louder, and
never touches the undo history."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from daw.mastering.assistant import COMPARISON_GAIN_ID, comparison_chains, master_assistant
from daw.mastering.mix_analysis import integrated_lufs
from daw.model.store import save_project
from daw.ui.mastering import MasteringPanel, assistant_dialog
from daw.ui.mastering.assistant_dialog import UNDO_LABEL, AssistantDialog
from daw.ui.mastering.jobs import CANCELLED
from daw.ui.session import Session
from tests.engine.songs import Song
from tests.mastering import mastering_songs
from tests.ui.test_mastering_panel import RecordingEngine


def quiet_song(folder: Path) -> Song:
    song = mastering_songs.make("quiet", folder)  # 4 s, peaks at −20 dBFS
    save_project(song.folder, song.project)
    return song


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_panel(qtbot, session: Session) -> MasteringPanel:
    panel = MasteringPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def analyse(qtbot, dialog: AssistantDialog) -> str:
    with qtbot.waitSignal(dialog.finishedWith, timeout=60000) as finished:
        click(qtbot, dialog.analyse)
    return finished.args[0]


def loudness_of(song: Song, project) -> float:
    """The variant rendered offline, as the engine would play it, measured."""
    song.project = project
    return integrated_lufs(song.render(), project.sample_rate)


def test_analyse_apply_undo_and_compare(qtbot, tmp_path: Path) -> None:
    song = quiet_song(tmp_path / "Quiet.minidaw")
    original = song.project
    engine = RecordingEngine()
    session = Session(original, song.folder, engine)
    panel = open_panel(qtbot, session)
    assert not panel.compare.compare.isEnabled()  # nothing to compare yet
    click(qtbot, panel.assistant_button)
    dialog = panel.assistant_dialog
    qtbot.addWidget(dialog)
    assert dialog.target.current_target().name == "Streaming"
    assert not dialog.apply_button.isEnabled()

    assert analyse(qtbot, dialog) == ""
    result = dialog.result
    expected = master_assistant(original, song.folder, panel.current_target())
    assert result.chain == tuple(replace(e, id=r.id) for e, r in zip(expected.chain,
                                                                      result.chain, strict=True))
    assert [e.kind for e in result.chain] == ["gain", "eq", "compressor", "truepeak_limiter"]
    assert dialog.notes.text() == "\n".join(f"• {note}" for note in result.notes)
    assert dialog.figures.item(0, 0).text() == f"{result.before.integrated_lufs:.1f} LUFS"
    assert dialog.figures.item(0, 1).text() == f"{result.after.integrated_lufs:.1f} LUFS"
    assert dialog.figures.item(1, 1).text() == f"{result.after.true_peak_dbtp:.1f} dBTP"
    assert dialog.chain.text() == "Chain: Gain → EQ → Compressor → True-peak limiter"
    assert dialog.progress.value() == 1000
    assert not session.history.can_undo and engine.projects == []  # nothing applied yet

    # The comparison works before Apply too: the variants go to the engine, not the history.
    switch = panel.compare
    assert switch.compare.isEnabled() and not switch.before.isEnabled()
    click(qtbot, switch.compare)
    before_chain, after_chain = comparison_chains(result)
    after = engine.projects[-1]
    assert after.master.effects == after_chain and session.auditioned is after
    assert after.master.effects[-1].id == COMPARISON_GAIN_ID
    assert dict(after.master.effects[-1].params)["gain_db"] == pytest.approx(
        -result.matched_gain_db)
    click(qtbot, switch.before)
    before = engine.projects[-1]
    assert before.master.effects == before_chain
    assert all(e.bypassed for e in before.master.effects)
    assert not session.history.can_undo and session.project == original
    # Neither is louder: both play at the unmastered mix's loudness.
    level_before = loudness_of(song, before)
    assert level_before == pytest.approx(result.before.integrated_lufs, abs=0.05)
    assert loudness_of(song, after) == pytest.approx(level_before, abs=0.3)
    assert loudness_of(song, replace(original, master=replace(
        original.master, effects=result.chain))) > level_before + 15  # the real master
    click(qtbot, switch.compare)
    assert engine.projects[-1] is session.project and session.auditioned is None
    assert not session.history.can_undo

    click(qtbot, dialog.apply_button)
    assert session.project.master.effects == result.chain
    assert session.project.master.target == "Streaming"
    assert session.history.undo_label == UNDO_LABEL
    assert engine.projects[-1] is session.project
    assert not dialog.apply_button.isEnabled()

    # An edit (here the undo) while comparing ends the comparison: the song plays again.
    click(qtbot, switch.compare)
    assert session.auditioned is not None
    session.undo()
    assert session.auditioned is None and not switch.compare.isChecked()
    assert session.project.master == original.master
    assert engine.projects[-1] is session.project
    session.redo()
    assert session.project.master.effects == result.chain
    session.shutdown()


@pytest.fixture
def held_assistant(monkeypatch) -> threading.Event:
    """The real assistant, held at its first progress report until it is cancelled."""
    started = threading.Event()

    def held(project, folder, target, reference=None, progress=None, cancel=None):
        def report(done: int, total: int) -> None:
            progress(done, total)
            started.set()
            cancel.wait(20)

        return master_assistant(project, folder, target, reference, report, cancel)

    monkeypatch.setattr(assistant_dialog, "master_assistant", held)
    return started


def test_cancel_changes_nothing(qtbot, tmp_path: Path, held_assistant) -> None:
    song = quiet_song(tmp_path / "Quiet.minidaw")
    session = Session(song.project, song.folder)
    dialog = AssistantDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.cancel.isEnabled()
    click(qtbot, dialog.analyse)
    qtbot.waitUntil(held_assistant.is_set, timeout=10000)
    assert dialog.running and not dialog.analyse.isEnabled() and dialog.cancel.isEnabled()
    with qtbot.waitSignal(dialog.finishedWith, timeout=20000) as finished:
        click(qtbot, dialog.cancel)
    assert finished.args == [CANCELLED]
    assert dialog.result is None and not dialog.apply_button.isEnabled()
    assert dialog.status.text() == "Cancelled: nothing was changed."
    assert session.project == song.project and not session.history.can_undo


def test_a_reference_track_sets_the_aim(qtbot, tmp_path: Path) -> None:
    song = quiet_song(tmp_path / "Quiet.minidaw")
    loud = mastering_songs.make("loud", tmp_path / "Loud.minidaw")
    reference = tmp_path / "reference.wav"
    sf.write(reference, loud.render(), 48000, subtype="FLOAT")
    session = Session(song.project, song.folder)
    dialog = AssistantDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    click(qtbot, dialog.use_reference)
    dialog.reference.setText(str(reference))
    assert analyse(qtbot, dialog) == ""
    aim = dialog.result.target
    assert aim.name == "Reference: reference.wav"
    data, rate = sf.read(reference, always_2d=True)
    assert aim.integrated_lufs == pytest.approx(round(integrated_lufs(data, rate), 1))
    assert dialog.result.notes[0].startswith("Matched to the reference reference.wav")
    assert dialog.apply()
    assert session.project.master.target == aim.name


def test_problems_are_one_line_reasons(qtbot, tmp_path: Path) -> None:
    empty = Song(tmp_path / "Empty.minidaw")
    save_project(empty.folder, empty.project)
    session = Session(empty.project, empty.folder)
    dialog = AssistantDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert analyse(qtbot, dialog) == "the project has no clips: nothing to master"
    assert dialog.status.text().endswith("the project has no clips: nothing to master")
    unsaved = Session(quiet_song(tmp_path / "Q.minidaw").project, None)
    dialog = AssistantDialog(unsaved)
    qtbot.addWidget(dialog)
    click(qtbot, dialog.analyse)
    assert "save the project first" in dialog.status.text() and not dialog.running
