"""Timing and pitch on the timeline: the clip menu's Pitch…, Stretch…, Split at Transients… and
Quantize… and the millisecond nudge, each one undo step.

The dialogs open window-modal (`QDialog.open`) and apply when accepted, so the timeline keeps
painting behind them. Splitting reads the clips' audio through the engine's renditions module
(the same frames a rendition is made from) and finds the hits with `daw.dsp.onsets`; from the
menu this runs on a worker (`transient_split`), and the pieces come out selected, ready to
quantize. Quantize moves each selected clip's onset (the
end of its fade-in: see `daw.model.timing`) towards the view's snap grid.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMenu,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from daw.dsp.onsets import detect_onsets
from daw.engine.render.renditions import read_clip_source
from daw.media import MediaError
from daw.model import Project, timing
from daw.model.project import Clip, new_id
from daw.ui.session import Session
from daw.ui.timeline.lanes import Lanes
from daw.ui.timeline.transient_split import NO_FOLDER, Cuts, Snapshot, SplitDialog, clip_hits

NUDGE_MS = 1.0
"""Alt+Shift+Left/Right: one millisecond, for sliding a single hit into the pocket."""
DEFAULT_STRENGTH = 100


class _Dialog(QDialog):
    """A small form with OK and Cancel."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = QFormLayout()
        self.note = QLabel("")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)

    def ok_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)


class PitchDialog(_Dialog):
    """Semitones and cents; the length stays."""

    def __init__(self, clip: Clip, parent: QWidget | None) -> None:
        super().__init__("Clip Pitch", parent)
        self.semitones = QSpinBox()
        self.semitones.setRange(-24, 24)
        self.semitones.setSuffix(" st")
        self.semitones.setValue(round(clip.pitch_semitones))
        self.cents = QSpinBox()
        self.cents.setRange(-100, 100)
        self.cents.setSuffix(" ct")
        self.cents.setValue(round(clip.pitch_cents))
        self.form.addRow("Semitones:", self.semitones)
        self.form.addRow("Cents:", self.cents)
        self.note.setText("The length stays; the pitch is rendered in the background.")


class StretchDialog(_Dialog):
    """The new length as a percentage of the unstretched audio, or in seconds; each box
    follows the other. The pitch stays."""

    def __init__(self, clip: Clip, sample_rate: int, parent: QWidget | None) -> None:
        super().__init__("Clip Stretch", parent)
        self.natural_seconds = clip.source_frames / sample_rate
        self.percent = QDoubleSpinBox()
        self.percent.setRange(25.0, 400.0)
        self.percent.setDecimals(1)
        self.percent.setSuffix(" %")
        self.seconds = QDoubleSpinBox()
        self.seconds.setDecimals(3)
        self.seconds.setRange(0.25 * self.natural_seconds, 4.0 * self.natural_seconds)
        self.seconds.setSuffix(" s")
        self.percent.setValue(100.0 * clip.stretch)
        self.seconds.setValue(self.natural_seconds * clip.stretch)
        self.percent.valueChanged.connect(self._percent_changed)
        self.seconds.valueChanged.connect(self._seconds_changed)
        self.form.addRow("Length:", self.percent)
        self.form.addRow("Target length:", self.seconds)
        self.note.setText(f"The audio is {self.natural_seconds:.3f} s unstretched; "
                          "the pitch stays.")

    @property
    def stretch(self) -> float:
        return round(self.percent.value() / 100.0, 6)

    def _percent_changed(self, value: float) -> None:
        self.seconds.blockSignals(True)
        self.seconds.setValue(self.natural_seconds * value / 100.0)
        self.seconds.blockSignals(False)

    def _seconds_changed(self, value: float) -> None:
        self.percent.blockSignals(True)
        self.percent.setValue(100.0 * value / self.natural_seconds)
        self.percent.blockSignals(False)


class QuantizeDialog(_Dialog):
    """The strength: how far of the way to the grid each onset moves."""

    def __init__(self, grid_text: str, parent: QWidget | None) -> None:
        super().__init__("Quantize", parent)
        self.strength = QSpinBox()
        self.strength.setRange(0, 100)
        self.strength.setSuffix(" %")
        self.strength.setValue(DEFAULT_STRENGTH)
        self.form.addRow("Grid:", QLabel(grid_text))
        self.form.addRow("Strength:", self.strength)
        self.note.setText("100 % puts each hit on the grid; 50 % halfway there.")


class ClipTools(QObject):
    """The timing and pitch commands of one timeline, on the selected clips."""

    def __init__(self, session: Session, lanes: Lanes, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.lanes = lanes
        self.widget = parent
        self.dialog: QDialog | None = None
        """The dialog open now, if any (kept here: Qt deletes it when it closes)."""

    def add_to_menu(self, menu: QMenu) -> None:
        """The clip menu's entries."""
        menu.addSeparator()
        menu.addAction("Pitch…", self.pitch_dialog)
        menu.addAction("Stretch…", self.stretch_dialog)
        menu.addAction("Split at Transients…", self.split_dialog)
        menu.addAction("Quantize…", self.quantize_dialog)
        project = self.session.project
        reset = menu.addAction("Reset Pitch and Stretch", self.reset)
        reset.setEnabled(any(project.find_clip(c)[1].is_processed for c in self.targets()))

    def targets(self) -> list[str]:
        """The selected clips, or else the clip under the mouse."""
        selected = sorted(self.session.selected_clips)
        if selected:
            return selected
        hover = self.lanes.clip_under_mouse()
        return [hover] if hover else []

    def _edit(self, label: str, change: Callable[[Project], Project]) -> bool:
        return self.session.edit(label, change)

    def _show(self, dialog: QDialog, apply: Callable[[], None]) -> QDialog:
        dialog.accepted.connect(apply)
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _first(self, what: str) -> tuple[list[str], Clip] | None:
        targets = self.targets()
        if not targets:
            self.session.errorRaised.emit(f"select a clip to {what}")
            return None
        return targets, self.session.project.find_clip(targets[0])[1]

    # --- pitch and stretch ----------------------------------------------------------------

    def pitch_dialog(self) -> QDialog | None:
        found = self._first("shift its pitch")
        if found is None:
            return None
        targets, clip = found
        dialog = PitchDialog(clip, self.widget)
        return self._show(dialog, lambda: self.set_pitch(targets, dialog.semitones.value(),
                                                         dialog.cents.value()))

    def set_pitch(self, clip_ids: list[str], semitones: float, cents: float) -> bool:
        def change(p: Project) -> Project:
            for clip_id in clip_ids:
                p = timing.set_clip_pitch(p, clip_id, semitones, cents)
            return p
        return self._edit("Clip Pitch", change)

    def stretch_dialog(self) -> QDialog | None:
        found = self._first("stretch it")
        if found is None:
            return None
        targets, clip = found
        dialog = StretchDialog(clip, self.session.project.sample_rate, self.widget)
        return self._show(dialog, lambda: self.set_stretch(targets, dialog.stretch))

    def set_stretch(self, clip_ids: list[str], stretch: float) -> bool:
        def change(p: Project) -> Project:
            for clip_id in clip_ids:
                p = timing.set_clip_stretch(p, clip_id, stretch)
            return p
        return self._edit("Clip Stretch", change)

    def reset(self) -> bool:
        """Back to the clip's own pitch and speed (the length follows the speed)."""
        targets = self.targets()

        def change(p: Project) -> Project:
            for clip_id in targets:
                p = timing.set_clip_stretch(timing.set_clip_pitch(p, clip_id, 0.0), clip_id,
                                            1.0)
            return p
        return bool(targets) and self._edit("Reset Pitch and Stretch", change)

    # --- timing ---------------------------------------------------------------------------

    def transients(self, clip_ids: list[str], sensitivity: float) -> Cuts:
        """{clip id: the timeline frames of the hits inside it}, found here and now (the
        menu's dialog finds them on a worker); reports unreadable audio through the session
        and leaves that clip out."""
        project, folder = self.session.project, self.session.folder
        found: Cuts = {}
        for clip_id in clip_ids:
            clip = project.find_clip(clip_id)[1]
            try:
                if folder is None:
                    raise MediaError(NO_FOLDER)
                audio = read_clip_source(folder, project, clip)
            except MediaError as error:
                self.session.errorRaised.emit(str(error))
                continue
            found[clip_id] = clip_hits(clip, detect_onsets(audio, project.sample_rate,
                                                           sensitivity))
        return found

    def split_dialog(self) -> QDialog | None:
        """Split at Transients…: the dialog analyses on a worker, OK splits what it found."""
        targets = self.targets()
        if not targets:
            self.session.errorRaised.emit("select a clip to split it at its transients")
            return None
        snapshot = Snapshot.of(self.session.folder, self.session.project, targets)
        dialog = SplitDialog(snapshot, self.session.errorRaised.emit, self.widget)
        shown = self._show(dialog, lambda: self.apply_split(snapshot, dialog.cuts or {}))
        dialog.start()
        return shown

    def apply_split(self, snapshot: Snapshot, cuts: Cuts) -> list[str]:
        """Split at the cuts found in `snapshot`, unless its clips changed since: then say so
        and change nothing (cuts found in other audio, or at other places, would be wrong)."""
        if not snapshot.unchanged_in(self.session.project):
            self.session.errorRaised.emit("the clips changed while their transients were "
                                          "found: nothing was split, try again")
            return []
        return self._split(cuts)

    def split_at_transients(self, clip_ids: list[str], sensitivity: float) -> list[str]:
        """Split each clip at its hits and select the pieces; returns their ids."""
        return self._split(self.transients(clip_ids, sensitivity))

    def _split(self, found: Cuts) -> list[str]:
        cuts = {c: f for c, f in found.items() if f}
        if not cuts:
            self.session.errorRaised.emit("no transients found: try a higher sensitivity")
            return []
        new_ids = {c: [new_id("clip") for _ in f] for c, f in cuts.items()}

        def change(p: Project) -> Project:
            for clip_id, frames in cuts.items():
                p = timing.split_at_frames(p, clip_id, frames, new_clip_ids=new_ids[clip_id])
            return p

        if not self._edit("Split at Transients", change):
            return []
        pieces = [c for clip_id in cuts for c in (clip_id, *new_ids[clip_id])]
        self.session.select_clips(pieces)
        return pieces

    def shutdown(self) -> None:
        """Stop a split dialog's worker and wait for it (the window is closing)."""
        if isinstance(self.dialog, SplitDialog):
            self.dialog.job.wait()

    def quantize_dialog(self) -> QDialog | None:
        targets = self.targets()
        if not targets:
            self.session.errorRaised.emit("select the clips to quantize")
            return None
        view, project = self.session.view, self.session.project
        grid = view.grid_frames(project)
        if grid is None:
            self.session.errorRaised.emit("snap is off: choose a grid to quantize to")
            return None
        text = f"{view.snap} ({grid / project.sample_rate * 1000:.1f} ms)"
        dialog = QuantizeDialog(text, self.widget)
        return self._show(dialog, lambda: self.quantize(targets, grid,
                                                        dialog.strength.value()))

    def quantize(self, clip_ids: list[str], grid_frames: float, strength_percent: float) -> bool:
        return self._edit("Quantize", lambda p: timing.quantize_clips(
            p, clip_ids, grid_frames, strength_percent))

    def nudge_ms(self, milliseconds: float) -> None:
        """Move the selected clips by `milliseconds`, keeping their joins."""
        targets = sorted(self.session.selected_clips)
        if targets:
            self._edit("Nudge Clips", lambda p: timing.nudge_clips(p, targets, milliseconds))
