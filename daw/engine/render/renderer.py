"""The one renderer: pulls blocks of the mix out of a render plan, for playback and bounce alike.

Per block: each audio track's clips are read from the media pool, their fade curves and gain
applied, and summed; the track's chain runs; pre-fader sends tap the result; the fader and pan
scale it onto the stereo master, and post-fader sends take their copies from there (see
`mixing` for the signal flow and its gains). Then each bus, in the plan's bus order (every bus
after those that send to it): the sum of its sends, its chain, its fader, pan and sends. Then
the master fader and the master chain. For a bounce with stems, each strip's main output is
copied out as it enters the master sum (and scaled by the master fader), so the stems add up
to the mix before the master chain.

The output is bit-identical whatever the block size: every sample goes through the same
operations in the same order (fade curves are precomputed tables; gains are float32, either
fixed or computed per absolute frame; automated effect parameters change at absolute frame
multiples of AUTOMATION_STEP; strips are summed in plan order). Only the sign of an exact zero
can depend on where a block starts, so the last step adds +0.0, which turns −0.0 into 0.0 and
changes nothing else. With a `TrackFarm` (a long bounce) the audio tracks are rendered by
worker processes, each into shared memory, and summed here in plan order afterwards: the same
sums, bit for bit.

Buffers are allocated once per strip; a render call allocates little beyond views (per-frame
gains when something moves).

Every chain's output is checked once a block: a strip whose effects produce NaN or infinite
samples is muted (the master's chain bypassed) rather than let silence the whole mix; see
`containment`. A clean song renders as it always did: the check only reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

import numpy as np

from daw.dsp.processors import Processor
from daw.engine.render.containment import MASTER, Fault, StripFaults, contained
from daw.engine.render.effect_bank import EffectBank
from daw.engine.render.levels import LevelTaker
from daw.engine.render.mixing import (
    MAIN,
    MixPlan,
    Ramp,
    Source,
    advance,
    is_silent,
    master_gain,
    settle,
    strip_gains,
)
from daw.engine.render.plan import ClipPlan, RenderPlan, TrackPlan
from daw.engine.render.render_buffers import StripBuffers, scale_into
from daw.media import MediaPool

DEFAULT_MAX_BLOCK = 65536
"""Frames per block when nothing asks for fewer (a bounce, an analysis): long blocks spread
each numpy call's cost over more audio. Measured on the mixing benchmark's 16 tracks with an
EQ and a compressor each: a bounce in one process took 10.9 s in 16384-frame blocks, 9.2 s in
32768, 7.8 to 8.6 s in 65536 and 9.7 s in 131072 (its work arrays outgrow the caches)."""
__all__ = ["DEFAULT_MAX_BLOCK", "MASTER", "FarmError", "FarmUnavailable", "LevelTaker", "Renderer",
           "RendererState", "TrackSource", "split_blocks"]


@dataclass(frozen=True)
class RendererState:
    """What `Renderer.snapshot` saves: the effects' state and the strips' gain ramps."""

    effects: dict
    sources: dict[str, Source]
    master: Source | None
    started: bool
    exact: bool = True
    """Every processor returns to this state exactly: rendering again from it gives the same
    samples, bit for bit, so no crossfade is needed where the new render starts."""


_Result = tuple[np.ndarray | None, list[tuple[str, np.ndarray]]]
"""A strip's pass: its main output (None when off) and its sends as (bus id, signal)."""


class FarmError(RuntimeError):
    """A render process failed or went away; the message says why."""


class FarmUnavailable(FarmError):
    """A render process went away before its first block: nothing is lost, the tracks can
    still be rendered in process (a script that starts a bounce without the
    ``if __name__ == "__main__":`` guard makes its workers fail like this)."""


def split_blocks(start: int, frames: int, max_block: int) -> list[tuple[int, int]]:
    """The (first frame, frames) blocks `Renderer.render` cuts `frames` from `start` into:
    what a `TrackFarm` must be told to render the same samples."""
    return [(start + done, min(max_block, frames - done))
            for done in range(0, frames, max_block)]


class TrackSource(Protocol):
    """Where the audio tracks' passes come from when not rendered here (`TrackFarm`)."""

    def results(self, start: int, n: int) -> list[tuple[str, _Result | None]]:
        """(track id, pass) of every audio track that plays, in plan order, for the block;
        raises FarmError when that cannot be had."""
        ...

    @property
    def faults(self) -> list[Fault]:
        """The tracks muted so far because their chains produced NaN or infinite samples."""
        ...

    def close(self) -> None: ...


class _Block:
    """What a block's strips are rendered with, worked out before any of them is."""

    def __init__(self, sources: dict[str, Source], ramping: bool, live_buses: set[str],
                 tracks: list[TrackPlan]) -> None:
        self.sources = sources
        self.ramping = ramping
        self.live_buses = live_buses
        self.tracks = tracks


class Renderer:
    """Renders a plan block by block. Used from one thread at a time (it owns its buffers).

    With `tracks` (a `TrackFarm`, for a bounce of a fixed plan) the audio tracks' passes come
    from there, in the blocks it was told of, and this renderer runs the buses and the master;
    closing the renderer closes it."""

    def __init__(self, plan: RenderPlan, pool: MediaPool, max_block: int = DEFAULT_MAX_BLOCK,
                 tracks: TrackSource | None = None):
        self.plan = plan
        self.pool = pool
        self.max_block = max_block
        self._farm = tracks
        self.meter: LevelTaker | None = None
        """Set for live playback: measures every strip and the master per block."""
        self._effects = EffectBank(plan.sample_rate)
        self._effects.build(plan)
        self._shared = StripBuffers(max_block)
        self._bus_in: dict[str, np.ndarray] = {}
        self._sources: dict[str, Source] = {}
        """Per strip: the gains it was rendered with last (its plan settings, or a ramp)."""
        self._master: Source | None = None
        self._started = False
        self._faults = StripFaults()

    # --- plan, effect state, ramps --------------------------------------------------------

    def swap_plan(self, plan: RenderPlan) -> None:
        """Use a new plan from the next block on; effects keep their state by effect id, and
        changed gains ramp from the old values over RAMP_FRAMES. A strip muted for a bad
        output whose chain the new plan changes plays again (see `containment`)."""
        self._effects.build(plan)
        self._faults.forget_changed(plan)
        self.plan = plan

    @property
    def faulted(self) -> frozenset[str]:
        """The strips (track and bus ids, MASTER) muted now because their chains produced NaN
        or infinite samples; the master's chain is bypassed instead."""
        return self._faults.ids

    @property
    def faults(self) -> list[Fault]:
        """What happened to each strip in `faulted`, and when."""
        return self._faults.faults

    def processor(self, effect_id: str) -> Processor:
        """The processor of an effect in the current plan."""
        return self._effects.processors[effect_id]

    def reset(self) -> None:
        """Clear effect state and ramps, as after a locate."""
        self._effects.reset()
        self._sources = {}
        self._master = None
        self._started = False

    def snapshot(self) -> RendererState:
        """Everything the next render depends on besides the plan: every processor's state
        and every strip's ramp. Cheap enough to take before every chunk."""
        return RendererState(self._effects.snapshot(), dict(self._sources), self._master,
                             self._started, self._effects.exact_state())

    def exact_state(self) -> bool:
        """Whether a snapshot taken now would be restored exactly (see RendererState.exact),
        without taking one."""
        return self._effects.exact_state()

    def restore(self, state: RendererState) -> None:
        """Go back to a snapshot. Whatever the plan is now, it is rendered from there as if it
        had been swapped in at that point (settings changed since ramp from then)."""
        self._effects.restore(state.effects)
        self._sources = dict(state.sources)
        self._master = state.master
        self._started = state.started

    def close(self) -> None:
        """Stop the track farm, if there is one (a renderer with one should be closed)."""
        if self._farm is not None:
            self._farm.close()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # --- rendering ------------------------------------------------------------------------

    def render(self, start_frame: int, out: np.ndarray,
               stems: Mapping[str, np.ndarray] | None = None) -> None:
        """Fill `out` (frames, 2), float32, with the mix from `start_frame` on.

        With `stems` ({strip id: a (frames, 2) float32 array as long as `out`}), each of
        those strips' main output is written to its array as well, as it enters the master
        sum, times the master fader: the mix before the master chain, split by strip, so the
        stems of all strips add up to it. A strip that plays nothing gets zeros."""
        for start, n in split_blocks(start_frame, out.shape[0], self.max_block):
            done = start - start_frame
            parts = None if stems is None else {k: v[done:done + n] for k, v in stems.items()}
            self._render_block(start, out[done:done + n], parts)

    def _settle(self, strip: TrackPlan, previous: Source | None) -> Source:
        source = settle(previous, strip.mix, self._started)
        if previous is not None and is_silent(previous) and not is_silent(source):
            self._effects.reset(strip.effects)  # back from silence: no stale tails
        return source

    def _begin(self) -> _Block:
        """Settle every strip's gains for the block (ramps where the plan changed), and find
        the strips that can be heard."""
        plan = self.plan
        previous = self._sources
        sources: dict[str, Source] = {}
        ramping = False
        for strip in plan.strips:
            source = previous.get(strip.track_id)
            if source is not strip.mix:  # the steady case costs one look-up
                source = self._settle(strip, source)
                ramping = ramping or isinstance(source, Ramp)
            sources[strip.track_id] = source
        live_buses = {b.track_id for b in plan.buses if not sources[b.track_id].silent}
        tracks = [t for t in plan.tracks if not sources[t.track_id].silent]
        return _Block(sources, ramping, live_buses, tracks)

    def _end(self, block: _Block, n: int) -> None:
        self._sources = ({k: advance(v, n) for k, v in block.sources.items()}
                         if block.ramping else block.sources)
        self._started = True

    def render_tracks(self, start: int, n: int,
                      track_ids: set[str]) -> Iterator[tuple[str, _Result | None]]:
        """The passes of the audio tracks in `track_ids` that play, for frames [start, start
        + n), in plan order: what a `TrackFarm` worker renders. Each result lives in buffers
        the next one overwrites, so take it before asking for the next."""
        block = self._begin()
        for track in block.tracks:
            if track.track_id in track_ids:
                yield track.track_id, self._pass(track, block.sources[track.track_id], start, n,
                                                 self._shared, block.live_buses)
        self._end(block, n)

    def _render_block(self, start: int, out: np.ndarray,
                      stems: dict[str, np.ndarray] | None = None) -> None:
        plan = self.plan
        n = out.shape[0]
        for stem in (stems or {}).values():
            stem.fill(0.0)
        block = self._begin()
        sources = block.sources
        written: set[str] = set()  # the buses, and MASTER, that have their first input
        results = self._farm_results(start, n)
        if results is not None:
            strips = {t.track_id: t for t in block.tracks}
            for track_id, result in results:
                self._sum(strips[track_id], result, self._shared, out, written, stems)
        else:
            for track in block.tracks:
                result = self._pass(track, sources[track.track_id], start, n, self._shared,
                                    block.live_buses)
                self._sum(track, result, self._shared, out, written, stems)
        for bus in plan.buses:
            if bus.track_id in block.live_buses:
                result = self._pass(bus, sources[bus.track_id], start, n, self._shared,
                                    block.live_buses, written)
                self._sum(bus, result, self._shared, out, written, stems)
        if MASTER not in written:
            out.fill(0.0)
        self._master = settle(self._master, plan.master, self._started)
        gain = master_gain(self._master, start, n)
        for signal in (out, *(stems or {}).values()):
            if isinstance(gain, np.ndarray):
                signal[:, 0] *= gain
                signal[:, 1] *= gain
            elif gain != 1.0:
                signal *= gain
        reductions = self._shared.reductions if self.meter is not None else None
        chain = () if MASTER in self._faults.ids else plan.master_effects
        self._effects.run(chain, plan.master_automation, out, start, reductions)
        if chain and not contained(self._effects, self._faults, MASTER, MASTER, chain, out,
                                   start, self._shared.finite):
            out.fill(0.0)
        for signal in (out, *(stems or {}).values()):
            signal += np.float32(0.0)
        if self.meter is not None:
            self._note_reductions(self._shared)
            self.meter.measure(MASTER, out)
        self._master = advance(self._master, n)
        self._end(block, n)

    def _farm_results(self, start: int, n: int) -> list[tuple[str, _Result | None]] | None:
        """The farm's passes for the block; None to render the tracks here, as when there is
        no farm or it could not start (then it is closed and not asked again)."""
        if self._farm is None:
            return None
        try:
            results = self._farm.results(start, n)
            if self._farm.faults:
                self._faults.add_all(self._farm.faults, self.plan)
            return results
        except FarmUnavailable:
            self._farm.close()
            self._farm = None
            return None

    def _pass(self, strip: TrackPlan, source: Source, start: int, n: int, buffers: StripBuffers,
              live_buses: set[str], written: set[str] | None = None) -> _Result | None:
        """Render one strip: its input, its chain, then its outputs scaled by their gains.
        A strip whose chain produces NaN or inf is muted from then on (`containment`)."""
        if strip.track_id in self._faults.ids:
            return None
        if strip.is_bus:
            signal = self._bus_input(strip, n, written)
        else:
            signal = self._mix_clips(strip, start, n, buffers)
        if signal is None:
            return None
        if strip.effects:
            reductions = buffers.reductions if self.meter is not None else None
            self._effects.run(strip.effects, strip.effect_automation, signal, start, reductions)
            if not contained(self._effects, self._faults, strip.track_id, strip.name,
                             strip.effects, signal, start, buffers.finite):
                return None
        main = None
        taps = []
        gains = source.static if isinstance(source, MixPlan) else None
        if gains is None:
            gains = strip_gains(source, start, n)
        for key, pair in gains.items():
            if key == MAIN:
                main = buffers.main[:n]
                scale_into(signal, pair, main, buffers)
            elif key[0] in live_buses:
                tap = buffers.tap(len(taps))[:n]
                scale_into(signal, pair, tap, buffers)
                taps.append((key[0], tap))
        return main, taps

    def _bus_input(self, bus: TrackPlan, n: int, written: set[str] | None) -> np.ndarray | None:
        buf = self._bus_buffer(bus.track_id)
        if written is not None and bus.track_id in written:
            return buf[:n]
        if not bus.effects:
            return None
        buf[:n].fill(0.0)  # nothing sent, but the chain may have a tail to play
        return buf[:n]

    def _sum(self, strip: TrackPlan, result: _Result | None, buffers: StripBuffers,
             out: np.ndarray, written: set[str],
             stems: dict[str, np.ndarray] | None = None) -> None:
        """Add a strip's outputs to the master and its buses, in plan order (the thread that
        called `render` does all the summing, so the order never varies); copy its main
        output to its stem when one is asked for."""
        if self.meter is not None:
            self._note_reductions(buffers)
        if result is None:
            return
        main, taps = result
        if main is not None:
            if self.meter is not None:
                self.meter.measure(strip.track_id, main)
            if MASTER in written:
                out += main
            else:
                out[:] = main
                written.add(MASTER)
            if stems is not None and strip.track_id in stems:
                stems[strip.track_id][:] = main
        if not taps:
            return
        n = out.shape[0]
        for bus_id, signal in taps:
            _accumulate(self._bus_buffer(bus_id)[:n], signal, bus_id, written)

    def _bus_buffer(self, bus_id: str) -> np.ndarray:
        """The bus's input sum, (max_block, 2), allocated on first use."""
        buf = self._bus_in.get(bus_id)
        if buf is None:
            buf = self._bus_in[bus_id] = np.zeros((self.max_block, 2), np.float32)
        return buf

    def _note_reductions(self, buffers: StripBuffers) -> None:
        for effect_id, value in buffers.reductions.items():
            self.meter.reduction(effect_id, value)
        buffers.reductions.clear()

    def _mix_clips(self, track: TrackPlan, start: int, n: int,
                   buffers: StripBuffers) -> np.ndarray | None:
        """Sum the track's clips for frames [start, start + n); None when it has nothing."""
        end = start + n
        buf = buffers.track[track.channels][:n]
        written = False
        for clip in track.clips:
            if clip.end_frame <= start or clip.start_frame >= end:
                continue
            a = max(start, clip.start_frame)
            b = min(end, clip.end_frame)
            if not written and (a > start or b < end):
                buf.fill(0.0)
                written = True
            if written:
                src = buffers.read[clip.channels][:b - a]
                self._read_clip(clip, a, src)
                buf[a - start:b - start] += src
            elif clip.channels == track.channels:
                self._read_clip(clip, a, buf)
                written = True
            else:
                src = buffers.read[clip.channels][:n]
                self._read_clip(clip, a, src)
                buf[:] = src
                written = True
        if not written:
            if not track.effects:
                return None
            buf.fill(0.0)
        return buf

    def _read_clip(self, clip: ClipPlan, a: int, dest: np.ndarray) -> None:
        """Read the clip's frames from timeline frame `a` into `dest`, with fades and gain."""
        k = dest.shape[0]
        rel = a - clip.start_frame
        self.pool.read_into(clip.media_id, clip.source_offset_frames + rel, dest)
        fade_in = clip.fade_in
        if rel < len(fade_in):
            m = min(k, len(fade_in) - rel)
            for channel in range(dest.shape[1]):  # per column: broadcasting is slow here too
                dest[:m, channel] *= fade_in[rel:rel + m]
        fade_out = clip.fade_out
        out_start = (clip.end_frame - clip.start_frame) - len(fade_out)
        if len(fade_out) and rel + k > out_start:
            j = max(rel, out_start)
            for channel in range(dest.shape[1]):
                dest[j - rel:, channel] *= fade_out[j - out_start:rel + k - out_start]
        if clip.gain != 1.0:
            dest *= clip.gain


def _accumulate(dest: np.ndarray, signal: np.ndarray, key: str, written: set[str]) -> None:
    """dest += signal, or dest = signal for its first input (0 + x is x: the same sum)."""
    if key in written:
        dest += signal
    else:
        dest[:] = signal
        written.add(key)
