"""Media whose file is gone: who uses them, and the two repairs, pointing a media at a file
found again (Locate) or removing what uses it (Remove).

Pure edits of the project, shared by the window, the command line and the tests; finding and
checking files on disk is the media layer's job (`daw.media.relink`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from daw.model.errors import EditError
from daw.model.project import MediaRef, Project


@dataclass(frozen=True)
class MediaUse:
    """A missing media and what in the song uses it, for messages and the repair dialog."""

    ref: MediaRef
    tracks: tuple[str, ...] = ()
    """Names of the tracks whose clips or takes use it, in track order."""
    clips: tuple[str, ...] = ()
    takes: tuple[str, ...] = ()

    def describe(self) -> str:
        """``audio/x.wav (track "Vocal")``: the file and where it is heard."""
        if not self.tracks:
            return f"{self.ref.path} (used by nothing)"
        noun = "track" if len(self.tracks) == 1 else "tracks"
        names = ", ".join(f'"{name}"' for name in self.tracks)
        return f"{self.ref.path} ({noun} {names})"


def media_uses(project: Project, media_ids: Iterable[str]) -> list[MediaUse]:
    """What uses each of `media_ids` (in the project's media order; unknown ids skipped)."""
    wanted = set(media_ids)
    uses: list[MediaUse] = []
    for ref in project.media:
        if ref.id not in wanted:
            continue
        tracks: list[str] = []
        clips: list[str] = []
        takes: list[str] = []
        for track in project.tracks:
            used_clips = [c.id for c in track.clips if c.media_id == ref.id]
            used_takes = [k.id for k in track.takes if k.media_id == ref.id]
            if used_clips or used_takes:
                tracks.append(track.name)
            clips += used_clips
            takes += used_takes
        uses.append(MediaUse(ref, tuple(tracks), tuple(clips), tuple(takes)))
    return uses


def remove_media_users(project: Project, media_ids: Iterable[str]) -> Project:
    """The song without the clips and takes that use `media_ids`, nor the media themselves
    (Remove, for files that are not coming back). The rest is untouched."""
    gone = set(media_ids)
    tracks = tuple(
        replace(track,
                clips=tuple(c for c in track.clips if c.media_id not in gone),
                takes=tuple(k for k in track.takes if k.media_id not in gone))
        for track in project.tracks)
    return replace(project, tracks=tracks,
                   media=tuple(m for m in project.media if m.id not in gone))


def relink_media(project: Project, found: Iterable[MediaRef]) -> Project:
    """Point each media at the file found for it (Locate): each `found` ref has the id of the
    media it replaces, and must have its channels and length, so every clip and take stays
    as it was. Raises EditError, changing nothing, for an unknown id or a file that differs."""
    by_id = {ref.id: ref for ref in found}
    known = {ref.id: ref for ref in project.media}
    for media_id, new in by_id.items():
        old = known.get(media_id)
        if old is None:
            raise EditError(f"no media with id {media_id!r}")
        if (new.channels, new.length_frames) != (old.channels, old.length_frames):
            raise EditError(f"{new.path}: {new.channels} ch, {new.length_frames} frames; "
                            f"{old.path} had {old.channels} ch, {old.length_frames} frames")
    media = tuple(replace(ref, path=by_id[ref.id].path) if ref.id in by_id else ref
                  for ref in project.media)
    return replace(project, media=media)
