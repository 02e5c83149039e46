"""Renditions: the audio of a clip with its pitch shifted or its time stretched, rendered once
in a worker thread into the project's cache and played from there, so playback stays light.

A rendition is named by everything that makes its audio: the media, the file as it is on disk
(size and modification time), the stretch of it the clip plays, the pitch, cents and stretch,
the length and the rate. A new setting is a new file, and going back to an old one finds its
file still there; `cache/` can be deleted at any time and is rebuilt. A file is written under
a temporary name and renamed when whole, so a reader never sees half a rendition.

What plays is a copy of the project in which each processed clip whose rendition is ready
plays it instead (`RenditionCache.playable`): an ordinary clip on a media whose file is the
rendition, from its first frame, so the plan, the renderer and the media pool play it with no
change at all. The bounce waits for every rendition first. Playback does not: a clip whose
rendition is not ready yet plays its unprocessed audio, and the rendition is swapped in when it
is done (`on_ready`). Unprocessed rather than silent, because a part that drops out while its
pitch is being set sounds like a fault, while the old pitch for the fraction of a second a
rendition takes is plainly work in progress, and keeps the timing to play along with.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

import numpy as np

from daw.dsp.stretch import time_stretch
from daw.media import MediaError, MediaPool
from daw.media.peaks import media_file
from daw.media.takefile import TakeWriter
from daw.model.disk import describe_write_error
from daw.model.project import Clip, MediaRef, Project

RENDITION_FOLDER = ("cache", "renditions")
RENDITION_PREFIX = "rendition:"
"""Media ids of renditions in the played project start with this (never a project's id)."""
_WAV_HEADER_BYTES = 58
"""The header `TakeWriter` writes: a whole rendition is this plus 4 bytes a sample."""


@dataclass(frozen=True)
class RenditionKey:
    """Everything that decides a rendition's samples."""

    media_id: str
    file_size: int
    file_mtime_ns: int
    source_offset_frames: int
    source_frames: int
    length_frames: int
    semitones: float
    cents: float
    stretch: float
    sample_rate: int

    @property
    def name(self) -> str:
        """``<media id>-<digest>``: readable in a file listing, unique to the settings."""
        digest = hashlib.sha1(repr(self).encode("utf-8")).hexdigest()[:20]
        return f"{self.media_id}-{digest}"


def rendition_key(project_dir: Path, project: Project, clip: Clip) -> RenditionKey:
    """The key of a processed clip's rendition; MediaError when its media file is missing."""
    ref = project.media_ref(clip.media_id)
    path = media_file(project_dir, ref)
    try:
        stat = path.stat()
    except OSError:
        raise MediaError(f"{ref.path} (media {ref.id}): missing") from None
    return RenditionKey(ref.id, stat.st_size, stat.st_mtime_ns, clip.source_offset_frames,
                        clip.source_frames, clip.length_frames, float(clip.pitch_semitones),
                        float(clip.pitch_cents), float(clip.stretch), project.sample_rate)


def rendition_file(project_dir: Path, key: RenditionKey) -> Path:
    """``cache/renditions/<name>.wav`` in the project folder."""
    if not key.media_id or any(c in key.media_id for c in "/\\:") or key.media_id[0] == ".":
        raise ValueError(f"media id {key.media_id!r} cannot name a cache file")
    return Path(project_dir).joinpath(*RENDITION_FOLDER, f"{key.name}.wav")


def read_clip_source(project_dir: Path, project: Project, clip: Clip) -> np.ndarray:
    """The frames of its media the clip plays, unprocessed: (source frames, channels) float32.
    Raises MediaError naming the file if it cannot be read."""
    ref = project.media_ref(clip.media_id)
    with MediaPool(project_dir, [ref], sample_rate=project.sample_rate) as pool:
        source = np.zeros((clip.source_frames, ref.channels), dtype=np.float32)
        pool.read_into(ref.id, clip.source_offset_frames, source)
    return source


def render_rendition(project_dir: Path, project: Project, clip: Clip, target: Path) -> Path:
    """Render a processed clip into `target` (float32 WAV, `clip.length_frames` long) and
    return it. Blocking: reads the clip's stretch of its media and runs the stretcher. A
    disk that refuses the file raises MediaError naming it and why, and leaves no part of
    it behind."""
    ref = project.media_ref(clip.media_id)
    source = read_clip_source(project_dir, project, clip)
    try:
        audio = time_stretch(source, project.sample_rate, clip.stretch, clip.pitch_semitones,
                             clip.pitch_cents, out_frames=clip.length_frames)
    except ValueError as error:
        raise MediaError(f"{ref.path} (media {ref.id}): cannot process clip {clip.id} "
                         f"({error})") from error
    target = Path(target)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = TakeWriter(temp, ref.channels, project.sample_rate)
        try:
            writer.write(audio)
        finally:
            writer.close()
        os.replace(temp, target)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):  # a full or read-only disk: which file, and why
            raise MediaError(describe_write_error(target, error)) from error
        raise
    return target


def _is_whole(path: Path, channels: int, frames: int) -> bool:
    try:
        return path.stat().st_size == _WAV_HEADER_BYTES + 4 * channels * frames
    except OSError:
        return False


class RenditionCache:
    """The renditions of one project folder, rendered one at a time on a worker thread.

    `ensure` and `playable` may be called from any thread. `on_ready` is called on the worker
    thread once each rendition asked for is written (or has failed): the engine posts itself
    a command from it, so it must return at once and never touch Qt."""

    def __init__(self, project_dir: Path, on_ready: Callable[[], None] | None = None) -> None:
        self.project_dir = Path(project_dir)
        self.on_ready = on_ready
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="minidaw-renditions")
        self._jobs: dict[RenditionKey, Future[Path]] = {}
        self._lock = threading.Lock()

    # --- one clip -------------------------------------------------------------------------

    def path(self, project: Project, clip: Clip) -> Path:
        """Where the clip's rendition is (or will be)."""
        return rendition_file(self.project_dir, rendition_key(self.project_dir, project, clip))

    def ready(self, project: Project, clip: Clip) -> bool:
        """Whether the clip's rendition is on disk, whole (always False for a clip that is
        not processed, or whose media is missing)."""
        if not clip.is_processed:
            return False
        try:
            key = rendition_key(self.project_dir, project, clip)
        except MediaError:
            return False
        channels = project.media_ref(clip.media_id).channels
        return _is_whole(rendition_file(self.project_dir, key), channels, clip.length_frames)

    def ensure(self, project: Project, clip: Clip) -> Future[Path]:
        """The rendition's path as a future: done at once when it is on disk, else rendered
        on the worker (once: asking again while it renders, or after it failed, returns the
        same job). Raises MediaError when the media file is missing."""
        key = rendition_key(self.project_dir, project, clip)
        target = rendition_file(self.project_dir, key)
        channels = project.media_ref(clip.media_id).channels
        with self._lock:
            if _is_whole(target, channels, clip.length_frames):
                done: Future[Path] = Future()
                done.set_result(target)
                return done
            job = self._jobs.get(key)
            if job is not None and not job.cancelled() and (
                    not job.done() or job.exception() is not None):
                return job
            job = self._executor.submit(render_rendition, self.project_dir, project, clip,
                                        target)
            self._jobs[key] = job
        if self.on_ready is not None:
            on_ready = self.on_ready
            job.add_done_callback(lambda _job: on_ready())
        return job

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every rendition asked for so far is written or has failed (True), or
        until `timeout` seconds have passed (False)."""
        with self._lock:
            jobs = list(self._jobs.values())
        return not futures.wait(jobs, timeout).not_done

    # --- the played project ---------------------------------------------------------------

    def playable(self, project: Project, *, wait: bool = False) -> Project:
        """The project as it plays: each processed clip whose rendition is ready plays it.

        Asks for the renditions that are missing. With `wait` (the bounce), waits for them
        and raises MediaError naming the file if one cannot be made; without (playback),
        a clip waiting for its rendition plays as it is. A clip whose media is missing plays
        as it is either way: its media is silent (see `MediaPool`'s ``missing_ok``)."""
        refs: dict[str, MediaRef] = {}
        tracks = []
        for track in project.tracks:
            if any(clip.is_processed for clip in track.clips):
                track = replace(track, clips=tuple(
                    self._played_clip(project, clip, refs, wait) if clip.is_processed
                    else clip for clip in track.clips))
            tracks.append(track)
        if not refs:
            return project
        return replace(project, tracks=tuple(tracks), media=(*project.media, *refs.values()))

    def _played_clip(self, project: Project, clip: Clip, refs: dict[str, MediaRef],
                     wait: bool) -> Clip:
        try:
            key = rendition_key(self.project_dir, project, clip)
            job = self.ensure(project, clip)
        except MediaError:  # its media is missing
            return clip
        if wait:
            job.result()
        elif not job.done() or job.cancelled() or job.exception() is not None:
            return clip
        source = project.media_ref(clip.media_id)
        media_id = f"{RENDITION_PREFIX}{key.name}"
        path = rendition_file(self.project_dir, key).relative_to(self.project_dir)
        refs[media_id] = MediaRef(media_id, path.as_posix(), source.channels,
                                  clip.length_frames, source.source_name)
        return replace(clip, media_id=media_id, source_offset_frames=0, pitch_semitones=0.0,
                       pitch_cents=0.0, stretch=1.0)

    # --- life cycle -----------------------------------------------------------------------

    def close(self, wait: bool = True) -> None:
        """Stop taking work: the renditions waiting their turn are dropped (they are asked
        for again next time); the one being written is finished, and with `wait` this
        returns when it is (the engine does not wait: a long clip takes seconds)."""
        self._executor.shutdown(wait=wait, cancel_futures=True)

    def __enter__(self) -> RenditionCache:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
