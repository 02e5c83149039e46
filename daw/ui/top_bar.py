"""A bar across the top of the window, under the transport bar, for what the person should
know now (no sound card, missing files): a title-less dock, so it keeps its place when
another song replaces the toolbar, and never taller than a few lines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QSizePolicy, QWidget

BAR_MAX_HEIGHT = 84
"""Room for three lines of a long reason; the timeline keeps the rest."""


def dock_at_top(window: QMainWindow, bar: QWidget, title: str, name: str) -> QDockWidget:
    """Put `bar` at the top of `window`, hidden until the bar shows itself."""
    dock = QDockWidget(title, window)
    dock.setObjectName(name)
    dock.setTitleBarWidget(QWidget())
    dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    dock.setAllowedAreas(Qt.DockWidgetArea.TopDockWidgetArea)
    dock.setWidget(bar)
    dock.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    dock.setMaximumHeight(BAR_MAX_HEIGHT)  # the dock area would share the timeline's height
    window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
    dock.hide()
    return dock
