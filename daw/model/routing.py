"""Buses and sends: edits that route a track's sound to a bus (a shared reverb, a drum group).

Every track and bus ends at the master; a send feeds a copy to a bus, before or after the
fader. A send that would close a loop (a bus feeding itself, directly or round other buses)
is refused with the loop spelled out.
"""

from __future__ import annotations

from dataclasses import replace

from daw.model import validate
from daw.model.errors import EditError
from daw.model.ops import _replace_track, _track_index, _unique_id
from daw.model.project import Project, Send, Track, send_target

BUS_COLOUR = "#8d96a0"
NEW_SEND_DB = -10.0
"""The level a new send starts at. At 0 dB a send to a reverb drowns the track and adds its
whole level to the bus (several at once soon clip it); at -inf the send seems not to work
until it is found and raised. -10 dB is heard at once, well below the dry track, and far
from clipping."""


def add_bus(project: Project, name: str, *, bus_id: str | None = None,
            index: int | None = None, colour: str | None = None) -> Project:
    """Add a bus (a track that plays only what is sent to it), at the end or at `index`."""
    bus = Track(id=_unique_id(project, bus_id, "bus"), name=name.strip(), kind="bus",
                colour=colour or BUS_COLOUR)
    validate.check_track(project, bus)
    tracks = list(project.tracks)
    tracks.insert(len(tracks) if index is None else max(0, min(index, len(tracks))), bus)
    return replace(project, tracks=tuple(tracks))


def _bus(project: Project, bus_id: str) -> Track:
    track = project.tracks[_track_index(project, bus_id)]
    if not track.is_bus:
        raise EditError(f"{track.name!r} is not a bus: sends go to buses")
    return track


def set_send(project: Project, track_id: str, bus_id: str, *, level_db: float | None = None,
             pre_fader: bool | None = None) -> Project:
    """Add a send from a track to a bus, or change its level or tap point.

    A new send starts at NEW_SEND_DB (-10 dB), after the fader, unless told otherwise."""
    track = project.tracks[_track_index(project, track_id)]
    bus = _bus(project, bus_id)
    if bus.id == track.id:
        raise EditError(f"{bus.name!r} cannot send to itself")
    old = track.send(bus_id)
    send = Send(
        bus_id,
        (old.level_db if old else NEW_SEND_DB) if level_db is None else float(level_db),
        (old.pre_fader if old else False) if pre_fader is None else bool(pre_fader),
    )
    validate.check_gain_db(send.level_db, f"send from {track.name!r} to {bus.name!r}")
    if old is None:
        sends = (*track.sends, send)
    else:
        sends = tuple(send if s.bus_id == bus_id else s for s in track.sends)
    changed = _replace_track(project, replace(track, sends=sends))
    loop = validate.routing_loop(changed)
    if loop:
        raise EditError(f"a send from {track.name!r} to {bus.name!r} would make a loop: "
                        + " → ".join(loop))
    return changed


def remove_send(project: Project, track_id: str, bus_id: str) -> Project:
    """Remove a track's send to a bus, and the automation of its level."""
    track = project.tracks[_track_index(project, track_id)]
    if track.send(bus_id) is None:
        raise EditError(f"{track.name!r} has no send to {bus_id!r}")
    target = send_target(bus_id)
    return _replace_track(project, replace(
        track,
        sends=tuple(s for s in track.sends if s.bus_id != bus_id),
        automation=tuple(e for e in track.automation if e.target != target),
    ))


def buses(project: Project) -> tuple[Track, ...]:
    """The project's buses in track order."""
    return tuple(t for t in project.tracks if t.is_bus)


def bus_order(project: Project) -> tuple[str, ...]:
    """Bus ids in an order where every bus comes after the buses that send to it, so a
    renderer can mix each bus once all its inputs are in. Ties keep track order."""
    ids = [t.id for t in project.tracks if t.is_bus]
    feeds = {b: [t.id for t in project.tracks if t.is_bus and t.send(b)] for b in ids}
    done: list[str] = []
    pending = list(ids)
    while pending:
        for bus_id in pending:
            if all(src in done for src in feeds[bus_id]):
                done.append(bus_id)
                pending.remove(bus_id)
                break
        else:
            raise EditError("routing loop between buses")
    return tuple(done)
