"""The loudness-matched before/after of the master assistant's chain.

"Before" plays the song with the chain bypassed; "after" plays it through the chain and then
turned down by the loudness the chain added, so both are heard at the unmastered mix's
loudness and the ear judges the sound, not the level (`daw.mastering.assistant.
comparison_chains`). Both are auditions: the engine plays a variant of the song while the
project, and its undo history, stay as they are. Turning the comparison off, or any edit,
plays the song itself again.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QWidget

from daw.mastering.assistant import AssistantResult, apply_chain, comparison_chains
from daw.model import Project
from daw.ui.session import Session

BEFORE, AFTER = "before", "after"
_STYLE = """
QPushButton#CompareButton { background: #2f3237; color: #d8dadc; border: 1px solid #43474d;
    border-radius: 3px; padding: 3px 10px; }
QPushButton#CompareButton:checked { background: #2f6fb0; border-color: #5c9ded; color: #ffffff; }
QPushButton#CompareButton:disabled { background: #26282b; border-color: #33363a;
    color: #6b7075; }
"""


def comparison_projects(project: Project, result: AssistantResult) -> tuple[Project, Project]:
    """(before, after): the project with the chain bypassed, and with the chain followed by
    the loudness-matching gain."""
    before_chain, after_chain = comparison_chains(result)
    return (apply_chain(project, replace(result, chain=before_chain)),
            apply_chain(project, replace(result, chain=after_chain)))


class ComparisonSwitch(QWidget):
    """"Compare" turns the matched before/after on and off; "Before" and "After" choose
    which one plays. Usable once the assistant has run (`set_result`)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.result: AssistantResult | None = None
        self.compare = QPushButton("Compare")
        self.compare.setCheckable(True)
        self.compare.setToolTip("Hear the master assistant's chain against the mix without "
                                "it, both at the same loudness (no undo step)")
        self.before = QPushButton("Before")
        self.after = QPushButton("After")
        self.sides = QButtonGroup(self)
        self.sides.setExclusive(True)
        for button, side in ((self.before, BEFORE), (self.after, AFTER)):
            button.setCheckable(True)
            button.setProperty("side", side)
            self.sides.addButton(button)
        self.after.setChecked(True)
        for button in (self.compare, self.before, self.after):
            button.setObjectName("CompareButton")
        self.setStyleSheet(_STYLE)
        self.state = QLabel("")
        self.state.setObjectName("MasterCaption")
        self.state.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.compare)
        layout.addWidget(self.before)
        layout.addWidget(self.after)
        layout.addWidget(self.state, 1)
        self.compare.toggled.connect(self._compare_toggled)
        self.sides.buttonToggled.connect(self._side_toggled)
        session.auditionChanged.connect(self._audition_changed)
        self._update()

    @property
    def side(self) -> str:
        return BEFORE if self.before.isChecked() else AFTER

    def set_result(self, result: AssistantResult) -> None:
        """The assistant ran: compare its chain (a comparison already on switches to it)."""
        self.result = result
        if self.compare.isChecked():
            self._play()
        self._update()

    def _compare_toggled(self, on: bool) -> None:
        if on:
            self._play()
        else:
            self.session.audition(None)
        self._update()

    def _side_toggled(self, _button: object, checked: bool) -> None:
        if checked and self.compare.isChecked():
            self._play()
        self._update()

    def _play(self) -> None:
        if self.result is None:
            return
        before, after = comparison_projects(self.session.project, self.result)
        self.session.audition(before if self.side == BEFORE else after)

    def _audition_changed(self) -> None:
        """An edit ended the comparison: the switch shows it."""
        if self.session.auditioned is None and self.compare.isChecked():
            self.compare.blockSignals(True)
            self.compare.setChecked(False)
            self.compare.blockSignals(False)
            self._update()

    def _update(self) -> None:
        ready = self.result is not None
        on = ready and self.compare.isChecked()
        self.compare.setEnabled(ready)
        self.before.setEnabled(on)
        self.after.setEnabled(on)
        if not ready:
            self.state.setText("Run the assistant to compare")
        elif not on:
            self.state.setText("Off: the song as it is")
        else:
            level = self.result.before.integrated_lufs
            where = f" · {level:.1f} LUFS" if math.isfinite(level) else ""
            self.state.setText(f"{self.side.capitalize()}{where}")
            self.state.setToolTip(f"Hearing the mix {self.side} mastering; both play at the "
                                  "unmastered mix's loudness")
