"""Render processes for a long bounce: worker processes render the audio tracks, each its own
share of them, while the bouncing process sums them, runs the buses and the master and writes
the file.

Why processes and not threads: tracks are independent until the buses, but numpy works in
many small steps that each take the interpreter lock back, so on two cores a second render
thread made a bounce with EQs and compressors slower, not faster (measured: 20.8 s against
15.7 s for 16 tracks x 3 minutes). Processes share nothing but memory for the results.

The protocol: the whole bounce is one known list of blocks (the schedule). Each worker owns a
shared-memory area of SLOTS block slots, one row per output of each of its tracks (its main
output and each send). It renders block after block into the next slot and says so on its
pipe, with which outputs it wrote; it never runs more than SLOTS blocks ahead, waiting for
the renderer to hand slots back. The renderer takes the results of every worker in plan
order and sums them exactly as it sums tracks rendered in process, so the file is the same,
bit for bit, whatever the number of workers (the workers run the same code on the same plan).

A worker whose track's chain produces NaN mutes that track exactly as the renderer would in
process (the same code), and sends the fault with its block so the bounce can report it.

A worker that fails sends its error and stops; the renderer raises it as a `FarmError`
(`FarmUnavailable` when it stopped before its first block: the tracks are then rendered in
process).

Workers start from a fork server that has imported the renderer (`_context`): measured here,
the first bounce waits about 0.9 s for its first block (0.6 s of it starting the server),
later ones about 0.3 s; so the bounce uses workers only when there is enough work to pay for
that (`daw.engine.export.bounce.auto_workers`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path

import numpy as np

from daw.engine.render.containment import Fault
from daw.engine.render.plan import RenderPlan, TrackPlan, compile_plan
from daw.engine.render.renderer import FarmError, FarmUnavailable, Renderer
from daw.media import MediaPool
from daw.model.project import Project

SLOTS = 3
"""Blocks a worker may have ready before the renderer has taken them: enough that neither
side waits for the other's jitter, few enough to keep the shared memory small."""

Block = tuple[int, int]
"""(first frame, frames) of one block of the schedule."""

_Outputs = tuple[bool, tuple[str, ...]]
"""Which outputs of a track a block holds: its main output, and the buses of its sends."""

_STOP = "stop"
_FREE = "free"


def playing_tracks(plan: RenderPlan) -> list[TrackPlan]:
    """The audio tracks that can be heard in a fixed plan, in plan order."""
    return [t for t in plan.tracks if not t.mix.silent]


def share_tracks(tracks: Sequence[TrackPlan], workers: int,
                 blocks: Sequence[Block]) -> list[list[TrackPlan]]:
    """Split the tracks into at most `workers` shares of about equal work: the longest jobs
    first, each to the least loaded share. A track's work is taken as the frames it renders
    (all of the range with a chain, which runs on through the gaps; else its clips' frames)
    times its channels, times one more than its effects."""
    first = min(start for start, _ in blocks)
    last = max(start + n for start, n in blocks)

    def work(track: TrackPlan) -> int:
        frames = last - first if track.effects else sum(
            max(0, min(last, c.end_frame) - max(first, c.start_frame)) for c in track.clips)
        return max(1, frames * track.channels * (1 + len(track.effects)))

    shares: list[list[TrackPlan]] = [[] for _ in range(max(1, min(workers, len(tracks))))]
    loads = [0] * len(shares)
    for track in sorted(tracks, key=work, reverse=True):
        lightest = loads.index(min(loads))
        shares[lightest].append(track)
        loads[lightest] += work(track)
    order = {t.track_id: i for i, t in enumerate(tracks)}
    return [sorted(share, key=lambda t: order[t.track_id]) for share in shares if share]


class _Worker:
    """One render process, its pipe and its slots, seen from the renderer."""

    def __init__(self, context, project: Project, project_dir: Path,
                 tracks: Sequence[TrackPlan], blocks: Sequence[Block], max_block: int) -> None:
        self.track_ids = tuple(t.track_id for t in tracks)
        rows = 1 + max(len(t.mix.sends) for t in tracks)  # the main output, then each send
        shape = (SLOTS, len(tracks), rows, max_block, 2)
        self.memory = SharedMemory(create=True, size=int(np.prod(shape)) * 4)
        self.slots = np.ndarray(shape, dtype=np.float32, buffer=self.memory.buf)
        self.pipe, child = context.Pipe()
        self.process = context.Process(
            target=work, name="minidaw-render", daemon=True,
            args=(child, self.memory.name, shape, project, str(project_dir), self.track_ids,
                  list(blocks), max_block))
        self.process.start()
        child.close()

    def receive(self, index: int) -> tuple[list[_Outputs], list[Fault]]:
        try:
            message = self.pipe.recv()
        except (EOFError, OSError) as error:
            kind = FarmUnavailable if index == 0 else FarmError
            raise kind(f"a render process stopped unexpectedly (exit code "
                       f"{self.process.exitcode})") from error
        if message[0] == "error":
            raise FarmError(message[1])
        kind, at, outputs, faults = message
        if kind != "block" or at != index:
            raise FarmError(f"a render process sent block {at} where {index} was due")
        return outputs, faults

    def close(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.pipe.send(_STOP)
        self.process.join(timeout=5.0)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=5.0)
        self.pipe.close()
        del self.slots
        self.memory.close()
        self.memory.unlink()


class TrackFarm:
    """Worker processes rendering a fixed plan's audio tracks over a known list of blocks, for
    a `Renderer` (its `tracks` argument) that asks for exactly those blocks in that order."""

    def __init__(self, project: Project, project_dir: Path, blocks: Sequence[Block],
                 workers: int, max_block: int) -> None:
        if not blocks:
            raise ValueError("a track farm needs at least one block to render")
        if any(n > max_block or n <= 0 for _start, n in blocks):
            raise ValueError(f"every block must hold 1 to {max_block} frames")
        plan = compile_plan(project)
        self._blocks = list(blocks)
        self._index = 0
        self._taken: int | None = None
        """The slot the renderer is still summing from, handed back on the next block."""
        self._order = [t.track_id for t in playing_tracks(plan)]
        self.faults: list[Fault] = []
        """Tracks the workers muted so far because their chains produced NaN or inf."""
        context = _context()
        self._workers: list[_Worker] = []
        try:
            for share in share_tracks(playing_tracks(plan), workers, blocks):
                self._workers.append(_Worker(context, project, Path(project_dir), share,
                                             blocks, max_block))
        except BaseException:
            self.close()
            raise

    @property
    def delivered(self) -> int:
        """Blocks the workers have rendered and handed over so far."""
        return self._index

    def results(self, start: int, n: int) -> list[tuple[str, tuple | None]]:
        """(track id, (main, [(bus id, send)])) of every playing track for the next block, in
        plan order; the arrays are views of shared memory, valid until the next call."""
        if self._index >= len(self._blocks) or self._blocks[self._index] != (start, n):
            raise FarmError(f"frames {start}+{n} were not next in the render schedule")
        self._hand_back()
        slot = self._index % SLOTS
        found: dict[str, tuple | None] = {}
        for worker in self._workers:
            outputs, faults = worker.receive(self._index)
            self.faults.extend(faults)
            for row, (track_id, (has_main, buses)) in enumerate(
                    zip(worker.track_ids, outputs, strict=True)):
                rows = worker.slots[slot, row]
                main = rows[0, :n] if has_main else None
                sends = [(bus, rows[1 + k, :n]) for k, bus in enumerate(buses)]
                found[track_id] = None if not has_main and not buses else (main, sends)
        self._taken = slot
        self._index += 1
        return [(track_id, found.get(track_id)) for track_id in self._order]

    def _hand_back(self) -> None:
        if self._taken is None:
            return
        for worker in self._workers:
            try:
                worker.pipe.send(_FREE)
            except OSError as error:
                raise FarmError("a render process stopped unexpectedly") from error
        self._taken = None

    def close(self) -> None:
        """Stop every worker and free the shared memory (safe to call twice)."""
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.close()


# --- the worker process -----------------------------------------------------------------------


def work(pipe: Connection, memory_name: str, shape: tuple[int, ...], project: Project,
         project_dir: str, track_ids: tuple[str, ...], blocks: list[Block],
         max_block: int) -> None:
    """A render process: render `track_ids` block after block into the shared slots."""
    # Attaching registers the memory with the resource tracker the renderer's process shares
    # with its workers, where it is registered already; the renderer unlinks it.
    memory = SharedMemory(name=memory_name)
    slots = np.ndarray(shape, dtype=np.float32, buffer=memory.buf)
    wanted = set(track_ids)
    row_of = {track_id: row for row, track_id in enumerate(track_ids)}
    try:
        plan = compile_plan(project)
        with MediaPool(Path(project_dir), project.media, sample_rate=project.sample_rate,
                       missing_ok=True) as pool:  # as the bounce: a missing file is silent
            renderer = Renderer(plan, pool, max_block=max_block)
            free = SLOTS
            told = 0
            for index, (start, n) in enumerate(blocks):
                while free == 0 or pipe.poll():
                    if pipe.recv() == _STOP:
                        return
                    free += 1
                slot = slots[index % SLOTS]
                outputs: list[_Outputs] = [(False, ())] * len(track_ids)
                for track_id, result in renderer.render_tracks(start, n, wanted):
                    if result is None:
                        continue
                    rows = slot[row_of[track_id]]
                    main, sends = result
                    if main is not None:
                        rows[0, :n] = main
                    for k, (_bus, signal) in enumerate(sends):
                        rows[1 + k, :n] = signal
                    outputs[row_of[track_id]] = (main is not None,
                                                 tuple(bus for bus, _ in sends))
                faults = renderer.faults
                pipe.send(("block", index, outputs, faults[told:]))
                told = len(faults)
                free -= 1
            while pipe.recv() != _STOP:  # keep the memory until the renderer is done
                pass
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the renderer went away: nothing to tell
    except Exception as error:  # any failure reaches the bounce as its message
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        with contextlib.suppress(OSError):
            pipe.send(("error", f"rendering the tracks failed: {detail}"))
    finally:
        del slots
        memory.close()


def _context():
    """How workers start: forked from a server that has imported the renderer once (it stays
    for the life of this process, so later bounces do not import again), else a fresh
    interpreter each (where there is no fork server)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        return context
    return multiprocessing.get_context("spawn")
