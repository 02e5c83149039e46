"""The clip menu's timing and pitch tools, driven through the real menu, dialogs and keys and
checked on the model: pitch, stretch, split at transients, quantize, the millisecond nudge."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication

from daw.model.timing import clip_anchor, set_clip_pitch
from daw.ui.session import Session
from daw.ui.timeline import TimelineView
from daw.ui.timeline.clip_tools import PitchDialog, QuantizeDialog, StretchDialog
from daw.ui.timeline.transient_split import SplitDialog
from tests.engine.songs import RATE, Song

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
BEAT = 24_000
SIXTEENTH = BEAT // 4
CLIP_START = BEAT
HITS = (6_000 + 310, 12_000 - 455, 18_000 + 97, 24_000 - 800, 30_000 + 240, 36_000)
"""Where the clicks are in the drum file: sixteenths played a little early or late."""
TWO_MS = 2 * RATE // 1000


class Timeline:
    def __init__(self, view: TimelineView, session: Session) -> None:
        self.view, self.session = view, session

    def clip(self, clip_id: str):
        return self.session.project.find_clip(clip_id)[1]

    def clips(self) -> list:
        return list(self.session.project.track("d").clips)

    def clip_point(self, clip_id: str) -> QPointF:
        track, clip = self.session.project.find_clip(clip_id)
        index = [t.id for t in self.session.project.tracks].index(track.id)
        rect = self.view.layout_.clip_rect(clip, index)
        return QPointF(rect.left() + 30, rect.bottom() - 12)


def drums() -> np.ndarray:
    audio = np.zeros((RATE, 2), dtype=np.float32)
    for hit in HITS:
        audio[hit:hit + 4] = np.array([0.8, -0.6, 0.3, -0.1])[:, None]
    return audio


@pytest.fixture
def tl(qtbot, tmp_path: Path) -> Timeline:
    song = Song(tmp_path / "Song.minidaw")
    song.media("drums", drums())
    song.track("d")
    song.clip("d", "drums", CLIP_START, "k")
    session = Session(song.project, song.folder)
    session.view.set_snap("1/4 beat")
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(1200, 400)
    view.show()
    qtbot.waitExposed(view)
    session.view.set_zoom(100.0, 0)
    session.view.scroll_to(0)
    return Timeline(view, session)


def menu_pick(qtbot, tl: Timeline, clip_id: str, text: str) -> dict[str, bool]:
    """Right-click the clip and choose `text` from its menu; returns {entry: enabled}."""
    seen: dict[str, bool] = {}

    def pick() -> None:
        popup = QApplication.activePopupWidget()
        actions = {a.text(): a for a in popup.actions() if a.text()}
        seen.update({name: a.isEnabled() for name, a in actions.items()})
        actions[text].trigger()
        popup.close()

    QTimer.singleShot(0, pick)
    lanes = tl.view.lanes
    where = tl.clip_point(clip_id).toPoint()
    QApplication.sendEvent(lanes, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where,
                                                    lanes.mapToGlobal(where)))
    qtbot.waitUntil(lambda: bool(seen))
    return seen


def type_into(qtbot, spin: QAbstractSpinBox, text: str) -> None:
    """Select the box's text and type over it, as a person would."""
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(spin, text)


def press_ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button(), LEFT)


def test_the_clip_menu_has_the_tools_and_pitch_sets_the_clip(qtbot, tl: Timeline) -> None:
    seen = menu_pick(qtbot, tl, "k", "Pitch…")
    for entry in ("Pitch…", "Stretch…", "Split at Transients…", "Quantize…"):
        assert seen[entry]
    assert seen["Reset Pitch and Stretch"] is False  # nothing to reset yet
    dialog = tl.view.clip_tools.dialog
    assert isinstance(dialog, PitchDialog) and dialog.isVisible()
    type_into(qtbot, dialog.semitones, "12")
    type_into(qtbot, dialog.cents, "-30")
    press_ok(qtbot, dialog)
    clip = tl.clip("k")
    assert (clip.pitch_semitones, clip.pitch_cents) == (12.0, -30.0)
    assert clip.length_frames == RATE
    assert tl.session.history.undo_label == "Clip Pitch"
    tl.session.undo()
    assert not tl.clip("k").is_processed


def test_stretch_to_a_target_length(qtbot, tl: Timeline) -> None:
    menu_pick(qtbot, tl, "k", "Stretch…")
    dialog = tl.view.clip_tools.dialog
    assert isinstance(dialog, StretchDialog)
    type_into(qtbot, dialog.seconds, "1.5")
    assert dialog.percent.value() == pytest.approx(150.0)
    press_ok(qtbot, dialog)
    clip = tl.clip("k")
    assert (clip.stretch, clip.length_frames, clip.start_frame) == (1.5, 72_000, CLIP_START)
    assert clip.source_frames == RATE
    # Typed as a percentage, the length box follows.
    menu_pick(qtbot, tl, "k", "Stretch…")
    dialog = tl.view.clip_tools.dialog
    type_into(qtbot, dialog.percent, "50")
    assert dialog.seconds.value() == pytest.approx(0.5)
    press_ok(qtbot, dialog)
    assert (tl.clip("k").stretch, tl.clip("k").length_frames) == (0.5, 24_000)


def test_reset_pitch_and_stretch(qtbot, tl: Timeline) -> None:
    tl.session.edit("Clip Pitch", lambda p: set_clip_pitch(p, "k", -5))
    tl.view.clip_tools.set_stretch(["k"], 2.0)
    assert tl.clip("k").length_frames == 2 * RATE
    seen = menu_pick(qtbot, tl, "k", "Reset Pitch and Stretch")
    assert seen["Reset Pitch and Stretch"] is True
    clip = tl.clip("k")
    assert not clip.is_processed and clip.length_frames == RATE


def split(qtbot, tl: Timeline, sensitivity: str | None = None) -> SplitDialog:
    menu_pick(qtbot, tl, "k", "Split at Transients…")
    dialog = tl.view.clip_tools.dialog
    assert isinstance(dialog, SplitDialog)
    if sensitivity is not None:
        type_into(qtbot, dialog.sensitivity, sensitivity)
    qtbot.waitUntil(lambda: dialog.cuts is not None and not dialog.running)  # on a worker
    return dialog


def test_split_at_transients_cuts_at_each_hit(qtbot, tl: Timeline) -> None:
    dialog = split(qtbot, tl, "70")
    assert dialog.note.text().startswith(f"{len(HITS)} cuts")
    press_ok(qtbot, dialog)
    pieces = tl.clips()
    assert len(pieces) == len(HITS) + 1
    onsets = [p.start_frame + clip_anchor(p) for p in pieces[1:]]
    expected = [CLIP_START + hit for hit in HITS]
    assert np.abs(np.array(onsets) - expected).max() <= TWO_MS
    assert tl.session.selected_clips == {p.id for p in pieces}
    assert tl.session.history.undo_label == "Split at Transients"
    tl.session.undo()
    assert [c.id for c in tl.clips()] == ["k"]


def test_quantize_the_pieces_onto_the_grid(qtbot, tl: Timeline) -> None:
    press_ok(qtbot, split(qtbot, tl))
    menu_pick(qtbot, tl, tl.clips()[2].id, "Quantize…")
    dialog = tl.view.clip_tools.dialog
    assert isinstance(dialog, QuantizeDialog)
    assert dialog.strength.value() == 100
    press_ok(qtbot, dialog)
    pieces = tl.clips()
    for piece in pieces[1:]:
        onset = piece.start_frame + clip_anchor(piece)
        assert abs(onset - round(onset / SIXTEENTH) * SIXTEENTH) <= RATE // 1000
    for before, after in pairwise(pieces):  # joined: no gaps, a crossfade each
        assert before.end_frame > after.start_frame
        assert before.fade_out.length_frames == before.end_frame - after.start_frame
    assert tl.session.history.undo_label == "Quantize"


def test_quantize_halfway(qtbot, tl: Timeline) -> None:
    press_ok(qtbot, split(qtbot, tl))
    before = {p.id: p.start_frame + clip_anchor(p) for p in tl.clips()[1:]}
    menu_pick(qtbot, tl, tl.clips()[1].id, "Quantize…")
    dialog = tl.view.clip_tools.dialog
    type_into(qtbot, dialog.strength, "50")
    press_ok(qtbot, dialog)
    for clip_id, onset in before.items():
        piece = tl.clip(clip_id)
        halfway = onset + (round(onset / SIXTEENTH) * SIXTEENTH - onset) / 2
        assert abs(piece.start_frame + clip_anchor(piece) - halfway) <= 0.5


def test_quantize_needs_a_grid(qtbot, tl: Timeline) -> None:
    errors: list[str] = []
    tl.session.errorRaised.connect(errors.append)
    tl.session.view.set_snap("Off")
    menu_pick(qtbot, tl, "k", "Quantize…")
    assert tl.view.clip_tools.dialog is None
    assert errors == ["snap is off: choose a grid to quantize to"]


def test_alt_shift_arrows_nudge_a_hit_by_a_millisecond(qtbot, tl: Timeline) -> None:
    press_ok(qtbot, split(qtbot, tl))
    hit = tl.clips()[3]
    tl.session.select_clips([hit.id])
    tl.view.setFocus()
    qtbot.keyClick(tl.view, Qt.Key.Key_Right, ALT | SHIFT)
    assert tl.clip(hit.id).start_frame == hit.start_frame + 48
    assert tl.session.history.undo_label == "Nudge Clips"
    qtbot.keyClick(tl.view, Qt.Key.Key_Left, ALT | SHIFT)
    qtbot.keyClick(tl.view, Qt.Key.Key_Left, ALT | SHIFT)
    assert tl.clip(hit.id).start_frame == hit.start_frame - 48
    pieces = tl.clips()
    for before, after in pairwise(pieces):
        assert before.end_frame > after.start_frame  # the neighbours followed
    tl.session.undo()
    assert tl.clip(hit.id).start_frame == hit.start_frame


def test_split_without_a_folder_or_hits_says_why(qtbot, tmp_path: Path) -> None:
    song = Song(tmp_path / "Quiet.minidaw")
    song.media("silence", np.zeros((RATE, 1), dtype=np.float32))
    song.track("d")
    song.clip("d", "silence", 0, "q")
    errors: list[str] = []
    session = Session(song.project, song.folder)
    session.errorRaised.connect(errors.append)
    view = TimelineView(session)
    qtbot.addWidget(view)
    assert view.clip_tools.split_at_transients(["q"], 1.0) == []
    assert errors == ["no transients found: try a higher sensitivity"]
    detached = Session(song.project, None)
    detached.errorRaised.connect(errors.append)
    other = TimelineView(detached)
    qtbot.addWidget(other)
    assert other.clip_tools.transients(["q"], 0.5) == {}
    assert errors[-1] == "the song has no folder yet: save it to read its audio"
