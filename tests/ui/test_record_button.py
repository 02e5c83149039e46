"""The Record button lights (red, as in every DAW) while a take is being recorded."""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtGui import QColor

from daw.model import Project
from daw.ui.app import STYLE
from daw.ui.session import Session
from daw.ui.transport_bar import TransportBar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def edge_colour(bar: TransportBar) -> QColor:
    """The button's face beside its icon, as painted."""
    image = bar.record.grab().toImage()
    return image.pixelColor(5, image.height() // 2)


def test_the_record_button_is_red_while_recording_and_not_after(qtbot) -> None:
    session = Session(Project(), None)
    bar = TransportBar(session)
    bar.setStyleSheet(STYLE)
    qtbot.addWidget(bar)
    bar.show()
    qtbot.waitExposed(bar)
    idle = edge_colour(bar)
    assert idle.red() < 80  # the dark face of an idle button

    session.engine_state = replace(session.engine_state, recording=True, playing=True)
    session.engineStateChanged.emit()
    lit = edge_colour(bar)
    assert (lit.red(), lit.green(), lit.blue()) == (0xb0, 0x30, 0x30)

    session.engine_state = replace(session.engine_state, recording=False, playing=False)
    session.engineStateChanged.emit()
    assert edge_colour(bar) == idle
