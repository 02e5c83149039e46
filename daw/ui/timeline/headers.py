"""Track headers left of the lanes: the name (double-click to edit in place), colour swatch,
record-arm, mute, solo and input-monitor buttons, the automation button, the Takes button (on
a track with takes) and a small level meter. Clicking a header selects its track. A bus has no
recording controls and a BUS tag; the master row, when shown, has a header of its own; a track
showing its takes has a take header a take lane under its own."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QWheelEvent
from PySide6.QtWidgets import (
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daw.engine.live.input_levels import levels_with_inputs
from daw.model import Track, ops
from daw.model.project import MASTER
from daw.ui.session import Session
from daw.ui.shortcuts import tooltip
from daw.ui.timeline import style
from daw.ui.timeline.automation_menu import AutomationButton
from daw.ui.timeline.geometry import TAKE_LANE_HEIGHT, LaneLayout
from daw.ui.timeline.take_header import NameEdit, TakeHeader, TakesButton
from daw.ui.timeline.take_menu import TakeActions

METER_FLOOR_DB = -60.0
RECORDING_ONLY = ("record_armed", "monitor")
"""Buttons a bus does not have: it records nothing and has no input."""
BUS_TAG_STYLE = ("color: #15171a; background: #8d96a0; border-radius: 2px; padding: 0 3px;"
                 " font-size: 7pt; font-weight: bold;")

# (attribute, button text, tooltip, undo label, edit, colour when on)
_BUTTONS = (
    ("record_armed", "R", tooltip("arm"), "Arm Track", ops.set_track_record_armed, "#d9534f"),
    ("mute", "M", tooltip("mute"), "Mute Track", ops.set_track_mute, "#e0a84f"),
    ("solo", "S", tooltip("solo"), "Solo Track", ops.set_track_solo, "#7dc47a"),
    ("monitor", "I", "Input monitoring", "Monitor Input", ops.set_track_monitor, "#5c9ded"),
)


class LevelMeter(QWidget):
    """Two thin bars (left, right): peak bright, RMS solid, on a dB scale down to -60 dB."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.levels: tuple[float, float, float, float] | None = None
        self.setFixedWidth(9)

    def set_levels(self, levels: tuple[float, float, float, float] | None) -> None:
        if levels != self.levels:
            self.levels = levels
            self.update()

    @staticmethod
    def fraction(level: float) -> float:
        if level <= 0:
            return 0.0
        db = 20 * math.log10(level)
        return min(1.0, max(0.0, (db - METER_FLOOR_DB) / -METER_FLOOR_DB))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        height = self.height()
        painter.fillRect(self.rect(), style.METER_BACK)
        if self.levels is not None:
            peaks, rms = self.levels[:2], self.levels[2:]
            for side in range(2):
                x = 1 + side * 4
                peak = self.fraction(peaks[side])
                colour = (style.METER_HIGH if peak > 0.98 else style.METER_MID if peak > 0.9
                          else style.METER_LOW)
                dim = QColor(colour)
                dim.setAlpha(110)
                painter.fillRect(QRectF(x, height * (1 - peak), 3, height * peak), dim)
                level = self.fraction(rms[side])
                painter.fillRect(QRectF(x, height * (1 - level), 3, height * level), colour)
        painter.end()


class TrackHeader(QWidget):
    """The header of one track."""

    def __init__(self, session: Session, track_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.track_id = track_id
        self.swatch = QToolButton(self)
        self.swatch.setFixedSize(12, 12)
        self.swatch.setToolTip("Track colour")
        self.swatch.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.swatch.clicked.connect(self.choose_colour)
        self.name_label = QLabel(self)
        self.name_label.setStyleSheet(f"color: {style.HEADER_TEXT}; font-weight: 600;")
        self.name_label.setToolTip("Double-click to rename")
        self.name_edit = NameEdit(self)
        self.name_edit.hide()
        self.name_edit.editingFinished.connect(self._rename_finished)
        self.name_edit.cancelled.connect(self._rename_cancelled)
        self.buttons: dict[str, QToolButton] = {}
        is_bus = self.track().is_bus
        row = QHBoxLayout()
        row.setSpacing(2)
        for attribute, text, tip, label, change, colour in _BUTTONS:
            if is_bus and attribute in RECORDING_ONLY:
                continue
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.setCheckable(True)
            button.setFixedSize(22, 18)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet(f"QToolButton:checked {{ background: {colour}; color: black; }}")
            button.clicked.connect(
                lambda on, c=change, lab=label: self._toggle(lab, c, on))
            self.buttons[attribute] = button
            row.addWidget(button)
        self.input_button = QToolButton(self)
        self.input_button.setToolTip("The input this track records from")
        self.input_button.setFixedHeight(18)
        self.input_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.input_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.input_menu = QMenu(self.input_button)
        self.input_menu.aboutToShow.connect(self._fill_inputs)
        self.input_button.setMenu(self.input_menu)
        self.input_button.setVisible(not is_bus)
        row.addWidget(self.input_button)
        self.automation_button = AutomationButton(session, track_id, self)
        row.addWidget(self.automation_button)
        row.addStretch(1)
        self.meter = LevelMeter(self)
        top = QHBoxLayout()
        top.setSpacing(5)
        top.addWidget(self.swatch)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.name_edit, 1)
        self.takes_button = TakesButton(session, track_id, self)
        top.addWidget(self.takes_button)
        self.bus_tag: QLabel | None = None
        if is_bus:
            self.bus_tag = QLabel("BUS", self)
            self.bus_tag.setToolTip("A bus: it plays what tracks send it (no clips)")
            self.bus_tag.setStyleSheet(BUS_TAG_STYLE)
            top.addWidget(self.bus_tag)
        column = QVBoxLayout()
        column.setSpacing(3)
        column.addLayout(top)
        column.addLayout(row)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(6, 4, 4, 5)
        outer.addLayout(column, 1)
        outer.addWidget(self.meter)
        self.refresh()

    def input_choices(self) -> list[tuple[str, tuple[int, ...]]]:
        """Each mono input, then each stereo pair, of the open device (two if none is open)."""
        device = self.session.engine_state.device
        count = device.input_channels if device is not None and device.input_channels else 2
        choices = [(f"In {k + 1}", (k,)) for k in range(count)]
        choices += [(f"In {k + 1}+{k + 2}", (k, k + 1)) for k in range(0, count - 1, 2)]
        return choices

    def _fill_inputs(self) -> None:
        self.input_menu.clear()
        current = self.track().input_channels
        for label, channels in self.input_choices():
            action = self.input_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(channels == current)
            action.triggered.connect(lambda _=False, c=channels: self.choose_input(c))

    def choose_input(self, channels: tuple[int, ...]) -> None:
        self.session.edit("Track Input", lambda p: ops.set_track_inputs(p, self.track_id,
                                                                        channels))
        self.refresh()

    def _toggle(self, label: str, change, on: bool) -> None:
        self.session.edit(label, lambda p: change(p, self.track_id, on))
        self.refresh()  # a refused edit puts the button back

    def track(self) -> Track:
        return self.session.project.track(self.track_id)

    def refresh(self) -> None:
        track = self.track()
        self.name_label.setText(track.name)
        if self.swatch.property("colour") != track.colour:
            self.swatch.setProperty("colour", track.colour)
            self.swatch.setStyleSheet(f"background: {track.colour}; border: 1px solid #111;")
        for attribute, button in self.buttons.items():
            button.setChecked(bool(getattr(track, attribute)))
        self.input_button.setText("In " + "+".join(str(c + 1) for c in track.input_channels))
        self.takes_button.refresh(track)
        self.automation_button.refresh()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        selected = self.session.selected_track == self.track_id
        painter.fillRect(self.rect(), style.HEADER_SELECTED if selected else style.HEADER)
        painter.fillRect(QRectF(0, 0, 3, self.height()), QColor(self.track().colour))
        painter.setPen(style.LANE_BORDER)
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.session.select_track(self.track_id)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.name_label.geometry().contains(event.position().toPoint()):
            self.start_rename()

    def start_rename(self) -> None:
        """Edit the name in place: Enter keeps it (one undo step), Escape cancels."""
        self.name_edit.setText(self.track().name)
        self.name_label.hide()
        self.name_edit.show()
        self.name_edit.selectAll()
        self.name_edit.setFocus()

    def _rename_finished(self) -> None:
        if not self.name_edit.isVisible():
            return
        name = self.name_edit.text().strip()
        self._close_editor()
        if name and name != self.track().name:
            self.session.edit("Rename Track", lambda p: ops.rename_track(p, self.track_id, name))

    def _rename_cancelled(self) -> None:
        self._close_editor()

    def _close_editor(self) -> None:
        self.name_edit.hide()
        self.name_label.show()

    def choose_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.track().colour), self, "Track Colour")
        if colour.isValid():
            self.session.edit("Track Colour", lambda p: ops.set_track_colour(
                p, self.track_id, colour.name()))


class MasterHeader(QWidget):
    """The header of the master row: its name, the automation button and the master meter."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        name = QLabel("Master", self)
        name.setStyleSheet(f"color: {style.HEADER_TEXT}; font-weight: 600;")
        self.automation_button = AutomationButton(session, MASTER, self)
        self.meter = LevelMeter(self)
        column = QVBoxLayout()
        column.setSpacing(3)
        column.addWidget(name)
        row = QHBoxLayout()
        row.addWidget(self.automation_button)
        row.addStretch(1)
        column.addLayout(row)
        column.addStretch(1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(9, 4, 4, 5)
        outer.addLayout(column, 1)
        outer.addWidget(self.meter)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.HEADER)
        painter.fillRect(QRectF(0, 0, 3, self.height()), QColor("#a0a6ad"))
        painter.setPen(style.LANE_BORDER)
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        painter.end()


class HeaderColumn(QWidget):
    """The headers, placed to line up with the lanes (same height, same vertical scroll)."""

    wheelTurned = Signal(QWheelEvent)

    def __init__(self, session: Session, layout: LaneLayout, parent: QWidget | None = None,
                 take_actions: TakeActions | None = None):
        super().__init__(parent)
        self.session = session
        self.layout_ = layout
        self.headers: dict[str, TrackHeader] = {}
        self.take_actions = take_actions or TakeActions(session, self)
        self.take_actions.renameRequested.connect(self.rename_take)
        self.take_headers: dict[str, TakeHeader] = {}
        """The headers of the take lanes shown, by take id."""
        self.master: MasterHeader | None = None
        """The master row's header, made when the row is first shown."""
        self.setFixedWidth(style.HEADER_WIDTH)
        self.sync()

    def sync(self) -> None:
        """Match the headers to the project's tracks (kept by id), then place them."""
        tracks = self.session.project.tracks
        wanted = {t.id for t in tracks}
        for track_id in list(self.headers):
            if track_id not in wanted:
                gone = self.headers.pop(track_id)
                gone.hide()  # no paint of a removed track before the deletion happens
                gone.deleteLater()
        for track in tracks:
            header = self.headers.get(track.id)
            if header is None:
                header = self.headers[track.id] = TrackHeader(self.session, track.id, self)
                header.show()
            else:
                header.refresh()
        for header in self.take_headers.values():
            header.refresh()
        self.place()

    def place(self) -> None:
        """Line the headers up with the lanes (and show the master's header when its row is
        shown); the automation buttons follow the view's choices."""
        height = self.layout_.lane_height
        tracks = self.session.project.tracks
        for index, track in enumerate(tracks):
            header = self.headers[track.id]
            header.setGeometry(0, self.layout_.top(index), self.width(), height)
            header.automation_button.refresh()
            header.takes_button.refresh(track)
        self._place_takes()
        if self.session.view.show_master and self.master is None:
            self.master = MasterHeader(self.session, self)
        if self.master is not None:
            self.master.setGeometry(0, self.layout_.top(len(tracks)), self.width(), height)
            self.master.setVisible(self.session.view.show_master)
            self.master.automation_button.refresh()

    def _place_takes(self) -> None:
        """A header for every take lane shown, lined up with it; the others go."""
        wanted: dict[str, tuple[str, int]] = {}
        for index, track in enumerate(self.session.project.tracks):
            for row in range(self.layout_.take_count(index)):
                wanted[track.takes[row].id] = (track.id, self.layout_.take_top(index, row))
        for take_id in [k for k in self.take_headers if k not in wanted]:
            self.take_headers.pop(take_id).deleteLater()
        for take_id, (track_id, top) in wanted.items():
            header = self.take_headers.get(take_id)
            if header is None:
                header = TakeHeader(self.session, self.take_actions, track_id, take_id, self)
                self.take_headers[take_id] = header
                header.show()
            header.setGeometry(0, top, self.width(), TAKE_LANE_HEIGHT)

    def rename_take(self, take_id: str) -> None:
        """Edit a take's name in its header (showing its track's takes first if need be)."""
        header = self.take_headers.get(take_id)
        if header is None:
            take = self.take_actions.take(take_id)
            track = next((t for t in self.session.project.tracks
                          if take is not None and take in t.takes), None)
            if track is None:
                return
            self.session.view.show_takes(track.id, True)
            self.place()
            header = self.take_headers.get(take_id)
        if header is not None:
            header.start_rename()

    def update_meters(self) -> None:
        state = self.session.engine_state
        levels = levels_with_inputs(state.levels, state.input_peaks, self.session.project)
        for track_id, header in self.headers.items():
            header.meter.set_levels(levels.get(track_id))
        if self.master is not None:
            self.master.meter.set_levels(levels.get(MASTER))

    def resizeEvent(self, event) -> None:
        self.place()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), style.LANE_BORDER)
        painter.end()

    def wheelEvent(self, event: QWheelEvent) -> None:
        self.wheelTurned.emit(event)
        event.accept()
