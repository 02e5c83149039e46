"""The dialog for a project whose ``project.json`` will not load: why, and its backups by
time (the autosave and earlier saves), newest first, the ones that load selectable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from daw.model.backups import Backup


class BackupDialog(QDialog):
    """Choose a backup to open; `chosen()` after `exec()`."""

    def __init__(self, folder: Path, problem: str, backups: list[Backup],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open a backup?")
        self.backups = backups
        layout = QVBoxLayout(self)
        text = QLabel(f"“{folder.name}” cannot be opened:\n{problem}\n\nIts folder keeps "
                      "backups. Open one of them? Nothing is written until you save; the "
                      "damaged file stays as it is until then.")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.list = QListWidget()
        first = None
        for backup in backups:
            item = QListWidgetItem(backup.describe())
            item.setToolTip(str(backup.path))
            if not backup.loadable:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            elif first is None:
                first = item
            self.list.addItem(item)
        if first is not None:
            self.list.setCurrentItem(first)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def chosen(self) -> Backup | None:
        row = self.list.currentRow()
        if row < 0 or not self.backups[row].loadable:
            return None
        return self.backups[row]


def choose_backup(parent: QWidget | None, folder: Path, problem: str,
                  backups: list[Backup]) -> Backup | None:
    dialog = BackupDialog(folder, problem, backups, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()
