"""Keys belong to the song, not to the last box clicked.

REAPER sends keys back to the arrange view; so does the window. The rule, for every number box
and text field in the window (the tempo and metre boxes, a strip's dB entry, a track's name):

- A number box with focus but nothing typed into it lets every window shortcut through, so
  Space, R, Home, End, M and S work as if the timeline had focus. Once a digit is typed, keys
  go to the box until Enter (keep the value) or Escape (put the song's value back).
- A text field with focus is being edited: its keys are its own until Enter or Escape.
- Enter or Escape in either hands the keys back to the timeline.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

_DONE_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)


def is_typing(box: QAbstractSpinBox) -> bool:
    """Whether the box's text differs from its value, i.e. a number is being typed."""
    if isinstance(box, (QSpinBox, QDoubleSpinBox)):
        return box.cleanText() != box.textFromValue(box.value())
    return True


class KeyFocus(QObject):
    """Watches the text-like widgets of one window as they take focus (see the module's
    rule); `home` gives the widget the keys go back to."""

    def __init__(self, window: QWidget, home: Callable[[], QWidget]) -> None:
        super().__init__(window)
        self._window = window
        self._home = home
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if isinstance(new, (QAbstractSpinBox, QLineEdit)) and new.window() is self._window:
            new.installEventFilter(self)  # again is harmless: Qt keeps one of each filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and isinstance(watched, QAbstractSpinBox):
            assert isinstance(event, QKeyEvent)
            if event.key() not in _DONE_KEYS and not is_typing(watched):
                event.ignore()
                return True  # the box does not claim the key: the window's shortcut runs
        elif kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in _DONE_KEYS:
                if event.key() == Qt.Key.Key_Escape and isinstance(watched, QAbstractSpinBox):
                    self._revert(watched)
                QTimer.singleShot(0, self._give_back)
        return False

    @staticmethod
    def _revert(box: QAbstractSpinBox) -> None:
        """Escape: show the value the song has again, so leaving the box commits nothing."""
        if isinstance(box, (QSpinBox, QDoubleSpinBox)):
            box.lineEdit().setText(box.prefix() + box.textFromValue(box.value()) + box.suffix())

    def _give_back(self) -> None:
        focused = QApplication.focusWidget()
        if focused is None or focused.window() is self._window:
            self._home().setFocus(Qt.FocusReason.OtherFocusReason)
