"""The sends of a channel strip: a row per send (the bus's name and a Pre toggle on one line,
under them a level bar on the fader's law that reads its level, "−10.0 dB"; Remove in its
context menu) and a + button whose menu adds a send to a bus.

Like the rest of the strip it shows the model and edits through the session: a level drag is
one undo step (one gesture key per send), a double-click resets the level to 0 dB. A send that
would close a routing loop is refused by the model, and the session shows why.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daw.model import Project, Track
from daw.model.project import Send
from daw.model.routing import buses, remove_send, set_send
from daw.ui.drag_control import DragControl
from daw.ui.mixer.taper import db_to_position, format_db, position_to_db, quantize_db
from daw.ui.session import Session

NAME_HEIGHT = 12
LEVEL_HEIGHT = 14
ROW_HEIGHT = NAME_HEIGHT + 1 + LEVEL_HEIGHT
"""A send's two lines: the bus's name (and Pre), then its level bar."""
ROWS_SHOWN = 1
"""Sends shown without scrolling (most tracks have one; more scroll); the section has the same
height in every strip (the master's is empty), so the faders below line up."""
_FILL = QColor(141, 150, 160, 170)
_PRE_FILL = QColor(92, 157, 237, 170)
_TEXT = QColor("#e6e8ea")


def _small_font(widget: QWidget, factor: float = 0.72) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(max(5.5, font.pointSizeF() * factor))
    return font


def _level_value(pos: float) -> float:
    return quantize_db(position_to_db(pos))


class SendName(QWidget):
    """The bus a send goes to, elided to the strip's width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.setFixedHeight(NAME_HEIGHT)
        self.setMinimumWidth(20)

    def set_text(self, text: str) -> None:
        self.text = text
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(_small_font(self, 0.75))
        painter.setPen(_TEXT)
        text = painter.fontMetrics().elidedText(self.text, Qt.TextElideMode.ElideRight,
                                                self.width())
        painter.drawText(QRectF(self.rect()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


class SendLevel(DragControl):
    """A horizontal level bar for one send, -inf to +12 dB on the fader's law, that always
    reads its level ("−10.0 dB"): a send's level matters as much as its bus."""

    def __init__(self, level_db: float = 0.0, parent: QWidget | None = None) -> None:
        super().__init__(level_db, Qt.Orientation.Horizontal, 2.0, db_to_position,
                         _level_value, parent)
        self.grab_radius = 4.0
        self.pre_fader = False
        self.setFixedHeight(LEVEL_HEIGHT)
        self.setMinimumWidth(30)

    def sizeHint(self) -> QSize:
        return QSize(60, LEVEL_HEIGHT)

    def label(self) -> str:
        """What the bar reads: its level in dB, with a true minus sign."""
        return f"{format_db(self._value)} dB".replace("-", "−")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        body = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QColor("#2a2d30"))
        painter.setBrush(QColor("#141618"))
        painter.drawRect(body)
        x = self._pixel_of_pos(db_to_position(self._value))
        painter.fillRect(QRectF(1, 1, max(0.0, x - 1), self.height() - 2),
                         _PRE_FILL if self.pre_fader else _FILL)
        painter.setFont(_small_font(self, 0.75))
        painter.setPen(_TEXT)
        painter.drawText(body, Qt.AlignmentFlag.AlignCenter, self.label())
        painter.end()


class SendRow(QWidget):
    """One send: the bus's name and the Pre toggle, above the level bar."""

    def __init__(self, section: SendsSection, bus_id: str) -> None:
        super().__init__()
        self.section = section
        self.bus_id = bus_id
        self.name = SendName()
        self.level = SendLevel()
        self.pre = QToolButton()
        self.pre.setText("Pre")
        self.pre.setCheckable(True)
        self.pre.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pre.setFixedSize(24, NAME_HEIGHT)
        self.pre.setFont(_small_font(self, 0.68))
        self.pre.setToolTip("Pre-fader: the send does not follow the track's fader")
        self.pre.setStyleSheet(
            "QToolButton { background: #3a3e43; color: #d8dadc; border: 1px solid #22252a;"
            " border-radius: 2px; padding: 0; }"
            " QToolButton:checked { background: #5c9ded; color: #15171a; }")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.setSpacing(2)
        head.addWidget(self.name, 1)
        head.addWidget(self.pre)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addLayout(head)
        column.addWidget(self.level)
        self.setFixedHeight(ROW_HEIGHT)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.menu().exec(self.mapToGlobal(pos)))
        self.level.dragged.connect(lambda db: section.set_level(bus_id, db, gesture=True))
        self.level.released.connect(section.session.end_gesture)
        self.level.resetRequested.connect(lambda: section.set_level(bus_id, 0.0, gesture=False))
        self.pre.clicked.connect(lambda on: section.set_pre_fader(bus_id, on))

    def show_send(self, send: Send, bus_name: str) -> None:
        where = "pre-fader" if send.pre_fader else "post-fader"
        self.level.setToolTip(f"Send to {bus_name}: {format_db(send.level_db)} dB, {where}. "
                              "Drag (Shift: fine), double-click for 0 dB, right-click to "
                              "remove")
        self.pre.setChecked(send.pre_fader)
        self.name.set_text(bus_name)
        self.name.setToolTip(f"Send to {bus_name}")
        self.level.pre_fader = send.pre_fader
        self.level.set_value(send.level_db)
        self.level.update()

    def menu(self) -> QMenu:
        """The row's context menu (Remove Send)."""
        menu = QMenu(self)
        menu.addAction("Remove Send", lambda: self.section.remove(self.bus_id))
        return menu


class SendsSection(QWidget):
    """The sends of a track's (or bus's) strip, and the + button that adds one. The master
    strip gets an empty one (`track_id` None) of the same height, so all faders line up."""

    def __init__(self, session: Session, track_id: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.track_id = track_id
        self.rows: dict[str, SendRow] = {}
        self._shown: tuple | None = None
        caption = QLabel("Sends")
        caption.setObjectName("MixerCaption")
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setToolTip("Add a send to a bus")
        self.add_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.setFixedSize(18, 15)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setStyleSheet(
            "QToolButton { background: #3a3e43; color: #e6e8ea; border: 1px solid #22252a;"
            " border-radius: 2px; padding: 0; font-weight: bold; }"
            " QToolButton::menu-indicator { image: none; width: 0; }")
        self.add_menu = QMenu(self.add_button)
        self.add_menu.aboutToShow.connect(self.fill_add_menu)
        self.add_button.setMenu(self.add_menu)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(caption, 1)
        head.addWidget(self.add_button)
        rows = QWidget()
        rows.setObjectName("MixerSends")
        self._rows_layout = QVBoxLayout(rows)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(2)
        self._rows_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(rows)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setStyleSheet(
            "QScrollArea, QWidget#MixerSends { background: transparent; }"
            " QScrollBar:vertical { width: 5px; }")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(head)
        column.addWidget(self.scroll_area)
        self.setFixedHeight(15 + 2 + ROWS_SHOWN * ROW_HEIGHT + (ROWS_SHOWN - 1) * 2)
        if track_id is None:
            for widget in (caption, self.add_button, self.scroll_area):
                widget.hide()
            return
        self.sync(session.project)

    # --- showing the model ----------------------------------------------------------------------

    def sync(self, project: Project) -> None:
        """Show the track's sends; rows are kept by bus, so a level being dragged stays put."""
        if self.track_id is None:
            return
        track = project.track(self.track_id)
        names = {t.id: t.name for t in buses(project)}
        shown = (track.sends, tuple(names.get(s.bus_id, s.bus_id) for s in track.sends))
        if shown == self._shown:
            return
        self._shown = shown
        wanted = [s.bus_id for s in track.sends]
        for bus_id in [b for b in self.rows if b not in wanted]:
            row = self.rows.pop(bus_id)
            self._rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        for index, send in enumerate(track.sends):
            row = self.rows.get(send.bus_id)
            if row is None:
                row = self.rows[send.bus_id] = SendRow(self, send.bus_id)
                self._rows_layout.insertWidget(index, row)
            row.show_send(send, names.get(send.bus_id, send.bus_id))

    def choices(self, project: Project) -> list[Track]:
        """The buses a send could be added to: every bus but this one and those it already
        sends to (a bus that would close a loop is refused, with the loop named, when chosen)."""
        if self.track_id is None:
            return []
        track = project.track(self.track_id)
        return [b for b in buses(project) if b.id != track.id and track.send(b.id) is None]

    def fill_add_menu(self) -> None:
        self.add_menu.clear()
        choices = self.choices(self.session.project)
        for bus in choices:
            action = self.add_menu.addAction(bus.name)
            action.setData(bus.id)
            action.triggered.connect(lambda _=False, b=bus.id: self.add(b))
        if not choices:
            none = self.add_menu.addAction("No bus to send to (Track ▸ Add Bus)")
            none.setEnabled(False)

    # --- editing --------------------------------------------------------------------------------

    def _edit(self, label: str, change, gesture: object | None = None) -> None:
        if not self.session.edit(label, change, gesture):
            self._shown = None  # refused: show the model's values again
            self.sync(self.session.project)

    def add(self, bus_id: str) -> None:
        tid = self.track_id
        self._edit("Add Send", lambda p: set_send(p, tid, bus_id))

    def remove(self, bus_id: str) -> None:
        tid = self.track_id
        self._edit("Remove Send", lambda p: remove_send(p, tid, bus_id))

    def set_level(self, bus_id: str, level_db: float, gesture: bool) -> None:
        tid = self.track_id
        key = ("send", tid, bus_id) if gesture else None
        self._edit("Send Level", lambda p: set_send(p, tid, bus_id, level_db=level_db), key)

    def set_pre_fader(self, bus_id: str, pre_fader: bool) -> None:
        tid = self.track_id
        label = "Pre-Fader Send" if pre_fader else "Post-Fader Send"
        self._edit(label, lambda p: set_send(p, tid, bus_id, pre_fader=pre_fader))
