"""Finding takes that a crash (or a quit before saving) left out of the project, and giving
them back as clips.

Every take has a journal beside it in ``audio/`` (see `daw.engine.live.recorder`). A take whose file
the project does not use is an orphan: its header is repaired (after a crash it is up to a
quarter of a second behind the audio in the file) and it goes back on its track, where it was
recorded, as the takes it would have made (a loop recording's passes, a punch heard over its
range only) and comped in the same way. Journals of takes the project already uses are cleaned
up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from daw.engine.live.record_plan import shape_takes
from daw.engine.live.recorder import JOURNAL_SUFFIX, Take
from daw.media import import_audio, probe
from daw.media.takefile import repair_take
from daw.model import ops
from daw.model.comping import add_recorded_takes
from daw.model.project import MediaRef, Project, new_id


@dataclass(frozen=True)
class OrphanTake:
    """A take on disk that the project does not use."""

    journal: Path
    file: Path
    track_id: str
    track_name: str
    start_frame: int
    """Where the take's first frame belongs on the timeline (project frames)."""
    record_from_frame: int
    device_rate: int
    loop: tuple[int, int] | None = None
    """The loop region of a loop recording: its passes become takes."""
    punch: tuple[int, int] | None = None
    """The punch range of a punch recording: only it is heard."""


def _range(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    start, end = value  # type: ignore[misc]
    if int(end) <= int(start):
        raise ValueError(f"an empty range {value!r}")
    return int(start), int(end)


def _read_journal(journal: Path) -> OrphanTake | None:
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        origin = data["origin_frame"]
        record_from = int(data["record_from_frame"])
        return OrphanTake(
            journal=journal,
            file=journal.with_name(str(data["file"])),
            track_id=str(data["track_id"]),
            track_name=str(data.get("track_name", "Recovered")),
            start_frame=record_from if origin is None else int(origin),
            record_from_frame=record_from,
            device_rate=int(data["device_rate"]),
            loop=_range(data.get("loop")),
            punch=_range(data.get("punch")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def find_orphan_takes(project_dir: Path, project: Project) -> list[OrphanTake]:
    """Takes in ``audio/`` with a journal whose file the project does not use."""
    audio = Path(project_dir) / "audio"
    used = {Path(ref.path).name for ref in project.media}
    orphans = []
    for journal in sorted(audio.glob(f"*{JOURNAL_SUFFIX}")):
        take = _read_journal(journal)
        if take is None or not take.file.is_file() or take.file.name in used:
            continue
        orphans.append(take)
    return orphans


def forget_used_journals(project_dir: Path, project: Project) -> None:
    """Delete the journals of takes the project now uses (call after saving it)."""
    audio = Path(project_dir) / "audio"
    used = {Path(ref.path).name for ref in project.media}
    for journal in audio.glob(f"*{JOURNAL_SUFFIX}"):
        if journal.name.removesuffix(JOURNAL_SUFFIX) in used:
            journal.unlink(missing_ok=True)


def recover_takes(project_dir: Path, project: Project, takes: list[OrphanTake]) -> Project:
    """Repair each take and put it back on its track (a new track if that one is gone), kept
    as takes and comped in as when recording stops.

    Returns the new project; nothing is saved here, so the person can still say no (undo)."""
    for take in takes:
        frames = repair_take(take.file)
        if frames == 0:
            continue
        if take.device_rate == project.sample_rate:
            ref = MediaRef(new_id("media"), f"audio/{take.file.name}",
                           _channels(take.file), frames, take.file.name)
        else:
            ref = import_audio(take.file, Path(project_dir), project.sample_rate)
        track_id = take.track_id
        if not any(t.id == track_id for t in project.tracks):
            project = ops.add_track(project, f"{take.track_name} (recovered)")
            track_id = project.tracks[-1].id
        offset = max(0, take.record_from_frame - take.start_frame)
        length = ref.length_frames - offset
        if length <= 0:
            continue
        start = take.start_frame + offset
        whole = Take(track_id, ref, start, offset, length, (start, start + length))
        shaped = shape_takes([whole], project.sample_rate, loop=take.loop, punch=take.punch)
        project = add_recorded_takes(project, shaped)
    return project


def _channels(path: Path) -> int:
    return probe(path).channels
