"""The Bounce dialog: which range (whole song, loop region, between markers), which format, bit
depth and rate, dither, mastered or not, stems, the loudness report, and where.

The bounce runs in a worker thread, so the window stays responsive; the progress bar follows
it and Cancel stops it, leaving no half-written file. Afterwards the dialog stays open with a
result line: the loudness summary of the file just written.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from daw.engine.export.bounce import (
    BounceCancelled,
    BounceError,
    BounceSettings,
    bounce,
    loop_range,
    marker_range,
)
from daw.engine.export.bounce_report import report_paths
from daw.engine.export.tail import DEFAULT_TAIL_SECONDS
from daw.media import MediaError
from daw.ui.session import Session

RATES = (44100, 48000, 96000)
WHOLE, LOOP, MARKERS = "whole", "loop", "markers"
DEPTHS = (("16-bit", "16"), ("24-bit", "24"), ("32-bit float", "32f"))
CANCELLED = "cancelled"


class _BounceWorker(QObject):
    """Runs one bounce on the worker thread; talks to the dialog only through signals."""

    progressed = Signal(int)
    finished = Signal(str)
    """An empty message on success, CANCELLED, else what went wrong."""

    def __init__(self, session: Session, settings: BounceSettings) -> None:
        super().__init__()
        self.project = session.project
        self.folder = session.folder
        self.settings = settings
        self.cancel = threading.Event()
        self.warnings: list[str] = []
        """What the bounce went on despite (strips silenced for bad output), read once
        `finished` is emitted."""

    def run(self) -> None:
        try:
            bounce(self.project, self.folder, self.settings,
                   progress=lambda done, total: self.progressed.emit(int(1000 * done / total)),
                   cancel=self.cancel, warn=self.warnings.append)
        except BounceCancelled:
            self.finished.emit(CANCELLED)
        except (BounceError, MediaError, OSError) as error:
            self.finished.emit(str(error))
        else:
            self.finished.emit("")


class BounceDialog(QDialog):
    """Choose and run a bounce of the session's song."""

    bounceFinished = Signal(str)
    """After every bounce: "" when written, CANCELLED, or the error."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bounce")
        self.session = session
        self.result_message: str | None = None
        project = session.project
        form = QFormLayout()

        self.range = QComboBox()
        self.range.addItem("Whole song", WHOLE)
        if session.view.loop_region is not None:
            start, end = session.view.loop_region
            self.range.addItem(f"Loop region ({self._seconds(start)}–{self._seconds(end)})",
                               LOOP)
        self.marker = QComboBox()
        for marker in sorted(project.markers, key=lambda m: m.frame):
            try:
                marker_range(project, marker.name)
            except BounceError:
                continue  # the last marker at the song's end: nothing after it
            self.marker.addItem(marker.name, marker.name)
        if self.marker.count():
            self.range.addItem("Between markers", MARKERS)
        range_row = QHBoxLayout()
        range_row.addWidget(self.range, 1)
        if self.marker.count():
            range_row.addWidget(QLabel("from"))
            range_row.addWidget(self.marker, 1)
        form.addRow("Range", range_row)

        self.format = QComboBox()
        self.format.addItem("WAV", "wav")
        self.format.addItem("FLAC", "flac")
        form.addRow("Format", self.format)
        self.depth = QComboBox()
        for label, value in DEPTHS:
            self.depth.addItem(label, value)
        self.depth.setCurrentIndex(self.depth.findData("24"))
        form.addRow("Bit depth", self.depth)
        self.rate = QComboBox()
        for rate in sorted({*RATES, project.sample_rate}):
            self.rate.addItem(f"{rate / 1000:g} kHz" + (" (project)" if rate ==
                                                         project.sample_rate else ""), rate)
        self.rate.setCurrentIndex(self.rate.findData(project.sample_rate))
        form.addRow("Sample rate", self.rate)

        self.dither = QCheckBox("TPDF dither when reducing the bit depth")
        self.dither.setChecked(True)
        self.mastered = QCheckBox("Mastered (through the master chain)")
        self.mastered.setChecked(True)
        self.mastered.setToolTip("Off: the mix without the master chain; the master fader "
                                 "and its automation stay")
        self.report = QCheckBox("Loudness report beside the file (.loudness.json, .txt)")
        self.report.setChecked(True)
        self.tails = QCheckBox("Render tails (reverb, echoes) past the end")
        self.tails.setChecked(True)
        self.tails.setToolTip(f"Go on until they fall below −90 dBFS, for up to "
                              f"{DEFAULT_TAIL_SECONDS:g} s. On for the whole song; a loop or a "
                              "marker's section ends where it ends unless this is ticked")
        for box in (self.dither, self.mastered, self.tails, self.report):
            form.addRow("", box)

        self.path = QLineEdit(str(self._default_path()))
        self.browse_path = QPushButton("Choose…")
        self.browse_path.clicked.connect(self._browse)
        form.addRow("File", self._row(self.path, self.browse_path))
        self.stems = QCheckBox("Stems: one file per track and bus, into")
        self.stems_dir = QLineEdit(str(self._default_path().with_suffix("")) + " stems")
        self.browse_stems = QPushButton("Choose…")
        self.browse_stems.clicked.connect(self._browse_stems)
        form.addRow(self.stems, self._row(self.stems_dir, self.browse_stems))

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.start = self.buttons.addButton("Bounce", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.setDefault(True)
        self.cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.ActionRole)
        self.start.clicked.connect(self.run)
        self.cancel.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)

        self._thread: QThread | None = None
        self._worker: _BounceWorker | None = None
        self._target: Path | None = None
        self._close_when_stopped = False
        self.range.currentIndexChanged.connect(self._update)
        self.range.currentIndexChanged.connect(
            lambda: self.tails.setChecked(self.range.currentData() == WHOLE))
        self.format.currentIndexChanged.connect(self._format_changed)
        self.depth.currentIndexChanged.connect(self._update)
        self.stems.toggled.connect(self._update)
        self._update()

    # --- the choices ------------------------------------------------------------------------

    def _seconds(self, frame: int) -> str:
        return f"{frame / self.session.project.sample_rate:.2f} s"

    @staticmethod
    def _row(line: QLineEdit, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(line, 1)
        row.addWidget(button)
        return row

    def _default_path(self) -> Path:
        base = self.session.folder.parent if self.session.folder else Path.home()
        return base / f"{self.session.project.name}.wav"

    def _browse(self) -> None:
        kind = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "Bounce to", self.path.text(),
                                              f"{kind.upper()} files (*.{kind})")
        if path:
            self.path.setText(path)

    def _browse_stems(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Stems into", self.stems_dir.text())
        if folder:
            self.stems_dir.setText(folder)

    def _format_changed(self) -> None:
        """FLAC holds 16 or 24 bit only; the file's suffix follows the format."""
        kind = self.format.currentData()
        path = Path(self.path.text())
        if path.suffix.lower() in (".wav", ".flac"):
            self.path.setText(str(path.with_suffix(f".{kind}")))
        if kind == "flac" and self.depth.currentData() == "32f":
            self.depth.setCurrentIndex(self.depth.findData("24"))
        self._update()

    def _update(self) -> None:
        """Enable what applies to the current choices."""
        flac = self.format.currentData() == "flac"
        model = self.depth.model()
        if isinstance(model, QStandardItemModel):
            model.item(self.depth.findData("32f")).setEnabled(not flac)
        idle = self._thread is None
        self.marker.setEnabled(idle and self.range.currentData() == MARKERS)
        self.dither.setEnabled(idle and self.depth.currentData() != "32f")
        self.stems_dir.setEnabled(idle and self.stems.isChecked())
        self.browse_stems.setEnabled(idle and self.stems.isChecked())
        for widget in (self.range, self.format, self.depth, self.rate, self.mastered,
                       self.tails, self.report, self.stems, self.path, self.browse_path, self.start,
                       self.close_button):
            widget.setEnabled(idle)
        self.cancel.setEnabled(not idle)

    def settings(self) -> BounceSettings:
        """The bounce the dialog describes (BounceError when its range cannot be had)."""
        chosen = self.range.currentData()
        start, end = 0, None
        if chosen == LOOP:
            start, end = loop_range(self.session.view.loop_region)
        elif chosen == MARKERS:
            start, end = marker_range(self.session.project, self.marker.currentData())
        return BounceSettings(
            Path(self.path.text()), start, end, bit_depth=self.depth.currentData(),
            sample_rate=self.rate.currentData(), format=self.format.currentData(),
            dither=self.dither.isChecked(), mastered=self.mastered.isChecked(),
            stems_dir=Path(self.stems_dir.text()) if self.stems.isChecked() else None,
            report=self.report.isChecked(),
            tail=DEFAULT_TAIL_SECONDS if self.tails.isChecked() else 0.0)

    # --- running ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def run(self) -> None:
        """Start the bounce in a worker thread."""
        if self.running:
            return
        if self.session.folder is None:
            self._done("save the project first: the bounce reads its audio folder")
            return
        try:
            settings = self.settings()
        except BounceError as error:
            self._done(str(error))
            return
        self._target = settings.path
        self.progress.setValue(0)
        self.result.setText("Bouncing…")
        self._thread = QThread(self)
        self._worker = _BounceWorker(self.session, settings)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progress.setValue)
        self._worker.finished.connect(self._finished)
        self._update()
        self._thread.start()

    def _finished(self, message: str) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self._thread = None  # the worker is kept until the next bounce replaces it
        self._done(message)

    def _done(self, message: str) -> None:
        self.result_message = message
        if message == "":
            self.progress.setValue(1000)
            self.result.setText(self._summary())
        elif message == CANCELLED:
            self.progress.setValue(0)
            self.result.setText("Cancelled: nothing was written.")
        else:
            self.progress.setValue(0)
            self.result.setText(f"Bounce failed: {message}")
            self.session.errorRaised.emit(f"Bounce failed: {message}")
        self._update()
        self.bounceFinished.emit(message)
        if self._close_when_stopped:
            self._close_when_stopped = False
            super().reject()

    def _summary(self) -> str:
        """The result line: what was written, and its loudness when a report was made."""
        target = self._target
        if target is None:
            return ""
        stems = self.stems.isChecked()
        line = f"Wrote {target.name}" + (f" and the stems in {Path(self.stems_dir.text()).name}"
                                         if stems else "") + "."
        if self._worker is not None:
            line += "".join(f"\n⚠ {warning}" for warning in self._worker.warnings)
        text_report = report_paths(target)[1]
        if self.report.isChecked() and text_report.is_file():
            lines = text_report.read_text(encoding="utf-8").splitlines()[1:]
            line += "\n" + "\n".join(" ".join(row.split()) for row in lines)
        return line

    def _cancel(self) -> None:
        if self.running and self._worker is not None:
            self._worker.cancel.set()
            self.cancel.setEnabled(False)
            self.result.setText("Cancelling…")

    def reject(self) -> None:
        """Closing while a bounce runs cancels it first; the dialog closes once it stopped."""
        if self.running:
            self._close_when_stopped = True
            self._cancel()
            return
        super().reject()
