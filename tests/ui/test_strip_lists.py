"""A strip's effect and send lists are readable: five effects shown whole (more scroll), and
each send names its bus and reads its level in dB; a new send starts at -10 dB."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from daw.model import EffectSettings
from daw.model.routing import NEW_SEND_DB, add_bus
from daw.ui.effects.chain_list import ROWS_SHOWN
from daw.ui.mixer import MixerPanel
from daw.ui.session import Session
from tests.engine.songs import Song, tone

KINDS = ("eq", "compressor", "reverb", "delay", "limiter", "gain")


@pytest.fixture
def session(tmp_path: Path) -> Session:
    song = Song(tmp_path / "Song.minidaw")
    song.media("a", tone(4800, 220))
    song.track("drums")
    song.clip("drums", "a", 0, "c1")
    song.project = add_bus(song.project, "Reverb", bus_id="rev")
    song.project = add_bus(song.project, "Slapback Delay", bus_id="dly")
    master = tuple(EffectSettings(f"m{i}", kind) for i, kind in enumerate(KINDS[:5]))
    drums = tuple(EffectSettings(f"d{i}", kind) for i, kind in enumerate(KINDS))
    project = song.project
    project = project.with_tracks(tuple(replace(t, effects=drums) if t.id == "drums" else t
                                        for t in project.tracks))
    return Session(replace(project, master=replace(project.master, effects=master)),
                   song.folder)


@pytest.fixture
def mixer(qtbot, session: Session) -> MixerPanel:
    panel = MixerPanel(session)
    qtbot.addWidget(panel)
    panel.resize(700, 520)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def inside(widget, rect: QRect) -> bool:
    return widget.rect().contains(rect)


def test_four_effects_are_shown_whole_and_a_fifth_scrolls(mixer: MixerPanel) -> None:
    master = mixer.master_strip.chain.list
    assert master.count() == 5 and ROWS_SHOWN == 4
    for row in range(ROWS_SHOWN):  # the 4th row once showed half cut
        rect = master.visualItemRect(master.item(row))
        assert rect.height() > 0 and inside(master.viewport(), rect), (row, rect)
    last = master.visualItemRect(master.item(ROWS_SHOWN))
    assert not inside(master.viewport(), last)
    assert master.verticalScrollBar().maximum() > 0
    master.scrollToItem(master.item(ROWS_SHOWN))
    assert inside(master.viewport(), master.visualItemRect(master.item(ROWS_SHOWN)))


def test_a_send_starts_at_minus_10_db_and_reads_its_bus_and_level(
        qtbot, mixer: MixerPanel, session: Session) -> None:
    section = mixer.strip_for("drums").sends
    section.add("rev")
    section.add("dly")
    assert NEW_SEND_DB == -10.0
    assert [s.level_db for s in session.project.track("drums").sends] == [-10.0, -10.0]
    qtbot.waitUntil(lambda: all(r.isVisible() for r in section.rows.values()))
    for bus_id, name in (("rev", "Reverb"), ("dly", "Slapback Delay")):
        row = section.rows[bus_id]
        assert row.name.text == name and row.level.label() == "−10.0 dB"
        section.scroll_area.ensureWidgetVisible(row)  # one send shows whole, more scroll
        qtbot.wait(10)
        rect = row.geometry().translated(section.scroll_area.widget().pos())
        assert section.scroll_area.viewport().rect().contains(rect), (bus_id, rect)
        text = row.level.fontMetrics().horizontalAdvance(row.level.label())
        assert row.level.width() >= text  # the level is read whole, not elided
    section.set_level("rev", -3.5, gesture=False)
    assert section.rows["rev"].level.label() == "−3.5 dB"
    section.set_level("rev", 2.0, gesture=False)
    assert section.rows["rev"].level.label() == "+2.0 dB"
