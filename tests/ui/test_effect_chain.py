"""The effect chain of each mixer strip, driven with the mouse and keys, checked on the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from daw.dsp.effects import PARAMETERS
from daw.engine.live.transport import EngineState
from daw.model import chains
from daw.model.chains import MASTER
from daw.resources import resource_dir
from daw.settings.presets import PresetStore
from daw.ui.effects.chain import ChainWidget
from daw.ui.effects.chain_list import GR_ROLE
from daw.ui.effects.editor import EffectEditor
from daw.ui.mixer import MixerPanel
from daw.ui.session import Session
from tests.engine.songs import Song, tone

LEFT = Qt.MouseButton.LeftButton
NONE = Qt.KeyboardModifier.NoModifier


@dataclass(frozen=True)
class MeteredState(EngineState):
    """An engine state with gain reductions, as the engine publishes them."""

    gain_reduction: dict[str, float] = field(default_factory=dict)


class Answers:
    """The person's answers to the preset questions."""

    def __init__(self, name: str | None = None, confirm: bool = True) -> None:
        self.name = name
        self.confirm_answer = confirm
        self.asked: list[str] = []

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
    song.track("bass")
    song.clip("vox", "a", 0, "c1")
    project = chains.add_effect(song.project, "vox", "eq", {"hp_on": 1.0}, effect_id="fx-eq")
    project = chains.add_effect(project, "vox", "compressor", effect_id="fx-comp")
    project = chains.add_effect(project, "vox", "reverb", effect_id="fx-verb", bypassed=True)
    return Session(project, song.folder)


@pytest.fixture
def stores(tmp_path: Path):
    store = PresetStore(tmp_path / "presets", resource_dir() / "presets")
    return lambda: store


@pytest.fixture
def mixer(qtbot, session: Session) -> MixerPanel:
    panel = MixerPanel(session)
    qtbot.addWidget(panel)
    panel.resize(600, 460)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def vox(mixer: MixerPanel) -> ChainWidget:
    chain = mixer.strip_for("vox").chain
    chain.open_on_add = False
    return chain


def ids(session: Session, owner: str) -> list[str]:
    return [e.id for e in chains.chain(session.project, owner)]


def row_point(chain: ChainWidget, row: int) -> QPoint:
    return chain.list.visualItemRect(chain.list.item(row)).center()


def double_click(qtbot, widget, pos: QPoint) -> None:
    """As a mouse does it: a click, then the second press arrives as a double-click."""
    qtbot.mouseClick(widget, LEFT, NONE, pos)
    qtbot.mouseDClick(widget, LEFT, NONE, pos)


def test_every_strip_shows_its_chain(mixer: MixerPanel, vox: ChainWidget) -> None:
    assert vox.rows() == [("EQ", False), ("Comp", False), ("Reverb", True)]
    assert mixer.strip_for("vox").effect_rows() == vox.rows()
    assert mixer.strip_for("bass").chain.rows() == []
    assert mixer.master_strip.chain.owner == MASTER
    assert mixer.master_strip.effect_rows() == []


def test_the_add_menu_offers_every_kind_by_its_name(vox: ChainWidget) -> None:
    names = [action.text() for action in vox.add_menu.actions()]
    assert names == ["EQ", "Compressor", "Noise gate", "De-esser", "Limiter",
                     "True-peak limiter", "Reverb", "Delay", "Chorus", "Phaser", "Saturation",
                     "Stereo width", "Gain"]


def test_adding_puts_a_default_effect_at_the_end_as_one_undo_step(
        session: Session, vox: ChainWidget) -> None:
    before = session.project
    next(a for a in vox.add_menu.actions() if a.text() == "Compressor").trigger()
    added = chains.chain(session.project, "vox")[-1]
    assert added.kind == "compressor" and not added.bypassed
    assert dict(added.params) == {spec[0]: spec[5] for spec in PARAMETERS["compressor"]}
    assert vox.rows()[-1] == ("Comp", False)
    assert vox.list.currentRow() == 3
    assert session.history.undo_label == "Add Compressor"
    session.undo()
    assert session.project == before
    assert len(vox.rows()) == 3


def test_adding_to_the_master_opens_the_new_effects_editor(qtbot, session: Session,
                                                          mixer: MixerPanel) -> None:
    master = mixer.master_strip.chain
    next(a for a in master.add_menu.actions() if a.text() == "Limiter").trigger()
    (limiter,) = session.project.master.effects
    assert limiter.kind == "limiter"
    editor = master.editors[limiter.id]
    qtbot.waitExposed(editor)
    assert editor.isVisible() and editor.windowTitle() == "Limiter — Master"


def test_the_tick_box_bypasses_and_enables(qtbot, session: Session, vox: ChainWidget) -> None:
    box = vox.list.check_rect(1)
    qtbot.mouseClick(vox.list.viewport(), LEFT, NONE, box.center())
    assert chains.find_effect(session.project, "fx-comp")[2].bypassed is True
    assert session.history.undo_label == "Bypass Compressor"
    assert vox.rows()[1] == ("Comp", True)
    assert vox.list.item(1).font().italic()
    qtbot.mouseClick(vox.list.viewport(), LEFT, NONE, vox.list.check_rect(2).center())
    assert chains.find_effect(session.project, "fx-verb")[2].bypassed is False
    assert session.history.undo_label == "Enable Reverb"
    session.undo()
    session.undo()
    assert vox.rows() == [("EQ", False), ("Comp", False), ("Reverb", True)]


def test_delete_removes_the_chosen_effect_even_where_delete_is_a_menu_shortcut(
        qtbot, session: Session) -> None:
    window = QMainWindow()
    vox = ChainWidget(session, "vox")
    deleted_clips: list[bool] = []
    action = QAction("Delete clips", window)
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    action.triggered.connect(lambda: deleted_clips.append(True))
    window.addAction(action)
    window.setCentralWidget(vox)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.mouseClick(vox.list.viewport(), LEFT, NONE, row_point(vox, 0))
    assert vox.list.hasFocus() and vox.list.currentRow() == 0
    qtbot.keyClick(vox.list, Qt.Key.Key_Delete)
    assert ids(session, "vox") == ["fx-comp", "fx-verb"]
    assert deleted_clips == []
    assert session.history.undo_label == "Remove EQ"
    qtbot.mouseClick(vox.list.viewport(), LEFT, NONE, row_point(vox, 1))
    qtbot.keyClick(vox.list, Qt.Key.Key_Backspace)
    assert ids(session, "vox") == ["fx-comp"]
    session.undo()
    session.undo()
    assert ids(session, "vox") == ["fx-eq", "fx-comp", "fx-verb"]


def test_dragging_a_row_reorders_the_chain_in_one_step(qtbot, session: Session,
                                                       vox: ChainWidget) -> None:
    viewport = vox.list.viewport()
    start = row_point(vox, 0)
    below_last = vox.list.visualItemRect(vox.list.item(2)).bottom() - 1
    qtbot.mousePress(viewport, LEFT, NONE, start)
    for y in range(start.y() + 2, below_last + 1, 3):
        qtbot.mouseMove(viewport, QPoint(start.x(), y))
    assert vox.list.is_dragging
    qtbot.mouseMove(viewport, QPoint(start.x(), below_last))
    qtbot.mouseRelease(viewport, LEFT, NONE, QPoint(start.x(), below_last))
    assert ids(session, "vox") == ["fx-comp", "fx-verb", "fx-eq"]
    assert vox.rows()[2] == ("EQ", False)
    assert vox.list.currentRow() == 2
    assert session.history.undo_label == "Move EQ"
    session.undo()
    assert ids(session, "vox") == ["fx-eq", "fx-comp", "fx-verb"]
    assert not session.history.can_undo

    # Dropped back where it started: nothing changes, nothing to undo.
    qtbot.mousePress(viewport, LEFT, NONE, row_point(vox, 1))
    qtbot.mouseMove(viewport, row_point(vox, 1) + QPoint(0, 7))
    qtbot.mouseRelease(viewport, LEFT, NONE, row_point(vox, 1) + QPoint(0, 7))
    assert ids(session, "vox") == ["fx-eq", "fx-comp", "fx-verb"]
    assert not session.history.can_undo


def test_dragging_up_moves_before_the_row_dropped_on(qtbot, session: Session,
                                                     vox: ChainWidget) -> None:
    viewport = vox.list.viewport()
    start = row_point(vox, 2)
    top = vox.list.visualItemRect(vox.list.item(0)).top() + 1
    qtbot.mousePress(viewport, LEFT, NONE, start)
    for y in range(start.y() - 2, top - 1, -3):
        qtbot.mouseMove(viewport, QPoint(start.x(), y))
    qtbot.mouseRelease(viewport, LEFT, NONE, QPoint(start.x(), top))
    assert ids(session, "vox") == ["fx-verb", "fx-eq", "fx-comp"]


def test_double_click_opens_one_editor_per_effect(qtbot, vox: ChainWidget) -> None:
    double_click(qtbot, vox.list.viewport(), row_point(vox, 1))
    editor = vox.editors["fx-comp"]
    qtbot.waitExposed(editor)
    assert isinstance(editor, EffectEditor) and editor.windowTitle() == "Compressor — vox"
    editor.close()
    double_click(qtbot, vox.list.viewport(), row_point(vox, 1))
    assert vox.editors["fx-comp"] is editor and editor.isVisible()
    assert len(vox.findChildren(EffectEditor)) == 1


def test_removing_an_effect_closes_its_editor(qtbot, session: Session,
                                              vox: ChainWidget) -> None:
    editor = vox.open_editor("fx-verb")
    qtbot.waitExposed(editor)
    menu = vox.context_menu(vox.list.item(2))
    next(a for a in menu.actions() if a.text() == "Remove").trigger()
    assert ids(session, "vox") == ["fx-eq", "fx-comp"]
    assert not editor.isVisible()
    assert "fx-verb" not in vox.editors
    session.undo()
    assert ids(session, "vox") == ["fx-eq", "fx-comp", "fx-verb"]


def test_the_context_menu_bypasses_and_adds(session: Session, vox: ChainWidget) -> None:
    menu = vox.context_menu(vox.list.item(0))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Edit…", "Bypass", "Remove", "Add effect"]
    next(a for a in menu.actions() if a.text() == "Bypass").trigger()
    assert chains.find_effect(session.project, "fx-eq")[2].bypassed
    below = vox.context_menu(None)
    adding = next(a for a in below.actions() if a.text() == "Add effect").menu()
    next(a for a in adding.actions() if a.text() == "Delay").trigger()
    assert [e.kind for e in chains.chain(session.project, "vox")][-1] == "delay"


def test_a_chain_preset_replaces_the_chain_in_one_step(session: Session, mixer: MixerPanel,
                                                       stores) -> None:
    bass = ChainWidget(session, "bass", stores=stores)
    bass.fill_preset_menu()
    loading = next(a for a in bass.preset_menu.actions() if a.text() == "Load chain preset")
    names = [a.text() for a in loading.menu().actions()]
    assert names == ["Acoustic guitar", "Bass", "Drum bus", "Vocal"]
    next(a for a in loading.menu().actions() if a.text() == "Bass").trigger()
    effects = chains.chain(session.project, "bass")
    assert [(e.kind, e.params) for e in effects] == [
        (e.kind, e.params) for e in stores().load_chain_preset("Bass")]
    assert all(e.id.startswith("fx-") for e in effects)
    assert bass.rows() == [("EQ", False), ("Comp", False)]
    assert mixer.strip_for("bass").effect_rows() == bass.rows()
    assert session.history.undo_label == "Load Chain Preset “Bass”"
    session.undo()
    assert chains.chain(session.project, "bass") == ()


def test_save_a_chain_as_a_preset_asking_before_replacing(session: Session, stores) -> None:
    vox = ChainWidget(session, "vox", stores=stores)
    vox.prompts = Answers("My vocal", confirm=False)
    vox.save_chain_preset()
    saved = stores().load_chain_preset("My vocal")
    assert [(e.kind, e.params, e.bypassed) for e in saved] == [
        (e.kind, e.params, e.bypassed) for e in chains.chain(session.project, "vox")]
    assert vox.prompts.asked == ["Save chain preset"]
    session.edit("Remove", lambda p: chains.remove_effect(p, "fx-eq"))
    vox.save_chain_preset()  # the name is taken, and the answer is no
    assert len(stores().load_chain_preset("My vocal")) == 3
    vox.prompts.confirm_answer = True
    vox.save_chain_preset()
    assert [e.kind for e in stores().load_chain_preset("My vocal")] == ["compressor", "reverb"]

    vox.fill_preset_menu()
    loading = next(a for a in vox.preset_menu.actions() if a.text() == "Load chain preset")
    entries = loading.menu().actions()
    assert entries[-2].isSeparator() and entries[-1].text() == "My vocal"
    deleting = next(a for a in vox.preset_menu.actions() if a.text() == "Delete chain preset")
    next(a for a in deleting.menu().actions() if a.text() == "My vocal").trigger()
    assert [i.name for i in stores().list_chain_presets()] == [
        "Acoustic guitar", "Bass", "Drum bus", "Vocal"]


def test_refusals_are_reported_not_raised(qtbot, session: Session, stores) -> None:
    master = ChainWidget(session, MASTER, stores=stores)
    master.prompts = Answers("Vocal")
    with qtbot.waitSignal(session.errorRaised) as empty:
        master.save_chain_preset()
    assert "chain is empty" in empty.args[0]
    session.edit("Add", lambda p: chains.add_effect(p, MASTER, "limiter"))
    with qtbot.waitSignal(session.errorRaised) as factory:
        master.save_chain_preset()
    assert "'Vocal' is a factory preset" in factory.args[0]


def test_a_broken_chain_preset_is_named_and_changes_nothing(qtbot, session: Session,
                                                            stores) -> None:
    broken = stores().user_dir / "chains" / "Broken.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"chain": [{"kind": "compressor", "params": {"ratio": 3, "oops": 1}}]}')
    vox = ChainWidget(session, "vox", stores=stores)
    before = session.project
    with qtbot.waitSignal(session.errorRaised) as error:
        vox.load_chain_preset("Broken")
    assert error.args[0].startswith(str(broken)) and "unknown parameter 'oops'" in error.args[0]
    assert session.project == before


def test_rows_show_the_engines_gain_reduction(session: Session, vox: ChainWidget) -> None:
    session.engine_state = MeteredState(gain_reduction={"fx-comp": 6.04, "fx-eq": 0.0})
    session.engineStateChanged.emit()
    assert [vox.list.item(r).data(GR_ROLE) for r in range(3)] == [0.0, 6.0, 0.0]
    session.engine_state = MeteredState()
    session.engineStateChanged.emit()
    assert vox.list.item(1).data(GR_ROLE) == 0.0
    vox.list.grab()  # paints with and without a bar


def test_an_effect_kind_unknown_to_this_version_still_shows(session: Session) -> None:
    session.edit("Add", lambda p: chains.add_effect(p, "bass", "tape_echo"))
    widget = ChainWidget(session, "bass")
    assert widget.rows() == [("Tape echo", False)]
    editor = widget.open_editor(widget.effect_ids()[0])
    assert editor.controls == {} and editor.windowTitle() == "Tape echo — bass"
