"""Long work (an analysis, a render, an edit that reads audio) on a worker thread, so the
window keeps playing and drawing while it runs; Cancel reaches it through its progress reports.

A job is a function `work(progress, cancel)` that returns its result. `progress(permille,
text)` also checks the cancel flag and raises `Cancelled` once it is set, so a job that
reports progress stops at its next report even where the code it calls has no cancel of its
own. The outcome comes back on the UI thread as `finished(result, message)`.

`JobDialog` is the dialog around one such job: its Cancel button, and closing while the job
runs (which cancels it and closes once it stopped).
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from daw.media import MediaError
from daw.model import EditError, ProjectFileError

CANCELLED = "cancelled"

Progress = Callable[..., None]
"""progress(permille, text="")"""
Work = Callable[[Progress, threading.Event], object]

Errors = tuple[type[BaseException], ...]
EXPECTED: Errors = (MediaError, EditError, ProjectFileError, OSError, ValueError)
"""Errors a job may end with that are the person's to read, not a bug."""


class Cancelled(Exception):
    """Raised inside a job at its next progress report after Cancel."""


class _Worker(QObject):
    progressed = Signal(int, str)
    finished = Signal(object, str)

    def __init__(self, work: Work, expected: Errors, cancelled: Errors) -> None:
        super().__init__()
        self.work = work
        self.expected = expected
        self.cancelled = cancelled
        self.cancel = threading.Event()

    def _progress(self, permille: int, text: str = "") -> None:
        if self.cancel.is_set():
            raise Cancelled
        self.progressed.emit(int(permille), text)

    def run(self) -> None:
        try:
            result = self.work(self._progress, self.cancel)
        except (Cancelled, *self.cancelled):
            self.finished.emit(None, CANCELLED)
        except self.expected as error:
            self.finished.emit(None, str(error) or type(error).__name__)
        except Exception as error:  # the dialog must not stay busy forever
            traceback.print_exc()
            self.finished.emit(None, f"unexpected {type(error).__name__}: {error}")
        else:
            if self.cancel.is_set():
                self.finished.emit(None, CANCELLED)
            else:
                self.finished.emit(result, "")


class Job(QObject):
    """One job at a time on its own thread; `finished(result, message)` says how it ended:
    message "" with the result, CANCELLED, or what went wrong (result None).

    `expected` errors end a job with their message; `cancelled` errors (besides `Cancelled`)
    are the ways the code a job calls says it stopped on request."""

    progressed = Signal(int, str)
    finished = Signal(object, str)

    def __init__(self, parent: QObject | None = None, expected: Errors = EXPECTED,
                 cancelled: Errors = ()) -> None:
        super().__init__(parent)
        self.expected = expected
        self.cancelled = cancelled
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, work: Work) -> bool:
        """Start `work` on a worker thread; False when one is still running."""
        if self.running:
            return False
        self._thread = QThread(self)
        self._worker = _Worker(work, self.expected, self.cancelled)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progressed)
        self._worker.finished.connect(self._done)
        self._thread.start()
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel.set()

    def wait(self) -> None:
        """Block until the thread has stopped (closing the window while a job runs)."""
        if self._worker is not None:
            self._worker.cancel.set()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def _done(self, result: object, message: str) -> None:
        thread = self._thread
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        self._thread = None
        self.finished.emit(result, message)


class JobDialog(QDialog):
    """A dialog that runs one `Job` at a time, with a `cancel` button the subclass makes.

    Subclasses show the outcome in `_show_outcome(result, message)` and set their buttons in
    `_update()`; `finishedWith(message)` follows each run: "" when done, CANCELLED, or the
    error."""

    finishedWith = Signal(str)
    cancel: QPushButton
    expected: Errors = EXPECTED
    cancelled: Errors = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = Job(self, self.expected, self.cancelled)
        self.job.finished.connect(self._job_finished)
        self._close_when_stopped = False

    @property
    def running(self) -> bool:
        return self.job.running

    def _show_outcome(self, result: object, message: str) -> None:
        raise NotImplementedError

    def _update(self) -> None:
        raise NotImplementedError

    def _cancelling(self) -> None:
        """Say that Cancel was heard (nothing by default)."""

    def _job_finished(self, result: object, message: str) -> None:
        self._show_outcome(result, message)
        self._update()
        self.finishedWith.emit(message)
        if self._close_when_stopped:
            self._close_when_stopped = False
            super().reject()

    def _cancel(self) -> None:
        if self.running:
            self.job.cancel()
            self.cancel.setEnabled(False)
            self._cancelling()

    def reject(self) -> None:
        """Closing while the job runs cancels it first; the dialog closes once it stopped."""
        if self.running:
            self._close_when_stopped = True
            self._cancel()
            return
        super().reject()
