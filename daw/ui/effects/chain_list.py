"""The rows of an effect chain: a list whose rows are dragged to reorder them (a drag inside
the list, drawn with a drop line, not a system drag and drop, so it needs no clipboard data
and behaves the same on every platform) and which reports Delete as a request to remove.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from daw.ui.effects.controls import GR_COLOUR

ID_ROLE = Qt.ItemDataRole.UserRole
GR_ROLE = Qt.ItemDataRole.UserRole + 1
"""A row's current gain reduction in dB, drawn as a small bar at its right edge."""
GR_FULL_DB = 12.0
ROW_HEIGHT = 14
"""Every row is this tall, so the list's height shows a whole number of rows."""
ROWS_SHOWN = 4
"""Rows shown whole without scrolling (a vocal's EQ, de-esser, compressor and reverb); more
scroll. Four keep a whole strip inside a mixer a third of the window high."""
FRAME_ROOM = 4
"""Room for the list's frame, whatever the style draws (1 or 2 pixels a side)."""


class _RowDelegate(QStyledItemDelegate):
    """Paints a row as usual, then a thin gain-reduction bar down its right edge; every row
    ROW_HEIGHT tall."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        size.setHeight(ROW_HEIGHT)
        return size

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        reduction = index.data(GR_ROLE) or 0.0
        if reduction >= 0.1:
            rect = option.rect
            height = min(reduction, GR_FULL_DB) / GR_FULL_DB * (rect.height() - 2)
            painter.fillRect(rect.right() - 3, rect.top() + 1, 3, round(height), GR_COLOUR)


class ChainList(QListWidget):
    """The rows. A drag of a row (past the system's drag distance) shows where it would land
    and asks for the move on release; Delete or Backspace asks to remove the current row."""

    moveRequested = Signal(int, int)
    """(row, new position) of a dragged row."""
    removeRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MixerEffects")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.setDragEnabled(False)
        self.setItemDelegate(_RowDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # A strip is narrow: a thin scroll bar leaves the names room.
        self.setStyleSheet("QScrollBar:vertical { width: 5px; background: #1c1e21; margin: 0; }"
                           " QScrollBar::handle:vertical { background: #4a4f55;"
                           " border-radius: 2px; min-height: 12px; }"
                           " QScrollBar::add-line, QScrollBar::sub-line { height: 0; }"
                           # The tick box as a lamp: lit (blue) when the effect is on.
                           " QListView::indicator { width: 8px; height: 8px;"
                           " border: 1px solid #7d848b; border-radius: 2px; }"
                           " QListView::indicator:checked { background: #5c9ded;"
                           " border-color: #8cc0ff; }")
        self._press_row = -1
        self._press_pos = QPoint()
        self._drop_index: int | None = None

    def drop_index_at(self, y: float) -> int:
        """Where a row dropped at height `y` would go: before the row whose middle is below."""
        for row in range(self.count()):
            if y < self.visualItemRect(self.item(row)).center().y():
                return row
        return self.count()

    def check_rect(self, row: int) -> QRect:
        """Where the tick box of a row is drawn, in viewport pixels."""
        option = QStyleOptionViewItem()
        self.itemDelegate().initStyleOption(option, self.model().index(row, 0))
        option.rect = self.visualItemRect(self.item(row))
        return self.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator,
                                           option, self)

    @property
    def is_dragging(self) -> bool:
        return self._drop_index is not None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.itemAt(event.position().toPoint())
            self._press_row = self.row(item) if item is not None else -1
            self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        held = event.buttons() & Qt.MouseButton.LeftButton
        far = (pos - self._press_pos).manhattanLength() >= QApplication.startDragDistance()
        if self._press_row >= 0 and held and (far or self.is_dragging):
            self._drop_index = self.drop_index_at(pos.y())
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            self.viewport().update()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.is_dragging:
            row, target = self._press_row, self._drop_index
            self._drop_index, self._press_row = None, -1
            self.viewport().unsetCursor()
            self.setState(QAbstractItemView.State.NoState)
            self.viewport().update()
            assert target is not None
            new = target if target <= row else target - 1
            if new != row:
                self.moveRequested.emit(row, new)
            event.accept()
            return
        self._press_row = -1
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._drop_index is None:
            return
        if self._drop_index < self.count():
            y = self.visualItemRect(self.item(self._drop_index)).top()
        elif self.count():
            y = self.visualItemRect(self.item(self.count() - 1)).bottom() + 1
        else:
            y = 0
        painter = QPainter(self.viewport())
        painter.setPen(QPen(QColor("#5c9ded"), 2))
        painter.drawLine(0, y, self.viewport().width(), y)
        painter.end()

    def event(self, event: QEvent) -> bool:
        # Delete belongs to the clips in the window's menu; here it removes the effect.
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentRow() >= 0:
            self.removeRequested.emit(self.currentRow())
            event.accept()
            return
        super().keyPressEvent(event)
