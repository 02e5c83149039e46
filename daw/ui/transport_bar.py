"""The transport bar: play, stop, record, back to start, loop and click, tempo and metre, and
the position, big and readable, as bars.beats and as time."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from daw.model import ops
from daw.ui.icons import icon
from daw.ui.session import Session
from daw.ui.shortcuts import tooltip
from daw.ui.view_state import bars_beats, clock


def _button(text: str, tip: str, checkable: bool = False, icon_name: str = "") -> QToolButton:
    """A transport button with its icon from the resources; the text shows only if the icon
    is missing (and names the button for screen readers either way)."""
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip.split(" (")[0])
    _set_icon(button, icon_name)
    button.setIconSize(QSize(20, 20))
    button.setCheckable(checkable)
    button.setMinimumSize(38, 32)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space belongs to the transport, not buttons
    return button


def _set_icon(button: QToolButton, icon_name: str) -> None:
    found = icon(icon_name) if icon_name else None
    if found is None or found.isNull():
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return
    button.setIcon(found)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)


def _set_lit(button: QToolButton, name: str, on: bool) -> None:
    """Set the property the style sheet lights the button by: a style sheet reads dynamic
    properties only when the widget is polished, so it is polished again on a change."""
    if button.property(name) == on:
        return
    button.setProperty(name, on)
    button.style().unpolish(button)
    button.style().polish(button)
    button.update()


class TransportBar(QWidget):
    """Drives the session's transport and shows where the song is."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(6)
        self.rewind = _button("|◀", tooltip("start"), icon_name="rewind")
        self.play = _button("▶", tooltip("play"), icon_name="play")
        self.stop = _button("■", "Stop", icon_name="stop")
        self.record = _button("●", tooltip("record"), icon_name="record")
        self.record.setObjectName("recordButton")
        self.loop = _button("⟲", "Loop the region set on the ruler", checkable=True,
                            icon_name="loop")
        self.click = _button("Click", "Metronome click", checkable=True, icon_name="click")
        self._shown_playing: bool | None = None
        for button in (self.rewind, self.play, self.stop, self.record, self.loop, self.click):
            layout.addWidget(button)
        layout.addSpacing(16)

        self.position = QLabel()
        self.position.setObjectName("positionDisplay")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(18)
        font.setBold(True)
        self.position.setFont(font)
        self.position.setMinimumWidth(330)
        layout.addWidget(self.position)
        layout.addSpacing(16)

        layout.addWidget(QLabel("Tempo"))
        self.tempo = QDoubleSpinBox()
        self.tempo.setRange(20.0, 400.0)
        self.tempo.setDecimals(1)
        self.tempo.setSuffix(" BPM")
        self.tempo.setKeyboardTracking(False)
        layout.addWidget(self.tempo)
        self.beats = QSpinBox()
        self.beats.setRange(1, 32)
        self.unit = QSpinBox()
        self.unit.setRange(1, 32)
        self.beats.setKeyboardTracking(False)
        self.unit.setKeyboardTracking(False)
        layout.addWidget(self.beats)
        layout.addWidget(QLabel("/"))
        layout.addWidget(self.unit)
        layout.addStretch(1)

        self.rewind.clicked.connect(lambda: session.locate(0))
        self.play.clicked.connect(session.toggle_play)
        self.stop.clicked.connect(session.stop)
        self.record.clicked.connect(session.record)
        self.loop.toggled.connect(self._loop_toggled)
        self.click.toggled.connect(self._click_toggled)
        self._click_applied: bool | None = None
        self.tempo.valueChanged.connect(self._tempo_changed)
        self.beats.valueChanged.connect(self._signature_changed)
        self.unit.valueChanged.connect(self._signature_changed)
        session.projectChanged.connect(self._show_project)
        session.engineStateChanged.connect(self._show_state)
        self._show_project()
        self._show_state()

    # --- from the person ------------------------------------------------------------------

    def _tempo_changed(self, value: float) -> None:
        if abs(value - self.session.project.tempo_bpm) > 1e-9:
            self.session.edit("Tempo", lambda p: ops.set_tempo(p, value))

    def _signature_changed(self) -> None:
        beats, unit = self.beats.value(), self.unit.value()
        if (beats, unit) == self.session.project.time_signature:
            return
        if not self.session.edit("Time Signature",
                                 lambda p: ops.set_time_signature(p, beats, unit)):
            self._show_project()

    def _click_toggled(self, on: bool) -> None:
        if on != self.session.project.metronome:
            self.session.edit("Metronome", lambda p: ops.set_metronome(p, on))

    def _loop_toggled(self, on: bool) -> None:
        loop = self.session.engine_state.loop or self.session.view.loop_region
        if loop is not None:
            self.session.set_loop(loop[0], loop[1], on)

    # --- to the person --------------------------------------------------------------------

    def _show_project(self) -> None:
        project = self.session.project
        for box, value in ((self.tempo, project.tempo_bpm),
                           (self.beats, project.time_signature[0]),
                           (self.unit, project.time_signature[1])):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._show_click(project.metronome)
        self._show_state()

    def _show_click(self, on: bool) -> None:
        """The click button shows the song's switch, and the engine plays what it says."""
        self.click.blockSignals(True)
        self.click.setChecked(on)
        self.click.blockSignals(False)
        if on != self._click_applied and self.session.engine is not None:
            self._click_applied = on
            self.session.set_metronome(on)

    def _show_state(self) -> None:
        state = self.session.engine_state
        project = self.session.project
        frame = state.position_frame
        self.position.setText(f"{bars_beats(project, frame)}   {clock(frame, project.sample_rate)}")
        if state.playing != self._shown_playing:
            self._shown_playing = state.playing
            self.play.setText("❚❚" if state.playing else "▶")
            _set_icon(self.play, "pause" if state.playing else "play")
        _set_lit(self.record, "recording", state.recording)
        available = state.device is not None
        for button in (self.play, self.stop, self.record):
            button.setEnabled(available)
        if not available:
            self.play.setToolTip(f"Play is unavailable: {state.message}")
            self.record.setToolTip(f"Record is unavailable: {state.message}")
        else:
            self.play.setToolTip(tooltip("play"))
            self.record.setToolTip(tooltip("record"))
