"""The mixer panel: a strip per track in a horizontal scroll area, and the master strip.

Strips are kept by track id and updated in place when the project changes, so a fader being
dragged is never torn down by the edits its own drag makes; only strips of added or removed
tracks are created or dropped, and a reorder only moves strips in the row.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QWidget

from daw.engine.live.input_levels import levels_with_inputs
from daw.ui.mixer.strip import ChannelStrip
from daw.ui.session import Session

_STYLE = """
QFrame#MixerStrip { background: #2b2e33; border: 1px solid #1d1f22; border-radius: 3px; }
QFrame#MixerStrip[selected="true"] { border: 1px solid #5c9ded; }
QLabel#MixerCaption { color: #8a9096; font-size: 8pt; }
QListWidget#MixerEffects { background: #1c1e21; color: #d8dadc; border: 1px solid #1d1f22;
    font-size: 8pt; }
QLineEdit { background: #1c1e21; color: #e6e8ea; border: 1px solid #3a3e43;
    border-radius: 2px; }
"""


class MixerPanel(QWidget):
    """The mixer of the open song: one strip a track plus the master strip on the right.

    `clock` is the time source of the meters' ballistics (seconds); tests pass a fake one."""

    def __init__(self, session: Session, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.session = session
        self._clock = clock
        self._strips: dict[str, ChannelStrip] = {}
        self._order: list[str] = []
        self.setStyleSheet(_STYLE)

        self._row = QWidget()
        self._row_layout = QHBoxLayout(self._row)
        self._row_layout.setContentsMargins(4, 0, 4, 0)
        self._row_layout.setSpacing(3)
        self._row_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self._row)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        self.master_strip = ChannelStrip(session, None, clock=clock)
        divider = QFrame()
        divider.setFrameShape(QFrame.Shape.VLine)
        divider.setStyleSheet("color: #1d1f22;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(divider)
        layout.addWidget(self.master_strip)
        # Never cut a strip: its buttons and fader stay in view, with room for the scroll bar
        # that many tracks bring.
        scroll_bar = self.scroll_area.horizontalScrollBar().sizeHint().height()
        self.setMinimumHeight(self.master_strip.minimumSizeHint().height() + 8 + scroll_bar)

        session.projectChanged.connect(self._sync)
        session.engineStateChanged.connect(self._show_levels)
        session.selectionChanged.connect(self._show_selection)
        self._sync()
        self._show_selection()

    # --- for the window and for tests -----------------------------------------------------------

    def strip_for(self, track_id: str) -> ChannelStrip:
        """The strip of a track (KeyError if the track has none)."""
        return self._strips[track_id]

    @property
    def track_ids(self) -> tuple[str, ...]:
        """The tracks whose strips are shown, left to right."""
        return tuple(self._order)

    # --- following the session --------------------------------------------------------------------

    def _sync(self) -> None:
        project = self.session.project
        ids = [track.id for track in project.tracks]
        for track_id in [t for t in self._strips if t not in ids]:
            strip = self._strips.pop(track_id)
            self._row_layout.removeWidget(strip)
            strip.hide()
            strip.deleteLater()
        for track_id in ids:
            if track_id not in self._strips:
                self._strips[track_id] = ChannelStrip(self.session, track_id, self._row,
                                                      clock=self._clock)
        if ids != self._order:
            # Taking a widget out of a layout and putting it back keeps it alive (and keeps a
            # mouse grab), so a reorder never interrupts a drag.
            for track_id in ids:
                self._row_layout.removeWidget(self._strips[track_id])
            for index, track_id in enumerate(ids):
                self._row_layout.insertWidget(index, self._strips[track_id])
                self._strips[track_id].show()
            self._order = ids
            self._show_selection()
        for strip in self._strips.values():
            strip.sync(project)
        self.master_strip.sync(project)

    def _show_levels(self) -> None:
        state = self.session.engine_state
        levels = levels_with_inputs(state.levels, state.input_peaks, self.session.project)
        faulted = self.session.engine_state.faulted
        for strip in (*self._strips.values(), self.master_strip):
            strip.show_levels(levels)
            strip.show_fault(faulted)

    def _show_selection(self) -> None:
        selected = self.session.selected_track
        for track_id, strip in self._strips.items():
            strip.set_selected(track_id == selected)
