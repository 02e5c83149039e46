"""The header of a take lane, left of it under its track's header: the take's name
(double-click to rename in place), its rating as five stars (click a star to rate; click the
lit last star again to clear), a mute button, and the take's menu on a right-click."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QLineEdit, QToolButton, QWidget

from daw.model.project import MAX_RATING, Take, Track
from daw.ui.session import Session
from daw.ui.timeline import style
from daw.ui.timeline.take_menu import TakeActions

INDENT = 16
"""Take headers sit indented under their track's header."""
STAR_PX = 13
STAR_ON = QColor("#f0c05a")
STAR_OFF = QColor("#5a6068")
BACKGROUND = QColor("#25282b")
MUTED_TEXT = QColor("#80868e")


class NameEdit(QLineEdit):
    """An in-place name field: Escape gives up the edit (`cancelled`)."""

    cancelled = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class TakesButton(QToolButton):
    """The Takes button of a track header: shows (lit) or hides the track's take lanes; only
    there when the track has takes."""

    def __init__(self, session: Session, track_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setFixedHeight(16)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet("QToolButton { font-size: 7pt; padding: 0 3px; }"
                           " QToolButton:checked { background: #8fb8f0; color: black; }")
        self.clicked.connect(lambda on: session.view.show_takes(track_id, on))
        self.session = session

    def refresh(self, track: Track) -> None:
        """Counts the takes still to comp from: a muted take is set aside, not offered."""
        count = sum(1 for take in track.takes if not take.muted)
        muted = len(track.takes) - count
        self.setVisible(bool(track.takes))
        self.setText(f"Takes {count}")
        aside = f" ({muted} muted)" if muted else ""
        self.setToolTip(f"Show the {count} take{'s' * (count != 1)}{aside} as lanes under the "
                        "track, to comp from them")
        self.setChecked(track.id in self.session.view.takes_shown)


class TakeHeader(QWidget):
    """The header of one take lane."""

    def __init__(self, session: Session, actions: TakeActions, track_id: str, take_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.actions = actions
        self.track_id = track_id
        self.take_id = take_id
        self.font_ = QFont()
        self.font_.setPointSizeF(8.0)
        self.star_font = QFont()
        self.star_font.setPointSizeF(9.0)
        self.mute_button = QToolButton(self)
        self.mute_button.setText("M")
        self.mute_button.setToolTip("Mute the take (it is left out of comping)")
        self.mute_button.setCheckable(True)
        self.mute_button.setFixedSize(22, 18)
        self.mute_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.mute_button.setStyleSheet("QToolButton:checked { background: #e0a84f; "
                                       "color: black; }")
        self.mute_button.clicked.connect(lambda on: self._mute(on))
        self.name_edit = NameEdit(self)
        self.name_edit.hide()
        self.name_edit.editingFinished.connect(self._rename_finished)
        self.name_edit.cancelled.connect(self._close_editor)
        self.setToolTip("Click the lane to hear this take, drag across it to comp that part")
        self.refresh()

    def take(self) -> Take | None:
        return self.actions.take(self.take_id)

    def refresh(self) -> None:
        take = self.take()
        if take is not None:
            self.mute_button.setChecked(take.muted)
        self.update()

    # --- where things are -------------------------------------------------------------------

    def name_rect(self) -> QRectF:
        return QRectF(INDENT, 2, self.width() - INDENT - 34, 15)

    def star_rect(self, star: int) -> QRectF:
        """The star that rates the take `star` (1 to 5)."""
        return QRectF(INDENT + (star - 1) * STAR_PX, 18, STAR_PX, 15)

    def resizeEvent(self, event) -> None:
        self.mute_button.move(self.width() - 28, (self.height() - self.mute_button.height()) // 2)
        self.name_edit.setGeometry(self.name_rect().toAlignedRect().adjusted(-2, -1, 0, 1))
        super().resizeEvent(event)

    # --- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        take = self.take()
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        try:
            colour = QColor(self.session.project.track(self.track_id).colour)
        except KeyError:  # the track is going away with this header
            colour = QColor(style.LANE_BORDER)
        colour.setAlpha(120)
        painter.fillRect(QRectF(INDENT - 6, 0, 3, self.height()), colour)
        painter.fillRect(QRectF(0, self.height() - 1, self.width(), 1), style.LANE_BORDER)
        if take is not None:
            painter.setFont(self.font_)
            painter.setPen(MUTED_TEXT if take.muted else QColor(style.HEADER_TEXT))
            name = self.name_rect()
            shown = painter.fontMetrics().elidedText(take.name, Qt.TextElideMode.ElideRight,
                                                     int(name.width()))
            if not self.name_edit.isVisible():
                painter.drawText(name, Qt.AlignmentFlag.AlignLeft
                                 | Qt.AlignmentFlag.AlignVCenter, shown)
            painter.setFont(self.star_font)
            for star in range(1, MAX_RATING + 1):
                painter.setPen(STAR_ON if star <= take.rating else STAR_OFF)
                painter.drawText(self.star_rect(star), Qt.AlignmentFlag.AlignCenter,
                                 "★" if star <= take.rating else "☆")
        painter.end()

    # --- the mouse --------------------------------------------------------------------------

    def star_at(self, pos: QPointF) -> int | None:
        for star in range(1, MAX_RATING + 1):
            if self.star_rect(star).contains(pos):
                return star
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.session.select_track(self.track_id)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        star = self.star_at(event.position())
        take = self.take()
        if star is not None and take is not None:
            self.actions.rate(self.take_id, 0 if star == take.rating else star)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.name_rect().contains(event.position()):
            self.start_rename()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.actions.menu(self.take_id, self)
        if menu is not None:
            menu.exec(event.globalPos())

    def _mute(self, on: bool) -> None:
        self.actions.set_muted(self.take_id, on)
        self.refresh()  # a refused edit puts the button back

    # --- renaming in place ------------------------------------------------------------------

    def start_rename(self) -> None:
        """Edit the name in place: Enter keeps it (one undo step), Escape cancels."""
        take = self.take()
        if take is None:
            return
        self.name_edit.setText(take.name)
        self.name_edit.show()
        self.name_edit.selectAll()
        self.name_edit.setFocus()
        self.update()

    def _rename_finished(self) -> None:
        if not self.name_edit.isVisible():
            return
        name = self.name_edit.text()
        self._close_editor()
        self.actions.rename(self.take_id, name)

    def _close_editor(self) -> None:
        self.name_edit.hide()
        self.update()
