"""The Master Album dialog: several saved songs mastered to one target, written as ``NN
Name.wav`` into a folder with the album report, as `daw master-album` does. Each song is read
as saved on disk and none is changed.

The work runs on a worker thread; Cancel stops before the next song (the files already
written stay, no report is written).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from daw.mastering.album import ALBUM_SPREAD_LU, REPORT_TEXT, AlbumReport, master_album
from daw.ui.mastering.assistant_dialog import AUDIO_FILTER
from daw.ui.mastering.jobs import CANCELLED, JobDialog, Progress
from daw.ui.mastering.targets_editor import TargetCombo

COLUMNS = ("Song", "Loudness", "True peak", "File")


class AlbumDialog(JobDialog):
    """Choose the songs, the target and the folder; master them all.

    `finishedWith(message)` after each run: "" when done, CANCELLED, or the error."""

    def __init__(self, songs: list[Path] | None = None, target_name: str = "",
                 output: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Master Album")
        self.report: AlbumReport | None = None
        self.songs = QListWidget()
        self.songs.setToolTip("Project folders, in album order; each is read as saved")
        self.add_button = QPushButton("Add…")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Up")
        self.down_button = QPushButton("Down")
        self.add_button.clicked.connect(self._browse_song)
        self.remove_button.clicked.connect(self._remove)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(+1))
        self.songs.currentRowChanged.connect(self._update)
        song_buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            song_buttons.addWidget(button)
        song_buttons.addStretch(1)
        song_row = QHBoxLayout()
        song_row.addWidget(self.songs, 1)
        song_row.addLayout(song_buttons)

        self.target = TargetCombo()
        self.target.select_name(target_name)
        self.depth = QComboBox()
        self.depth.addItem("24-bit", "24")
        self.depth.addItem("16-bit (dithered)", "16")
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("optional: match every song to this track")
        self.browse_reference = QPushButton("Choose…")
        self.browse_reference.clicked.connect(self._browse_reference)
        self.output = QLineEdit(str(output) if output else "")
        self.browse_output = QPushButton("Choose…")
        self.browse_output.clicked.connect(self._browse_output)
        form = QFormLayout()
        form.addRow("Target", self.target)
        form.addRow("Bit depth", self.depth)
        form.addRow("Reference", self._row(self.reference, self.browse_reference))
        form.addRow("Into folder", self._row(self.output, self.browse_output))

        self.progress = QProgressBar()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results = QTableWidget(0, len(COLUMNS))
        self.results.setHorizontalHeaderLabels(COLUMNS)
        self.results.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.results.horizontalHeader().setStretchLastSection(True)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.start = self.buttons.addButton("Master Album", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel.setToolTip("Stops before the next song")
        self.start.setDefault(True)
        self.start.clicked.connect(self.run)
        self.cancel.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Songs, in album order (as saved):"))
        layout.addLayout(song_row)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 560)

        self.job.progressed.connect(self._progressed)
        self.add_songs(songs or [])

    # --- choices -----------------------------------------------------------------------------

    @staticmethod
    def _row(line: QLineEdit, button: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(line, 1)
        row.addWidget(button)
        return row

    def add_songs(self, folders: list[Path]) -> None:
        """Add project folders at the end (one already listed is not added twice)."""
        listed = set(self.song_paths())
        for folder in folders:
            if Path(folder) not in listed:
                self.songs.addItem(str(folder))
                listed.add(Path(folder))
        self._update()

    def song_paths(self) -> list[Path]:
        return [Path(self.songs.item(i).text()) for i in range(self.songs.count())]

    def _browse_song(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a song (a .minidaw folder)")
        if folder:
            self.add_songs([Path(folder)])
            if not self.output.text().strip():
                self.output.setText(str(Path(folder).parent / "Album master"))

    def _browse_reference(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference track", self.reference.text(),
                                              AUDIO_FILTER)
        if path:
            self.reference.setText(path)

    def _browse_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Write the album into",
                                                  self.output.text())
        if folder:
            self.output.setText(folder)

    def _remove(self) -> None:
        row = self.songs.currentRow()
        if row >= 0:
            self.songs.takeItem(row)
        self._update()

    def _move(self, step: int) -> None:
        row = self.songs.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.songs.count():
            return
        item = self.songs.takeItem(row)
        self.songs.insertItem(other, item)
        self.songs.setCurrentRow(other)

    def _update(self) -> None:
        idle = not self.job.running
        row = self.songs.currentRow()
        for widget in (self.songs, self.add_button, self.target, self.depth, self.reference,
                       self.browse_reference, self.output, self.browse_output,
                       self.close_button):
            widget.setEnabled(idle)
        self.remove_button.setEnabled(idle and row >= 0)
        self.up_button.setEnabled(idle and row > 0)
        self.down_button.setEnabled(idle and 0 <= row < self.songs.count() - 1)
        self.start.setEnabled(idle and self.songs.count() > 0)
        self.cancel.setEnabled(not idle)

    # --- running -----------------------------------------------------------------------------

    def run(self) -> None:
        if self.running:
            return
        songs = self.song_paths()
        out = self.output.text().strip()
        if not songs:
            self._say("add the songs first", error=True)
            return
        if not out:
            self._say("choose the folder to write the album into", error=True)
            return
        target, depth = self.target.current_target(), self.depth.currentData()
        reference = Path(self.reference.text().strip()) if self.reference.text().strip() \
            else None

        def work(progress: Progress, cancel: threading.Event) -> AlbumReport:
            started = [0]

            def told(what: str) -> None:  # once as each song starts
                progress(1000 * started[0] // len(songs), what)
                started[0] += 1

            return master_album(songs, Path(out), target, depth, reference, told)

        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.results.setRowCount(0)
        self._say(f"Mastering {len(songs)} songs to {target.describe()}…")
        self.job.start(work)
        self._update()

    def _progressed(self, permille: int, text: str) -> None:
        self.progress.setValue(permille)
        if text:
            self._say(text[:1].upper() + text[1:] + "…")

    def _show_outcome(self, result: object, message: str) -> None:
        if message == "" and isinstance(result, AlbumReport):
            self.progress.setValue(1000)
            self.show_report(result)
        elif message == CANCELLED:
            self.progress.setValue(0)
            self._say("Cancelled: the songs written so far are in the folder; no report was "
                      "written.")
        else:
            self.progress.setValue(0)
            self._say(f"The album could not be mastered: {message}", error=True)

    def show_report(self, report: AlbumReport) -> None:
        self.report = report
        self.results.setRowCount(len(report.songs))
        for row, song in enumerate(report.songs):
            for column, text in enumerate((song.name, f"{song.integrated_lufs:.1f} LUFS",
                                           f"{song.true_peak_dbtp:.1f} dBTP",
                                           Path(song.output).name)):
                item = QTableWidgetItem(text)
                item.setToolTip(song.output if column == 3 else "\n".join(song.notes))
                self.results.setItem(row, column, item)
        peaks_ok = all(s.true_peak_dbtp <= report.target.true_peak_dbtp for s in report.songs)
        verdict = (f"Spread {report.spread_lu:.2f} LU "
                   f"({'within' if report.spread_lu <= ALBUM_SPREAD_LU else 'OUTSIDE'} the "
                   f"{ALBUM_SPREAD_LU:g} LU allowed); true peaks "
                   f"{'all at or under' if peaks_ok else 'NOT all under'} "
                   f"{report.target.true_peak_dbtp:g} dBTP. Report: {REPORT_TEXT}.")
        self._say(f"Wrote {len(report.songs)} songs to {self.output.text().strip()}. {verdict}",
                  error=not report.consistent)

    def rows(self) -> list[tuple[str, ...]]:
        return [tuple(self.results.item(r, c).text() for c in range(len(COLUMNS)))
                for r in range(self.results.rowCount())]

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #ff6b6b;" if error else "")

    def _cancelling(self) -> None:
        self._say("Stopping before the next song…")
