"""The Bounce dialog: which range, which format, where; the bounce runs in a worker thread with
a progress bar and a cancel button, and leaves no half-written file when cancelled."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from daw.engine.bounce import BounceCancelled, BounceError, BounceSettings, bounce, marker_range
from daw.media import MediaError
from daw.ui.session import Session

RATES = (44100, 48000, 96000)


class _BounceWorker(QObject):
    progressed = Signal(int)
    finished = Signal(str)
    """An empty message on success, else what went wrong."""

    def __init__(self, session: Session, settings: BounceSettings) -> None:
        super().__init__()
        self.project = session.project
        self.folder = session.folder
        self.settings = settings
        self.cancel = threading.Event()

    def run(self) -> None:
        try:
            bounce(self.project, self.folder, self.settings,
                   progress=lambda done, total: self.progressed.emit(int(1000 * done / total)),
                   cancel=self.cancel)
        except BounceCancelled:
            self.finished.emit("cancelled")
        except (BounceError, MediaError, OSError) as error:
            self.finished.emit(str(error))
        else:
            self.finished.emit("")


class BounceDialog(QDialog):
    """Choose and run a bounce of the session's song."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bounce")
        self.session = session
        self.result_message: str | None = None
        form = QFormLayout()
        self.range = QComboBox()
        self.range.addItem("Whole song", None)
        if session.view.loop_region is not None:
            self.range.addItem("Loop region", session.view.loop_region)
        for marker in session.project.markers:
            try:
                self.range.addItem(f"Section “{marker.name}”",
                                   marker_range(session.project, marker.name))
            except BounceError:
                continue
        form.addRow("Range", self.range)
        self.depth = QComboBox()
        for label, value in (("24-bit WAV", "24"), ("16-bit WAV (dithered)", "16"),
                             ("32-bit float WAV", "32f")):
            self.depth.addItem(label, value)
        form.addRow("Format", self.depth)
        self.rate = QComboBox()
        for rate in RATES:
            self.rate.addItem(f"{rate} Hz", rate)
        self.rate.setCurrentIndex(max(0, self.rate.findData(session.project.sample_rate)))
        form.addRow("Sample rate", self.rate)
        self.path = QLineEdit(str(self._default_path()))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow("File", row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start = self.buttons.addButton("Bounce", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start.clicked.connect(self.run)
        self.buttons.rejected.connect(self._cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self._thread: QThread | None = None
        self._worker: _BounceWorker | None = None

    def _default_path(self) -> Path:
        base = self.session.folder.parent if self.session.folder else Path.home()
        return base / f"{self.session.project.name}.wav"

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Bounce to", self.path.text(),
                                              "WAV files (*.wav)")
        if path:
            self.path.setText(path)

    def settings(self) -> BounceSettings:
        span = self.range.currentData()
        start, end = (0, None) if span is None else span
        return BounceSettings(Path(self.path.text()), start, end, self.depth.currentData(),
                              self.rate.currentData())

    def run(self) -> None:
        """Start the bounce in a worker thread."""
        if self.session.folder is None:
            self.result_message = "save the project first"
            self.reject()
            return
        self.start.setEnabled(False)
        self._thread = QThread(self)
        self._worker = _BounceWorker(self.session, self.settings())
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progress.setValue)
        self._worker.finished.connect(self._done)
        self._thread.start()

    def _done(self, message: str) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self.result_message = message
        if message == "":
            self.progress.setValue(1000)
            self.accept()
        elif message == "cancelled":
            self.reject()
        else:
            self.start.setEnabled(True)
            self.session.errorRaised.emit(f"Bounce failed: {message}")

    def _cancel(self) -> None:
        if self._worker is not None and self._thread is not None and self._thread.isRunning():
            self._worker.cancel.set()
            return
        self.reject()
