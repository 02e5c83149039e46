"""The Master Assistant dialog: choose a target (or a reference track), let the assistant
analyse the mix on a worker thread, read what it found and what it would do, and Apply: the
chain becomes the master strip's chain in one undo step ("Master Assistant"), every setting
editable there like any effect's.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from daw.mastering.assistant import AssistantResult, apply_chain, master_assistant
from daw.mastering.mix_analysis import Measurement
from daw.ui.effects.params import friendly_name
from daw.ui.mastering.jobs import CANCELLED, JobDialog, Progress
from daw.ui.mastering.targets_editor import TargetCombo
from daw.ui.session import Session

AUDIO_FILTER = "Audio files (*.wav *.flac *.ogg *.oga *.aif *.aiff *.mp3);;All files (*)"
UNDO_LABEL = "Master Assistant"
FIGURES = (
    ("Integrated loudness", "integrated_lufs", "LUFS"),
    ("True peak", "true_peak_dbtp", "dBTP"),
    ("Sample peak", "sample_peak_dbfs", "dBFS"),
    ("RMS level", "rms_dbfs", "dBFS"),
    ("Side against mid", "side_to_mid_db", "dB"),
    ("Correlation", "correlation", ""),
)


def figure_text(measurement: Measurement, field: str, unit: str) -> str:
    value = getattr(measurement, field)
    if not math.isfinite(value):
        return "—"
    if field == "correlation":
        return f"{value:+.2f}"
    return f"{value:.1f} {unit}".strip()


class AssistantDialog(JobDialog):
    """Run the master assistant on the session's song and apply its chain.

    `resultReady(result)` after each analysis (for the before/after comparison);
    `finishedWith(message)` after each run: "" when done, CANCELLED, or the error."""

    resultReady = Signal(object)

    def __init__(self, session: Session, target_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Master Assistant")
        self.session = session
        self.result: AssistantResult | None = None
        self.target = TargetCombo()
        self.target.select_name(target_name)
        self.use_reference = QCheckBox("Match a reference track")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("a finished song whose sound and loudness to aim at")
        self.browse = QPushButton("Choose…")
        self.browse.clicked.connect(self._browse)
        self.use_reference.toggled.connect(self._update)
        reference_row = QHBoxLayout()
        reference_row.addWidget(self.reference, 1)
        reference_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow("Target", self.target)
        form.addRow(self.use_reference, reference_row)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel("Analyse renders the mix (without the master chain) and builds "
                             "a chain that lands it on the target.")
        self.status.setWordWrap(True)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures = QTableWidget(len(FIGURES), 2)
        self.figures.setHorizontalHeaderLabels(["Before", "After"])
        self.figures.setVerticalHeaderLabels([label for label, _f, _u in FIGURES])
        self.figures.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.figures.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.figures.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.figures.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.figures.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.figures.resizeRowsToContents()
        self.figures.setFixedHeight(self.figures.horizontalHeader().sizeHint().height()
                                    + sum(self.figures.rowHeight(r) for r in range(len(FIGURES)))
                                    + 2 * self.figures.frameWidth())
        self.chain = QLabel("")
        self.chain.setWordWrap(True)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.analyse = self.buttons.addButton("Analyse", QDialogButtonBox.ButtonRole.ActionRole)
        self.apply_button = self.buttons.addButton("Apply",
                                                   QDialogButtonBox.ButtonRole.ApplyRole)
        self.cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.ActionRole)
        self.analyse.setDefault(True)
        self.analyse.clicked.connect(self.run)
        self.apply_button.clicked.connect(self.apply)
        self.cancel.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.notes)
        layout.addWidget(self.figures)
        layout.addWidget(self.chain)
        layout.addWidget(self.buttons)
        self.resize(560, 520)

        self.job.progressed.connect(lambda permille, _text: self.progress.setValue(permille))
        self._applied = False
        self._update()

    # --- choices -----------------------------------------------------------------------------

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference track", self.reference.text(),
                                              AUDIO_FILTER)
        if path:
            self.reference.setText(path)
            self.use_reference.setChecked(True)

    def _reference(self) -> Path | None:
        text = self.reference.text().strip()
        return Path(text) if self.use_reference.isChecked() and text else None

    def _update(self) -> None:
        idle = not self.job.running
        for widget in (self.target, self.use_reference, self.analyse, self.close_button):
            widget.setEnabled(idle)
        self.reference.setEnabled(idle and self.use_reference.isChecked())
        self.browse.setEnabled(idle)
        self.apply_button.setEnabled(idle and self.result is not None and not self._applied)
        self.cancel.setEnabled(not idle)

    # --- running -----------------------------------------------------------------------------

    def run(self) -> None:
        """Analyse the song as it is now, on a worker thread."""
        if self.running:
            return
        folder = self.session.folder
        if folder is None:
            self._show_failure("save the project first: the assistant reads its audio folder")
            return
        if self.use_reference.isChecked() and self._reference() is None:
            self._show_failure("choose the reference track (or untick Match a reference)")
            return
        project, target, reference = self.session.project, self.target.current_target(), \
            self._reference()

        def work(progress: Progress, cancel: threading.Event) -> AssistantResult:
            return master_assistant(project, folder, target, reference,
                                    lambda done, total: progress(1000 * done // total),
                                    cancel)

        self.progress.setValue(0)
        self.status.setStyleSheet("")
        self.status.setText("Analysing the mix…")
        self.job.start(work)
        self._update()

    def _show_outcome(self, result: object, message: str) -> None:
        if message == "" and isinstance(result, AssistantResult):
            self.result = result
            self._applied = False
            self.progress.setValue(1000)
            self._show_result(result)
            self.resultReady.emit(result)
        elif message == CANCELLED:
            self.progress.setValue(0)
            self.status.setText("Cancelled: nothing was changed.")
        else:
            self._show_failure(message)

    def _show_failure(self, message: str) -> None:
        self.progress.setValue(0)
        self.status.setText(f"The assistant could not master the song: {message}")
        self.status.setStyleSheet("color: #ff6b6b;")

    def _show_result(self, result: AssistantResult) -> None:
        self.status.setStyleSheet("")
        self.status.setText(
            f"Aimed at {result.target.describe()}. Apply puts this chain on the master strip "
            "(one undo step); every setting stays editable there. The panel's Compare plays "
            f"before and after at the same loudness (after turned down "
            f"{result.matched_gain_db:.1f} dB).")
        self.notes.setText("\n".join(f"• {note}" for note in result.notes))
        for row, (_label, field, unit) in enumerate(FIGURES):
            for column, measured in enumerate((result.before, result.after)):
                item = QTableWidgetItem(figure_text(measured, field, unit))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.figures.setItem(row, column, item)
        self.chain.setText("Chain: " + " → ".join(friendly_name(e.kind) for e in result.chain))

    def apply(self) -> bool:
        """Put the chain on the master (one undo step); the dialog stays open."""
        result = self.result
        if result is None or self.running:
            return False
        if not self.session.edit(UNDO_LABEL, lambda p: apply_chain(p, result)):
            return False
        self._applied = True
        self.status.setText("Applied: the chain is on the master strip. Undo takes it off.")
        self._update()
        return True

    def _cancelling(self) -> None:
        self.status.setText("Cancelling…")
