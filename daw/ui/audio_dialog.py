"""The audio device dialog: every device with the sample rates it takes, the choice of output,
input and block size, a test tone for the output and a live meter for the input, and the
round-trip measurement through a loopback. The choice is remembered in the user's settings."""

from __future__ import annotations

import math

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from daw.engine.live.audio_setup import (
    config_for,
    preferred_input,
    remember_calibration,
    remember_choice,
)
from daw.engine.live.devices import AudioUnavailable, Device, list_devices, supported_rates
from daw.engine.live.transport import EngineError
from daw.settings.audio import load_settings, save_settings
from daw.ui.session import Session

BLOCK_SIZES = (128, 256, 512, 1024, 2048)
TONE_HZ = 1000.0
TONE_DBFS = -20.0
TONE_SECONDS = 1.0
METER_FLOOR_DB = -60.0
PLAY_ONLY = ""
"""The input choice "(none: play only)"; None in the settings means "not chosen yet"."""


def level_text(peak: float) -> str:
    """A peak (full scale 1.0) as the meter's label says it."""
    if peak <= 0:
        return "−∞ dBFS"
    if peak < 10 ** (METER_FLOOR_DB / 20):
        return f"< {METER_FLOOR_DB:.0f} dBFS".replace("-", "−")
    return f"{20 * math.log10(peak):.1f} dBFS".replace("-", "−")


def meter_value(peak: float) -> int:
    """0..1000 on the bar: a dB scale from METER_FLOOR_DB to 0 dBFS."""
    if peak <= 0:
        return 0
    db = max(METER_FLOOR_DB, min(0.0, 20 * math.log10(peak)))
    return round(1000 * (db - METER_FLOOR_DB) / -METER_FLOOR_DB)


class InputMeter(QWidget):
    """One bar per device input, following the engine's input peaks as they come.

    The rows share one grid, so every bar has the same length whatever its name ("In 9",
    "In 10") or its reading: two inputs at one level draw the same bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[QProgressBar] = []
        self.labels: list[QLabel] = []
        self.note = QLabel("No input open.")
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setColumnStretch(1, 1)
        self._layout.addWidget(self.note, 0, 0, 1, 3)

    def show_peaks(self, peaks: tuple[float, ...]) -> None:
        self.note.setVisible(not peaks)
        while len(self.bars) < len(peaks):
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            bar.setFixedHeight(10)
            label = QLabel()
            label.setMinimumWidth(90)
            row = len(self.bars) + 1
            self._layout.addWidget(QLabel(f"In {row}"), row, 0)
            self._layout.addWidget(bar, row, 1)
            self._layout.addWidget(label, row, 2)
            self.bars.append(bar)
            self.labels.append(label)
        for index, (bar, label) in enumerate(zip(self.bars, self.labels, strict=True)):
            shown = index < len(peaks)
            bar.setVisible(shown)
            label.setVisible(shown)
            if shown:
                bar.setValue(meter_value(peaks[index]))
                label.setText(level_text(peaks[index]))


class AudioDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audio device")
        self.session = session
        self.settings, _ = load_settings()
        self.devices = QTreeWidget()
        self.devices.setObjectName("deviceList")
        self.devices.setHeaderLabels(["Device", "System", "In", "Out", "Sample rates (Hz)"])
        self.devices.setRootIsDecorated(False)
        self.devices.setMinimumHeight(120)
        self.output = QComboBox()
        self.input = QComboBox()
        self.block = QComboBox()
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Output", self.output)
        form.addRow("Input", self.input)
        form.addRow("Block size", self.block)
        self.test_output = QPushButton("Test output")
        self.test_output.setToolTip(f"Play a {TONE_HZ / 1000:g} kHz tone at {TONE_DBFS:g} dBFS "
                                    f"for {TONE_SECONDS:g} s on the open output")
        self.test_output.clicked.connect(self.play_test_tone)
        self.meter = InputMeter()
        form.addRow("", self.test_output)
        form.addRow("Input level", self.meter)
        self.calibrate = QPushButton("Measure latency (loopback)…")
        self.calibrate.setToolTip("Wire an output to an input (a cable, or the sound card's "
                                  "loopback) and MiniDAW measures the true round trip")
        self.calibrate.clicked.connect(self._calibrate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        apply = buttons.addButton("Open", QDialogButtonBox.ButtonRole.ApplyRole)
        apply.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.devices)
        layout.addLayout(form)
        layout.addWidget(self.calibrate)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(640, 520)
        self._fill()
        session.engineStateChanged.connect(self._show_input)
        self._show_input()

    def _fill(self) -> None:
        try:
            _, devices = list_devices()
        except AudioUnavailable as error:
            self.status.setText(str(error))
            devices = []
        self.input.addItem("(none: play only)", PLAY_ONLY)
        for device in devices:
            self._add_device(device)
        for column in range(self.devices.columnCount() - 1):
            self.devices.resizeColumnToContents(column)
        index = self.output.findData(self.settings.output_device)
        if index >= 0:
            self.output.setCurrentIndex(index)
        self.input.setCurrentIndex(max(0, self.input.findData(self._wanted_input(devices))))
        for size in BLOCK_SIZES:
            self.block.addItem(f"{size} frames", size)
        self.block.setCurrentIndex(max(0, self.block.findData(self.settings.block_size)))
        if not devices and not self.status.text():
            self.status.setText("No audio devices found: connect a sound card or headphones "
                                "and open this dialog again. Editing and bounce still work.")
        self._show_open()

    def _add_device(self, device: Device) -> None:
        """One row in the list, and an entry in the output and input choices."""
        out_rates = supported_rates(device, "output") if device.max_output_channels else []
        in_rates = supported_rates(device, "input") if device.max_input_channels else []
        rates = sorted(set(out_rates) | set(in_rates))
        shown = ", ".join(str(r) for r in rates) or "?"
        QTreeWidgetItem(self.devices, [device.name, device.host_api,
                                       str(device.max_input_channels),
                                       str(device.max_output_channels), shown])
        if device.max_output_channels:
            listed = ", ".join(str(r) for r in out_rates) or "?"
            self.output.addItem(f"{device.name} ({device.host_api}; {listed} Hz)", device.name)
        if device.max_input_channels:
            listed = ", ".join(str(r) for r in in_rates) or "?"
            self.input.addItem(f"{device.name} ({device.host_api}; {listed} Hz)", device.name)

    def _wanted_input(self, devices: list[Device]) -> str | None:
        """The input open now, else the one chosen before, else the one a person would expect
        (the output device's own): "play only" only when asked for or when there is none."""
        engine = self.session.engine
        open_now = (self.session.engine_state if engine is None else engine.state).device
        if open_now is not None:
            return open_now.input_device or PLAY_ONLY
        return self.settings.input_device or preferred_input(self.output.currentData(), devices)

    def _show_open(self) -> None:
        state = self.session.engine_state
        if state.device is not None and not self.status.text():
            self.status.setText(state.message)

    def _show_input(self) -> None:
        self.meter.show_peaks(self.session.engine_state.input_peaks)

    def apply(self) -> bool:
        """Open the chosen devices and remember them."""
        engine = self.session.engine
        if engine is None or self.output.currentData() is None:
            self.status.setText("No audio device to open.")
            return False
        try:
            chosen = self.input.currentData()
            info = engine.open_device(self.output.currentData(), chosen or None,
                                      block_size=self.block.currentData(),
                                      input_channels=0 if chosen == PLAY_ONLY else None)
        except EngineError as error:
            self.status.setText(str(error))
            return False
        engine.set_config(config_for(self.settings, info))
        self.settings = remember_choice(self.settings, info)
        save_settings(self.settings)
        self.status.setText(engine.state.message)
        self.session.engineStateChanged.emit()
        return True

    def play_test_tone(self) -> bool:
        """The tone on the open output; the status line says what plays, or why nothing does."""
        engine = self.session.engine
        info = None if engine is None else engine.state.device
        if engine is None or info is None:
            self.status.setText("No output is open: choose one and press Open, then test it.")
            return False
        try:
            engine.play_test_tone(TONE_HZ, TONE_DBFS, TONE_SECONDS)
        except EngineError as error:
            self.status.setText(f"Cannot play the test tone: {error}")
            return False
        self.status.setText(f"Playing a {TONE_HZ / 1000:g} kHz tone at {TONE_DBFS:g} dBFS for "
                            f"{TONE_SECONDS:g} s on {info.output_device}.")
        return True

    def _calibrate(self) -> None:
        engine = self.session.engine
        info = self.session.engine_state.device
        if engine is None or info is None:
            self.status.setText("Open a device with an input first.")
            return
        try:
            frames = engine.calibrate()
        except EngineError as error:
            self.status.setText(str(error))
            return
        self.settings = remember_calibration(self.settings, info, frames)
        save_settings(self.settings)
        total = frames + info.output_latency_frames + info.input_latency_frames
        self.status.setText(f"Round trip {1000 * total / info.rate:.2f} ms "
                            f"({frames:+d} frames beyond what the device reports). Saved.")
