"""Autosave: after a change, the song is written to its folder's ``backups/autosave.json``
within a set interval (30 s by default; off allowed), by a worker thread, so a crash or a kill
loses at most that much work and the window never waits on the disk.

The UI thread only hands the current project (immutable, so safe to share) to the worker; the
worker turns it into text and writes it atomically. The person's own ``project.json`` is never
touched. A write that fails is reported once in the status bar and tried again later.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from daw.model.backups import discard_autosave, write_autosave
from daw.model.disk import describe_write_error
from daw.model.project import Project
from daw.ui.session import Session

DEFAULT_SECONDS = 30.0
CHOICES = (0.0, 10.0, 30.0, 60.0, 300.0)
"""The intervals offered in Options ▸ Autosave (0: off)."""


def interval_text(seconds: float) -> str:
    if seconds <= 0:
        return "Off"
    return f"Every {seconds:g} s" if seconds < 60 else f"Every {seconds / 60:g} min"


class Autosaver(QObject):
    """Writes the session's song in the background after it changes. `ui_seconds` keeps how
    long each hand-over took on the UI thread (for the soak benchmark)."""

    def __init__(self, session: Session, seconds: float = DEFAULT_SECONDS,
                 report: Callable[[str], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.report = report or (lambda _text: None)
        self.ui_seconds: list[float] = []
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="minidaw-autosave")
        self._pending: Future[Path] | None = None
        self._pending_project: Project | None = None
        """The song the write in progress holds."""
        self._last_failure: tuple[int | None, str] | None = None
        """The fault last reported (errno, file): the free space in its message may change."""
        self._written_project: Project | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.save_now)
        self._done = QTimer(self)
        self._done.setInterval(50)
        self._done.timeout.connect(self._collect)
        self.seconds = 0.0
        self._followed: Session | None = None
        self.set_interval(seconds)
        self.follow(session)

    def follow(self, session: Session) -> None:
        """Autosave this session from now on (the window opened another song)."""
        if self._followed is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # already gone with its song
                self._followed.historyChanged.disconnect(self._changed)
        self.session = self._followed = session
        self._written_project = session.project
        session.historyChanged.connect(self._changed)

    def set_interval(self, seconds: float) -> None:
        """How long after a change the song is written; 0 turns autosave off."""
        self.seconds = max(0.0, float(seconds))
        if self.seconds == 0:
            self._timer.stop()
        else:
            self._timer.setInterval(round(self.seconds * 1000))
            self._changed()

    def _changed(self) -> None:
        """A change starts the countdown; more changes before it ends ride along."""
        if self.seconds > 0 and not self._timer.isActive() and self._needs_writing():
            self._timer.start()

    def _needs_writing(self) -> bool:
        s = self.session
        return (s.folder is not None and s.is_modified
                and s.project is not self._written_project)

    def save_now(self) -> bool:
        """Hand the song to the worker now (if it changed since the last autosave). Returns
        whether a write was started."""
        started = time.perf_counter()
        if self._pending is not None or not self._needs_writing():
            if self._pending is not None:
                self._timer.start()  # still writing the last one: try again later
            return False
        session = self.session
        project, folder = session.project, session.folder
        assert folder is not None
        edits = session.history.edits_since_save
        self._pending = self._worker.submit(write_autosave, folder, project, edits)
        self._pending_project = project
        self._done.start()
        self.ui_seconds.append(time.perf_counter() - started)
        return True

    def _collect(self) -> None:
        future = self._pending
        if future is None or not future.done():
            return
        self._done.stop()
        self._pending = None
        try:
            future.result()
        except OSError as error:
            target = error.filename or str(self.session.folder)
            message = f"Autosave failed: {describe_write_error(target, error)}"
            fault = (error.errno, str(target))
            if fault != self._last_failure:
                self._last_failure = fault
                self.report(message)
            self._timer.start()
            return
        self._last_failure = None
        self._written_project = self._pending_project
        self._changed()  # edits made while it was writing

    def discard(self) -> None:
        """The person threw the changes away (Discard when closing the song): the autosave
        goes too, so the next open does not offer them back."""
        self._timer.stop()
        self.wait()
        self._written_project = self.session.project
        if self.session.folder is not None:
            discard_autosave(self.session.folder)

    def wait(self, timeout: float = 10.0) -> None:
        """Block until a write in progress is finished (tests, closing the window)."""
        if self._pending is not None:
            self._pending.exception(timeout=timeout)
            self._collect()

    def shutdown(self) -> None:
        self._timer.stop()
        self._done.stop()
        self._worker.shutdown(wait=True)
