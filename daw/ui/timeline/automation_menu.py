"""The A button of a track header (and of the master row): a menu of what the lane can show as
an envelope — volume, pan, each send, and every effect's parameters, a submenu an effect — and
"Hide Automation". The choice is view state, not part of the song or of undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from daw.model.project import MASTER
from daw.ui.session import Session
from daw.ui.timeline.automation_targets import targets

HIDE = "Hide Automation"


class AutomationButton(QToolButton):
    """Chooses the envelope an owner's lane shows; lit while the lane shows one."""

    def __init__(self, session: Session, owner: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.owner = owner
        self.setText("A")
        self.setCheckable(True)
        self.setFixedSize(22, 18)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton:checked { background: #ffa24a; color: black; }"
                           " QToolButton::menu-indicator { image: none; width: 0; }")
        self.automation_menu = QMenu(self)
        self.automation_menu.aboutToShow.connect(self.fill)
        self.setMenu(self.automation_menu)
        self.refresh()

    def refresh(self) -> None:
        key = self.session.view.automation_shown(self.owner)
        title = None
        if key is not None:
            title = next((t.title for t in targets(self.session.project, self.owner)
                          if t.key == key), None)
        self.setChecked(title is not None)
        self.setToolTip(f"Automation: {title}" if title else
                        "Automation: show an envelope on this lane (volume, pan, sends, effects)")

    def fill(self) -> None:
        """Build the menu from the owner's targets as they are now."""
        menu = self.automation_menu
        menu.clear()
        shown = self.session.view.automation_shown(self.owner)
        submenus: dict[str, QMenu] = {}
        for target in targets(self.session.project, self.owner):
            where = menu
            if target.group:
                where = submenus.get(target.group) or menu.addMenu(target.group)
                submenus[target.group] = where
            elif menu.actions() and target.key.startswith("send:") and not any(
                    a.data() and str(a.data()).startswith("send:") for a in menu.actions()):
                menu.addSeparator()
            action = QAction(target.label, where)
            action.setCheckable(True)
            action.setChecked(target.key == shown)
            action.setData(target.key)
            action.triggered.connect(lambda _=False, k=target.key: self.choose(k))
            where.addAction(action)
        if self.owner != MASTER:
            menu.addSeparator()
            hide = menu.addAction(HIDE)
            hide.setEnabled(shown is not None)
            hide.triggered.connect(lambda: self.choose(None))

    def choose(self, key: str | None) -> None:
        self.session.view.show_automation(self.owner, key)
        self.refresh()

    def action_for(self, key: str) -> QAction | None:
        """The menu's action for a target key (after `fill`), searching the submenus too."""
        pending = [self.automation_menu]
        while pending:
            for action in pending.pop().actions():
                if action.menu() is not None:
                    pending.append(action.menu())
                elif action.data() == key:
                    return action
        return None
