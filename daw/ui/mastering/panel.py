"""The mastering panel, a dock beside the timeline: the master's live loudness, peaks,
correlation and spectrum against the chosen target, the target chooser, and the way into the
master assistant, the mix report, the loudness-matched before/after and the album master.

It shows what the engine measures and edits the song through the session: the chosen target
is remembered in the project (`master.target`) as an undo step, and the assistant's chain
becomes the master strip's chain, editable there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daw.engine.live.master_meter import MasterMeterReading
from daw.engine.live.transport import EngineError
from daw.mastering.assistant import AssistantResult
from daw.mastering.targets import Target
from daw.model import Project, ops
from daw.ui.mastering.album_dialog import AlbumDialog
from daw.ui.mastering.assistant_dialog import AssistantDialog
from daw.ui.mastering.compare import ComparisonSwitch
from daw.ui.mastering.meters import MasterMeters
from daw.ui.mastering.report_view import MixReportDialog
from daw.ui.mastering.spectrum import SpectrumView
from daw.ui.mastering.targets_editor import TargetCombo, TargetsEditor
from daw.ui.session import Session

TARGET_UNDO_LABEL = "Mastering Target"
_STYLE = """
QWidget#MasteringPanel { background: #1f2124; }
QLabel#MasterCaption { color: #8a9096; font-size: 8pt; }
QLabel#MasterFigure { color: #e6e8ea; font-size: 10pt; font-weight: bold; }
QLabel#MasterWarning { color: #e3b341; font-size: 8pt; }
"""


def with_target(project: Project, name: str) -> Project:
    """The project with `name` as its mastering target."""
    return ops.set_master_target(project, name)


class MasteringPanel(QWidget):
    """Everything about the master of one session's song."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MasteringPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_STYLE)
        self.session = session
        self.assistant_dialog: AssistantDialog | None = None
        self.report_dialog: MixReportDialog | None = None
        self.album_dialog: AlbumDialog | None = None
        self.targets_editor: TargetsEditor | None = None
        self._shown: tuple[MasterMeterReading | None, Target] | None = None

        self.target = TargetCombo()
        self.target.setToolTip("The loudness and true-peak ceiling this song is mastered for")
        self.target.activated.connect(self._target_chosen)
        self.edit_targets = QToolButton()
        self.edit_targets.setText("Edit…")
        self.edit_targets.setToolTip("Change the targets' numbers, add your own")
        self.edit_targets.clicked.connect(self.open_targets_editor)
        self.meters = MasterMeters()
        self.meters.peaksResetAsked.connect(self.reset_peaks)
        self.spectrum = SpectrumView()
        self.assistant_button = QPushButton("Master Assistant…")
        self.assistant_button.setToolTip("Analyse the mix and set up the master chain for the "
                                         "target")
        self.assistant_button.clicked.connect(self.open_assistant)
        self.report_button = QPushButton("Mix Report…")
        self.report_button.setToolTip("What an analysis of the mix finds, in plain words")
        self.report_button.clicked.connect(self.open_report)
        self.compare = ComparisonSwitch(session)
        self.warning = QLabel("")
        self.warning.setObjectName("MasterWarning")
        self.warning.setWordWrap(True)

        target_row = QHBoxLayout()
        target_row.addWidget(self._caption("Target"))
        target_row.addWidget(self.target, 1)
        target_row.addWidget(self.edit_targets)
        buttons = QHBoxLayout()
        buttons.addWidget(self.assistant_button)
        buttons.addWidget(self.report_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(target_row)
        layout.addWidget(self.meters, 3)
        layout.addWidget(self._caption("Spectrum"))
        layout.addWidget(self.spectrum, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.compare)
        layout.addWidget(self.warning)
        self.setMinimumWidth(300)

        session.projectChanged.connect(self._project_changed)
        session.engineStateChanged.connect(self.refresh)
        self._project_changed()
        self._show_warnings()

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("MasterCaption")
        return label

    # --- the target --------------------------------------------------------------------------

    def current_target(self) -> Target:
        return self.target.current_target()

    def _target_chosen(self, _index: int) -> None:
        name = self.current_target().name
        if name != self.session.project.master.target:
            self.session.edit(TARGET_UNDO_LABEL, lambda p: with_target(p, name))
        self.refresh()

    def _project_changed(self) -> None:
        self.target.select_name(self.session.project.master.target)
        self.refresh()

    def open_targets_editor(self) -> TargetsEditor:
        if self.targets_editor is None:
            self.targets_editor = TargetsEditor(self.target.folder, self,
                                                select=self.current_target().name)
            self.targets_editor.targetsChanged.connect(self._targets_changed)
        self.targets_editor.show()
        self.targets_editor.raise_()
        return self.targets_editor

    def _targets_changed(self) -> None:
        self.target.reload()
        self.target.select_name(self.session.project.master.target)
        self._show_warnings()
        self.refresh()

    def _show_warnings(self) -> None:
        self.warning.setText("\n".join(self.target.warnings))
        self.warning.setVisible(bool(self.target.warnings))

    # --- live figures ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the engine's latest master reading (skipped while the panel is hidden, and
        when nothing changed since the last time)."""
        if not self.isVisible():
            return
        state = self.session.engine_state
        reading = state.master_meter
        shown = (reading, self.current_target(), state.playing)
        if self._shown is not None and self._shown[0] is reading and \
                self._shown[1:] == shown[1:]:
            return
        self._shown = shown
        self.meters.show_reading(reading, shown[1], live=state.playing)
        if reading is None or not state.playing:
            self.spectrum.set_spectrum((), ())
        else:
            self.spectrum.set_spectrum(reading.spectrum_centres_hz, reading.spectrum_db)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._shown = None
        self.refresh()

    def reset_peaks(self) -> None:
        """Forget the held true and sample peaks (the engine measures them again)."""
        engine = self.session.engine
        if engine is None:
            return
        try:
            engine.reset_master_peaks()
        except EngineError as error:
            self.session.errorRaised.emit(str(error))

    # --- the dialogs -------------------------------------------------------------------------

    def open_assistant(self) -> AssistantDialog:
        """Open the master assistant (or bring it forward); its result feeds the
        before/after comparison."""
        if self.assistant_dialog is None:
            dialog = AssistantDialog(self.session, self.current_target().name, self.window())
            dialog.resultReady.connect(self._assistant_result)
            self.assistant_dialog = dialog
        elif not self.assistant_dialog.running:  # the target chosen here since
            self.assistant_dialog.target.select_name(self.current_target().name)
        self.assistant_dialog.show()
        self.assistant_dialog.raise_()
        return self.assistant_dialog

    def _assistant_result(self, result: AssistantResult) -> None:
        self.target.remember(result.target)
        self.compare.set_result(result)

    def open_report(self) -> MixReportDialog:
        """Open the mix report for the current target and start its analysis."""
        if self.report_dialog is not None and self.report_dialog.running:
            self.report_dialog.raise_()
            return self.report_dialog
        if self.report_dialog is not None:
            self.report_dialog.deleteLater()
        self.report_dialog = MixReportDialog(self.session, self.current_target(), self.window())
        self.report_dialog.show()
        self.report_dialog.run()
        return self.report_dialog

    def open_album(self) -> AlbumDialog:
        """Open the album dialog with this song listed first (when it has a folder)."""
        if self.album_dialog is None:
            folder = self.session.folder
            self.album_dialog = AlbumDialog(
                [folder] if folder is not None else [], self.current_target().name,
                Path(folder).parent / "Album master" if folder is not None else None,
                self.window())
        self.album_dialog.show()
        self.album_dialog.raise_()
        return self.album_dialog

    def shutdown(self) -> None:
        """Stop what runs on worker threads (the window closes, or another song opens)."""
        for dialog in (self.assistant_dialog, self.report_dialog, self.album_dialog):
            if dialog is not None:
                dialog.job.wait()
                dialog.close()
                dialog.deleteLater()
        self.assistant_dialog = self.report_dialog = self.album_dialog = None
        if self.session.auditioned is not None:
            self.session.audition(None)


class MasteringDock(QDockWidget):
    """The panel in a dock on the window's right, hidden until View ▸ Mastering shows it;
    it follows the window to another song (`follow`)."""

    def __init__(self, session: Session, window: QMainWindow) -> None:
        super().__init__("Mastering", window)
        self.setObjectName("MasteringDock")
        self.panel = MasteringPanel(session)
        self.setWidget(self.panel)
        # The right side to the bottom: tall meters, and the mixer keeps its full height.
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self)
        self.hide()

    def follow(self, session: Session) -> None:
        """Show another session's song (the window opened another project)."""
        old = self.panel
        old.shutdown()
        self.panel = MasteringPanel(session)
        self.setWidget(self.panel)
        old.deleteLater()

    def open_assistant(self) -> AssistantDialog:
        self.show()
        return self.panel.open_assistant()

    def open_album(self) -> AlbumDialog:
        return self.panel.open_album()
