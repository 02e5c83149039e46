"""Effect editors driven like a person would: controls in real units, one undo step a drag,
double-click for the default, bypass, presets, the EQ's curve and the gain reduction."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QLabel

from daw.dsp.eq import eq_response
from daw.engine.live.transport import EngineState
from daw.model import chains
from daw.resources import resource_dir
from daw.settings.presets import PresetStore
from daw.ui.effects.controls import ParamBar
from daw.ui.effects.editor import EffectEditor
from daw.ui.effects.params import Param, current_values, friendly_name, menu_kinds, params_of
from daw.ui.session import Session
from tests.engine.songs import RATE, Song, tone

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@dataclass(frozen=True)
class MeteredState(EngineState):
    """An engine state with gain reductions, as the engine publishes them."""

    gain_reduction: dict[str, float] = field(default_factory=dict)


class Answers:
    def __init__(self, name: str | None, confirm: bool = True) -> None:
        self.name, self.confirm_answer, self.asked = name, confirm, []

    def ask_name(self, parent, title: str, label: str, text: str = "") -> str | None:
        self.asked.append(title)
        return self.name

    def confirm(self, parent, title: str, question: str) -> bool:
        self.asked.append(question)
        return self.confirm_answer


@pytest.fixture
def session(tmp_path: Path) -> Session:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(4800, 220))
    song.track("vox")
    song.clip("vox", "a", 0, "c1")
    project = chains.add_effect(song.project, "vox", "compressor", effect_id="fx-comp")
    project = chains.add_effect(project, "vox", "eq", {"p2_gain_db": 6.0}, effect_id="fx-eq")
    project = chains.add_effect(project, "vox", "reverb", effect_id="fx-verb")
    return Session(project, song.folder)


@pytest.fixture
def stores(tmp_path: Path):
    store = PresetStore(tmp_path / "presets", resource_dir() / "presets")
    return lambda: store


@pytest.fixture
def open_editor(qtbot, session: Session, stores):
    def make(effect_id: str) -> EffectEditor:
        editor = EffectEditor(session, effect_id, stores)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        return editor
    return make


def effect(session: Session, effect_id: str):
    return chains.find_effect(session.project, effect_id)[2]


def drag(qtbot, bar: ParamBar, dx: int) -> None:
    y = bar.height() // 2
    start = bar.pixel_for_value(bar.value()) + 3  # not quite on the value: it must not jump
    qtbot.mousePress(bar, LEFT, NONE, QPoint(start, y))
    for step in range(1, 5):
        qtbot.mouseMove(bar, QPoint(start + dx * step // 4, y))
    qtbot.mouseRelease(bar, LEFT, NONE, QPoint(start + dx, y))


def double_click(qtbot, widget, pos: QPoint) -> None:
    qtbot.mouseClick(widget, LEFT, NONE, pos)
    qtbot.mouseDClick(widget, LEFT, NONE, pos)


# --- units, ranges and tapers ------------------------------------------------------------------


def test_values_read_in_real_units() -> None:
    eq = {p.name: p for p in params_of("eq")}
    comp = {p.name: p for p in params_of("compressor")}
    verb = {p.name: p for p in params_of("reverb")}
    assert eq["p3_freq_hz"].format(2500.0) == "2.5 kHz"
    assert eq["hp_freq_hz"].format(90.0) == "90 Hz"
    assert eq["p1_gain_db"].format(-12.0) == "-12.0 dB"
    assert eq["p1_gain_db"].format(3.0) == "+3.0 dB"
    assert eq["p1_gain_db"].format(-0.04) == "0.0 dB"
    assert comp["attack_ms"].format(15.0) == "15 ms"
    assert comp["release_ms"].format(1500.0) == "1.5 s"
    assert comp["ratio"].format(4.0) == "4.0:1"
    assert comp["threshold_db"].format(-20.0) == "-20.0 dB"
    assert verb["wet_percent"].format(40.0) == "40 %"
    assert eq["p1_q"].format(0.7071) == "0.71"
    assert eq["hp_on"].format(1.0) == "On"


def test_controls_fit_the_parameter() -> None:
    eq = {p.name: p for p in params_of("eq")}
    assert (eq["hp_on"].control, eq["hp_freq_hz"].control) == ("switch", "slider")
    assert eq["hp_freq_hz"].taper == "log" and eq["p1_q"].taper == "log"
    assert eq["p1_gain_db"].taper == "linear" and eq["p1_gain_db"].bipolar
    gate = {p.name: p for p in params_of("gate")}
    assert gate["hold_ms"].taper == "square" and gate["attack_ms"].taper == "log"
    assert Param("mode", "Mode", "", 0.0, 3.0, 1.0).control == "choice"
    assert [friendly_name(k) for k in menu_kinds()][:3] == ["EQ", "Compressor", "Noise gate"]


@pytest.mark.parametrize("kind", ["eq", "compressor", "gate", "delay", "chorus", "saturation"])
def test_tapers_span_the_range_and_round_trip(kind: str) -> None:
    for p in params_of(kind):
        if p.control != "slider":
            continue
        assert p.from_pos(0.0) == p.minimum and p.from_pos(1.0) == p.maximum
        assert p.to_pos(p.minimum) == 0.0 and math.isclose(p.to_pos(p.maximum), 1.0)
        for value in (p.default, p.quantize((p.minimum + p.maximum) / 2)):
            assert p.from_pos(p.to_pos(value)) == pytest.approx(value, rel=5e-3, abs=0.051)


def test_a_log_frequency_control_puts_the_geometric_middle_in_the_middle() -> None:
    freq = next(p for p in params_of("eq") if p.name == "p2_freq_hz")
    assert freq.from_pos(0.5) == 632.0  # sqrt(20 * 20000) = 632.5, to three figures
    assert freq.to_pos(2000.0) == pytest.approx(2 / 3)


# --- the editor --------------------------------------------------------------------------------


def test_the_compressor_editor_shows_labelled_controls(open_editor) -> None:
    editor = open_editor("fx-comp")
    assert editor.windowTitle() == "Compressor — vox"
    texts = {name: control.text() for name, control in editor.controls.items()}
    assert texts == {"threshold_db": "-20.0 dB", "ratio": "4.0:1", "attack_ms": "10 ms",
                     "release_ms": "100 ms", "knee_db": "6.0 dB", "makeup_db": "0.0 dB"}
    labels = {label.text() for label in editor.findChildren(QLabel)}
    assert {"Threshold", "Ratio", "Attack", "Release", "Knee", "Makeup gain"} <= labels
    editor.grab()


def test_a_drag_is_one_undo_step(qtbot, session: Session, open_editor) -> None:
    editor = open_editor("fx-comp")
    bar = editor.controls["threshold_db"]
    start = bar.pixel_for_value(-20.0)
    expected = bar.value_at_pixel(start + 40)
    drag(qtbot, bar, 40)
    assert expected > -20.0
    assert effect(session, "fx-comp").param("threshold_db") == expected
    assert bar.text() == f"{expected:.1f} dB"
    assert session.history.undo_label == "Compressor Threshold"
    session.undo()
    assert current_values(effect(session, "fx-comp"))["threshold_db"] == -20.0
    assert bar.value() == -20.0  # the editor follows undo
    assert not session.history.can_undo


def test_double_click_puts_the_default_back(qtbot, session: Session, open_editor) -> None:
    editor = open_editor("fx-comp")
    session.edit("Set", lambda p: chains.set_effect_params(p, "fx-comp", {"ratio": 8.5}))
    bar = editor.controls["ratio"]
    assert bar.text() == "8.5:1"
    double_click(qtbot, bar, QPoint(bar.pixel_for_value(8.5), bar.height() // 2))
    assert effect(session, "fx-comp").param("ratio") == 4.0
    assert session.history.undo_label == "Reset Compressor Ratio"


def test_bypass_in_the_editor(qtbot, session: Session, open_editor) -> None:
    editor = open_editor("fx-verb")
    qtbot.mouseClick(editor.bypass, LEFT)
    assert effect(session, "fx-verb").bypassed
    assert session.history.undo_label == "Bypass Reverb"
    session.undo()
    assert not editor.bypass.isChecked()


def test_the_editor_closes_when_its_effect_goes(qtbot, session: Session, stores) -> None:
    editor = EffectEditor(session, "fx-verb", stores)  # not left to qtbot: it deletes itself
    editor.show()
    qtbot.waitExposed(editor)
    session.edit("Remove Reverb", lambda p: chains.remove_effect(p, "fx-verb"))
    assert not editor.isVisible()
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor))


def test_gain_reduction_is_read_out(session: Session, open_editor) -> None:
    comp = open_editor("fx-comp")
    assert open_editor("fx-verb").reduction is None
    session.engine_state = MeteredState(gain_reduction={"fx-comp": 4.5})
    session.engineStateChanged.emit()
    assert comp.reduction.reduction_db() == 4.5 and comp.reduction.text() == "GR 4.5 dB"
    comp.grab()
    session.engine_state = EngineState()  # no readings: no reduction shown
    session.engineStateChanged.emit()
    assert comp.reduction.text() == "GR 0.0 dB"


def test_tempo_sync_greys_the_time_and_lights_the_note(qtbot, session: Session,
                                                       open_editor) -> None:
    session.edit("Add", lambda p: chains.add_effect(p, "vox", "delay", effect_id="fx-dly"))
    editor = open_editor("fx-dly")
    time, note, sync = (editor.controls[n] for n in ("delay_ms", "note_beats", "sync"))
    assert time.isEnabled() and not note.isEnabled()
    qtbot.mouseClick(sync, LEFT, NONE, QPoint(8, sync.height() // 2))
    assert effect(session, "fx-dly").param("sync") == 1.0
    assert note.isEnabled() and not time.isEnabled()
    assert session.history.undo_label == "Delay Sync to tempo"
    session.undo()
    assert time.isEnabled() and not note.isEnabled() and not sync.isChecked()


# --- the EQ ------------------------------------------------------------------------------------


def test_the_eq_curve_is_the_eqs_response(open_editor, session: Session) -> None:
    editor = open_editor("fx-eq")
    curve = editor.curve
    freqs, db = curve.curve()
    values = current_values(effect(session, "fx-eq"))
    np.testing.assert_array_equal(db, eq_response(values, RATE, freqs))
    assert freqs[0] == pytest.approx(20.0) and freqs[-1] == pytest.approx(20000.0)
    at_1k = int(np.argmin(np.abs(np.log(freqs / 1000.0))))
    assert abs(freqs[at_1k] / 1000.0 - 1.0) < 0.02
    assert db[at_1k] == pytest.approx(6.0, abs=0.05)  # band 2: +6 dB at 1 kHz
    assert abs(db[0]) < 0.1 and abs(db[-1]) < 0.1  # flat far from it
    points = curve.curve_points()
    rect_top, height = 8.0, curve.height() - 8.0 - 18.0
    np.testing.assert_allclose(points[:, 1], rect_top + (24.0 - db) / 48.0 * height)
    assert np.all(np.diff(points[:, 0]) > 0)
    editor.grab()


def test_turning_a_band_gain_changes_the_model_and_the_curve(qtbot, session: Session,
                                                             open_editor) -> None:
    editor = open_editor("fx-eq")
    bar = editor.controls["p2_gain_db"]
    expected = bar.value_at_pixel(bar.pixel_for_value(6.0) - 30)
    drag(qtbot, bar, -30)
    assert expected < 6.0
    assert effect(session, "fx-eq").param("p2_gain_db") == expected
    freqs, db = editor.curve.curve()
    np.testing.assert_array_equal(
        db, eq_response(current_values(effect(session, "fx-eq")), RATE, freqs))
    assert session.history.undo_label == "EQ Band 2 gain"


def test_switching_the_high_pass_on(qtbot, session: Session, open_editor) -> None:
    editor = open_editor("fx-eq")
    box = editor.controls["hp_on"]
    assert isinstance(box, QCheckBox) and box.text() == "On"
    qtbot.mouseClick(box, LEFT, NONE, QPoint(8, box.height() // 2))  # on the tick box
    assert effect(session, "fx-eq").param("hp_on") == 1.0
    assert session.history.undo_label == "EQ High-pass on"
    _freqs, db = editor.curve.curve()
    # A 12 dB/oct high-pass with Q = 0.707 is 3 dB down at its 20 Hz (band 2 adds a trace).
    assert db[0] == pytest.approx(20 * math.log10(math.sqrt(0.5)), abs=0.01)


# --- presets -----------------------------------------------------------------------------------


def test_choosing_a_factory_preset_sets_every_parameter(session: Session, open_editor,
                                                        stores) -> None:
    editor = open_editor("fx-comp")
    bar = editor.preset_bar
    assert ("Gentle glue", True) in bar.preset_names()
    bar.choose("Gentle glue")
    expected = stores().load_effect_preset("compressor", "Gentle glue")
    assert current_values(effect(session, "fx-comp")) == expected
    assert editor.controls["ratio"].text() == "2.0:1"
    assert session.history.undo_label == "Load Compressor Preset “Gentle glue”"
    assert not bar.delete_button.isEnabled()


def test_save_and_delete_an_own_preset(session: Session, open_editor, stores) -> None:
    editor = open_editor("fx-comp")
    session.edit("Set", lambda p: chains.set_effect_params(p, "fx-comp", {"ratio": 9.0}))
    bar = editor.preset_bar
    bar.prompts = Answers("Heavy")
    bar.save()
    assert stores().load_effect_preset("compressor", "Heavy")["ratio"] == 9.0
    assert bar.preset_names()[-1] == ("Heavy", False)
    assert bar.chosen().name == "Heavy" and bar.delete_button.isEnabled()
    session.edit("Set", lambda p: chains.set_effect_params(p, "fx-comp", {"ratio": 3.0}))
    bar.prompts = Answers("Heavy", confirm=False)
    bar.save()  # asks before replacing, and the answer is no
    assert stores().load_effect_preset("compressor", "Heavy")["ratio"] == 9.0
    assert any("exists" in question for question in bar.prompts.asked)
    bar.prompts = Answers(None, confirm=True)
    bar.delete()
    assert ("Heavy", False) not in bar.preset_names()
    assert stores().list_effect_presets("compressor")[-1].factory


def test_a_broken_preset_is_reported_and_changes_nothing(qtbot, session: Session, open_editor,
                                                         stores) -> None:
    path = stores().user_dir / "effects" / "reverb" / "Odd.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"kind": "reverb", "params": {"size_percent": 50}}')
    editor = open_editor("fx-verb")
    before = session.project
    with qtbot.waitSignal(session.errorRaised) as error:
        editor.preset_bar.choose("Odd")
    assert error.args[0].startswith(str(path))
    assert "unknown parameter 'size_percent' for reverb" in error.args[0]
    assert session.project == before
