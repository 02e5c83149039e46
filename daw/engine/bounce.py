"""Bounce: render a range of the project to a WAV file, as fast as the machine allows.

The file is written under a temporary name beside the target and renamed only when complete,
so a cancelled or failed bounce never leaves a half-written file under the name asked for.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from daw.dsp.dither import Quantizer
from daw.engine.plan import compile_plan
from daw.engine.renderer import Renderer
from daw.media import MediaPool
from daw.model.project import Project

BIT_DEPTHS = {"16": "PCM_16", "24": "PCM_24", "32f": "FLOAT"}
BOUNCE_BLOCK = 16384

Progress = Callable[[int, int], None]
"""Called with (frames done, frames in all) after every block."""


class BounceError(Exception):
    """A bounce that cannot be done, with a reason a person can act on."""


class BounceCancelled(BounceError):
    """The person cancelled; nothing was left behind."""


@dataclass(frozen=True)
class BounceSettings:
    path: Path
    start_frame: int = 0
    end_frame: int | None = None
    """None: the end of the last clip."""
    bit_depth: str = "24"
    sample_rate: int | None = None
    """None: the project's rate. Otherwise the mix is resampled (soxr, very high quality)."""
    workers: int | None = None
    """Threads rendering the tracks; None: `auto_workers`. The file is the same bit for bit
    whatever the number."""


MAX_WORKERS = 4
MIN_CORES_FOR_WORKERS = 4
"""On two cores (measured here) a second render thread made a bounce with EQs and
compressors slower, not faster: numpy's BLAS already spreads the EQs' matrix products over
both cores, and the threads only contend. Track threads are used from four cores on."""


def auto_workers(project: Project) -> int:
    """Threads for a bounce: tracks are independent until the buses, and the effects (numpy,
    pedalboard) let go of the interpreter while they work, so a project with effects renders
    its tracks on up to MAX_WORKERS threads where there are cores to spare; without effects
    reading the files is most of the work, and one thread does it best."""
    if not any(not e.bypassed for t in project.tracks for e in t.effects):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return min(MAX_WORKERS, cores) if cores >= MIN_CORES_FOR_WORKERS else 1


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


def bounce(
    project: Project,
    project_dir: Path,
    settings: BounceSettings,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Render the range to `settings.path` and return it."""
    if settings.bit_depth not in BIT_DEPTHS:
        raise BounceError(f"bit depth {settings.bit_depth!r}: choose 16, 24 or 32f")
    start = settings.start_frame
    end = project.end_frame if settings.end_frame is None else settings.end_frame
    if end <= start:
        raise BounceError("nothing to render: the range is empty (the project may have no clips)")
    out_rate = settings.sample_rate or project.sample_rate
    if not 8000 <= out_rate <= 384000:
        raise BounceError(f"sample rate {out_rate} Hz is not supported")
    target = Path(settings.path)
    if not target.parent.is_dir():
        raise BounceError(f"{target.parent}: no such folder")
    partial = target.with_name(f".{target.name}.partial")
    with MediaPool(project_dir, project.media, sample_rate=project.sample_rate) as pool:
        pool.check()
        workers = auto_workers(project) if settings.workers is None else settings.workers
        renderer = Renderer(compile_plan(project), pool, max_block=BOUNCE_BLOCK,
                            workers=workers)
        try:
            _write(renderer, partial, start, end, settings.bit_depth, project.sample_rate,
                   out_rate, progress, cancel)
            os.replace(partial, target)
        except (OSError, sf.LibsndfileError) as error:
            partial.unlink(missing_ok=True)
            reason = getattr(error, "strerror", None) or str(error)
            raise BounceError(f"{target}: could not write the file ({reason})") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        finally:
            renderer.close()
    return target


def _write(
    renderer: Renderer,
    partial: Path,
    start: int,
    end: int,
    bit_depth: str,
    rate: int,
    out_rate: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    quantizer = None if bit_depth == "32f" else Quantizer(int(bit_depth), 2, bit_depth == "16")
    resampler = (
        soxr.ResampleStream(rate, out_rate, 2, dtype="float32", quality="VHQ")
        if out_rate != rate
        else None
    )
    block = np.zeros((BOUNCE_BLOCK, 2), dtype=np.float32)
    total = end - start
    with sf.SoundFile(partial, "w", samplerate=out_rate, channels=2,
                      subtype=BIT_DEPTHS[bit_depth], format="WAV") as out:

        def emit(samples: np.ndarray) -> None:
            out.write(samples if quantizer is None else quantizer.quantize(samples))

        position = start
        while position < end:
            if cancel is not None and cancel.is_set():
                raise BounceCancelled("bounce cancelled")
            n = min(BOUNCE_BLOCK, end - position)
            renderer.render(position, block[:n])
            position += n
            last = position >= end
            if resampler is not None:
                emit(resampler.resample_chunk(block[:n], last=last))
            else:
                emit(block[:n])
            if progress is not None:
                progress(position - start, total)
