"""One channel strip of the mixer: a track's (or the master's) name, effects, pan, fader,
meters, dB entry and buttons.

A strip shows the model and edits it through the session; it keeps no copy of its own. A drag
of the fader or the pan is one undo step (one gesture key per control and track), a typed
gain, a double-click reset and each button press one step each.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daw.model import Project, chains, ops
from daw.ui.effects.chain import ChainWidget
from daw.ui.mixer.controls import Fader, PanSlider
from daw.ui.mixer.meter import LevelMeter
from daw.ui.mixer.sends import SendsSection
from daw.ui.mixer.taper import format_db, parse_db
from daw.ui.session import Session
from daw.ui.shortcuts import tooltip

STRIP_WIDTH = 80
MASTER_KEY = "master"
"""The key of the master bus in the engine's levels."""
_MASTER_COLOUR = "#a0a6ad"
_BUTTONS = (
    # attribute, text, tooltip, undo label, edit, checked colour
    ("mute", "M", tooltip("mute"), "Track Mute", ops.set_track_mute, "#e0943a"),
    ("solo", "S", tooltip("solo"), "Track Solo", ops.set_track_solo, "#e6d04a"),
    ("record_armed", "R", tooltip("arm"), "Track Record Arm", ops.set_track_record_armed,
     "#d9434b"),
)


def _blank(height: int) -> QWidget:
    """Empty room of a fixed height, so the master's fader lines up with the tracks' faders
    (a layout's spacing applies around widgets, not around plain spacing)."""
    blank = QWidget()
    blank.setFixedHeight(height)
    return blank


class NameTag(QWidget):
    """The strip's name under a bar of the track's colour; a click selects the track."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._name = ""
        self._colour = QColor(_MASTER_COLOUR)
        self.setFixedHeight(22)

    @property
    def name(self) -> str:
        return self._name

    def show_name(self, name: str, colour: str) -> None:
        if name != self._name or QColor(colour) != self._colour:
            self._name, self._colour = name, QColor(colour)
            self.setToolTip(name)
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(STRIP_WIDTH - 6, 22)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
            event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(QRectF(0, 0, self.width(), 4), self._colour)
        tint = QColor(self._colour)
        tint.setAlpha(50)
        painter.fillRect(QRectF(0, 4, self.width(), self.height() - 4), tint)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#e6e8ea"))
        text_rect = QRectF(3, 4, self.width() - 6, self.height() - 4)
        elided = painter.fontMetrics().elidedText(self._name, Qt.TextElideMode.ElideRight,
                                                  int(text_rect.width()))
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.end()


class DbEntry(QLineEdit):
    """The box under the fader: shows the gain, takes a typed one; Escape gives up typing."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedHeight(18)
        self.setToolTip("Volume in dB: type a value (or -inf) and press Enter")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.8)
        self.setFont(font)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            event.accept()
            return
        super().keyPressEvent(event)


TRACK_FAULT_TIP = (
    "Muted: an effect on this strip produced NaN or infinite samples, which would have "
    "silenced the whole mix. Its effects were reset. Edit its chain (change a setting, or "
    "bypass and re-enable an effect) to hear it again.")
MASTER_FAULT_TIP = (
    "Master chain bypassed: an effect on it produced NaN or infinite samples, which would "
    "have silenced the song. Its effects were reset. Edit the master chain (change a "
    "setting, or bypass and re-enable an effect) to use it again.")


class FaultMark(QLabel):
    """The red "NaN" over a strip's name while the engine keeps it muted for bad output."""

    def __init__(self, master: bool, parent: QWidget) -> None:
        super().__init__("NaN", parent)
        self.setToolTip(MASTER_FAULT_TIP if master else TRACK_FAULT_TIP)
        self.setStyleSheet("QLabel { background: #d9434b; color: white; font-weight: bold;"
                           " border-radius: 3px; padding: 0 3px; }")
        self.adjustSize()
        self.hide()

    def show_at(self, width: int) -> None:
        """Show it in the strip's top right corner, above the name tag."""
        self.move(width - self.width() - 4, 4)
        self.raise_()
        self.show()


class ChannelStrip(QFrame):
    """A track's strip (`track_id` given) or the master strip (`track_id` None)."""

    def __init__(self, session: Session, track_id: str | None, parent: QWidget | None = None,
                 *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.session = session
        self.track_id = track_id
        self._shown: object = None
        """The Track (or MasterSettings) last shown: unchanged objects need no update."""
        self.setObjectName("MixerStrip")
        self.setFixedWidth(STRIP_WIDTH)
        self.setProperty("selected", False)

        self.name_tag = NameTag()
        self.chain = ChainWidget(
            session, chains.MASTER if track_id is None else track_id)
        self.fader = Fader()
        self.meter = LevelMeter(2, clock=clock)
        self.meter.setFixedWidth(14)
        self.entry = DbEntry()
        self.pan: PanSlider | None = None
        self.buttons: dict[str, QToolButton] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(3, 3, 3, 3)
        layout.setSpacing(3)
        layout.addWidget(self.name_tag)
        layout.addWidget(self.chain)
        if track_id is not None:
            self.pan = PanSlider()
            layout.addWidget(self.pan)
        else:
            layout.addWidget(_blank(16))  # where a track's pan sits
        level_row = QHBoxLayout()
        level_row.setSpacing(2)
        level_row.addWidget(self.fader, 1)
        level_row.addWidget(self.meter)
        layout.addLayout(level_row, 1)
        layout.addWidget(self.entry)
        if track_id is not None:
            button_row = QHBoxLayout()
            button_row.setSpacing(2)
            for attribute, text, tip, label, edit, colour in _BUTTONS:
                button = self._make_button(text, tip, colour)
                button.clicked.connect(self._button_handler(attribute, label, edit))
                self.buttons[attribute] = button
                button_row.addWidget(button)
            layout.addLayout(button_row)
        else:
            layout.addWidget(_blank(20))  # where a track's buttons sit

        self.name_tag.clicked.connect(self._select)
        self.fader.dragged.connect(lambda db: self._set_gain(db, gesture=True))
        self.fader.released.connect(self.session.end_gesture)
        self.fader.resetRequested.connect(lambda: self._set_gain(0.0, gesture=False))
        self.entry.editingFinished.connect(self._commit_entry)
        self.entry.cancelled.connect(self._cancel_entry)
        if self.pan is not None:
            self.pan.dragged.connect(lambda value: self._set_pan(value, gesture=True))
            self.pan.released.connect(self.session.end_gesture)
            self.pan.resetRequested.connect(lambda: self._set_pan(0.0, gesture=False))
        self.fault_mark = FaultMark(track_id is None, self)  # over the name: no new row
        self.sends = SendsSection(session, track_id)  # the master's is empty, for the line-up
        layout.insertWidget(layout.indexOf(self.chain) + 1, self.sends)
        if track_id is not None and session.project.track(track_id).is_bus:
            self.buttons.pop("record_armed").hide()  # a bus records nothing
        self.sync(session.project)

    @property
    def is_master(self) -> bool:
        return self.track_id is None

    @property
    def levels_key(self) -> str:
        return MASTER_KEY if self.track_id is None else self.track_id

    @staticmethod
    def _make_button(text: str, tip: str, colour: str) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setFixedSize(22, 20)
        button.setStyleSheet(
            "QToolButton { background: #3a3e43; color: #d8dadc; border: 1px solid #22252a;"
            " border-radius: 3px; font-weight: bold; }"
            f" QToolButton:checked {{ background: {colour}; color: #15171a; }}"
        )
        return button

    # --- showing the model ----------------------------------------------------------------------

    def sync(self, project: Project) -> None:
        """Show the model's values; cheap when nothing of this strip changed."""
        self.sends.sync(project)  # first: a renamed bus changes no field of this track
        if self.track_id is None:
            shown: object = project.master
            name, colour, gain = "Master", _MASTER_COLOUR, project.master.gain_db
            effects = project.master.effects
        else:
            track = project.track(self.track_id)
            shown, name, colour, gain, effects = (track, track.name, track.colour,
                                                  track.gain_db, track.effects)
        if shown is self._shown:
            return
        self._shown = shown
        self.name_tag.show_name(name, colour)
        self.fader.set_value(gain)
        self.fader.setToolTip(f"{name} volume: {format_db(gain)} dB "
                              "(drag, Shift: fine; double-click: 0 dB)")
        if not self.entry.hasFocus():
            self.entry.setText(format_db(gain))
        self.chain.show_chain(effects)
        if self.track_id is not None:
            assert self.pan is not None
            self.pan.set_value(track.pan * 100.0)
            for attribute, button in self.buttons.items():
                button.setChecked(bool(getattr(track, attribute)))

    def effect_rows(self) -> list[tuple[str, bool]]:
        """What the effect chain shows: (name, bypassed) per row."""
        return self.chain.rows()

    def set_selected(self, selected: bool) -> None:
        if self.property("selected") != selected:
            self.setProperty("selected", selected)
            self.style().unpolish(self)
            self.style().polish(self)

    def show_levels(self, levels: dict[str, tuple[float, float, float, float]]) -> None:
        self.meter.set_engine_levels(levels.get(self.levels_key))

    def show_fault(self, faulted: frozenset[str]) -> None:
        """Show the "NaN" mark while the engine keeps this strip muted for bad output."""
        if self.levels_key in faulted:
            if not self.fault_mark.isVisible():
                self.fault_mark.show_at(self.width())
        elif not self.fault_mark.isHidden():
            self.fault_mark.hide()

    def _resync(self) -> None:
        self._shown = None
        self.sync(self.session.project)

    # --- editing --------------------------------------------------------------------------------

    def _edit(self, label: str, change: Callable[[Project], Project],
              gesture: object | None = None) -> None:
        if not self.session.edit(label, change, gesture):
            self._resync()  # refused: show the model's value again

    def _set_gain(self, gain_db: float, gesture: bool) -> None:
        key = ("fader", self.levels_key) if gesture else None
        if self.track_id is None:
            self._edit("Master Volume", lambda p: ops.set_master_gain(p, gain_db), key)
        else:
            tid = self.track_id
            self._edit("Track Volume", lambda p: ops.set_track_gain(p, tid, gain_db), key)

    def _set_pan(self, pan_percent: float, gesture: bool) -> None:
        tid = self.track_id
        assert tid is not None
        key = ("pan", tid) if gesture else None
        self._edit("Track Pan", lambda p: ops.set_track_pan(p, tid, pan_percent / 100.0), key)

    def _button_handler(self, attribute: str, label: str,
                        edit: Callable[[Project, str, bool], Project]) -> Callable[[bool], None]:
        def handler(checked: bool) -> None:
            tid = self.track_id
            assert tid is not None
            self._edit(label, lambda p: edit(p, tid, checked))
        return handler

    def _commit_entry(self) -> None:
        text = self.entry.text()
        self.entry.clearFocus()
        current = self._current_gain()
        if text.strip() == format_db(current):
            return
        try:
            gain_db = parse_db(text)
        except ValueError as error:
            self.entry.setText(format_db(current))
            self.session.errorRaised.emit(f"{self.name_tag.name} volume: {error}")
            return
        self._set_gain(gain_db, gesture=False)
        self.entry.setText(format_db(self._current_gain()))

    def _cancel_entry(self) -> None:
        self.entry.setText(format_db(self._current_gain()))
        self.entry.clearFocus()

    def _current_gain(self) -> float:
        project = self.session.project
        if self.track_id is None:
            return project.master.gain_db
        return project.track(self.track_id).gain_db

    def _select(self) -> None:
        if self.track_id is not None:
            self.session.select_track(self.track_id)

