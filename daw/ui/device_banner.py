"""The bar across the top of the window when there is no sound card to play on: it says so,
says what to do, and opens the audio settings. It is not a dialog: the song can be edited and
bounced meanwhile, and the bar goes away by itself once a device opens."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from daw.ui.session import Session
from daw.ui.top_bar import dock_at_top

STYLE = """
QFrame#deviceBanner { background: #4a3d17; border-bottom: 1px solid #7a6425; }
QFrame#deviceBanner QLabel { color: #f3e3b0; }
QFrame#deviceBanner QPushButton { background: #6b5720; color: #fff3cf;
                                  border: 1px solid #9c8236; border-radius: 4px;
                                  padding: 3px 10px; }
QFrame#deviceBanner QToolButton { background: transparent; color: #f3e3b0; border: none; }
"""

NO_INPUT_TEXT = ("<b>No input is open</b>, and a track is armed: choose one to record from "
                 "with Audio Device….")

WHAT_TO_DO = ("Connect a sound card or headphones, then choose it with Audio Device… "
              "(also in the Options menu). Editing and bounce work meanwhile.")


def banner_text(message: str) -> str:
    """The bar's words: the engine's reason (when it says more than "none"), then what to do."""
    reason = message.strip()
    if reason.startswith("No audio device"):
        reason = ""
    reason = reason.removesuffix("Editing and bounce still work.").strip()
    return f"<b>No audio device.</b> {reason + ' ' if reason else ''}{WHAT_TO_DO}"


class DeviceBanner(QFrame):
    """Shown while the session's engine has no device open, until it opens or is dismissed."""

    def __init__(self, open_settings: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deviceBanner")
        self.setStyleSheet(STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.session: Session | None = None
        self.dismissed = False
        """The person closed the bar: it stays away until MiniDAW starts again."""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.icon = QLabel("⚠")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.settings_button = QPushButton("Audio Device…")
        self.settings_button.setObjectName("bannerAudioButton")
        self.settings_button.clicked.connect(open_settings)
        self.close_button = QToolButton()
        self.close_button.setObjectName("bannerCloseButton")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Hide this message")
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.icon)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.settings_button)
        layout.addWidget(self.close_button)
        self.dock: QDockWidget | None = None

    def follow(self, session: Session) -> None:
        """Watch this session's engine and armed tracks (a newly opened song brings a new
        session)."""
        self.session = session
        session.engineStateChanged.connect(self.update_shown)
        session.projectChanged.connect(self.update_shown)
        self.update_shown()

    def wanted(self) -> bool:
        """True while an engine runs without a device. Without an engine at all (audio turned
        off on purpose, or a test) the status bar says so and the bar stays away."""
        s = self.session
        return (not self.dismissed and s is not None and s.engine is not None
                and (s.engine_state.device is None or self.armed_without_input()))

    def armed_without_input(self) -> bool:
        """A track waits to record, but the device was opened to play only."""
        s = self.session
        device = None if s is None else s.engine_state.device
        return (device is not None and device.input_channels == 0
                and any(t.record_armed for t in s.project.tracks))

    def update_shown(self) -> None:
        if self.session is not None:
            self.label.setText(NO_INPUT_TEXT if self.armed_without_input()
                               else banner_text(self.session.engine_state.message))
        (self.dock or self).setVisible(self.wanted())

    def dismiss(self) -> None:
        self.dismissed = True
        self.update_shown()


def install_device_banner(window: QMainWindow, open_settings: Callable[[], None]) -> DeviceBanner:
    """Put the banner at the top of the window, under the transport bar, in a title-less dock
    (so it keeps its place when another song replaces the toolbar)."""
    banner = DeviceBanner(open_settings)
    banner.dock = dock_at_top(window, banner, "Audio device", "DeviceBannerDock")
    return banner
