"""The audio device dialog: choose the output, the input and the block size, open them, and
measure the round trip through a loopback. The choice is remembered in the user's settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from daw.engine.audio_setup import config_for, remember_calibration, remember_choice
from daw.engine.devices import AudioUnavailable, list_devices, supported_rates
from daw.engine.settings import load_settings, save_settings
from daw.engine.transport import EngineError
from daw.ui.session import Session

BLOCK_SIZES = (128, 256, 512, 1024, 2048)


class AudioDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audio device")
        self.session = session
        self.settings, _ = load_settings()
        self.output = QComboBox()
        self.input = QComboBox()
        self.block = QComboBox()
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Output", self.output)
        form.addRow("Input", self.input)
        form.addRow("Block size", self.block)
        self.calibrate = QPushButton("Measure latency (loopback)…")
        self.calibrate.setToolTip("Wire an output to an input (a cable, or the sound card's "
                                  "loopback) and MiniDAW measures the true round trip")
        self.calibrate.clicked.connect(self._calibrate)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        apply = buttons.addButton("Open", QDialogButtonBox.ButtonRole.ApplyRole)
        apply.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.calibrate)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        try:
            _, devices = list_devices()
        except AudioUnavailable as error:
            self.status.setText(str(error))
            devices = []
        self.input.addItem("(none: play only)", None)
        for device in devices:
            rates = ", ".join(str(r) for r in supported_rates(device, "output")) or "?"
            if device.max_output_channels:
                self.output.addItem(f"{device.name} ({device.host_api}; {rates} Hz)",
                                    device.name)
            if device.max_input_channels:
                self.input.addItem(f"{device.name} ({device.host_api})", device.name)
        for box, wanted in ((self.output, self.settings.output_device),
                            (self.input, self.settings.input_device)):
            index = box.findData(wanted)
            if index >= 0:
                box.setCurrentIndex(index)
        for size in BLOCK_SIZES:
            self.block.addItem(f"{size} frames", size)
        self.block.setCurrentIndex(max(0, self.block.findData(self.settings.block_size)))
        if not devices:
            self.status.setText("No audio devices found. Editing and bounce still work.")
        self._show_open()

    def _show_open(self) -> None:
        state = self.session.engine_state
        if state.device is not None and not self.status.text():
            self.status.setText(state.message)

    def apply(self) -> bool:
        """Open the chosen devices and remember them."""
        engine = self.session.engine
        if engine is None or self.output.currentData() is None:
            self.status.setText("No audio device to open.")
            return False
        try:
            info = engine.open_device(self.output.currentData(), self.input.currentData(),
                                      block_size=self.block.currentData())
        except EngineError as error:
            self.status.setText(str(error))
            return False
        engine.set_config(config_for(self.settings, info))
        self.settings = remember_choice(self.settings, info)
        save_settings(self.settings)
        self.status.setText(engine.state.message)
        self.session.engineStateChanged.emit()
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
