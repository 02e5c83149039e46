"""The effect chain of a mixer strip: one row per effect in signal order, with a light (a tick
box) that turns it on or bypasses it, a "+" menu to add one, a menu of chain presets; a double-click
opens an effect's editor, Delete (or the context menu) takes it out, a drag moves it.

Rows are rebuilt from the model after every change; the widget keeps no chain of its own, so
undo, a refused edit or a preset always shows as the model has it. Each change is one undo
step through the session ("Undo Add Compressor").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daw.model import EditError, EffectSettings, Project, chains
from daw.model.project import new_id
from daw.settings.presets import PresetError, PresetStore
from daw.ui.effects.chain_list import (
    FRAME_ROOM,
    GR_ROLE,
    ID_ROLE,
    ROW_HEIGHT,
    ROWS_SHOWN,
    ChainList,
)
from daw.ui.effects.editor import EffectEditor
from daw.ui.effects.params import default_params, friendly_name, menu_kinds, short_name
from daw.ui.effects.presets import Prompts, StoreSource, fill_chain_menu, save_with_questions
from daw.ui.session import Session

_BYPASSED = QColor("#6b7075")


def _tool_button(text: str, tip: str, menu: QMenu) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setFixedSize(17, 13)
    button.setStyleSheet("QToolButton { background: #3a3e43; color: #d8dadc; border: none;"
                         " border-radius: 2px; font-weight: bold; padding: 0; }"
                         " QToolButton::menu-indicator { image: none; width: 0; }")
    return button


class ChainWidget(QWidget):
    """The chain of one owner: a track id, or `chains.MASTER`."""

    def __init__(self, session: Session, owner: str, parent: QWidget | None = None, *,
                 stores: StoreSource = PresetStore.default) -> None:
        super().__init__(parent)
        self.session = session
        self.owner = owner
        self.prompts = Prompts()
        self.editors: dict[str, EffectEditor] = {}
        self.open_on_add = True
        """A new effect opens its editor, as it does in most studios."""
        self._stores = stores
        self._shown: tuple[EffectSettings, ...] | None = None

        caption = QLabel("FX")
        caption.setObjectName("MixerCaption")
        caption.setToolTip("The effect chain, top to bottom in signal order")
        self.add_menu = QMenu(self)
        for kind in menu_kinds():
            self.add_menu.addAction(friendly_name(kind), lambda k=kind: self.add_effect(k))
        self.add_button = _tool_button("+", "Add an effect at the end of the chain",
                                       self.add_menu)
        self.preset_menu = QMenu(self)
        self.preset_menu.aboutToShow.connect(self.fill_preset_menu)
        self.preset_button = _tool_button("≡", "Chain presets: load, save, delete",
                                          self.preset_menu)
        self.list = ChainList()
        self.list.setFixedHeight(ROWS_SHOWN * ROW_HEIGHT + FRAME_ROOM)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(2)
        header.addWidget(caption, 1)
        header.addWidget(self.add_button)
        header.addWidget(self.preset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.list)

        self.list.itemChanged.connect(self._item_changed)
        self.list.itemDoubleClicked.connect(lambda item: self.open_editor(item.data(ID_ROLE)))
        self.list.moveRequested.connect(self._move_row)
        self.list.removeRequested.connect(lambda row: self.remove_effect(self._id_at(row)))
        self.list.customContextMenuRequested.connect(self._context_menu)
        session.engineStateChanged.connect(self._show_gain_reduction)
        session.projectChanged.connect(self._follow)
        self.show_chain(chains.chain(session.project, owner))

    # --- showing the model ------------------------------------------------------------------

    def show_chain(self, effects: tuple[EffectSettings, ...]) -> None:
        """Show the chain (cheap when unchanged); editors of effects gone are let go."""
        if effects == self._shown:
            return
        self._shown = effects
        selected = self._id_at(self.list.currentRow())
        self.list.blockSignals(True)
        self.list.clear()
        for effect in effects:
            name = friendly_name(effect.kind)
            item = QListWidgetItem(short_name(effect.kind))
            item.setData(ID_ROLE, effect.id)
            item.setData(GR_ROLE, 0.0)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if effect.bypassed
                               else Qt.CheckState.Checked)
            state = "bypassed" if effect.bypassed else "on"
            item.setToolTip(f"{name} ({state}): double-click to edit, click the light to "
                            "bypass or enable, drag to reorder, Delete to remove")
            if effect.bypassed:
                item.setForeground(_BYPASSED)
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            self.list.addItem(item)
            if effect.id == selected:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        ids = {effect.id for effect in effects}
        for effect_id in [i for i in self.editors if i not in ids]:
            self.editors.pop(effect_id)
        self._show_gain_reduction()

    def _follow(self) -> None:
        try:
            effects = chains.chain(self.session.project, self.owner)
        except EditError:
            return  # the track is gone; its strip goes with it
        self.show_chain(effects)

    def rows(self) -> list[tuple[str, bool]]:
        """What the rows show: (name, bypassed) per effect, in signal order."""
        return [(self.list.item(r).text(),
                 self.list.item(r).checkState() == Qt.CheckState.Unchecked)
                for r in range(self.list.count())]

    def effect_ids(self) -> list[str]:
        return [self.list.item(r).data(ID_ROLE) for r in range(self.list.count())]

    def _id_at(self, row: int) -> str | None:
        item = self.list.item(row) if row >= 0 else None
        return item.data(ID_ROLE) if item is not None else None

    def _show_gain_reduction(self) -> None:
        reductions: Mapping[str, float] = getattr(self.session.engine_state,
                                                  "gain_reduction", None) or {}
        changed = False
        self.list.blockSignals(True)
        for row in range(self.list.count()):
            item = self.list.item(row)
            value = round(float(reductions.get(item.data(ID_ROLE), 0.0)), 1)
            if item.data(GR_ROLE) != value:
                item.setData(GR_ROLE, value)
                changed = True
        self.list.blockSignals(False)
        if changed:  # the meters poll 30 times a second; most polls change nothing here
            self.list.viewport().update()

    # --- editing ----------------------------------------------------------------------------

    def _edit(self, label: str, change: Callable[[Project], Project]) -> bool:
        if self.session.edit(label, change):
            return True
        self._shown = None  # refused: show the model again
        self.show_chain(chains.chain(self.session.project, self.owner))
        return False

    def _name_of(self, effect_id: str) -> str:
        try:
            return friendly_name(chains.find_effect(self.session.project, effect_id)[2].kind)
        except EditError:
            return "Effect"

    def add_effect(self, kind: str) -> str | None:
        """Add an effect of `kind` with its default settings at the end; returns its id."""
        owner, effect_id = self.owner, new_id("fx")
        params = default_params(kind)
        if not self._edit(f"Add {friendly_name(kind)}", lambda p: chains.add_effect(
                p, owner, kind, params, effect_id=effect_id)):
            return None
        self.list.setCurrentRow(self.effect_ids().index(effect_id))
        if self.open_on_add:
            self.open_editor(effect_id)
        return effect_id

    def remove_effect(self, effect_id: str | None) -> None:
        if effect_id is not None:
            self._edit(f"Remove {self._name_of(effect_id)}",
                       lambda p: chains.remove_effect(p, effect_id))

    def move_effect(self, effect_id: str, index: int) -> None:
        self._edit(f"Move {self._name_of(effect_id)}",
                   lambda p: chains.move_effect(p, effect_id, index))

    def set_bypassed(self, effect_id: str, bypassed: bool) -> None:
        verb = "Bypass" if bypassed else "Enable"
        self._edit(f"{verb} {self._name_of(effect_id)}",
                   lambda p: chains.set_effect_bypassed(p, effect_id, bypassed))

    def _move_row(self, row: int, index: int) -> None:
        effect_id = self._id_at(row)
        if effect_id is not None:
            self.move_effect(effect_id, index)
            self.list.setCurrentRow(self.effect_ids().index(effect_id))

    def _item_changed(self, item: QListWidgetItem) -> None:
        bypassed = item.checkState() == Qt.CheckState.Unchecked
        effect_id = item.data(ID_ROLE)
        effect = next((e for e in self._shown or () if e.id == effect_id), None)
        if effect is not None and effect.bypassed != bypassed:
            self.set_bypassed(effect_id, bypassed)

    def open_editor(self, effect_id: str | None) -> EffectEditor | None:
        """Open the effect's editor window, or bring it to the front if it is open."""
        if effect_id is None:
            return None
        editor = self.editors.get(effect_id)
        if editor is None or not shiboken6.isValid(editor):
            editor = EffectEditor(self.session, effect_id, self._stores, self)
            editor.destroyed.connect(lambda _=None, i=effect_id: self._forget(i, editor))
            self.editors[effect_id] = editor
        editor.show()
        editor.raise_()
        editor.activateWindow()
        return editor

    def _forget(self, effect_id: str, editor: EffectEditor) -> None:
        if self.editors.get(effect_id) is editor:
            del self.editors[effect_id]

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(self.list.itemAt(pos))
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def context_menu(self, item: QListWidgetItem | None) -> QMenu:
        """The menu of a row (or of the empty list below the rows)."""
        menu = QMenu(self)
        if item is not None:
            effect_id = item.data(ID_ROLE)
            bypassed = item.checkState() == Qt.CheckState.Unchecked
            menu.addAction("Edit…", lambda: self.open_editor(effect_id))
            menu.addAction("Enable" if bypassed else "Bypass",
                           lambda: self.set_bypassed(effect_id, not bypassed))
            menu.addAction("Remove", lambda: self.remove_effect(effect_id))
            menu.addSeparator()
        adding = menu.addMenu("Add effect")
        for action in self.add_menu.actions():
            adding.addAction(action)
        return menu

    # --- chain presets ----------------------------------------------------------------------

    def fill_preset_menu(self) -> None:
        fill_chain_menu(self.preset_menu, self._stores(), self.load_chain_preset,
                        self.save_chain_preset, self.delete_chain_preset)

    def load_chain_preset(self, name: str) -> None:
        """Replace the chain with a chain preset (one undo step)."""
        try:
            effects = self._stores().load_chain_preset(name)
        except PresetError as error:
            self.session.errorRaised.emit(str(error))
            return
        owner = self.owner
        self._edit(f"Load Chain Preset “{name}”",
                   lambda p: chains.replace_chain(p, owner, effects))

    def save_chain_preset(self) -> None:
        effects = chains.chain(self.session.project, self.owner)
        if not effects:
            self.session.errorRaised.emit("The chain is empty: add effects before saving it "
                                          "as a preset")
            return
        store = self._stores()
        save_with_questions(self, self.session, self.prompts, "chain", "",
                            store.user_chain_preset_exists,
                            lambda name: store.save_chain_preset(name, effects))

    def delete_chain_preset(self, name: str) -> None:
        if not self.prompts.confirm(self, "Delete chain preset",
                                    f"Delete your chain preset “{name}”?"):
            return
        try:
            self._stores().delete_chain_preset(name)
        except PresetError as error:
            self.session.errorRaised.emit(str(error))

