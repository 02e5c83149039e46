"""Colours and sizes of the timeline, in one place so the ruler, headers and lanes agree and
the look suits the window's dark palette."""

from __future__ import annotations

from PySide6.QtGui import QColor

HEADER_WIDTH = 200
"""Pixels of the track headers column on the left."""
RULER_HEIGHT = 48
MARKER_ROW = 17
"""The ruler's rows from the top: marker flags, then bars and beats, then time."""
BARS_ROW = 16

LANE = QColor("#232629")
LANE_ALT = QColor("#26292d")
LANE_SELECTED = QColor("#2e3338")
LANE_BORDER = QColor("#1a1c1e")
GRID_BAR = QColor("#3d434a")
GRID_BEAT = QColor("#2d3136")
RULER = QColor("#1d1f22")
RULER_TEXT = QColor("#c8ccd1")
RULER_TICK = QColor("#6a7078")
HEADER = QColor("#2a2d31")
HEADER_SELECTED = QColor("#363b42")
HEADER_TEXT = "#e4e6e9"

PLAYHEAD = QColor("#ff6b5c")
LOOP = QColor(92, 157, 237, 60)
LOOP_EDGE = QColor(92, 157, 237, 200)
MARKER = QColor("#f0c05a")
MARKER_LINE = QColor(240, 192, 90, 70)
RUBBER_BAND = QColor(120, 170, 240, 50)
RUBBER_BAND_EDGE = QColor(120, 170, 240, 200)

CLIP_ALPHA = 105
CLIP_SELECTED_ALPHA = 165
MUTED_BODY = QColor(110, 113, 118, 90)
MUTED_WAVE = QColor(150, 153, 158, 170)
WAVEFORM = QColor(226, 232, 240, 215)
CLIP_TEXT = QColor(245, 245, 245, 225)
SELECTED_EDGE = QColor("#ffffff")
FADE_SHADE = QColor(0, 0, 0, 90)
FADE_CURVE = QColor(255, 255, 255, 200)
HANDLE = QColor(255, 255, 255, 230)
GAIN_LINE = QColor(255, 214, 102, 230)
OVERLAP = QColor(255, 255, 255, 70)

METER_LOW = QColor("#5fcf6b")
METER_MID = QColor("#e8c547")
METER_HIGH = QColor("#ec5b52")
METER_BACK = QColor("#17191b")
