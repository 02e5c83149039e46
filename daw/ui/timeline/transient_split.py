"""Split at Transients without freezing the window: the clips' audio is read and analysed on a
worker thread (`daw.ui.jobs`), from a snapshot of the song taken when the dialog opened, with
progress and Cancel; the cuts are applied as one undo step only if those clips are still as
they were.

Reading and the spectral flux are the slow part (seconds for a long clip), so they run once;
each sensitivity the person tries is then picked from the same analysis, also on the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from daw.dsp.onsets import OnsetAnalysis, analyse_onsets
from daw.engine.render.renditions import read_clip_source
from daw.media import MediaError
from daw.model import Project
from daw.model.project import Clip
from daw.ui.jobs import CANCELLED, JobDialog, Progress

DEFAULT_SENSITIVITY = 50
NO_FOLDER = "the song has no folder yet: save it to read its audio"
Cuts = dict[str, list[int]]
"""{clip id: the timeline frames of the hits inside it}"""


def clip_hits(clip: Clip, onsets: np.ndarray) -> list[int]:
    """The onsets (frames of the clip's source) as timeline frames strictly inside the clip."""
    frames = [clip.start_frame + round(f * clip.stretch) for f in onsets]
    return [f for f in frames if clip.start_frame < f < clip.end_frame]


@dataclass(frozen=True)
class Snapshot:
    """What the analysis needs, fixed when it starts: the song is immutable, so the worker
    reads it while the person goes on editing the live one."""

    folder: Path | None
    project: Project
    clips: tuple[Clip, ...]

    @classmethod
    def of(cls, folder: Path | None, project: Project, clip_ids: list[str]) -> Snapshot:
        return cls(folder, project, tuple(project.find_clip(c)[1] for c in clip_ids))

    def unchanged_in(self, project: Project) -> bool:
        """True when every clip is still in `project` exactly as it was analysed."""
        current = {c.id: c for t in project.tracks for c in t.clips}
        return all(current.get(clip.id) == clip for clip in self.clips)


@dataclass(frozen=True, eq=False)
class Analysed:
    """The analysis of each readable clip, and what could not be read."""

    analyses: dict[str, OnsetAnalysis]
    problems: tuple[str, ...]


def analyse(snapshot: Snapshot, progress: Progress) -> Analysed:
    """Read and analyse each clip (worker thread); `progress` may raise to cancel."""
    if snapshot.folder is None:
        return Analysed({}, (NO_FOLDER,))
    analyses: dict[str, OnsetAnalysis] = {}
    problems: list[str] = []
    count = len(snapshot.clips)
    for index, clip in enumerate(snapshot.clips):
        name = clip.name or clip.id
        progress(1000 * index // count, f"Reading {name}")
        try:
            audio = read_clip_source(snapshot.folder, snapshot.project, clip)
        except MediaError as error:
            problems.append(str(error))
            continue

        def report(fraction: float, index: int = index, name: str = name) -> None:
            progress(round(1000 * (index + fraction) / count), f"Finding the hits in {name}")

        analyses[clip.id] = analyse_onsets(audio, snapshot.project.sample_rate, report)
    return Analysed(analyses, tuple(problems))


def pick(snapshot: Snapshot, analysed: Analysed, sensitivity: float) -> Cuts:
    """The cuts at `sensitivity` in each analysed clip (the same frames `detect_onsets` and
    the clip's position give)."""
    return {clip.id: clip_hits(clip, analysed.analyses[clip.id].onsets(sensitivity))
            for clip in snapshot.clips if clip.id in analysed.analyses}


@dataclass(frozen=True, eq=False)
class Outcome:
    """One finished job: the analysis (new or reused) and the cuts at one sensitivity."""

    analysed: Analysed
    sensitivity: float
    cuts: Cuts


class SplitDialog(JobDialog):
    """The sensitivity, with the number of cuts it gives, counted on the worker as it changes.

    Opening starts the analysis; Cancel (or Esc) stops it and changes nothing. OK is enabled
    once the cuts for the sensitivity shown are known; `cuts` then holds them."""

    def __init__(self, snapshot: Snapshot, report: Callable[[str], None],
                 parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Split at Transients")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.snapshot = snapshot
        self._report = report
        self.analysed: Analysed | None = None
        self.outcome: Outcome | None = None
        self.sensitivity = QSpinBox()
        self.sensitivity.setRange(0, 100)
        self.sensitivity.setSuffix(" %")
        self.sensitivity.setValue(DEFAULT_SENSITIVITY)
        self.sensitivity.valueChanged.connect(self._sensitivity_changed)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.note = QLabel("")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.cancel: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.job.progressed.connect(self._progressed)
        form = QFormLayout()
        form.addRow("Sensitivity:", self.sensitivity)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._update()

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def chosen(self) -> float:
        return self.sensitivity.value() / 100.0

    @property
    def cuts(self) -> Cuts | None:
        """The cuts at the sensitivity shown, or None while they are being found."""
        outcome = self.outcome
        if outcome is None or outcome.sensitivity != self.chosen:
            return None
        return {c: f for c, f in outcome.cuts.items() if f}

    def start(self) -> None:
        """Find the cuts at the sensitivity shown (analysing first if not done yet)."""
        snapshot, analysed, sensitivity = self.snapshot, self.analysed, self.chosen

        def work(progress: Progress, _cancel: object) -> Outcome:
            done = analysed if analysed is not None else analyse(snapshot, progress)
            progress(1000, "Counting the cuts")
            return Outcome(done, sensitivity, pick(snapshot, done, sensitivity))

        if self.job.start(work):
            self._update()

    def _sensitivity_changed(self) -> None:
        if not self.running:  # else the finished job starts the next one
            self.start()
        self._update()

    def _progressed(self, permille: int, text: str) -> None:
        self.progress.setValue(permille)
        self.note.setText(f"{text}…")

    def _show_outcome(self, result: object, message: str) -> None:
        if message == CANCELLED:
            self.note.setText("Cancelled: nothing was split.")
            return
        if message:
            self.note.setText(message)
            self._report(message)
            return
        assert isinstance(result, Outcome)
        if self.analysed is None:
            for problem in result.analysed.problems:
                self._report(problem)
        self.analysed, self.outcome = result.analysed, result
        if not self._closing and result.sensitivity != self.chosen:
            self.start()

    @property
    def _closing(self) -> bool:
        return self._close_when_stopped or not self.isVisible()

    def _update(self) -> None:
        cuts = self.cuts
        self.progress.setVisible(self.running)
        self.cancel.setEnabled(not (self.running and self._close_when_stopped))
        self.ok_button().setEnabled(not self.running and bool(cuts))
        if cuts is not None and not self.running:
            count = sum(len(f) for f in cuts.values())
            self.note.setText(f"{count} cut{'' if count == 1 else 's'}: each piece starts "
                              "5 ms before its hit and crossfades with the one before.")
