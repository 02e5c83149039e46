"""The one renderer: pulls blocks of the mix out of a render plan, for playback and bounce alike.

Per block: each clip's audio is read from the media pool, its fade curves and gain applied,
and summed into its track; the track's effects run; the track's fader and pan gains scale it
onto the stereo master; the master gain and master effects follow.

The output is bit-identical whatever the block size: every sample goes through the same
operations in the same order (fade curves are precomputed tables, gains are float32 scalars,
clips and tracks are summed in plan order). Only the sign of an exact zero can depend on where a
block starts, so the last step adds +0.0, which turns −0.0 into 0.0 and changes nothing else.

Buffers are allocated once; a render call allocates nothing but views.
"""

from __future__ import annotations

import numpy as np

from daw.dsp.effects import create_processor
from daw.dsp.processors import Processor
from daw.engine.plan import ClipPlan, RenderPlan, TrackPlan
from daw.media import MediaPool
from daw.model.project import EffectSettings

DEFAULT_MAX_BLOCK = 16384
MASTER = "master"
"""The key of the master bus in the levels."""


class LevelTaker:
    """Peak and RMS per channel of each track (after fader and pan) and of the master, over
    the blocks rendered since the last `take`. Used by the engine thread only."""

    def __init__(self) -> None:
        self._levels: dict[str, np.ndarray] = {}
        self._scratch = np.empty(0, dtype=np.float32)

    def measure(self, key: str, block: np.ndarray) -> None:
        """Per column, not over the (n, 2) array: numpy's two-element inner loops made the
        whole-array form cost more than the render itself (measured 7x)."""
        n = block.shape[0]
        if n == 0:
            return
        if self._scratch.shape[0] < n:
            self._scratch = np.empty(n, dtype=np.float32)
        found = self._levels.get(key)
        if found is None:
            found = np.zeros(5)
            self._levels[key] = found
        for channel in range(2):
            column = np.ascontiguousarray(block[:, channel])
            magnitude = np.abs(column, out=self._scratch[:n])
            found[channel] = max(found[channel], float(magnitude.max()))
            found[2 + channel] += float(np.dot(column, column))
        found[4] += n

    def take(self) -> dict[str, tuple[float, float, float, float]]:
        """{key: (peak left, peak right, rms left, rms right)} in full-scale units; resets."""
        levels = {
            key: (float(v[0]), float(v[1]), float(np.sqrt(v[2] / v[4])),
                  float(np.sqrt(v[3] / v[4])))
            for key, v in self._levels.items()
        }
        self._levels = {}
        return levels


class Renderer:
    """Renders a plan block by block. Used from one thread at a time (it owns its buffers)."""

    def __init__(self, plan: RenderPlan, pool: MediaPool, max_block: int = DEFAULT_MAX_BLOCK):
        self.plan = plan
        self.pool = pool
        self.max_block = max_block
        # One contiguous buffer per channel count: the media pool reads into them directly.
        self._read = {ch: np.zeros((max_block, ch), dtype=np.float32) for ch in (1, 2)}
        self._track = {ch: np.zeros((max_block, ch), dtype=np.float32) for ch in (1, 2)}
        self._scaled = np.zeros((max_block, 2), dtype=np.float32)
        self._tiled_gains: dict[str, np.ndarray] = {}
        self.meter: LevelTaker | None = None
        """Set for live playback: measures every track and the master per block."""
        self._processors: dict[str, Processor] = {}
        self._settings: dict[str, tuple[tuple[str, int], tuple[tuple[str, float], ...]]] = {}
        """Per effect id: the (kind, channels) and params its processor was built or set with."""
        self._build_processors(plan)

    # --- plan and effect state ------------------------------------------------------------

    def swap_plan(self, plan: RenderPlan) -> None:
        """Use a new plan from the next block on; effects keep their state by effect id."""
        self._build_processors(plan)
        self.plan = plan

    def _build_processors(self, plan: RenderPlan) -> None:
        wanted: dict[str, tuple[EffectSettings, int]] = {}
        for track in plan.tracks:
            for effect in track.effects:
                wanted[effect.id] = (effect, track.channels)
        for effect in plan.master_effects:
            wanted[effect.id] = (effect, 2)
        processors: dict[str, Processor] = {}
        settings: dict[str, tuple[tuple[str, int], tuple[tuple[str, float], ...]]] = {}
        for effect_id, (effect, channels) in wanted.items():
            shape = (effect.kind, channels)
            settings[effect_id] = (shape, effect.params)
            old = self._processors.get(effect_id)
            known = self._settings.get(effect_id)
            same_shape = old is not None and known is not None and known[0] == shape
            if same_shape and (known[1] == effect.params or old.set_params(dict(effect.params))):
                processors[effect_id] = old  # the same instance: its state (tails) carries on
                continue
            processors[effect_id] = create_processor(effect.kind, dict(effect.params), channels,
                                                     plan.sample_rate)
        self._settings = settings
        self._processors = processors

    def reset(self) -> None:
        """Clear effect state, as after a locate."""
        for processor in self._processors.values():
            processor.reset()

    # --- rendering ------------------------------------------------------------------------

    def render(self, start_frame: int, out: np.ndarray) -> None:
        """Fill `out` (frames, 2), float32, with the mix from `start_frame` on."""
        done = 0
        total = out.shape[0]
        while done < total:
            n = min(self.max_block, total - done)
            self._render_block(start_frame + done, out[done:done + n])
            done += n

    def _render_block(self, start: int, out: np.ndarray) -> None:
        plan = self.plan
        n = out.shape[0]
        master_written = False
        for track in plan.tracks:
            buf = self._mix_track(track, start, n)
            if buf is None:
                continue
            scaled = self._scaled[:n]
            self._apply_output_gains(track, buf, scaled)
            if self.meter is not None:
                self.meter.measure(track.track_id, scaled)
            if master_written:
                out += scaled
            else:
                out[:] = scaled
                master_written = True
        if not master_written:
            out.fill(0.0)
        if plan.master_gain != 1.0:
            out *= plan.master_gain
        for effect in plan.master_effects:
            self._processors[effect.id].process(out)
        out += np.float32(0.0)
        if self.meter is not None:
            self.meter.measure(MASTER, out)

    def _apply_output_gains(self, track: TrackPlan, buf: np.ndarray, out: np.ndarray) -> None:
        """out = the track scaled by its fader and pan gains, as (frames, 2).

        numpy is slow at broadcasting a (2,) gain over (n, 2) frames (its inner loop is two
        elements long), so stereo multiplies flat by the gains tiled once per track, and mono
        fills each output column. The products are the same either way.
        """
        n = buf.shape[0]
        if track.channels == 2:
            tiled = self._tiled_gains.get(track.track_id)
            if tiled is None or tiled[0] != track.output_gains[0] or (
                tiled[1] != track.output_gains[1]
            ):
                tiled = np.tile(track.output_gains, self.max_block)
                self._tiled_gains[track.track_id] = tiled
            np.multiply(buf.reshape(-1), tiled[:2 * n], out=out.reshape(-1))
        else:
            mono = buf[:, 0]
            np.multiply(mono, track.output_gains[0], out=out[:, 0])
            np.multiply(mono, track.output_gains[1], out=out[:, 1])

    def _mix_track(self, track: TrackPlan, start: int, n: int) -> np.ndarray | None:
        """Sum the track's clips for frames [start, start + n); None when it has nothing."""
        end = start + n
        buf = self._track[track.channels][:n]
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
                src = self._read[clip.channels][:b - a]
                self._read_clip(clip, a, src)
                buf[a - start:b - start] += src
            elif clip.channels == track.channels:
                self._read_clip(clip, a, buf)
                written = True
            else:
                src = self._read[clip.channels][:n]
                self._read_clip(clip, a, src)
                buf[:] = src
                written = True
        if not written:
            if not track.effects:
                return None
            buf.fill(0.0)
        for effect in track.effects:
            self._processors[effect.id].process(buf)
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
