"""Mastering targets in the window: a chooser (a combo box of every target) and the editor
where the person changes a preset's numbers, adds their own and deletes it again.

Targets live in the config folder (`daw.mastering.targets`); saving a factory preset under its
name changes it, and deleting that edit brings the factory numbers back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from daw.mastering.targets import (
    CEILING_RANGE,
    DEFAULT_TARGET,
    FACTORY_TARGETS,
    LUFS_RANGE,
    Target,
    TargetError,
    delete_target,
    load_targets,
    save_target,
    target_key,
    targets_dir,
)

_FACTORY_KEYS = frozenset(t.key for t in FACTORY_TARGETS)


class TargetCombo(QComboBox):
    """Every target, by its description; the current one as a `Target`. A name that is not
    among the saved targets (a reference track's loudness, a deleted preset) is shown as an
    extra entry: with its numbers when they are known (`remember`), else with the default's."""

    def __init__(self, folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.warnings: list[str] = []
        self._known: dict[str, Target] = {}
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(16)
        self.reload()

    def reload(self) -> None:
        """Read the targets again (after an edit), keeping the choice where it still exists."""
        chosen = self.current_target().name if self.count() else DEFAULT_TARGET.name
        targets, self.warnings = load_targets(self.folder)
        self.blockSignals(True)
        self.clear()
        for target in targets:
            self.addItem(target.describe(), target)
        self.blockSignals(False)
        self.select_name(chosen)

    def remember(self, target: Target) -> None:
        """Know the numbers of a target that is not saved (a reference's loudness)."""
        self._known[target.name] = target

    def targets(self) -> list[Target]:
        return [self.itemData(i) for i in range(self.count())]

    def current_target(self) -> Target:
        target = self.currentData()
        return target if isinstance(target, Target) else DEFAULT_TARGET

    def select_name(self, name: str) -> None:
        """Choose the target called `name` (the default for an empty name), adding an entry
        for a name the saved targets do not have. Emits no signal."""
        name = name or DEFAULT_TARGET.name
        self.blockSignals(True)
        for index in range(self.count()):
            target = self.itemData(index)
            if isinstance(target, Target) and target.name == name:
                self.setCurrentIndex(index)
                break
        else:
            known = self._known.get(name)
            if known is not None:
                target, text = known, known.describe()
            else:
                target = Target(name, DEFAULT_TARGET.integrated_lufs,
                                DEFAULT_TARGET.true_peak_dbtp, editable=False)
                text = f"{name} (not saved here: {DEFAULT_TARGET.integrated_lufs:g} LUFS, " \
                       f"{DEFAULT_TARGET.true_peak_dbtp:g} dBTP)"
            self.addItem(text, target)
            self.setCurrentIndex(self.count() - 1)
        self.blockSignals(False)


class TargetsEditor(QDialog):
    """Edit, add and delete targets. `targetsChanged` after every save or delete."""

    targetsChanged = Signal()

    def __init__(self, folder: Path | None = None, parent: QWidget | None = None,
                 select: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Mastering Targets")
        self.folder = folder
        self.list = QListWidget()
        self.list.setMinimumWidth(280)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.name = QLineEdit()
        self.loudness = self._spin(LUFS_RANGE, 0.5, " LUFS")
        self.ceiling = self._spin(CEILING_RANGE, 0.1, " dBTP")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.save_button = QPushButton("Save")
        self.new_button = QPushButton("New")
        self.delete_button = QPushButton("Delete")
        self.save_button.clicked.connect(self.save)
        self.new_button.clicked.connect(self.new)
        self.delete_button.clicked.connect(self.delete)
        self.list.currentRowChanged.connect(self._show_row)
        self.name.textChanged.connect(self._update_buttons)

        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Integrated loudness", self.loudness)
        form.addRow("True-peak ceiling", self.ceiling)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.save_button, self.delete_button):
            buttons.addWidget(button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.message)
        right.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(close)
        self._targets: list[Target] = []
        self._fill(select)

    @staticmethod
    def _spin(limits: tuple[float, float], step: float, suffix: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(*limits)
        spin.setDecimals(1)
        spin.setSingleStep(step)
        spin.setSuffix(suffix)
        return spin

    def _folder(self) -> Path:
        return targets_dir() if self.folder is None else self.folder

    def _saved(self, name: str) -> bool:
        """Whether the person has a file for this name (an edit or their own target)."""
        return (self._folder() / f"{target_key(name)}.json").is_file()

    def _fill(self, select: str = "") -> None:
        self._targets, warnings = load_targets(self.folder)
        self.list.blockSignals(True)
        self.list.clear()
        for target in self._targets:
            edited = target.key in _FACTORY_KEYS and self._saved(target.name)
            item = QListWidgetItem(target.describe() + ("  (edited)" if edited else ""))
            item.setData(Qt.ItemDataRole.UserRole, target.name)
            self.list.addItem(item)
        self.list.blockSignals(False)
        names = [t.name for t in self._targets]
        self.list.setCurrentRow(names.index(select) if select in names else 0)
        self._show_row(self.list.currentRow())
        if warnings:
            self._say("; ".join(warnings), error=True)

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self._targets):
            target = self._targets[row]
            self.name.setText(target.name)
            self.loudness.setValue(target.integrated_lufs)
            self.ceiling.setValue(target.true_peak_dbtp)
        self._update_buttons()

    def _update_buttons(self) -> None:
        name = self.name.text().strip()
        saved = bool(name) and self._saved(name)
        factory = target_key(name) in _FACTORY_KEYS
        self.delete_button.setText("Restore Factory" if factory else "Delete")
        self.delete_button.setEnabled(saved)
        self.save_button.setEnabled(bool(target_key(name)))

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #ff6b6b;" if error else "")

    def current(self) -> Target:
        """The target the form describes."""
        return Target(self.name.text().strip(), round(self.loudness.value(), 1),
                      round(self.ceiling.value(), 1))

    def save(self) -> bool:
        target = self.current()
        try:
            path = save_target(target, self.folder)
        except TargetError as error:
            self._say(str(error), error=True)
            return False
        self._fill(target.name)
        self._say(f"Saved {target.describe()} to {path.name}.")
        self.targetsChanged.emit()
        return True

    def new(self) -> None:
        names = {t.name for t in self._targets}
        number = 1
        while f"My target {number}" in names:
            number += 1
        self.list.clearSelection()
        self.name.setText(f"My target {number}")
        self.loudness.setValue(DEFAULT_TARGET.integrated_lufs)
        self.ceiling.setValue(DEFAULT_TARGET.true_peak_dbtp)
        self._say("Set its numbers, then Save.")
        self.name.setFocus()
        self.name.selectAll()

    def delete(self) -> bool:
        name = self.name.text().strip()
        try:
            deleted = delete_target(name, self.folder)
        except TargetError as error:
            self._say(str(error), error=True)
            return False
        if not deleted:
            self._say(f"{name}: there is no saved target of that name", error=True)
            return False
        factory = target_key(name) in _FACTORY_KEYS
        self._fill(name if factory else "")
        self._say(f"{name}: factory numbers restored." if factory else f"Deleted {name}.")
        self.targetsChanged.emit()
        return True
