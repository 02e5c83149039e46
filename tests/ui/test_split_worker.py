"""Split at Transients from the clip menu analyses on a worker: the window's event loop keeps
running, Cancel changes nothing, and OK makes one undo step with the cuts the synchronous
path finds; clips edited meanwhile are not split."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer

from daw.model import ops
from daw.ui.timeline import transient_split
from tests.ui.test_clip_tools import CLIP_START, LEFT, Timeline, menu_pick, press_ok, split
from tests.ui.test_clip_tools import tl as tl  # the fixture, re-exported for pytest


class Gate:
    """Holds the worker's analysis until `open` is set, and records whether it was."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.began = threading.Event()
        self.open = threading.Event()
        self.waited: list[bool] = []
        real = transient_split.analyse_onsets

        def held(audio, rate, progress=None):
            self.began.set()
            self.waited.append(self.open.wait(10))
            return real(audio, rate, progress)

        monkeypatch.setattr(transient_split, "analyse_onsets", held)


def clip_shapes(tl: Timeline) -> list[tuple]:
    """The pieces on the track, without their (new, random) ids."""
    return [(c.start_frame, c.length_frames, c.source_offset_frames, c.fade_in, c.fade_out)
            for c in tl.clips()]


def test_the_event_loop_runs_while_the_clip_is_analysed(qtbot, tl: Timeline,
                                                        monkeypatch) -> None:
    gate = Gate(monkeypatch)
    ticker = QTimer()
    ticker.setInterval(1)
    # Only a timer firing after the analysis began opens the gate: if it ran on this thread,
    # no timer could fire until it ended, and it would wait in vain.
    ticker.timeout.connect(lambda: gate.began.is_set() and gate.open.set())
    ticker.start()
    dialog = split(qtbot, tl)
    ticker.stop()
    assert gate.waited == [True]
    assert dialog.cuts == {"k": tl.view.clip_tools.transients(["k"], 0.5)["k"]}
    assert dialog.ok_button().isEnabled()


def test_cancel_stops_the_analysis_and_changes_nothing(qtbot, tl: Timeline,
                                                      monkeypatch) -> None:
    gate = Gate(monkeypatch)
    before = tl.session.project
    menu_pick(qtbot, tl, "k", "Split at Transients…")
    dialog = tl.view.clip_tools.dialog
    qtbot.waitUntil(gate.began.is_set)
    assert dialog.running and not dialog.ok_button().isEnabled()
    qtbot.mouseClick(dialog.cancel, LEFT)
    assert dialog.running and not dialog.cancel.isEnabled()  # heard; stops at its next report
    gate.open.set()
    qtbot.waitUntil(lambda: tl.view.clip_tools.dialog is None)
    assert tl.session.project is before
    assert not tl.session.history.can_undo


def test_ok_makes_one_undo_step_with_the_synchronous_cuts(qtbot, tl: Timeline) -> None:
    before = tl.session.project
    found = tl.view.clip_tools.transients(["k"], 0.7)
    assert len(found["k"]) == 6
    dialog = split(qtbot, tl, "70")
    assert dialog.cuts == found
    press_ok(qtbot, dialog)
    from_worker = clip_shapes(tl)
    starts = [c.start_frame for c in tl.clips()[1:]]
    assert len(starts) == 6 and all(s < f for s, f in zip(starts, found["k"], strict=True))
    tl.session.undo()
    assert tl.session.project == before and not tl.session.history.can_undo
    tl.view.clip_tools.split_at_transients(["k"], 0.7)
    assert clip_shapes(tl) == from_worker


def test_a_clip_edited_during_the_analysis_is_not_split(qtbot, tl: Timeline) -> None:
    errors: list[str] = []
    tl.session.errorRaised.connect(errors.append)
    dialog = split(qtbot, tl)
    tl.session.edit("Move Clip", lambda p: ops.move_clip(p, "k", CLIP_START + 4800))
    moved = tl.session.project
    press_ok(qtbot, dialog)
    assert errors == ["the clips changed while their transients were found: nothing was "
                      "split, try again"]
    assert tl.session.project is moved
    assert tl.session.history.undo_label == "Move Clip"
