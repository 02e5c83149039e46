"""The editor window of one effect: a labelled control per parameter in real units, bypass,
presets, the EQ's response curve and a dynamics effect's gain reduction.

The editor holds no settings of its own: it shows the effect as the model has it (again after
every change, so undo moves its controls back) and edits through the session. A drag of a
control is one undo step; a double-click puts the default back. When its effect is gone (taken
out of the chain, or undone away) the window closes itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from daw.model import EditError, EffectSettings, Project, chains
from daw.settings.presets import PresetStore
from daw.ui.effects.controls import GainReductionMeter, ParamBar, make_choice, make_switch
from daw.ui.effects.eq_curve import EqCurve
from daw.ui.effects.params import (
    DYNAMICS,
    Param,
    current_values,
    friendly_name,
    params_of,
    preset_values,
)
from daw.ui.effects.presets import EffectPresetBar, StoreSource
from daw.ui.session import Session

EQ_GROUPS = (
    ("High-pass", ("hp_on", "hp_freq_hz", "hp_q")),
    ("Low shelf", ("low_freq_hz", "low_gain_db")),
    ("Band 1", ("p1_freq_hz", "p1_gain_db", "p1_q")),
    ("Band 2", ("p2_freq_hz", "p2_gain_db", "p2_q")),
    ("Band 3", ("p3_freq_hz", "p3_gain_db", "p3_q")),
    ("High shelf", ("high_freq_hz", "high_gain_db")),
    ("Low-pass", ("lp_on", "lp_freq_hz", "lp_q")),
)
"""The EQ's parameters as columns, one per band, low to high as on the curve."""
ACTIVE_WHEN = {
    "delay_ms": ("sync", False),
    "note_beats": ("sync", True),
    "hp_freq_hz": ("hp_on", True),
    "hp_q": ("hp_on", True),
    "lp_freq_hz": ("lp_on", True),
    "lp_q": ("lp_on", True),
}
"""Controls that only matter with a switch in one position; otherwise they are greyed."""
_SHORT_CAPTIONS = (("_on", "On"), ("_freq_hz", "Frequency"), ("_gain_db", "Gain"), ("_q", "Q"))


def owner_name(project: Project, owner: str) -> str:
    return "Master" if owner == chains.MASTER else project.track(owner).name


def effect_title(project: Project, effect_id: str) -> str:
    """"Compressor — Vocal", numbered when the chain holds more than one of the kind."""
    owner, _index, effect = chains.find_effect(project, effect_id)
    same = [e.id for e in chains.chain(project, owner) if e.kind == effect.kind]
    name = friendly_name(effect.kind)
    if len(same) > 1:
        name += f" {same.index(effect_id) + 1}"
    return f"{name} — {owner_name(project, owner)}"


class EffectEditor(QDialog):
    """The window of one effect; `controls` maps each parameter name to its control."""

    def __init__(self, session: Session, effect_id: str,
                 stores: StoreSource = PresetStore.default,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.effect_id = effect_id
        effect = chains.find_effect(session.project, effect_id)[2]
        self.kind = effect.kind
        self.name = friendly_name(effect.kind)
        self.params: dict[str, Param] = {p.name: p for p in params_of(effect.kind)}
        self.controls: dict[str, QWidget] = {}
        self.setObjectName("EffectEditor")
        self.setModal(False)

        self.bypass = QCheckBox("Bypass")
        self.bypass.setToolTip("Pass the sound through unchanged, keeping the settings")
        self.bypass.toggled.connect(self._set_bypassed)
        self.preset_bar = EffectPresetBar(session, self.kind, stores, self._values,
                                          self._load_preset)
        top = QHBoxLayout()
        top.addWidget(self.bypass)
        top.addStretch(1)
        top.addWidget(self.preset_bar)
        layout = QVBoxLayout(self)
        layout.addLayout(top)

        self.curve: EqCurve | None = None
        if self.kind == "eq":
            self.curve = EqCurve(session.project.sample_rate)
            layout.addWidget(self.curve, 1)
        self.reduction: GainReductionMeter | None = None
        if self.kind in DYNAMICS:
            self.reduction = GainReductionMeter()
            row = QHBoxLayout()
            row.addWidget(QLabel("Gain reduction"))
            row.addWidget(self.reduction, 1)
            layout.addLayout(row)
            session.engineStateChanged.connect(self.show_gain_reduction)
        if self.kind == "eq":
            layout.addLayout(self._eq_columns())
        elif self.params:
            layout.addLayout(self._form())
        else:
            layout.addWidget(QLabel(f"{self.name} has no settings to change."))

        session.projectChanged.connect(self.sync)
        self.sync()
        self.show_gain_reduction()

    # --- building ---------------------------------------------------------------------------

    def _control(self, param: Param) -> QWidget:
        if param.control == "switch":
            box = make_switch(param)
            box.toggled.connect(lambda on, p=param: self._set(p, 1.0 if on else 0.0))
            control: QWidget = box
        elif param.control == "choice":
            combo = make_choice(param)
            combo.activated.connect(
                lambda index, p=param, c=combo: self._set(p, float(c.itemData(index))))
            control = combo
        else:
            bar = ParamBar(param, param.default)
            bar.dragged.connect(lambda value, p=param: self._set(p, value, dragging=True))
            bar.released.connect(self.session.end_gesture)
            bar.resetRequested.connect(lambda p=param: self._set(p, p.default, reset=True))
            control = bar
        self.controls[param.name] = control
        return control

    def _form(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(10)
        for row, param in enumerate(self.params.values()):
            control = self._control(param)
            if param.control != "switch":
                caption = QLabel(param.label)
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(caption, row, 0)
            grid.addWidget(control, row, 1)
        self.setMinimumWidth(420)
        return grid

    def _eq_columns(self) -> QHBoxLayout:
        columns = QHBoxLayout()
        columns.setSpacing(8)
        for title, names in EQ_GROUPS:
            column = QVBoxLayout()
            column.setSpacing(2)
            heading = QLabel(title)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            column.addWidget(heading)
            for name in names:
                param = self.params[name]
                short = next(text for suffix, text in _SHORT_CAPTIONS if name.endswith(suffix))
                if param.control == "switch":
                    param = replace(param, label=short)
                else:
                    caption = QLabel(short)
                    caption.setObjectName("EffectCaption")
                    column.addWidget(caption)
                control = self._control(param)
                control.setMinimumWidth(100)
                column.addWidget(control)
            column.addStretch(1)
            columns.addLayout(column)
        return columns

    # --- showing the model ------------------------------------------------------------------

    def effect(self) -> EffectSettings | None:
        """The effect as the model has it now (None once it is gone)."""
        try:
            return chains.find_effect(self.session.project, self.effect_id)[2]
        except EditError:
            return None

    def _values(self) -> dict[str, float]:
        effect = self.effect()
        return {} if effect is None else current_values(effect)

    def sync(self) -> None:
        """Show the effect as the model has it; close when it is gone."""
        effect = self.effect()
        if effect is None:
            self.close()
            self.deleteLater()
            return
        self.setWindowTitle(effect_title(self.session.project, self.effect_id))
        values = current_values(effect)
        self.bypass.blockSignals(True)
        self.bypass.setChecked(effect.bypassed)
        self.bypass.blockSignals(False)
        for name, control in self.controls.items():
            value = values[name]
            control.blockSignals(True)
            if isinstance(control, ParamBar):
                control.set_value(value)
            elif isinstance(control, QCheckBox):
                control.setChecked(value >= 0.5)
            elif isinstance(control, QComboBox):
                control.setCurrentIndex(max(0, control.findData(float(round(value)))))
            control.blockSignals(False)
            switch = ACTIVE_WHEN.get(name)
            if switch is not None and switch[0] in values:
                control.setEnabled((values[switch[0]] >= 0.5) == switch[1])
        if self.curve is not None:
            self.curve.set_params(values)

    def show_gain_reduction(self) -> None:
        """The engine's latest gain reduction of this effect (dB, positive = turned down)."""
        if self.reduction is None:
            return
        reductions = getattr(self.session.engine_state, "gain_reduction", None) or {}
        self.reduction.set_reduction(reductions.get(self.effect_id, 0.0))

    # --- editing ----------------------------------------------------------------------------

    def _edit(self, label: str, change: Callable[[Project], Project],
              gesture: object | None = None) -> None:
        if not self.session.edit(label, change, gesture):
            self.sync()  # refused: show the model's values again

    def _set(self, param: Param, value: float, dragging: bool = False,
             reset: bool = False) -> None:
        effect_id = self.effect_id
        label = f"{'Reset ' if reset else ''}{self.name} {self.params[param.name].label}"
        gesture = ("effect", effect_id, param.name) if dragging else None
        self._edit(label, lambda p: chains.set_effect_params(p, effect_id, {param.name: value}),
                   gesture)

    def _set_bypassed(self, bypassed: bool) -> None:
        effect_id = self.effect_id
        self._edit(f"{'Bypass' if bypassed else 'Enable'} {self.name}",
                   lambda p: chains.set_effect_bypassed(p, effect_id, bypassed))

    def _load_preset(self, name: str, params: Mapping[str, float]) -> None:
        effect_id = self.effect_id
        values = preset_values(self.kind, params)
        self._edit(f"Load {self.name} Preset “{name}”",
                   lambda p: chains.set_effect_params(p, effect_id, values))
