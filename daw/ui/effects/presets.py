"""Presets in the window: the preset box of an effect editor, the chain preset menu of a strip,
and the two questions they ask (a name; whether to replace a preset of that name).

Every load is one undo step, made by the caller through the session; a preset file that cannot
be read is reported through `session.errorRaised` with its name, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from daw.settings.presets import PresetError, PresetInfo, PresetStore
from daw.ui.effects.params import friendly_name
from daw.ui.session import Session

StoreSource = Callable[[], PresetStore]
"""Where presets are kept; called at each use, so a changed config folder is followed."""


def _split(infos: list[PresetInfo]) -> tuple[list[PresetInfo], list[PresetInfo]]:
    """(factory presets, the person's own)."""
    return [i for i in infos if i.factory], [i for i in infos if not i.factory]


class Prompts:
    """The questions asked while saving and deleting presets; tests give their answers."""

    def ask_name(self, parent: QWidget, title: str, label: str, text: str = "") -> str | None:
        name, ok = QInputDialog.getText(parent, title, label, text=text)
        return name.strip() if ok and name.strip() else None

    def confirm(self, parent: QWidget, title: str, question: str) -> bool:
        answer = QMessageBox.question(parent, title, question)
        return answer == QMessageBox.StandardButton.Yes


def save_with_questions(parent: QWidget, session: Session, prompts: Prompts, what: str,
                        suggestion: str, exists: Callable[[str], bool],
                        save: Callable[[str], PresetInfo]) -> PresetInfo | None:
    """Ask a name, ask before replacing a preset of that name, save; report what fails."""
    name = prompts.ask_name(parent, f"Save {what} preset", "Preset name:", suggestion)
    if name is None:
        return None
    try:
        if exists(name) and not prompts.confirm(
            parent, f"Replace {what} preset", f"A {what} preset called “{name}” exists. "
            "Replace it?"
        ):
            return None
        return save(name)
    except PresetError as error:
        session.errorRaised.emit(str(error))
        return None


class _PresetBox(QComboBox):
    """A combo box that lists the presets afresh each time it opens (another window may have
    saved one meanwhile)."""

    def __init__(self, before_popup: Callable[[], None]) -> None:
        super().__init__()
        self._before_popup = before_popup

    def showPopup(self) -> None:
        self._before_popup()
        super().showPopup()


class EffectPresetBar(QWidget):
    """The preset box of one effect's editor: choose a preset to load it, save the current
    settings under a name, delete one of your own."""

    NO_PRESET = "Presets…"

    def __init__(self, session: Session, kind: str, stores: StoreSource,
                 current: Callable[[], Mapping[str, float]],
                 load: Callable[[str, dict[str, float]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.kind = kind
        self.prompts = Prompts()
        self._stores = stores
        self._current = current
        self._load = load
        self.combo = _PresetBox(lambda: self.refresh(self._chosen_name()))
        self.combo.setObjectName("EffectPresets")
        self.combo.setMinimumWidth(170)
        self.combo.setToolTip("Load a preset (factory presets first, then yours)")
        self.save_button = QPushButton("Save…")
        self.save_button.setToolTip("Save these settings as a preset")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the chosen preset (only your own)")
        for button in (self.save_button, self.delete_button):
            button.setAutoDefault(False)  # Enter in the editor must not start a save
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        self.refresh()
        self.combo.activated.connect(self._chosen)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)

    def refresh(self, select: str | None = None) -> None:
        """List the presets again (after a save or delete), keeping `select` chosen."""
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(self.NO_PRESET, None)
        factory, own = _split(self._stores().list_effect_presets(self.kind))
        for info in factory:
            self.combo.addItem(info.name, info)
        if factory and own:
            self.combo.insertSeparator(self.combo.count())
        for info in own:
            self.combo.addItem(f"{info.name}  (yours)", info)
        index = next((i for i in range(1, self.combo.count())
                      if isinstance(self.combo.itemData(i), PresetInfo)
                      and self.combo.itemData(i).name == select), 0)
        self.combo.setCurrentIndex(index)
        self.combo.blockSignals(False)
        self._update_delete()

    def preset_names(self) -> list[tuple[str, bool]]:
        """(name, factory) of each preset listed, in order."""
        return [(d.name, d.factory) for i in range(self.combo.count())
                if isinstance(d := self.combo.itemData(i), PresetInfo)]

    def _chosen_name(self) -> str | None:
        info = self.chosen()
        return info.name if info is not None else None

    def chosen(self) -> PresetInfo | None:
        data = self.combo.currentData()
        return data if isinstance(data, PresetInfo) else None

    def choose(self, name: str) -> None:
        """Pick a preset by name, as a person does in the box: it loads."""
        for i in range(self.combo.count()):
            data = self.combo.itemData(i)
            if isinstance(data, PresetInfo) and data.name == name:
                self.combo.setCurrentIndex(i)
                self._chosen(i)
                return
        raise KeyError(name)

    def _chosen(self, index: int) -> None:
        self._update_delete()
        info = self.combo.itemData(index)
        if not isinstance(info, PresetInfo):
            return
        try:
            params = self._stores().load_effect_preset(self.kind, info.name)
        except PresetError as error:
            self.session.errorRaised.emit(str(error))
            return
        self._load(info.name, params)

    def _update_delete(self) -> None:
        info = self.chosen()
        self.delete_button.setEnabled(info is not None and not info.factory)

    def save(self) -> None:
        store = self._stores()
        chosen = self.chosen()
        saved = save_with_questions(
            self, self.session, self.prompts, friendly_name(self.kind),
            chosen.name if chosen is not None and not chosen.factory else "",
            lambda name: store.user_effect_preset_exists(self.kind, name),
            lambda name: store.save_effect_preset(self.kind, name, self._current()))
        if saved is not None:
            self.refresh(saved.name)

    def delete(self) -> None:
        info = self.chosen()
        if info is None or info.factory:
            return
        if not self.prompts.confirm(self, "Delete preset",
                                    f"Delete your preset “{info.name}”?"):
            return
        try:
            self._stores().delete_effect_preset(self.kind, info.name)
        except PresetError as error:
            self.session.errorRaised.emit(str(error))
        self.refresh()


def fill_chain_menu(menu: QMenu, store: PresetStore, load: Callable[[str], None],
                    save: Callable[[], None], delete: Callable[[str], None]) -> None:
    """The chain preset menu: load (factory presets first), save as, delete your own."""
    menu.clear()
    factory, own = _split(store.list_chain_presets())
    loading = menu.addMenu("Load chain preset")
    loading.setObjectName("LoadChainPreset")
    for info in factory:
        loading.addAction(info.name, lambda name=info.name: load(name))
    if factory and own:
        loading.addSeparator()
    for info in own:
        loading.addAction(info.name, lambda name=info.name: load(name))
    loading.setEnabled(bool(factory or own))
    menu.addAction("Save chain as preset…", save)
    deleting = menu.addMenu("Delete chain preset")
    deleting.setObjectName("DeleteChainPreset")
    for info in own:
        deleting.addAction(info.name, lambda name=info.name: delete(name))
    deleting.setEnabled(bool(own))
