"""How big a song may be: caps on positions and on counts, checked when a project file is
read, so a damaged or hostile file is refused at once instead of being built for half a
minute and rendered for hours.

The caps are far beyond any real song (an album-length session has a few thousand clips, a
live recording a few hours) and far below what would stall the loader or the renderer.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_SONG_HOURS = 24
"""No position or length may reach past a day of audio at the project's rate: a longer
timeline is a typing mistake or a damaged file, and rendering it would take hours. At 48 kHz
that is 4,147,200,000 frames; the cap grows with the rate, so a song holds the same hours at
any rate."""

MAX_TRACKS = 1_000
MAX_CLIPS = 100_000
"""Clips and takes together, over all tracks. Building 100,000 clips takes about 1.5 s here;
a million would take half a minute before anything could be said."""
MAX_POINTS = 200_000
"""Automation points over all envelopes."""
MAX_MARKERS = 10_000
MAX_MEDIA = 100_000
MAX_EFFECTS = 100
"""Effects in one chain."""


class TooBig(ValueError):
    """A count over its cap: ``field`` is where, the message says how many and the cap."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def max_frames(sample_rate: int) -> int:
    """The last frame a position may reach: `MAX_SONG_HOURS` at `sample_rate`."""
    return MAX_SONG_HOURS * 3600 * sample_rate


def _items(container: object, key: str) -> list[object]:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, list) else []


def _refuse(field: str, count: int, cap: int, what: str) -> None:
    if count > cap:
        raise TooBig(field, f"{count:,} {what}; a project holds at most {cap:,}")


def check_sizes(data: object) -> None:
    """Count what a raw project dict holds before anything is built from it; raises TooBig
    naming the list that holds too many. Malformed parts count as empty here: the reader
    that follows says what is wrong with them."""
    tracks = _items(data, "tracks")
    _refuse("tracks", len(tracks), MAX_TRACKS, "tracks")
    _refuse("media", len(_items(data, "media")), MAX_MEDIA, "media files")
    _refuse("markers", len(_items(data, "markers")), MAX_MARKERS, "markers")
    master = data.get("master") if isinstance(data, dict) else None
    owners: Iterable[tuple[str, object]] = [
        ("master", master), *((f"tracks[{i}]", t) for i, t in enumerate(tracks))]
    clips = points = 0
    for field, owner in owners:
        _refuse(f"{field}.effects", len(_items(owner, "effects")), MAX_EFFECTS, "effects")
        clips += len(_items(owner, "clips")) + len(_items(owner, "takes"))
        _refuse("tracks", clips, MAX_CLIPS, "clips and takes")
        points += sum(len(_items(e, "points")) for e in _items(owner, "automation"))
        _refuse("automation", points, MAX_POINTS, "automation points")
