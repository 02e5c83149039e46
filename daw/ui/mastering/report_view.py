"""The mix report in the window: what an analysis of the mix found, in plain words, one row
a finding, with the track (or the master) it concerns. The analysis renders the song on a
worker thread; a click on a track's name selects that track, so its strip and lane are the
ones in view.
"""

from __future__ import annotations

import threading
from html import escape

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from daw.mastering.mix_report import Finding, MixReport, mix_report
from daw.mastering.targets import Target
from daw.model.project import MASTER
from daw.ui.mastering.jobs import CANCELLED, JobDialog, Progress
from daw.ui.session import Session

KIND_NAMES = {
    "clipping": "Clipping", "dc_offset": "DC offset", "phase": "Phase",
    "mono_collapse": "Mono", "headroom": "Headroom", "low_end": "Low end",
    "harsh_highs": "Highs", "loudness": "Loudness",
}
NOTHING_TO_FIX = ("Nothing to fix: no clipping, DC offset or phase trouble; headroom, tonal "
                  "balance and loudness are fine.")
_LINK = "strip:"
_PAGE_STYLE = ("<style>td { padding: 3px 8px 3px 0; vertical-align: top; } "
               "th { text-align: left; color: #8a9096; padding-right: 8px; } "
               "a { color: #8ab4f8; text-decoration: none; }</style>")


class MixReportDialog(JobDialog):
    """Analyse the session's song against `target` and list the findings.

    `reportReady(report)` after each analysis; `finishedWith(message)` after each run: ""
    when done, CANCELLED, or the error."""

    reportReady = Signal(object)

    def __init__(self, session: Session, target: Target, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mix Report")
        self.session = session
        self.target = target
        self.report: MixReport | None = None
        self.summary = QLabel(f"Target: {target.describe()}")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.findings = QTextBrowser()
        self.findings.setOpenLinks(False)
        self.findings.anchorClicked.connect(self._select_strip)
        self._rows: list[tuple[str, str, str]] = []

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.again = self.buttons.addButton("Analyse Again",
                                            QDialogButtonBox.ButtonRole.ActionRole)
        self.copy = self.buttons.addButton("Copy as Text", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.ActionRole)
        self.again.clicked.connect(self.run)
        self.copy.clicked.connect(self._copy)
        self.cancel.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addWidget(self.findings, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 420)

        self.job.progressed.connect(lambda permille, _text: self.progress.setValue(permille))
        self._update()

    def run(self) -> None:
        """Render and analyse the song as it is now, on a worker thread."""
        if self.running:
            return
        folder = self.session.folder
        if folder is None:
            self._failed("save the project first: the report reads its audio folder")
            return
        project, target = self.session.project, self.target

        def work(progress: Progress, cancel: threading.Event) -> MixReport:
            return mix_report(project, folder, target,
                              progress=lambda done, total: progress(1000 * done // total),
                              cancel=cancel)

        self.progress.setValue(0)
        self.summary.setText(f"Target: {target.describe()}. Analysing the mix…")
        self.job.start(work)
        self._update()

    def _update(self) -> None:
        idle = not self.running
        self.again.setEnabled(idle)
        self.close_button.setEnabled(idle)
        self.copy.setEnabled(idle and self.report is not None)
        self.cancel.setEnabled(not idle)

    def _show_outcome(self, result: object, message: str) -> None:
        if message == "" and isinstance(result, MixReport):
            self.progress.setValue(1000)
            self.show_report(result)
            self.reportReady.emit(result)
        elif message == CANCELLED:
            self.progress.setValue(0)
            self.summary.setText(f"Target: {self.target.describe()}. Cancelled.")
        else:
            self._failed(message)

    def _failed(self, message: str) -> None:
        self.progress.setValue(0)
        self.summary.setText(f"The mix could not be analysed: {message}")

    def show_report(self, report: MixReport) -> None:
        """List the report's findings (or say that there is nothing to fix)."""
        self.report = report
        lines = report.text().splitlines()
        self.summary.setText("\n".join(line.strip() for line in lines[:3]))
        self._rows = [self._row(finding) for finding in report.findings]
        if not report.findings:
            self.findings.setHtml(f"<p>{escape(NOTHING_TO_FIX)}</p>")
            return
        cells = []
        for finding, (where, what, text) in zip(report.findings, self._rows, strict=True):
            name = escape(where)
            if finding.strip_id != MASTER:
                name = f'<a href="{_LINK}{escape(finding.strip_id)}">{name}</a>'
            cells.append(f"<tr><td><b>{name}</b></td><td>{escape(what)}</td>"
                         f"<td>{escape(text)}</td></tr>")
        self.findings.setHtml(f"{_PAGE_STYLE}<table width='100%'><tr><th>Where</th>"
                              f"<th>What</th><th>Finding</th></tr>{''.join(cells)}</table>")

    @staticmethod
    def _row(finding: Finding) -> tuple[str, str, str]:
        text = finding.message[:1].upper() + finding.message[1:]
        return (finding.where, KIND_NAMES.get(finding.kind, finding.kind),
                text if text.endswith((".", "!", "?")) else f"{text}.")

    def rows(self) -> list[tuple[str, str, str]]:
        """(where, what, finding) of each row shown."""
        return list(self._rows)

    def _select_strip(self, url: QUrl) -> None:
        """A track's name was clicked: select the track."""
        link = url.toString()
        strip = link.removeprefix(_LINK) if link.startswith(_LINK) else ""
        if strip and any(t.id == strip for t in self.session.project.tracks):
            self.session.select_track(strip)

    def _copy(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(self.report.text())
