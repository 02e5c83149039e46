"""Missing media in the window: a bar that says once, when a song opens, how many of its audio
files are missing (they play as silence, their clips are drawn hatched), and the repairs:
Locate… (a file, or a folder searched by name) and Remove (the clips and takes that use them).

Not a dialog at every open: the bar can be closed, and File ▸ Missing Media… reaches the same
repairs while anything is missing. Each repair is one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from daw.media import MediaError
from daw.media.relink import locate_file, search_folder
from daw.model.missing import MediaUse, media_uses, relink_media, remove_media_users
from daw.model.project import MediaRef, Project
from daw.model.store import missing_media
from daw.ui.session import Session
from daw.ui.top_bar import dock_at_top

STYLE = """
QFrame#missingMediaBar { background: #4a2320; border-bottom: 1px solid #7a3a33; }
QFrame#missingMediaBar QLabel { color: #f6d5cf; }
QFrame#missingMediaBar QPushButton { background: #6b302a; color: #fff0ec;
                                     border: 1px solid #9c4a40; border-radius: 4px;
                                     padding: 3px 10px; }
QFrame#missingMediaBar QToolButton { background: transparent; color: #f6d5cf; border: none; }
"""
LOCATE_LABEL = "Locate Missing Media"
REMOVE_LABEL = "Remove Missing Media"


# --- what is missing, and the repairs (no widgets: the tests call these) ----------------------


def missing_ids(project: Project, folder: Path | None) -> frozenset[str]:
    """Ids of the media whose file is not in the song's folder (none without a folder)."""
    if folder is None:
        return frozenset()
    paths = set(missing_media(folder, project))
    return frozenset(ref.id for ref in project.media if ref.path in paths)


def notice_text(uses: list[MediaUse]) -> str:
    """The bar's words: how many files, which (the first few), and that they play silent."""
    count = len(uses)
    names = ", ".join(use.describe() for use in uses[:3]) + (" …" if count > 3 else "")
    noun = "audio file is" if count == 1 else "audio files are"
    return (f"<b>{count} {noun} missing</b> and play{'s' * (count == 1)} as silence: "
            f"{names}")


def locate_one(session: Session, media_id: str, found: Path) -> bool:
    """Point the media at `found` (copied into the song's audio/) as one undo step; a file
    that differs is refused with one line saying how."""
    project, folder = session.project, session.folder
    if folder is None:
        return False
    try:
        ref = locate_file(found, folder, project.sample_rate, project.media_ref(media_id))
    except MediaError as error:
        session.errorRaised.emit(str(error))
        return False
    return session.edit(LOCATE_LABEL, lambda p: relink_media(p, [ref]))


def locate_in_folder(session: Session, searched: Path, media_ids: frozenset[str]) -> str:
    """Search `searched` for every missing media, relink what is found as one undo step, and
    say how many were found and which are still missing."""
    project, folder = session.project, session.folder
    if folder is None or not media_ids:
        return "Nothing is missing"
    refs = [ref for ref in project.media if ref.id in media_ids]
    try:
        result = search_folder(searched, refs, folder, project.sample_rate)
    except MediaError as error:
        session.errorRaised.emit(str(error))
        return str(error)
    if result.found:
        session.edit(LOCATE_LABEL, lambda p: relink_media(p, result.found))
    return search_report(len(refs), result.found, result.still_missing)


def search_report(wanted: int, found: list[MediaRef], still: list[MediaRef]) -> str:
    text = f"Found {len(found)} of {wanted} missing file{'s' * (wanted != 1)}"
    if still:
        text += "; still missing: " + ", ".join(ref.path for ref in still)
    return text


def remove_missing(session: Session, media_ids: frozenset[str]) -> bool:
    """Remove the clips and takes that use the missing media (and the media), one undo step."""
    if not media_ids:
        return False
    return session.edit(REMOVE_LABEL, lambda p: remove_media_users(p, media_ids))


# --- the dialog -------------------------------------------------------------------------------


class MissingMediaDialog(QDialog):
    """The missing files with the tracks that use them, and Locate File…, Search Folder…,
    Remove Clips."""

    def __init__(self, bar: MissingMediaBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.setWindowTitle("Missing Media")
        self.files = QListWidget()
        self.report = QLabel()
        self.report.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.locate_button = buttons.addButton("Locate File…",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.search_button = buttons.addButton("Search Folder…",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.remove_button = buttons.addButton("Remove Clips",
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.locate_button.clicked.connect(self._locate_file)
        self.search_button.clicked.connect(self._search_folder)
        self.remove_button.clicked.connect(self._remove)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These audio files are not in the song's folder; their clips "
                                "play as silence. Locate a file (or search a folder for "
                                "all of them by name), or remove the clips that use them."))
        layout.addWidget(self.files)
        layout.addWidget(self.report)
        layout.addWidget(buttons)
        self.resize(640, 320)
        self.refill()

    def refill(self) -> None:
        self.files.clear()
        for use in self.bar.uses():
            item = QListWidgetItem(use.describe())
            item.setData(Qt.ItemDataRole.UserRole, use.ref.id)
            self.files.addItem(item)
        if self.files.count():
            self.files.setCurrentRow(0)
        for button in (self.locate_button, self.search_button, self.remove_button):
            button.setEnabled(self.files.count() > 0)

    def _locate_file(self) -> None:
        item = self.files.currentItem()
        if item is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, f"Locate {item.text()}", "",
                                              "Audio files (*.wav *.flac *.ogg *.oga *.aif "
                                              "*.aiff *.mp3);;All files (*)")
        if path:
            self.bar.locate_file(str(item.data(Qt.ItemDataRole.UserRole)), Path(path))
            self.refill()

    def _search_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Search a folder for the missing files")
        if folder:
            self.report.setText(self.bar.search(Path(folder)))
            self.refill()

    def _remove(self) -> None:
        self.bar.remove()
        self.refill()


# --- the bar ----------------------------------------------------------------------------------


class MissingMediaBar(QFrame):
    """Across the top of the window while the open song has missing files, until closed."""

    repaired = Signal()
    """A repair was made: files may be back where the song names them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missingMediaBar")
        self.setStyleSheet(STYLE)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.session: Session | None = None
        self.missing: frozenset[str] = frozenset()
        self.dismissed = False
        self.action: QAction | None = None
        """File ▸ Missing Media…, enabled while something is missing."""
        self.dock: QDockWidget | None = None
        self.dialog: MissingMediaDialog | None = None
        self._media: tuple[MediaRef, ...] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 8, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.locate_button = QPushButton("Locate…")
        self.locate_button.clicked.connect(self.open_dialog)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the clips and takes that use the missing files")
        self.remove_button.clicked.connect(self.remove)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Hide this message")
        close.clicked.connect(self.dismiss)
        for widget in (QLabel("⚠"), self.label):
            layout.addWidget(widget, 1 if widget is self.label else 0)
        for widget in (self.locate_button, self.remove_button, close):
            layout.addWidget(widget)

    def follow(self, session: Session) -> None:
        """A song was opened: look for its missing files once, and show the bar if any."""
        self.session = session
        self.dismissed = False
        self._media = None
        session.projectChanged.connect(self.refresh)
        session.folderChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Look again when the song's media changed (a repair, an undo): only then, so an
        ordinary edit touches no file."""
        s = self.session
        if s is None:
            return
        if s.project.media is not self._media:
            self._media = s.project.media
            self.missing = missing_ids(s.project, s.folder)
            if not self.missing:
                self.dismissed = False  # a later loss is told again
        self.label.setText(notice_text(self.uses()) if self.missing else "")
        if self.action is not None:
            self.action.setEnabled(bool(self.missing))
        (self.dock or self).setVisible(bool(self.missing) and not self.dismissed)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.refill()

    def uses(self) -> list[MediaUse]:
        if self.session is None:
            return []
        return media_uses(self.session.project, self.missing)

    def dismiss(self) -> None:
        self.dismissed = True
        (self.dock or self).setVisible(False)

    def open_dialog(self) -> MissingMediaDialog:
        if self.dialog is None:
            self.dialog = MissingMediaDialog(self, self.window())
        self.dialog.refill()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def locate_file(self, media_id: str, found: Path) -> bool:
        done = self.session is not None and locate_one(self.session, media_id, found)
        self._look_again()
        return done

    def search(self, folder: Path) -> str:
        if self.session is None:
            return ""
        text = locate_in_folder(self.session, folder, self.missing)
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 15000)
        self._look_again()
        return text

    def remove(self) -> bool:
        done = self.session is not None and remove_missing(self.session, self.missing)
        self._look_again()
        return done

    def _look_again(self) -> None:
        """After a repair: a file copied back under its old name changes no media, so look
        at the folder again whatever the song says."""
        self._media = None
        self.refresh()
        self.repaired.emit()


def install_missing_media_bar(window: QMainWindow,
                              repaired: Callable[[], None]) -> MissingMediaBar:
    """Put the bar at the top of the window in a title-less dock, as the device bar is;
    `repaired` is called after each repair (the timeline looks at its missing files again)."""
    bar = MissingMediaBar()
    bar.dock = dock_at_top(window, bar, "Missing media", "MissingMediaDock")
    bar.repaired.connect(repaired)
    return bar
