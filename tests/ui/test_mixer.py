"""The mixer driven with the mouse and keyboard like a person would, checked on the model."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from daw.engine.live.transport import EngineState
from daw.model import EffectSettings, ops
from daw.ui.mixer import LevelMeter, MixerPanel
from daw.ui.mixer.meter import FALL_DB_PER_SECOND, HOLD_SECONDS
from daw.ui.mixer.taper import (
    LINEAR_FLOOR_DB,
    LINEAR_FLOOR_POS,
    db_to_position,
    format_db,
    parse_db,
    position_to_db,
)
from daw.ui.session import Session
from tests.engine.songs import Song, tone

LEFT = Qt.MouseButton.LeftButton


class FakeClock:
    """Time for the meters' ballistics, moved by the test."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(tmp_path: Path) -> Session:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(4800, 220))
    song.track("drums")
    song.track("bass")
    song.clip("drums", "a", 0, "c1")
    project = song.project
    drums = project.track("drums")
    chain = (EffectSettings("fx-1", "gain", (("gain_db", -3.0),)),
             EffectSettings("fx-2", "noise_gate", bypassed=True))
    project = project.with_tracks((replace(drums, effects=chain), *project.tracks[1:]))
    return Session(project, song.folder)


@pytest.fixture
def mixer(qtbot, session: Session, clock: FakeClock) -> MixerPanel:
    panel = MixerPanel(session, clock=clock)
    qtbot.addWidget(panel)
    panel.resize(600, 460)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def drag(qtbot, widget, start: QPoint, end: QPoint, steps: int = 6) -> None:
    """Press at `start`, move there in several steps, release at `end`."""
    qtbot.mousePress(widget, LEFT, pos=start)
    for i in range(1, steps + 1):
        point = start + (end - start) * (i / steps)
        qtbot.mouseMove(widget, point)
    qtbot.mouseRelease(widget, LEFT, pos=end)


def fader_point(fader, gain_db: float) -> QPoint:
    return QPoint(fader.width() - 11, fader.pixel_for_value(gain_db))


# --- the fader law -----------------------------------------------------------------------------


def test_the_taper_is_linear_in_db_down_to_minus_60_then_falls_to_silence() -> None:
    assert db_to_position(12.0) == 1.0
    assert db_to_position(LINEAR_FLOOR_DB) == pytest.approx(LINEAR_FLOOR_POS)
    assert db_to_position(-math.inf) == 0.0 and position_to_db(0.0) == -math.inf
    # Equal dB steps are equal distances above -60 dB.
    steps = np.diff([db_to_position(db) for db in (-60.0, -48.0, -36.0, -24.0, -12.0, 0.0)])
    np.testing.assert_allclose(steps, steps[0])
    for db in (-120.0, -70.0, -60.0, -6.5, 0.0, 11.9):
        assert position_to_db(db_to_position(db)) == pytest.approx(db)
    positions = np.linspace(0.0, 1.0, 501)
    assert np.all(np.diff([position_to_db(p) for p in positions]) > 0)


def test_gain_text_reads_and_writes() -> None:
    assert [format_db(v) for v in (0.0, -6.5, 3.0, -math.inf, -0.04)] == [
        "0.0", "-6.5", "+3.0", "-inf", "0.0"]
    assert parse_db("-6.5") == -6.5
    assert parse_db(" -6.5 dB ") == -6.5
    assert parse_db("+3") == 3.0
    assert parse_db("-inf") == -math.inf
    assert parse_db("40") == 12.0  # clamped to the top of the fader
    for bad in ("loud", "inf", "nan", ""):
        with pytest.raises(ValueError, match="not a gain in dB"):
            parse_db(bad)


# --- faders --------------------------------------------------------------------------------------


def test_a_fader_drag_sets_the_gain_under_the_mouse_as_one_undo_step(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    fader = mixer.strip_for("drums").fader
    assert not session.history.can_undo
    start = fader_point(fader, 0.0)
    end = fader_point(fader, -12.0)
    drag(qtbot, fader, start, end)
    gain = session.project.track("drums").gain_db
    assert gain == fader.value_at_pixel(end.y())
    assert gain == pytest.approx(-12.0, abs=0.5)
    assert fader.value() == gain
    assert session.history.undo_label == "Track Volume"
    session.undo()
    assert not session.history.can_undo  # the whole drag was one step
    assert session.project.track("drums").gain_db == 0.0
    assert fader.value() == 0.0
    assert mixer.strip_for("drums").entry.text() == "0.0"
    assert session.project.track("bass").gain_db == 0.0


def test_two_drags_are_two_steps_and_the_bottom_is_silence(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    fader = mixer.strip_for("bass").fader
    drag(qtbot, fader, fader_point(fader, 0.0), fader_point(fader, 6.0))
    assert session.project.track("bass").gain_db == pytest.approx(6.0, abs=0.5)
    drag(qtbot, fader, fader_point(fader, 6.0), QPoint(fader.width() - 11, fader.height() + 40))
    assert session.project.track("bass").gain_db == -math.inf
    assert mixer.strip_for("bass").entry.text() == "-inf"
    session.undo()
    assert session.project.track("bass").gain_db == pytest.approx(6.0, abs=0.5)
    session.undo()
    assert session.project.track("bass").gain_db == 0.0


def test_a_click_on_the_cap_changes_nothing_and_a_double_click_resets(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    session.edit("Track Volume", lambda p: ops.set_track_gain(p, "drums", -7.3))
    fader = mixer.strip_for("drums").fader
    assert fader.value() == -7.3
    qtbot.mouseClick(fader, LEFT, pos=fader_point(fader, -7.3))
    assert session.project.track("drums").gain_db == -7.3
    qtbot.mouseDClick(fader, LEFT, pos=fader_point(fader, -7.3))
    assert session.project.track("drums").gain_db == 0.0
    assert fader.value() == 0.0


def test_typing_a_gain_is_one_step_and_nonsense_is_refused(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    entry = mixer.strip_for("drums").entry
    errors: list[str] = []
    session.errorRaised.connect(errors.append)
    entry.selectAll()
    qtbot.keyClicks(entry, "-6.5")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert session.project.track("drums").gain_db == -6.5
    assert mixer.strip_for("drums").fader.value() == -6.5
    assert session.history.undo_label == "Track Volume"
    session.undo()
    assert not session.history.can_undo
    entry.selectAll()
    qtbot.keyClicks(entry, "loud")
    qtbot.keyClick(entry, Qt.Key.Key_Return)
    assert session.project.track("drums").gain_db == 0.0
    assert entry.text() == "0.0"
    assert errors == ["drums volume: 'loud' is not a gain in dB (e.g. -6.5, or -inf)"]
    entry.selectAll()
    qtbot.keyClicks(entry, "-20")
    qtbot.keyClick(entry, Qt.Key.Key_Escape)
    assert entry.text() == "0.0" and session.project.track("drums").gain_db == 0.0


def test_the_master_fader_sets_the_master_gain(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    fader = mixer.master_strip.fader
    end = fader_point(fader, -3.0)
    drag(qtbot, fader, fader_point(fader, 0.0), end)
    assert session.project.master.gain_db == fader.value_at_pixel(end.y())
    assert session.project.master.gain_db == pytest.approx(-3.0, abs=0.5)
    assert session.history.undo_label == "Master Volume"
    session.undo()
    assert not session.history.can_undo and fader.value() == 0.0
    qtbot.mouseDClick(fader, LEFT, pos=fader_point(fader, 0.0))
    assert session.project.master.gain_db == 0.0


def test_a_drag_survives_other_edits_of_the_project(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    strip = mixer.strip_for("drums")
    fader = strip.fader
    start = fader_point(fader, 0.0)
    qtbot.mousePress(fader, LEFT, pos=start)
    qtbot.mouseMove(fader, start + QPoint(0, 10))
    session.edit("Rename Track", lambda p: ops.rename_track(p, "bass", "Bass"))
    session.edit("Move Track", lambda p: ops.move_track(p, "bass", 0))
    assert mixer.strip_for("drums") is strip and fader.is_dragging
    assert mixer.track_ids == ("bass", "drums")
    end = start + QPoint(0, 30)
    qtbot.mouseMove(fader, end)
    qtbot.mouseRelease(fader, LEFT, pos=end)
    assert session.project.track("drums").gain_db == fader.value_at_pixel(end.y())
    assert mixer.strip_for("bass").name_tag.name == "Bass"


# --- pan and buttons ------------------------------------------------------------------------------


def test_a_pan_drag_is_one_step_and_a_double_click_centres(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    pan = mixer.strip_for("bass").pan
    assert pan is not None
    y = pan.height() // 2
    start = QPoint(pan.pixel_for_value(0.0), y)
    end = QPoint(pan.pixel_for_value(-40.0), y)
    drag(qtbot, pan, start, end)
    value = session.project.track("bass").pan
    assert value == pan.value_at_pixel(end.x()) / 100.0
    assert value == pytest.approx(-0.40, abs=0.03)
    assert session.history.undo_label == "Track Pan"
    qtbot.mouseDClick(pan, LEFT, pos=end)
    assert session.project.track("bass").pan == 0.0 and pan.value() == 0.0
    session.undo()
    session.undo()
    assert not session.history.can_undo


@pytest.mark.parametrize(("attribute", "label"), [
    ("mute", "Track Mute"), ("solo", "Track Solo"), ("record_armed", "Track Record Arm")])
def test_the_buttons_toggle_the_track(qtbot, mixer: MixerPanel, session: Session,
                                      attribute: str, label: str) -> None:
    button = mixer.strip_for("bass").buttons[attribute]
    qtbot.mouseClick(button, LEFT)
    assert getattr(session.project.track("bass"), attribute) is True
    assert getattr(session.project.track("drums"), attribute) is False
    assert session.history.undo_label == label
    qtbot.mouseClick(button, LEFT)
    assert getattr(session.project.track("bass"), attribute) is False
    session.undo()
    assert button.isChecked() and getattr(session.project.track("bass"), attribute)
    session.undo()
    assert not button.isChecked() and not session.history.can_undo


# --- strips follow the project --------------------------------------------------------------------


def test_strips_follow_tracks_added_removed_and_renamed(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    assert mixer.track_ids == ("drums", "bass")
    session.edit("Add Track", lambda p: ops.add_track(p, "Vocals", track_id="vox"))
    assert mixer.track_ids == ("drums", "bass", "vox")
    assert mixer.strip_for("vox").name_tag.name == "Vocals"
    session.edit("Remove Track", lambda p: ops.remove_track(p, "drums"))
    assert mixer.track_ids == ("bass", "vox")
    with pytest.raises(KeyError):
        mixer.strip_for("drums")
    session.undo()
    assert mixer.track_ids == ("drums", "bass", "vox")
    qtbot.mouseClick(mixer.strip_for("vox").name_tag, LEFT)
    assert session.selected_track == "vox"
    assert mixer.strip_for("vox").property("selected") is True
    assert mixer.strip_for("drums").property("selected") is False


def test_the_effect_chain_is_listed_with_bypassed_effects_greyed(mixer: MixerPanel) -> None:
    assert mixer.strip_for("drums").effect_rows() == [("Gain", False), ("Noise gate", True)]
    assert mixer.strip_for("bass").effect_rows() == []
    assert mixer.master_strip.effect_rows() == []


# --- meters -------------------------------------------------------------------------------------


def feed(session: Session, levels: dict[str, tuple[float, float, float, float]]) -> None:
    session.engine_state = EngineState(playing=bool(levels), levels=levels)
    session.engineStateChanged.emit()


def test_meters_show_peak_and_rms_in_dbfs(mixer: MixerPanel, session: Session) -> None:
    feed(session, {"drums": (0.5, 0.25, 0.1, 0.05), "master": (0.8, 0.4, 0.3, 0.2)})
    drums = mixer.strip_for("drums").meter
    np.testing.assert_allclose(drums.peak_db, 20 * np.log10([0.5, 0.25]))
    np.testing.assert_allclose(drums.rms_db, 20 * np.log10([0.1, 0.05]))
    np.testing.assert_allclose(drums.hold_db, drums.peak_db)
    assert not drums.clipped
    master = mixer.master_strip.meter
    np.testing.assert_allclose(master.peak_db, 20 * np.log10([0.8, 0.4]))
    assert mixer.strip_for("bass").meter.peak_db == (-math.inf, -math.inf)


def test_peak_hold_stays_then_falls_and_meters_fall_to_silence_when_stopped(
        mixer: MixerPanel, session: Session, clock: FakeClock) -> None:
    meter = mixer.strip_for("drums").meter
    feed(session, {"drums": (0.5, 0.5, 0.2, 0.2)})
    loud = 20 * math.log10(0.5)
    clock.now += 0.25
    feed(session, {"drums": (0.1, 0.1, 0.05, 0.05)})
    np.testing.assert_allclose(meter.hold_db, [loud, loud])  # held
    np.testing.assert_allclose(meter.peak_db, [loud - FALL_DB_PER_SECOND * 0.25] * 2)
    clock.now += 1.75  # 0.5 s past the hold time
    feed(session, {"drums": (0.1, 0.1, 0.05, 0.05)})
    fallen = loud - FALL_DB_PER_SECOND * (2.0 - HOLD_SECONDS)
    np.testing.assert_allclose(meter.hold_db, [fallen, fallen])
    np.testing.assert_allclose(meter.peak_db, [-20.0, -20.0])
    clock.now += 0.5
    feed(session, {})  # stopped: nothing more comes in
    np.testing.assert_allclose(meter.peak_db, [-20.0 - FALL_DB_PER_SECOND * 0.5] * 2)
    clock.now += 5.0
    feed(session, {})
    assert meter.peak_db == meter.rms_db == meter.hold_db == (-math.inf, -math.inf)


def test_the_clip_light_lights_at_full_scale_and_a_click_puts_it_out(
        qtbot, mixer: MixerPanel, session: Session, clock: FakeClock) -> None:
    meter = mixer.strip_for("bass").meter
    feed(session, {"bass": (0.99, 0.5, 0.3, 0.2)})
    assert not meter.clipped
    clock.now += 0.1
    feed(session, {"bass": (0.5, 1.0, 0.3, 0.3)})
    assert meter.clipped
    np.testing.assert_allclose(meter.hold_db[1], 0.0, atol=1e-12)
    clock.now += 0.1
    feed(session, {})
    assert meter.clipped  # it stays lit until clicked
    qtbot.mouseClick(meter, LEFT, pos=meter.clip_light_rect().center().toPoint())
    assert not meter.clipped
    assert mixer.strip_for("drums").meter.clipped is False


def test_a_one_channel_meter_for_track_headers(qtbot, clock: FakeClock) -> None:
    meter = LevelMeter(1, Qt.Orientation.Horizontal, clock=clock)
    qtbot.addWidget(meter)
    meter.set_engine_levels((0.25, 0.5, 0.3, 0.4))
    np.testing.assert_allclose(meter.peak_db, [20 * math.log10(0.5)])
    np.testing.assert_allclose(meter.rms_db, [20 * math.log10(math.sqrt((0.09 + 0.16) / 2))])
    assert meter.clip_light_rect().right() > meter.width() - 8


def test_a_strip_muted_for_bad_output_shows_its_mark(mixer: MixerPanel,
                                                     session: Session) -> None:
    drums, bass = mixer.strip_for("drums"), mixer.strip_for("bass")
    assert drums.fault_mark.isHidden() and mixer.master_strip.fault_mark.isHidden()
    session.engine_state = EngineState(faulted=frozenset({"drums", "master"}))
    session.engineStateChanged.emit()
    mark = drums.fault_mark
    assert mark.isVisible() and mark.text() == "NaN" and bass.fault_mark.isHidden()
    assert "produced NaN or infinite samples" in mark.toolTip()
    assert "Edit its chain" in mark.toolTip()
    assert mark.geometry().right() <= drums.width() and mark.geometry().top() >= 0
    assert mixer.master_strip.fault_mark.isVisible()
    assert "Master chain bypassed" in mixer.master_strip.fault_mark.toolTip()
    session.engine_state = EngineState(faulted=frozenset({"master"}))
    session.engineStateChanged.emit()
    assert drums.fault_mark.isHidden() and mixer.master_strip.fault_mark.isVisible()


def test_a_short_fader_numbers_only_the_marks_that_fit(qtbot) -> None:
    from itertools import pairwise

    from daw.ui.mixer.controls import FADER_MIN_HEIGHT, LABEL_HEIGHT, Fader, labelled_marks
    from daw.ui.mixer.taper import db_to_position

    fader = Fader()
    qtbot.addWidget(fader)
    for height in (FADER_MIN_HEIGHT, 120, 400):
        fader.resize(46, height)
        ys = {m: fader._pixel_of_pos(db_to_position(m)) for m in Fader.SCALE_MARKS}
        chosen = sorted(ys[m] for m in labelled_marks(ys, LABEL_HEIGHT))
        assert 0.0 in labelled_marks(ys, LABEL_HEIGHT)
        assert all(b - a >= LABEL_HEIGHT for a, b in pairwise(chosen))  # no overlap
    assert len(labelled_marks(ys, LABEL_HEIGHT)) == len(Fader.SCALE_MARKS)  # tall: all of them
