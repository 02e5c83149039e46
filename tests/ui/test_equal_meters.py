"""Two inputs (or channels) at the same level draw bars of the same size: in the mixer's
meter and in the audio dialog's input meter, read back from grabbed images."""

from __future__ import annotations

import os

import numpy as np
import pytest
from PySide6.QtGui import QImage

from daw.ui.audio_dialog import InputMeter
from daw.ui.mixer.meter import LevelMeter

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4)[:, :image.width(), :3]
    return data.astype(np.int64).sum(axis=2)


@pytest.mark.parametrize("width", [13, 14, 15, 16])
def test_the_mixer_meter_draws_both_channels_alike(qtbot, width: int) -> None:
    meter = LevelMeter(2, clock=lambda: 0.0)
    qtbot.addWidget(meter)
    meter.resize(width, 160)  # the mixer strip's meter is 14 wide
    meter.set_levels((0.5, 0.5), (0.25, 0.25))
    lit = pixels(meter) > 150
    heights = lit.sum(axis=0)
    bars = heights > 2  # columns of a bar (the 0 dB line lights one pixel a column)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], bars.astype(int), [0]])))
    runs = list(zip(edges[::2], edges[1::2], strict=True))
    assert len(runs) == 2
    (a0, a1), (b0, b1) = runs
    assert a1 - a0 == b1 - b0  # as wide
    assert (heights[a0:a1] == heights[b0:b1]).all()  # as long
    assert lit[:, a0:a1].tolist() == lit[:, b0:b1].tolist()


def test_the_audio_dialogs_input_bars_have_one_length(qtbot) -> None:
    meter = InputMeter()
    qtbot.addWidget(meter)
    meter.resize(420, 400)
    meter.show()
    meter.show_peaks((0.25,) * 12)  # an interface with 12 inputs: "In 9" and "In 10"
    qtbot.waitUntil(lambda: all(bar.x() > 0 for bar in meter.bars))  # after the names
    assert len({bar.width() for bar in meter.bars}) == 1
    assert len({bar.x() for bar in meter.bars}) == 1
    filled = [int((pixels(bar) != pixels(bar)[0, -1]).any(axis=0).sum()) for bar in meter.bars]
    assert len(set(filled)) == 1, filled
