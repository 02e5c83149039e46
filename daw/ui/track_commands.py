"""The Track menu's commands, each one undo step on the selected track, kept out of the main
window so it stays a place that wires parts together."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox, QWidget

from daw.model import ops
from daw.model.routing import add_bus as add_bus_track
from daw.model.routing import buses
from daw.ui.session import Session


def add_track(s: Session) -> None:
    """A new "Track N" below the selected track (or at the end), selected."""
    name = f"Track {len(s.project.tracks) + 1}"
    index = None
    if s.selected_track is not None:
        index = [t.id for t in s.project.tracks].index(s.selected_track) + 1
    if s.edit("Add Track", lambda p: ops.add_track(p, name, index=index)):
        added = [t for t in s.project.tracks if t.name == name][-1]
        s.select_track(added.id)


def add_bus(s: Session) -> None:
    """Add a bus ("Bus 1", "Bus 2", ...) at the end, as one undo step, and select it."""
    names = {t.name for t in s.project.tracks}
    number = len(buses(s.project)) + 1
    while f"Bus {number}" in names:
        number += 1
    name = f"Bus {number}"
    if s.edit("Add Bus", lambda p: add_bus_track(p, name)):
        s.select_track(s.project.tracks[-1].id)


def remove_track(s: Session, parent: QWidget, ask: bool) -> None:
    """Remove the selected track; one with clips only after asking, when `ask`."""
    if s.selected_track is None:
        return
    track = s.project.track(s.selected_track)
    if track.clips and ask:
        answer = QMessageBox.question(parent, "Remove track",
                                      f"Remove “{track.name}” and its clips? (Undo brings "
                                      "it back.)")
        if answer != QMessageBox.StandardButton.Yes:
            return
    s.edit("Remove Track", lambda p: ops.remove_track(p, track.id))


def rename_track(s: Session, parent: QWidget) -> None:
    if s.selected_track is None:
        return
    track = s.project.track(s.selected_track)
    name, ok = QInputDialog.getText(parent, "Rename track", "Name:", text=track.name)
    if ok:
        s.edit("Rename Track", lambda p: ops.rename_track(p, track.id, name))


def track_colour(s: Session, parent: QWidget) -> None:
    if s.selected_track is None:
        return
    track = s.project.track(s.selected_track)
    colour = QColorDialog.getColor(QColor(track.colour), parent, "Track colour")
    if colour.isValid():
        s.edit("Track Colour", lambda p: ops.set_track_colour(p, track.id, colour.name()))
