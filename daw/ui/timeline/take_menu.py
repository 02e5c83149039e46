"""The commands on takes, shared by the take lanes, their headers and their menu: use a take,
comp a range of it, rename, rate, mute and delete it. Each is one undo step named after the
take ("Use Take 2"), so the Edit menu says what undo takes back.

Deleting asks first: the take's comp clips go with it (its file stays in `audio/` until the
project is cleaned up).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from daw.model import EditError
from daw.model.project import MAX_RATING, Take
from daw.model.takes import (
    comp_range,
    delete_take,
    find_take,
    rate_take,
    rename_take,
    set_take_muted,
    use_take,
)
from daw.ui.session import Session

Ask = Callable[[str, str], bool]
"""(title, question) → the person's answer (True for yes)."""


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (MAX_RATING - rating)


class TakeActions(QObject):
    """The take commands of one timeline."""

    renameRequested = Signal(str)
    """A take id whose name should be edited in place (its header listens)."""

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.widget = parent
        self.ask: Ask = self._ask_with_dialog
        """How a deletion is confirmed; tests answer through this instead of a dialog."""

    def _ask_with_dialog(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self.widget, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def take(self, take_id: str) -> Take | None:
        try:
            return find_take(self.session.project, take_id)[1]
        except EditError:
            return None

    def _playable(self, take: Take) -> bool:
        if take.muted:
            self.session.errorRaised.emit(
                f"{take.name} is muted: unmute it to hear it or comp from it")
            return False
        return True

    def use(self, take_id: str) -> None:
        """Hear the whole take: it becomes the comp over its region."""
        take = self.take(take_id)
        if take is None or not self._playable(take):
            return
        xf = self.session.view.comp_crossfade_frames(self.session.project)
        self.session.edit(f"Use {take.name}", lambda p: use_take(p, take_id, xf))

    def comp(self, take_id: str, start_frame: int, end_frame: int) -> None:
        """Put frames [start_frame, end_frame) of the take into the comp."""
        take = self.take(take_id)
        if take is None or not self._playable(take):
            return
        start, end = max(start_frame, take.start_frame), min(end_frame, take.end_frame)
        if end <= start:
            return
        xf = self.session.view.comp_crossfade_frames(self.session.project)
        self.session.edit(f"Comp {take.name}", lambda p: comp_range(p, take_id, start, end, xf))

    def rename(self, take_id: str, name: str) -> None:
        take = self.take(take_id)
        if take is not None and name.strip() and name.strip() != take.name:
            self.session.edit("Rename Take", lambda p: rename_take(p, take_id, name))

    def rate(self, take_id: str, rating: int) -> None:
        take = self.take(take_id)
        if take is not None and rating != take.rating:
            self.session.edit(f"Rate {take.name}", lambda p: rate_take(p, take_id, rating))

    def set_muted(self, take_id: str, muted: bool) -> None:
        take = self.take(take_id)
        if take is not None and muted != take.muted:
            label = f"{'Mute' if muted else 'Unmute'} {take.name}"
            self.session.edit(label, lambda p: set_take_muted(p, take_id, muted))

    def delete(self, take_id: str) -> bool:
        """Delete the take and its comp clips, after asking. Returns whether it was deleted."""
        take = self.take(take_id)
        if take is None:
            return False
        track = find_take(self.session.project, take_id)[0]
        clips = sum(1 for c in track.clips if c.take_id == take_id)
        heard = f" and the {clips} comp clip{'s' * (clips != 1)} cut from it" if clips else ""
        question = (f"Delete “{take.name}” of “{track.name}”{heard}? Its file stays in the "
                    "project's audio folder until File ▸ Clean Up Project; undo brings the "
                    "take back.")
        if not self.ask("Delete Take", question):
            return False
        return self.session.edit(f"Delete {take.name}", lambda p: delete_take(p, take_id))

    def menu(self, take_id: str, parent: QWidget) -> QMenu | None:
        """The take's context menu: Rename, Rate, Mute, Use Whole Take, Delete Take…"""
        take = self.take(take_id)
        if take is None:
            return None
        menu = QMenu(parent)
        menu.addAction("Rename…", lambda: self.renameRequested.emit(take_id))
        rate = menu.addMenu("Rate")
        for rating in range(MAX_RATING + 1):
            action = rate.addAction(stars(rating) if rating else "Not rated")
            action.setCheckable(True)
            action.setChecked(rating == take.rating)
            action.triggered.connect(lambda _=False, r=rating: self.rate(take_id, r))
        mute = menu.addAction("Mute")
        mute.setCheckable(True)
        mute.setChecked(take.muted)
        mute.triggered.connect(lambda on: self.set_muted(take_id, on))
        use = menu.addAction("Use Whole Take", lambda: self.use(take_id))
        use.setEnabled(not take.muted)
        menu.addSeparator()
        menu.addAction("Delete Take…", lambda: self.delete(take_id))
        return menu
