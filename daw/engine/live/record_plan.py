"""How a recording runs and what its files become: a plain pass from the playhead, loop passes
over the loop region, or a punch between two points after a pre-roll.

The engine asks `plan_recording` where to play from and where the takes begin; when recording
stops, `shape_takes` turns each file (one an armed track) into the takes the person keeps:

- plain: the file from the record point on is one take, heard whole.
- loop: the backing cycles as in playback and the input is written to the file without a break;
  the file is then cut into one take a pass. Pass n starts where the loop's start was played
  for the n-th time, counted in frames from the take's origin exactly as a plain take is placed
  (the feeder loops sample-exactly, so the n-th cycle begins n loop lengths after the first).
  An incomplete last pass is kept only if it is longer than MIN_PARTIAL_PASS_SECONDS: less is
  the moment it took to reach the stop button, not a performance. The comp plays the last
  complete pass; the earlier ones wait in the take lanes.
- punch: the backing plays from the pre-roll before the punch-in on, the whole pass is kept as
  one take (nothing the person played is thrown away), and only [in, out) of it is heard.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from daw.engine.live.engine_state import EngineConfig
from daw.engine.live.recorder import Take
from daw.model.project import Project

MIN_PARTIAL_PASS_SECONDS = 1.0
"""An unfinished last loop pass shorter than this is dropped (unless it is the only pass)."""


@dataclass(frozen=True)
class RecordPlan:
    """Where one recording plays from and records from, and what its passes become."""

    record_from: int
    """The timeline frame the takes start at (the recorder's record point)."""
    play_from: int
    """Where playback starts: the count-in or the pre-roll before `record_from`."""
    return_to: int
    """Where the playhead goes back to when the recording stops."""
    count_in_until: int | None = None
    """The count-in clicks up to this frame; None without a count-in."""
    loop: tuple[int, int] | None = None
    """A loop recording's region: the backing cycles over it and each pass is a take."""
    punch: tuple[int, int] | None = None
    """A punch recording's range: only it is comped in."""

    def shape(self, takes: list[Take], rate: int) -> list[Take]:
        """The finished files of this recording as the takes to keep."""
        return shape_takes(takes, rate, loop=self.loop, punch=self.punch)


def plan_recording(position: int, project: Project, config: EngineConfig,
                   loop: tuple[int, int] | None = None,
                   punch: tuple[int, int] | None = None) -> RecordPlan:
    """Plan a recording started with the playhead at `position`.

    A punch (when given) wins over the loop: it plays from `config.preroll_seconds` before the
    punch-in, without count-in (the pre-roll is the lead-in), and without looping. A loop
    recording starts at the loop's start whatever the playhead, since its passes are of the
    loop region; the count-in, if set, plays before the first pass."""
    if punch is not None:
        preroll = max(0, round(config.preroll_seconds * project.sample_rate))
        play_from = punch[0] - preroll
        start = max(0, play_from)
        return RecordPlan(record_from=start, play_from=play_from, return_to=start, punch=punch)
    record_from = position if loop is None else loop[0]
    count_in = config.count_in_bars * round(project.frames_per_bar())
    return RecordPlan(record_from=record_from, play_from=record_from - count_in,
                      return_to=record_from,
                      count_in_until=record_from if count_in > 0 else None, loop=loop)


def shape_takes(takes: list[Take], rate: int, *, loop: tuple[int, int] | None = None,
                punch: tuple[int, int] | None = None) -> list[Take]:
    """Whole-file takes (as `TakeRecorder.finish` gives them) as the takes to keep: split
    into loop passes, or heard only over the punch range. `rate` is the project's."""
    if punch is not None:
        return [punch_take(take, punch) for take in takes]
    if loop is not None:
        return [p for take in takes for p in split_passes(take, loop, rate)]
    return list(takes)


def punch_take(take: Take, punch: tuple[int, int]) -> Take:
    """The take heard over the part of the punch range it covers (none if it stopped before
    the punch-in)."""
    start = max(punch[0], take.start_frame)
    end = min(punch[1], take.end_frame)
    return replace(take, comp=(start, end) if end > start else None)


def split_passes(take: Take, loop: tuple[int, int], rate: int,
                 min_partial_seconds: float = MIN_PARTIAL_PASS_SECONDS) -> list[Take]:
    """One take a pass of the loop, cut from a take that holds a whole loop recording.

    Frame j of the file was played at unrolled timeline frame `origin + j` (the timeline as if
    the loop were laid out pass after pass); pass n covers unrolled frames
    [loop start + n·L, loop start + (n+1)·L), L the loop's length, and lands back on the loop.
    """
    loop_start, loop_end = loop
    length = loop_end - loop_start
    if length <= 0:
        raise ValueError(f"a loop needs its end after its start, not {loop}")
    origin = take.start_frame - take.source_offset_frames
    first = take.source_offset_frames
    file_end = take.source_offset_frames + take.length_frames
    passes: list[Take] = []
    n = 0
    while loop_start + n * length - origin < file_end:
        begin = max(first, loop_start + n * length - origin)
        end = min(file_end, loop_start + (n + 1) * length - origin)
        if end > begin:
            passes.append(replace(take, start_frame=origin + begin - n * length,
                                  source_offset_frames=begin, length_frames=end - begin,
                                  comp=None))
        n += 1
    complete = [p for p in passes if p.length_frames == length]
    kept = [p for p in passes
            if p.length_frames == length or not complete
            or p.length_frames > min_partial_seconds * rate]
    if not kept:
        return []
    heard = complete[-1] if complete else kept[-1]
    return [replace(p, comp=(p.start_frame, p.end_frame)) if p is heard else p for p in kept]
