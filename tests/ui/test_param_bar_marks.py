"""An effect editor's bar never draws its value marks through the value text ("2|50 Hz")."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtGui import QImage

from daw.ui.effects.controls import ParamBar
from daw.ui.effects.params import Param

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BRIGHT = 200.0
"""Brighter than the bar's fill and background: the text and the marks."""
FREQ = Param("freq_hz", "Frequency", "Hz", 20.0, 20000.0, 1000.0)


def bar_at(qtbot, pos: float) -> ParamBar:
    bar = ParamBar(FREQ, FREQ.from_pos(pos))
    qtbot.addWidget(bar)
    bar.resize(150, 20)
    return bar


def bright(bar: ParamBar) -> np.ndarray:
    image = bar.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    return data.astype(np.float64).mean(axis=2) > BRIGHT


def mark_column(bar: ParamBar) -> int:
    return round(bar._pixel_of_pos(FREQ.to_pos(bar.value())))


def test_no_mark_is_drawn_across_the_value_text(qtbot) -> None:
    bar = bar_at(qtbot, 0.5)
    text = bar.text_rect()
    x = mark_column(bar)
    assert text.left() < x < text.right()  # the value's place is under the text
    lit = bright(bar)
    left, right = round(text.left()), round(text.right())
    # The ink of the text: rows lit in its columns away from the mark.
    away = np.concatenate([lit[:, left:x - 3], lit[:, x + 3:right]], axis=1)
    ink = np.flatnonzero(away.any(axis=1))
    at_mark = np.flatnonzero(lit[:, x - 2:x + 2].any(axis=1))
    assert ink.size > 0
    assert at_mark.size == 0 or (at_mark.min() >= ink.min() and at_mark.max() <= ink.max())
    assert bar.mark_rects() == []


def test_away_from_the_text_the_marks_show_the_value(qtbot) -> None:
    bar = bar_at(qtbot, 0.04)
    x = mark_column(bar)
    assert x < bar.text_rect().left()
    lit = bright(bar)
    assert lit[1:5, x - 1:x + 1].all()
    assert lit[bar.height() - 5:bar.height() - 1, x - 1:x + 1].all()
    assert len(bar.mark_rects()) == 2
