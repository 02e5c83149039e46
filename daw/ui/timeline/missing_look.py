"""How a clip whose media file is missing looks: hatched, with the word "missing", in its own
place, so the person sees what is gone; its tooltip names the file."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter

from daw.model import Project

HATCH = QColor(232, 96, 86, 150)
WORD = QColor(255, 214, 208, 235)
WORD_MARGIN = 6.0


def paint_missing(painter: QPainter, rect: QRectF, columns: float) -> None:
    """Hatch the body (`rect`, in the tile's coordinates, `columns` wide) and write "missing"
    near its left edge."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(HATCH, Qt.BrushStyle.BDiagPattern))
    painter.drawRect(rect.intersected(QRectF(0.0, 0.0, columns, rect.height())))
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(WORD)
    text = rect.adjusted(WORD_MARGIN, 0.0, 0.0, 0.0)
    painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "missing")
    painter.restore()


def missing_tip(project: Project, clip_id: str) -> str:
    """The tooltip of a clip whose media is missing: which file, and how to repair it."""
    _track, clip = project.find_clip(clip_id)
    ref = project.media_ref(clip.media_id)
    shown = f" (imported from {ref.source_name})" if ref.source_name else ""
    return (f"Missing: {ref.path}{shown}. It plays as silence; File ▸ Missing Media… "
            "finds it again or removes its clips.")
