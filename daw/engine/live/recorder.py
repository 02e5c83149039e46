"""Recording takes: a disk thread writes every armed input to its own file while it records.

Each take has a small journal beside it (``audio/<take>.take.json``) saying which track it is
for, where on the timeline its first frame belongs and, for a loop or punch recording, the loop
or punch range, written before the first frame is. If MiniDAW dies, `daw.engine.live.recovery` finds
the take through its journal and offers it back, split into passes as it would have been.

A loop recording writes one file a track for all its passes: the passes are cut from it when
recording stops (`daw.engine.live.record_plan`), so the input never pauses at a loop's end.

Threads: the engine thread calls `push`; the disk thread writes and syncs; the thread that
started the take calls `finish`.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from daw.media import MediaError, import_audio
from daw.media.takefile import TakeWriter
from daw.model.comping import RecordedTake
from daw.model.disk import DiskWriteError, describe_write_error
from daw.model.project import MediaRef, new_id

SYNC_SECONDS = 0.25
"""How often the disk thread makes the takes crash-safe; a crash loses at most this much more
than what the device had not yet delivered."""
JOURNAL_SUFFIX = ".take.json"


@dataclass(frozen=True)
class TakeSpec:
    """An armed track: where its take goes and which device inputs feed it (zero-based)."""

    track_id: str
    track_name: str
    input_channels: tuple[int, ...]


class Take(RecordedTake):
    """A take the recorder finished: plain data the model keeps on its track
    (`daw.model.comping.add_recorded_takes`)."""


def clock(frames: int, rate: int) -> str:
    """A take's length as a person reads it on the transport: 0:12.4, 1:05:02.0."""
    tenths = frames * 10 // rate  # down: never more than is there
    minutes, tenths = divmod(tenths, 600)
    hours, minutes = divmod(minutes, 60)
    seconds = f"{tenths // 10:02d}.{tenths % 10}"
    return f"{hours}:{minutes:02d}:{seconds}" if hours else f"{minutes}:{seconds}"


def _safe_name(text: str) -> str:
    cleaned = re.sub(r"[^\w .-]+", "_", text).strip(" .") or "Track"
    return cleaned[:60]


def write_journal(path: Path, data: dict[str, object]) -> None:
    """Replace a take's journal atomically."""
    temp = path.with_name(path.name + ".tmp")
    try:
        with open(temp, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


class TakeRecorder:
    """Writes the armed inputs of one recording pass to take files."""

    def __init__(self, project_dir: Path, specs: list[TakeSpec], device_rate: int,
                 project_rate: int, record_from_frame: int, *,
                 loop: tuple[int, int] | None = None,
                 punch: tuple[int, int] | None = None) -> None:
        self.project_dir = Path(project_dir)
        self.device_rate = device_rate
        self.project_rate = project_rate
        self.record_from_frame = record_from_frame
        self.loop = loop
        """The loop region of a loop recording (its passes are cut from one file)."""
        self.punch = punch
        """The punch range of a punch recording (only it is comped in)."""
        self.error: str | None = None
        self.origin_frame: int | None = None
        audio = self.project_dir / "audio"
        try:
            audio.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DiskWriteError(audio, error, "recording did not start") from error
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self._takes: list[tuple[TakeSpec, TakeWriter, Path]] = []
        for spec in specs:
            path = self._free_path(audio, f"{_safe_name(spec.track_name)} {stamp}")
            journal = path.with_name(path.name + JOURNAL_SUFFIX)
            try:
                writer = TakeWriter(path, len(spec.input_channels), device_rate)
            except OSError as error:
                self._abandon()
                raise DiskWriteError(path, error, "recording did not start") from error
            self._takes.append((spec, writer, journal))
            try:
                write_journal(journal, self._journal_data(spec, path))
            except OSError as error:
                self._abandon()
                raise DiskWriteError(journal, error, "recording did not start") from error
        self._queue: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._disk_loop, name="minidaw-disk",
                                        daemon=True)
        self._thread.start()

    @staticmethod
    def _free_path(folder: Path, stem: str) -> Path:
        path = folder / f"{stem}.wav"
        counter = 1
        while path.exists():
            counter += 1
            path = folder / f"{stem}-{counter}.wav"
        return path

    def _journal_data(self, spec: TakeSpec, path: Path) -> dict[str, object]:
        return {
            "version": 1,
            "track_id": spec.track_id,
            "track_name": spec.track_name,
            "file": path.name,
            "channels": len(spec.input_channels),
            "device_rate": self.device_rate,
            "project_rate": self.project_rate,
            "record_from_frame": self.record_from_frame,
            "origin_frame": self.origin_frame,
            "loop": None if self.loop is None else list(self.loop),
            "punch": None if self.punch is None else list(self.punch),
        }

    def set_origin(self, origin_frame: int) -> None:
        """Where the take's first frame belongs on the timeline, in project frames."""
        self.origin_frame = origin_frame
        for spec, writer, journal in self._takes:
            try:
                write_journal(journal, self._journal_data(spec, writer.path))
            except OSError as error:
                self.error = describe_write_error(journal, error)

    def push(self, block: np.ndarray) -> None:
        """Hand a block of device input (frames, device channels) to the disk thread.

        The block must not be changed afterwards (pass a copy)."""
        self._queue.put(block)

    # --- disk thread ----------------------------------------------------------------------

    def _disk_loop(self) -> None:
        last_sync = time.monotonic()
        while True:
            block = self._queue.get()
            if block is None:
                break
            if self.error is not None:
                continue  # keep draining; what was written stays
            try:
                for spec, writer, _ in self._takes:
                    writer.write(block[:, list(spec.input_channels)])
                now = time.monotonic()
                if now - last_sync >= SYNC_SECONDS:
                    for _, writer, _ in self._takes:
                        writer.sync()
                    last_sync = now
            except OSError as error:
                self._settle()  # the headers match what is on disk before anyone reads them
                self.error = (f"recording stopped: {describe_write_error(writer.path, error)}; "
                              f"the take is kept up to {clock(writer.header_frames, writer.rate)}")
        self._settle()

    def _settle(self) -> None:
        """Close every take, its header brought to the frames that reached the disk."""
        for _, writer, _ in self._takes:
            try:
                writer.close()
            except OSError as error:
                self.error = self.error or describe_write_error(writer.path, error)

    # --- finishing ------------------------------------------------------------------------

    def finish(self) -> list[Take]:
        """Stop the disk thread, close the files and describe each file as one take from the
        record point on, heard whole (`daw.engine.live.record_plan` cuts loop passes and
        punches)."""
        self._queue.put(None)
        self._thread.join()
        origin = self.record_from_frame if self.origin_frame is None else self.origin_frame
        takes = []
        for spec, writer, journal in self._takes:
            if writer.header_frames == 0:
                writer.path.unlink(missing_ok=True)
                journal.unlink(missing_ok=True)
                continue
            try:
                ref = self._media_for(spec, writer, journal)
            except (OSError, MediaError) as error:  # no room for the converted copy
                self.error = (f"{self.error + '; ' if self.error else ''}{error}; the take "
                              f"{writer.path.name} is kept and offered back at the next open")
                continue
            offset = max(0, self.record_from_frame - origin)
            length = ref.length_frames - offset
            if length <= 0:
                continue
            start = origin + offset
            takes.append(Take(spec.track_id, ref, start, offset, length, (start, start + length)))
        return takes

    def _media_for(self, spec: TakeSpec, writer: TakeWriter, journal: Path) -> MediaRef:
        """The take as project media; converted to the project's rate if the device differs
        (the journal then names the converted file, and the device-rate file goes)."""
        if self.device_rate == self.project_rate:
            return MediaRef(new_id("media"), f"audio/{writer.path.name}", writer.channels,
                            writer.header_frames, writer.path.name)
        ref = import_audio(writer.path, self.project_dir, self.project_rate)
        converted = self.project_dir / ref.path
        data = self._journal_data(spec, converted)
        data["device_rate"] = self.project_rate
        write_journal(converted.with_name(converted.name + JOURNAL_SUFFIX), data)
        journal.unlink(missing_ok=True)
        writer.path.unlink(missing_ok=True)
        return ref

    def _abandon(self) -> None:
        for _, writer, journal in self._takes:
            with contextlib.suppress(OSError):
                writer.close()
            writer.path.unlink(missing_ok=True)
            journal.unlink(missing_ok=True)
            journal.with_name(journal.name + ".tmp").unlink(missing_ok=True)
