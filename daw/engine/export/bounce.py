"""Bounce: render a range of the project to a WAV or FLAC file (and, when asked, one stem per
track and bus, and a loudness report), as fast as the machine allows.

Every file is written under a temporary name beside its target and renamed over it only when
complete, so a cancelled or failed bounce never leaves a half-written file under a name asked
for, and an earlier file of that name survives a failed bounce. A file the disk refuses (full,
read-only) is removed and does not stop the others: they are finished, and one error then
names every file that failed and why. The main file and the stems come out of one render
pass: one progress, and the same range and length for all.

"Mastered" is the song as it plays: master fader, its automation and the master chain.
"Unmastered" leaves the master chain out and keeps the master fader and its automation (a
fade-out drawn on the master is part of the mix), which is what a mastering engineer wants to
receive; the stems add up to the unmastered mix.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from daw.dsp.dither import DITHER_SEED
from daw.dsp.effects import effect_ranges
from daw.engine.export.analyze import analyze_file
from daw.engine.export.bounce_report import report_paths, write_report
from daw.engine.export.bounce_writer import (
    BIT_DEPTHS,
    FLAC_DEPTHS,
    FORMATS,
    AudioWriter,
    BounceCancelled,
    BounceError,
)
from daw.engine.export.stems import stem_paths
from daw.engine.export.tail import TailCut, check_tail, quiet_window, tail_frames
from daw.engine.render.containment import Fault
from daw.engine.render.effect_bank import chain_latency
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import DEFAULT_MAX_BLOCK, FarmError, Renderer
from daw.engine.render.renditions import RenditionCache
from daw.engine.render.track_farm import TrackFarm
from daw.media import MediaPool
from daw.model.disk import describe_write_error
from daw.model.errors import EditError
from daw.model.missing import MediaUse, media_uses
from daw.model.owned import owned_reason
from daw.model.project import Project
from daw.model.validate import check_project

__all__ = [
    "BIT_DEPTHS",
    "FORMATS",
    "BounceCancelled",
    "BounceError",
    "BounceSettings",
    "auto_workers",
    "bounce",
    "check_destinations",
    "check_options",
    "file_format",
    "loop_range",
    "marker_range",
]

BOUNCE_BLOCK = DEFAULT_MAX_BLOCK
MIN_RATE, MAX_RATE = 8000, 384000

Progress = Callable[[int, int], None]
"""Called with (frames done, frames in all) after every block."""
Warn = Callable[[str], None]
"""Called with one line for each thing the person should know of a finished bounce (media
files missing, played as silence; a strip muted because its effects produced NaN or infinite
samples)."""


@dataclass(frozen=True)
class BounceSettings:
    path: Path
    start_frame: int = 0
    end_frame: int | None = None
    """None: the end of the last clip."""
    bit_depth: str = "24"
    """"16", "24" or "32f" (32-bit float, WAV only)."""
    sample_rate: int | None = None
    """None: the project's rate. Otherwise the mix is resampled (soxr, very high quality)."""
    workers: int | None = None
    """Processes rendering the tracks (1: none, all in this process); None: `auto_workers`.
    The file is the same bit for bit whatever the number."""
    format: str | None = None
    """"wav" or "flac"; None: from the file's suffix (.flac is FLAC, anything else WAV)."""
    dither: bool = True
    """TPDF dither when quantising to 16 or 24 bit (a float file needs none)."""
    mastered: bool = True
    """False leaves the master chain out (see the module's description)."""
    stems_dir: Path | None = None
    """A folder for one file per track and bus (made if missing); None: no stems."""
    report: bool = True
    """Write ``<name>.loudness.json`` and ``<name>.loudness.txt`` beside the file."""
    tail: float | None = None
    """The longest tail, in seconds, rendered past the range's end while reverbs and echoes
    still sound (it stops once everything stays below −90 dBFS; see `daw.engine.export.tail`).
    None: 30 s when the range runs to the song's end (`end_frame` None), none for a range
    given an end (a loop, a marker, --end), which ends where asked. 0: no tail."""


MAX_WORKERS = 4
MIN_TRACK_SECONDS = 240.0
"""Effects on audio tracks times seconds bounced from which render processes pay for their
start: eight tracks with an effect for 30 s. Measured on two cores (bench/README.md): two
tracks with two effects for 60 s bounced in 0.88 s in one process and 0.74 s with two."""


def auto_workers(project: Project, seconds: float | None = None) -> int:
    """Render processes for a bounce of `seconds` of the song (None: all of it): one per core
    (up to MAX_WORKERS, no more than the tracks) when there are two cores or more and enough
    effect work to share; otherwise 1, everything in this process. Without effects reading
    the files is most of the work, and one process does it best."""
    tracks = [t for t in project.tracks if not t.is_bus]
    busy = sum(1 for t in tracks for e in t.effects if not e.bypassed)
    if not busy or len(tracks) < 2:
        return 1
    if seconds is None:
        seconds = project.end_frame / project.sample_rate
    if busy * seconds < MIN_TRACK_SECONDS:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return max(1, min(MAX_WORKERS, cores, len(tracks)))


def marker_range(project: Project, name: str) -> tuple[int, int]:
    """The frames from the marker called `name` to the next marker (or the song's end)."""
    markers = sorted(project.markers, key=lambda m: m.frame)
    for index, marker in enumerate(markers):
        if marker.name.casefold() == name.casefold():
            end = markers[index + 1].frame if index + 1 < len(markers) else project.end_frame
            if end <= marker.frame:
                raise BounceError(f"marker {name!r} is at the end of the song: nothing after it")
            return marker.frame, end
    names = ", ".join(m.name for m in markers) or "none"
    raise BounceError(f"no marker called {name!r} (markers: {names})")


def loop_range(region: tuple[int, int] | None) -> tuple[int, int]:
    """The loop region set on the ruler (it lives in the window's view, not in the song), as
    a range to bounce."""
    if region is None:
        raise BounceError("no loop region is set: drag one on the ruler first")
    start, end = int(region[0]), int(region[1])
    if start < 0 or end <= start:
        raise BounceError(f"the loop region {start}–{end} is empty")
    return start, end


def file_format(settings: BounceSettings) -> str:
    """The format the settings ask for, checked against the file's suffix."""
    suffix = Path(settings.path).suffix.lower()
    named = {".flac": "flac", ".wav": "wav", ".wave": "wav"}.get(suffix)
    chosen = settings.format or named or "wav"
    if chosen not in FORMATS:
        raise BounceError(f"format {chosen!r}: choose wav or flac")
    if named is not None and named != chosen:
        raise BounceError(f"{settings.path}: a {chosen.upper()} file should not end in {suffix}")
    return chosen


def check_options(settings: BounceSettings) -> str:
    """Check what the settings ask for by themselves (format, bit depth, rate, range order)
    and return the file format; `bounce` checks the rest against the song and the disk."""
    if settings.bit_depth not in BIT_DEPTHS:
        raise BounceError(f"bit depth {settings.bit_depth!r}: choose 16, 24 or 32f")
    kind = file_format(settings)
    if kind == "flac" and settings.bit_depth not in FLAC_DEPTHS:
        raise BounceError("FLAC holds 16 or 24 bit: choose one of those, or WAV for 32-bit "
                          "float")
    if settings.sample_rate is not None and not MIN_RATE <= settings.sample_rate <= MAX_RATE:
        raise BounceError(f"sample rate {settings.sample_rate} Hz is not supported "
                          f"({MIN_RATE}–{MAX_RATE} Hz)")
    if settings.start_frame < 0:
        raise BounceError(f"the range starts before the song (frame {settings.start_frame})")
    if settings.end_frame is not None and settings.end_frame <= settings.start_frame:
        raise BounceError("nothing to render: the range ends where it starts or before")
    try:
        check_tail(settings.tail)
    except ValueError as error:
        raise BounceError(str(error)) from None
    return kind


def check_destinations(project: Project, project_dir: Path, settings: BounceSettings,
                       kind: str) -> None:
    """Refuse, before anything is rendered, a file or stems folder that is part of the
    project itself (its project.json, audio/, backups/, cache/ or a media file it names):
    a bounce must never write over the song it comes from."""
    wanted = [Path(settings.path)]
    if settings.report:
        wanted += report_paths(Path(settings.path))
    if settings.stems_dir is not None:
        wanted += [Path(settings.stems_dir),
                   *stem_paths(project, Path(settings.stems_dir), kind).values()]
    for path in wanted:
        why = owned_reason(project_dir, project, path)
        if why is not None:
            raise BounceError(f"{path}: this is {why}; a bounce never writes there "
                              "(choose a place outside the project's own files)")


def _check(project: Project, project_dir: Path,
           settings: BounceSettings) -> tuple[str, int, int, int]:
    """(format, start, end, output rate) once every setting is known to be usable."""
    kind = check_options(settings)
    check_destinations(project, project_dir, settings, kind)
    try:
        check_project(project, effect_ranges())
    except EditError as error:
        raise BounceError(f"cannot bounce: {error}") from None
    start = settings.start_frame
    end = project.end_frame if settings.end_frame is None else settings.end_frame
    if end <= start:
        raise BounceError("nothing to render: the range is empty (the project may have no clips)")
    out_rate = settings.sample_rate or project.sample_rate
    if not MIN_RATE <= out_rate <= MAX_RATE:
        raise BounceError(f"sample rate {out_rate} Hz is not supported "
                          f"({MIN_RATE}–{MAX_RATE} Hz)")
    target = Path(settings.path)
    if not target.parent.is_dir():
        raise BounceError(f"{target.parent}: no such folder")
    stems = settings.stems_dir
    if stems is not None and not Path(stems).is_dir():
        if Path(stems).exists():
            raise BounceError(f"{stems}: not a folder (stems go into a folder)")
        if not Path(stems).parent.is_dir():
            raise BounceError(f"{Path(stems).parent}: no such folder (for the stems)")
    return kind, start, end, out_rate


def bounce(
    project: Project,
    project_dir: Path,
    settings: BounceSettings,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    warn: Warn | None = None,
) -> Path:
    """Render the range to `settings.path` (and the stems and report asked for); return the
    path. Raises BounceError (BounceCancelled when `cancel` was set) with nothing left
    behind. Media files that are missing play as silence and the rest is rendered; they and
    the strips silenced for bad output are named in the report and told to `warn`. Other
    media problems (a file changed or unreadable) refuse the bounce."""
    kind, start, end, out_rate = _check(project, Path(project_dir), settings)
    target = Path(settings.path)
    limit = end + tail_frames(project, settings.tail, settings.end_frame is None)
    if not settings.mastered:
        project = replace(project, master=replace(project.master, effects=()))
    stems_dir = None if settings.stems_dir is None else Path(settings.stems_dir)
    made_dir = False
    writers: list[AudioWriter] = []
    faults: list[Fault] = []
    silent: list[MediaUse] = []
    try:
        with RenditionCache(project_dir) as renditions:  # pitch and stretch, made first
            project = renditions.playable(project, wait=True)
        with MediaPool(project_dir, project.media, sample_rate=project.sample_rate,
                       missing_ok=True) as pool:
            pool.check()
            silent = heard_media(project, pool.missing, start, end)

            def writer(path: Path, seed: int) -> AudioWriter:
                made = AudioWriter(path, kind, settings.bit_depth, project.sample_rate,
                                   out_rate, limit - start, settings.dither, seed)
                writers.append(made)
                return made

            main = writer(target, DITHER_SEED)
            stems: dict[str, AudioWriter] = {}
            if stems_dir is not None:
                if not stems_dir.is_dir():
                    try:
                        stems_dir.mkdir()
                    except OSError as error:
                        raise BounceError(describe_write_error(stems_dir, error)) from error
                    made_dir = True
                paths = stem_paths(project, stems_dir, kind)
                if target.resolve() in {path.resolve() for path in paths.values()}:
                    raise BounceError(f"{target}: a stem would have this name too; choose "
                                      "another name or stems folder")
                stems = {strip: writer(path, DITHER_SEED + 1 + index)
                         for index, (strip, path) in enumerate(paths.items())}
            delay = (chain_latency(project.master.effects, project.sample_rate)
                     if settings.mastered else 0)
            steps = list(_steps(start, limit, delay, bool(stems)))
            workers = (auto_workers(project, (end - start) / project.sample_rate)
                       if settings.workers is None else settings.workers)
            farm = _start_farm(project, project_dir, steps, workers)
            try:
                renderer = Renderer(compile_plan(project), pool, max_block=BOUNCE_BLOCK,
                                    tracks=farm)
            except BaseException:
                if farm is not None:
                    farm.close()
                raise
            with renderer:
                try:
                    cut = TailCut([main, *stems.values()], start, end, limit,
                                  quiet_window(project))
                    tail = _render(renderer, cut, stems, steps, progress, cancel) - end
                    faults = renderer.faults
                except FarmError as error:
                    raise BounceError(f"{target}: could not bounce ({error})") from error
        for each in writers:
            each.close()
        for each in (*stems.values(), main):
            each.commit()
    except BaseException as error:
        for each in writers:
            each.discard()
        _remove_if_empty(stems_dir if made_dir else None)
        if isinstance(error, OSError):
            raise BounceError(describe_write_error(error.filename or target, error)) from error
        raise
    _remove_if_empty(stems_dir if made_dir else None)
    failures = [w.error for w in writers if w.error is not None]
    if settings.report and main.error is None:
        info = _describe(settings, kind, start, end + tail, project.sample_rate, out_rate,
                         [w.target.name for w in stems.values() if w.error is None])
        info["tail_seconds"] = tail / project.sample_rate
        info["silenced"] = [f.as_dict(project.sample_rate) for f in faults]
        info["missing_media"] = [{"path": use.ref.path, "media_id": use.ref.id,
                                  "tracks": list(use.tracks), "clips": list(use.clips)}
                                 for use in silent]
        try:
            write_report(target, analyze_file(target), info)
        except BounceError as error:
            failures.append(str(error))
    if warn is not None and silent:
        warn(missing_warning(silent))
    for fault in faults if warn is not None else ():
        warn(fault.describe(project.sample_rate))
    if failures:
        raise BounceError(_failures(failures, [w for w in writers if w.error is None]))
    return target


def heard_media(project: Project, missing: frozenset[str], start: int,
                end: int) -> list[MediaUse]:
    """The missing media that clips in [start, end) would have played, with those clips and
    their tracks: what the bounce has silent in it."""
    uses = []
    for use in media_uses(project, missing):
        heard = [(t.name, c.id) for t in project.tracks for c in t.clips
                 if c.media_id == use.ref.id and c.start_frame < end and c.end_frame > start]
        if heard:
            tracks = tuple(dict.fromkeys(name for name, _ in heard))
            uses.append(MediaUse(use.ref, tracks, tuple(clip for _, clip in heard)))
    return uses


def missing_warning(uses: list[MediaUse]) -> str:
    """One line for the person: how many media files are missing, each with its tracks."""
    count = len(uses)
    verb = "media file is missing and plays" if count == 1 else "media files are missing and play"
    return f"{count} {verb} as silence: " + ", ".join(use.describe() for use in uses)


def _remove_if_empty(folder: Path | None) -> None:
    """Remove a stems folder the bounce made when no stem reached it."""
    if folder is not None and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def _failures(failures: list[str], written: list[AudioWriter]) -> str:
    """Every file that failed, with its reason, and what was written all the same: one
    message, so a full disk in the middle of the stems is told once, file by file."""
    text = "; ".join(failures)
    if written:
        text += "; written all the same: " + ", ".join(w.target.name for w in written)
    return text


@dataclass(frozen=True)
class _Step:
    """One block of a bounce: render `frames` from `position`; the main file takes `main`
    frames of it after dropping `dropped`, the stems take its first `stems` frames."""

    position: int
    frames: int
    dropped: int
    main: int
    stems: int


def _steps(start: int, end: int, delay: int, stems: bool) -> Iterator[_Step]:
    """The blocks of one pass over the range, known before rendering (render processes are
    told them in advance).

    A master chain that looks ahead (a limiter) delays the mix by `delay` frames: the pass
    renders that much further and the main file drops its first `delay` frames, so a mastered
    file lines up with the song (and its stems) to the sample and keeps its last frames."""
    position = start
    skip = delay
    main_left = end - start
    stems_left = end - start if stems else 0
    while main_left > 0 or stems_left > 0:
        n = min(BOUNCE_BLOCK, max(main_left + skip, stems_left))
        dropped = min(skip, n)
        skip -= dropped
        main = max(0, min(n - dropped, main_left))
        to_stems = min(n, stems_left)
        main_left -= main
        stems_left -= to_stems
        yield _Step(position, n, dropped, main, to_stems)
        position += n


def _start_farm(project: Project, project_dir: Path, steps: list[_Step],
                workers: int) -> TrackFarm | None:
    """Render processes for the tracks, or None to render them here: with one worker, or
    when the processes cannot start (no shared memory, say) — slower, never wrong."""
    if workers <= 1:
        return None
    try:
        return TrackFarm(project, project_dir, [(s.position, s.frames) for s in steps],
                         workers, BOUNCE_BLOCK)
    except (OSError, ValueError):
        return None


def _render(renderer: Renderer, cut: TailCut, stems: dict[str, AudioWriter],
            steps: list[_Step], progress: Progress | None,
            cancel: threading.Event | None) -> int:
    """One pass over the range and its tail, feeding the main file and every stem block by
    block through `cut`, which ends them all where the tail dies out; return that frame."""
    block = np.zeros((BOUNCE_BLOCK, 2), dtype=np.float32)
    stem_blocks = {strip: np.zeros((BOUNCE_BLOCK, 2), dtype=np.float32) for strip in stems}
    main = cut.writers[0]
    total = cut.end - cut.start
    for step in steps:
        if cancel is not None and cancel.is_set():
            raise BounceCancelled("bounce cancelled")
        n = step.frames
        renderer.render(step.position, block[:n],
                        {k: v[:n] for k, v in stem_blocks.items()} if stems else None)
        done = cut.take([block[step.dropped:step.dropped + step.main],
                         *(stem_blocks[strip][:step.stems] for strip in stems)])
        if progress is not None:
            progress(min(step.position + n - cut.start, total), total)
        if main.error is not None and all(s.error is not None for s in stems.values()):
            break  # no file left to write: what failed is told by the caller
        if done:
            break
    return cut.finish()


def _describe(settings: BounceSettings, kind: str, start: int, end: int, rate: int,
              out_rate: int, stems: list[str]) -> dict[str, object]:
    """The bounce's settings and range, for the report."""
    return {
        "format": kind,
        "bit_depth": settings.bit_depth,
        "sample_rate": out_rate,
        "dither": settings.dither and settings.bit_depth != "32f",
        "mastered": settings.mastered,
        "range": {"start_frame": start, "end_frame": end, "project_sample_rate": rate,
                  "start_seconds": start / rate, "end_seconds": end / rate},
        "stems": stems,
    }
