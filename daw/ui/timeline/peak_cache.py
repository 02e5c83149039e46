"""Waveform peaks for the timeline, built in worker threads so painting never waits.

The GUI thread asks for a media file's reader while painting; if its peaks are not loaded yet,
a build (or a cache-file load) starts on a thread pool and the clip is drawn as a plain body
until `ready` fires. The workers touch no widget: they emit a signal that Qt queues to the GUI
thread.

A media whose file is missing is not an error here: the window tells of missing files once,
in its own bar, and the clips are drawn hatched (`is_missing`). Only a file that is there but
cannot be read is reported through `failed`.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from daw.media import MediaError, PeakReader, Peaks, load_or_build
from daw.media.peaks import PeakBuildCancelled, media_file
from daw.model import MediaRef
from daw.ui.timeline.columns import SampleBlocks

_Key = tuple[str, str, str]
"""(project folder, media id, media path): a media file on disk."""


class _Relay(QObject):
    """Carries a finished build from a worker thread to the GUI thread."""

    built = Signal(object, object, str)
    """key, Peaks (None on failure), error message."""


class PeakCache(QObject):
    """The peaks of every media file the timeline has drawn, keyed by file."""

    ready = Signal()
    """New peaks can be drawn."""
    failed = Signal(str)
    """A media file's waveform cannot be drawn: the message names the file and why."""

    MISSING = "\0missing"
    """The message of a build whose file is not there (not an error: see the module)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Created before the relay, so it is destroyed (waiting for its workers) first.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._relay = _Relay(self)
        self._relay.built.connect(self._built)
        self._readers: dict[_Key, PeakReader] = {}
        self._pending: dict[_Key, tuple[threading.Event, Path]] = {}
        self._failed: set[_Key] = set()
        self._missing: set[_Key] = set()
        self.blocks = SampleBlocks()
        """Samples the readers decoded around the view, for zooms finer than the peaks."""

    def reader(self, folder: Path | None, ref: MediaRef) -> PeakReader | None:
        """The media's reader if its peaks are loaded; otherwise None, and a build starts."""
        if folder is None:
            return None
        key = (str(folder), ref.id, ref.path)
        found = self._readers.get(key)
        if found is not None or key in self._pending or key in self._failed:
            return found
        cancel = threading.Event()
        self._pending[key] = (cancel, media_file(Path(folder), ref))
        self._pool.start(lambda: self._build(key, Path(folder), ref, cancel))
        return None

    def _build(self, key: _Key, folder: Path, ref: MediaRef, cancel: threading.Event) -> None:
        """Runs in a worker thread."""
        if not media_file(folder, ref).is_file():
            if not cancel.is_set():
                self._relay.built.emit(key, None, self.MISSING)
            return
        try:
            peaks: Peaks | None = load_or_build(folder, ref, cancel=cancel)
            message = ""
        except PeakBuildCancelled:
            return
        except MediaError as error:
            peaks, message = None, str(error)
        except Exception as error:  # a failed build must not leave the clip waiting forever
            peaks, message = None, f"{ref.path} (media {ref.id}): {error}"
        if not cancel.is_set():
            self._relay.built.emit(key, peaks, message)

    def _built(self, key: _Key, peaks: Peaks | None, message: str) -> None:
        pending = self._pending.pop(key, None)
        if pending is None or pending[0].is_set():
            return
        if peaks is None:
            self._failed.add(key)
            if message == self.MISSING:
                self._missing.add(key)
                self.ready.emit()  # drawn hatched now
            else:
                self.failed.emit(f"cannot draw the waveform: {message}")
            return
        self._readers[key] = PeakReader(pending[1], peaks, name=key[2])
        self.ready.emit()

    def report_unreadable(self, folder: Path | None, ref: MediaRef, error: MediaError) -> None:
        """A sample read while painting failed: stop drawing that file and say so once."""
        key = (str(folder), ref.id, ref.path)
        reader = self._readers.pop(key, None)
        if reader is not None:
            self.blocks.drop(reader)
            reader.close()
        if key not in self._failed:
            self._failed.add(key)
            if folder is not None and not media_file(Path(folder), ref).is_file():
                self._missing.add(key)  # deleted while the song is open
                self.ready.emit()
            else:
                self.failed.emit(f"cannot draw the waveform: {error}")

    def recheck_missing(self) -> None:
        """Files found missing that are there again (put back in place by Locate) are drawn
        from their peaks from now on."""
        back = {key for key in self._missing if media_file(Path(key[0]), _ref(key)).is_file()}
        if back:
            self._missing -= back
            self._failed -= back
            self.ready.emit()

    def is_missing(self, folder: Path | None, ref: MediaRef) -> bool:
        """Whether the media's file was found missing (its clips are drawn hatched)."""
        return (str(folder), ref.id, ref.path) in self._missing

    def settled(self, folder: Path | None, ref: MediaRef) -> bool:
        """Whether the media's peaks are loaded or failed (starting a build if neither)."""
        if self.reader(folder, ref) is not None or folder is None:
            return True
        return (str(folder), ref.id, ref.path) in self._failed

    def clear(self) -> None:
        """Forget everything (the project moved to another folder); running builds are
        cancelled and their results dropped."""
        for cancel, _path in self._pending.values():
            cancel.set()
        self._pending.clear()
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()
        self.blocks.clear()
        self._failed.clear()
        self._missing.clear()

    def shutdown(self) -> None:
        """Cancel the builds and wait for the workers, before the window goes away."""
        self.clear()
        self._pool.waitForDone()


def _ref(key: _Key) -> MediaRef:
    """A MediaRef with the key's id and path: enough to find its file."""
    return MediaRef(key[1], key[2], 1, 1)
