"""Measuring a mix as it reaches the master chain: loudness, true peak, tonal balance, stereo
image, and per strip the numbers a mix report needs (clipping, DC offset, phase).

The master assistant and the mix report both start here. The project is rendered once with
its master chain left out (the master fader and its automation stay: they come before the
chain), by the same renderer as playback and bounce; each strip's output is measured on the
way, block by block, from the renderer's stems. A chain is then run over the rendered mix
offline (`run_chain`), exactly as the renderer would run it at the end of each block, so
trying a chain costs a pass of its effects, not a render of the song.

Tonal balance is the energy in octave bands (31.5 Hz to 16 kHz), from a Welch average of
8192-point Hann-windowed spectra, left and right added. Its reference is `neutral_curve_db`.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from daw.dsp import true_peak
from daw.dsp.effects import create_processor
from daw.dsp.loudness import integrated_loudness
from daw.engine.export.bounce import BounceCancelled
from daw.engine.render.plan import compile_plan
from daw.engine.render.renderer import Renderer
from daw.engine.render.renditions import RenditionCache
from daw.media import MediaError, MediaPool, probe
from daw.media.blocks import read_blocks
from daw.model.project import EffectSettings, Project

RENDER_BLOCK = 16384
OCTAVE_CENTRES_HZ = (31.5, 63.0, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0)
NEUTRAL_SLOPE_DB_PER_OCTAVE = -1.5
"""How the energy of an octave band falls from one octave to the next in `neutral_curve_db`."""
_FFT_SIZE = 8192
_SILENT_DB = -120.0

Progress = Callable[[int, int], None]


def neutral_curve_db(centres_hz: Sequence[float] = OCTAVE_CENTRES_HZ) -> np.ndarray:
    """The tonal balance a mix is compared with: octave-band energy falling 1.5 dB an octave
    (0 dB at 1 kHz; only its shape matters).

    Why this slope: the long-term spectrum of commercially mastered pop and rock falls from
    about 100 Hz upward, and analysers made for mixing tilt their display by 4.5 dB an octave
    by default (Voxengo SPAN, among others) so that a well-balanced master looks about flat.
    That tilt is on a spectrum per hertz; an octave band holds twice the hertz of the one
    below, so in octave-band energy the same balance falls by 4.5 − 3 = 1.5 dB an octave (pink
    noise, falling 3 dB an octave per hertz, is flat in octave bands). The assistant corrects
    only part of a deviation from it, with broad bands and at most 4 dB, so the curve sets a
    direction, not a sound."""
    return NEUTRAL_SLOPE_DB_PER_OCTAVE * np.log2(np.asarray(centres_hz) / 1000.0)


_ANCHOR_HZ = (250.0, 2000.0)
"""Mix and reference are compared relative to the mid bands."""


def tonal_deviation_db(mix_bands: Sequence[float], reference_bands: Sequence[float],
                       rate: int) -> np.ndarray:
    """Per octave band, how far the mix sits above the reference curve (dB), both aligned on
    the mid bands; NaN where either is silent or the band lies above Nyquist."""
    mix = np.asarray(mix_bands, dtype=float)
    ref = np.asarray(reference_bands, dtype=float)
    centres = np.asarray(OCTAVE_CENTRES_HZ)
    usable = (mix > -100.0) & (ref > -100.0) & (centres * math.sqrt(2.0) < rate / 2.0)
    difference = np.where(usable, mix - ref, np.nan)
    mids = usable & (centres >= _ANCHOR_HZ[0]) & (centres <= _ANCHOR_HZ[1])
    anchor = np.nanmean(difference[mids]) if mids.any() else np.nanmean(difference)
    return difference - anchor


def band_levels_db(audio: np.ndarray, rate: int) -> np.ndarray:
    """Energy per octave band (`OCTAVE_CENTRES_HZ`), channels added, in dB (mean power of the
    Welch-averaged spectrum; −120 dB for an empty band). Bands above Nyquist read −120 dB."""
    wide = np.asarray(audio, dtype=np.float32)
    if wide.ndim == 1:
        wide = wide[:, None]
    size = _FFT_SIZE
    hop = size // 2
    padded = wide if wide.shape[0] >= size else np.pad(wide, ((0, size - wide.shape[0]), (0, 0)))
    window = np.hanning(size).astype(np.float32)
    power = np.zeros(size // 2 + 1)
    count = 0
    starts = range(0, padded.shape[0] - size + 1, hop)
    for chunk in _chunks(list(starts), 64):
        for channel in range(padded.shape[1]):
            frames = np.stack([padded[s : s + size, channel] for s in chunk]) * window
            spectra = np.fft.rfft(frames, axis=1)
            power += (spectra.real**2 + spectra.imag**2).sum(axis=0)
        count += len(chunk)
    power /= max(count, 1)
    freqs = np.fft.rfftfreq(size, 1.0 / rate)
    levels = np.full(len(OCTAVE_CENTRES_HZ), _SILENT_DB)
    for i, centre in enumerate(OCTAVE_CENTRES_HZ):
        inside = (freqs >= centre / math.sqrt(2.0)) & (freqs < centre * math.sqrt(2.0))
        energy = float(power[inside].sum())
        if energy > 0.0:
            levels[i] = max(10.0 * math.log10(energy), _SILENT_DB)
    return levels


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]


def integrated_lufs(audio: np.ndarray, rate: int) -> float:
    """Integrated loudness per ITU-R BS.1770-4 (`daw.dsp.loudness`), LUFS; −inf for silence
    or for less than one 400 ms gating block."""
    wide = np.asarray(audio, dtype=np.float32)
    if wide.shape[0] < round(0.4 * rate) or not np.any(wide):
        return -math.inf
    value = float(integrated_loudness(wide, rate))
    return value if math.isfinite(value) else -math.inf


def true_peak_dbtp(audio: np.ndarray, rate: int) -> float:
    """The highest true peak over the channels, dBTP (`daw.dsp.true_peak`)."""
    return true_peak.true_peak_dbtp(audio, rate)[1]


def _db(power_or_amplitude: float, power: bool = False) -> float:
    if power_or_amplitude <= 0.0:
        return -math.inf
    return (10.0 if power else 20.0) * math.log10(power_or_amplitude)


@dataclass(frozen=True)
class Measurement:
    """A stereo mix measured whole."""

    integrated_lufs: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    rms_dbfs: float
    correlation: float
    """Σ L·R / √(Σ L² · Σ R²): +1 mono, 0 unrelated channels, −1 one channel inverted."""
    side_to_mid_db: float
    """Energy of the side (L − R)/2 against the mid (L + R)/2: −inf for mono, −10 to −15
    dB for a typical stereo mix, 0 for unrelated channels."""
    bands_db: tuple[float, ...]
    """Octave-band energies at OCTAVE_CENTRES_HZ."""

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON (−inf becomes null)."""
        def clean(value: float) -> float | None:
            return value if math.isfinite(value) else None

        return {
            "integrated_lufs": clean(self.integrated_lufs),
            "true_peak_dbtp": clean(self.true_peak_dbtp),
            "sample_peak_dbfs": clean(self.sample_peak_dbfs),
            "rms_dbfs": clean(self.rms_dbfs),
            "correlation": self.correlation,
            "side_to_mid_db": clean(self.side_to_mid_db),
            "bands_db": dict(zip((f"{c:g}" for c in OCTAVE_CENTRES_HZ),
                                 (clean(b) for b in self.bands_db), strict=True)),
        }


def measure(audio: np.ndarray, rate: int, loudness: float | None = None) -> Measurement:
    """Measure a (frames, channels) mix; a mono one counts as both channels. `loudness` is its
    integrated loudness when the caller has measured it already (not measured again)."""
    wide = np.asarray(audio, dtype=np.float64)
    if wide.ndim == 1 or wide.shape[1] == 1:
        wide = np.repeat(wide.reshape(-1, 1), 2, axis=1)
    left, right = wide[:, 0], wide[:, 1]
    ll, rr, lr = float(left @ left), float(right @ right), float(left @ right)
    frames = max(wide.shape[0], 1)
    mid = ll + rr + 2.0 * lr  # 4·Σ M²
    side = ll + rr - 2.0 * lr
    return Measurement(
        integrated_lufs=integrated_lufs(wide, rate) if loudness is None else loudness,
        true_peak_dbtp=true_peak_dbtp(wide, rate),
        sample_peak_dbfs=_db(float(np.abs(wide).max(initial=0.0))),
        rms_dbfs=_db((ll + rr) / (2 * frames), power=True),
        correlation=lr / math.sqrt(ll * rr) if ll > 0.0 and rr > 0.0 else 1.0,
        side_to_mid_db=(_db(side / mid, power=True) if mid > 0.0 else
                        (0.0 if side > 0.0 else -math.inf)),
        bands_db=tuple(float(b) for b in band_levels_db(wide, rate)),
    )


# --- per strip, block by block ------------------------------------------------------------

CLIP_RUN = 4
"""Consecutive samples of one magnitude that count as a clipped flat top."""
CLIP_FLOOR = 0.1
"""Flat tops below −20 dBFS are not taken for clipping (digital silence, quiet DC)."""


@dataclass(frozen=True)
class StripStats:
    """One strip's main output (after its chain, fader and pan) over the whole song."""

    frames: int
    peak: tuple[float, float]
    dc_offset: tuple[float, float]
    clipped_samples: int
    """Samples in flat tops: runs of CLIP_RUN or more equal magnitudes above CLIP_FLOOR."""
    correlation: float
    mono_drop_db: float
    """Level of the mono sum (L + R)/2 against the stereo level: 0 dB for a centred mono
    signal, −3 dB for unrelated channels, −inf when the channels cancel."""
    heard: bool
    """Whether the strip sent anything to the master at all."""

    @property
    def peak_dbfs(self) -> float:
        return _db(max(self.peak))


class StatsGatherer:
    """Accumulates a StripStats from (frames, 2) blocks."""

    def __init__(self) -> None:
        self.frames = 0
        self._peak = np.zeros(2)
        self._sum = np.zeros(2)
        self._squares = np.zeros(2)
        self._cross = 0.0
        self._last = np.full(2, -1.0, dtype=np.float32)
        self._run = np.zeros(2, dtype=np.int64)
        self._clipped = 0

    def add(self, block: np.ndarray) -> None:
        if block.shape[0] == 0:
            return
        wide = block.astype(np.float64)
        self.frames += block.shape[0]
        np.maximum(self._peak, np.abs(wide).max(axis=0), out=self._peak)
        self._sum += wide.sum(axis=0)
        self._squares += np.einsum("ij,ij->j", wide, wide)
        self._cross += float(wide[:, 0] @ wide[:, 1])
        for channel in range(2):
            self._flat_tops(np.abs(block[:, channel]), channel)

    def _flat_tops(self, magnitude: np.ndarray, channel: int) -> None:
        """Run lengths of equal magnitudes above CLIP_FLOOR, carried across blocks; a run
        counts all its samples once it reaches CLIP_RUN."""
        previous = np.concatenate([[self._last[channel]], magnitude])
        loud = magnitude > CLIP_FLOOR
        same = (previous[1:] == previous[:-1]) & loud
        index = np.arange(len(magnitude))
        starts = np.where(same, -1, index)  # a run starts wherever the value changes
        last_start = np.maximum.accumulate(starts)
        carried = np.where(last_start < 0, self._run[channel], 0)  # still the old run
        run = index - np.maximum(last_start, 0) + np.where(last_start < 0, carried + 1, 1)
        run = np.where(loud, run, 0)
        self._clipped += int((run >= CLIP_RUN).sum() + (CLIP_RUN - 1) * (run == CLIP_RUN).sum())
        self._last[channel] = magnitude[-1]
        self._run[channel] = run[-1]

    def stats(self) -> StripStats:
        n = max(self.frames, 1)
        ll, rr, lr = float(self._squares[0]), float(self._squares[1]), self._cross
        stereo = (ll + rr) / 2.0
        mono = (ll + rr + 2.0 * lr) / 4.0
        return StripStats(
            frames=self.frames,
            peak=(float(self._peak[0]), float(self._peak[1])),
            dc_offset=(float(self._sum[0] / n), float(self._sum[1] / n)),
            clipped_samples=self._clipped,
            correlation=lr / math.sqrt(ll * rr) if ll > 0.0 and rr > 0.0 else 1.0,
            mono_drop_db=(_db(mono / stereo, power=True) if stereo > 0.0 else 0.0),
            heard=bool(self._peak.max() > 0.0),
        )


@dataclass(frozen=True)
class Premaster:
    """The mix as it reaches the master chain, and what each strip sent to it."""

    audio: np.ndarray
    """(frames, 2) float32, the song from frame 0 to its end."""
    sample_rate: int
    strips: dict[str, StripStats]
    """By track or bus id."""


def without_master_chain(project: Project) -> Project:
    """The project with its master chain left out (fader and volume automation kept)."""
    master = project.master
    volume = tuple(e for e in master.automation if not e.target.startswith("effect:"))
    return replace(project, master=replace(master, effects=(), automation=volume))


def render_premaster(
    project: Project,
    project_dir: Path,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    strip_stats: bool = True,
) -> Premaster:
    """Render the whole song without its master chain; with `strip_stats`, measure every
    strip's output on the way. Raises MediaError for missing audio, BounceCancelled when
    `cancel` is set."""
    end = project.end_frame
    with RenditionCache(project_dir) as renditions:  # pitched and stretched clips as heard
        project = renditions.playable(project, wait=True)
    bare = without_master_chain(project)
    audio = np.zeros((end, 2), dtype=np.float32)
    ids = [t.id for t in project.tracks] if strip_stats else []
    gatherers = {strip_id: StatsGatherer() for strip_id in ids}
    stems = {strip_id: np.zeros((RENDER_BLOCK, 2), np.float32) for strip_id in ids}
    with MediaPool(project_dir, bare.media, sample_rate=project.sample_rate) as pool:
        pool.check()
        with Renderer(compile_plan(bare), pool, max_block=RENDER_BLOCK) as renderer:
            for start in range(0, end, RENDER_BLOCK):
                if cancel is not None and cancel.is_set():
                    raise BounceCancelled("analysis cancelled")
                n = min(RENDER_BLOCK, end - start)
                views = {k: v[:n] for k, v in stems.items()}
                renderer.render(start, audio[start : start + n], views if views else None)
                for strip_id, view in views.items():
                    gatherers[strip_id].add(view)
                if progress is not None:
                    progress(start + n, end)
    return Premaster(audio, project.sample_rate,
                     {strip_id: g.stats() for strip_id, g in gatherers.items()})


def run_chain(chain: Sequence[EffectSettings], audio: np.ndarray, rate: int) -> np.ndarray:
    """The mix through a chain (bypassed effects left out), as the renderer runs it at the end
    of each block; a new (frames, 2) float32 array."""
    processors = [create_processor(e.kind, dict(e.params), 2, rate)
                  for e in chain if not e.bypassed]
    out = np.array(audio, dtype=np.float32, copy=True)
    for start in range(0, out.shape[0], RENDER_BLOCK):
        block = out[start : start + RENDER_BLOCK]
        for processor in processors:
            processor.process(block)
    return out


def read_reference(path: Path) -> tuple[np.ndarray, int]:
    """A reference track whole, as (frames, 2) float32 at its own rate (mono doubled).
    Raises MediaError naming the file when it cannot be read or holds under 1 s of sound."""
    info = probe(Path(path))
    blocks = [block.copy() for block in read_blocks(Path(path))]
    audio = np.concatenate(blocks) if blocks else np.zeros((0, info.channels), np.float32)
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    elif audio.shape[1] > 2:
        audio = audio[:, :2]
    if audio.shape[0] < info.sample_rate:
        raise MediaError(f"{Path(path).name}: too short for a reference (under a second)")
    return audio, info.sample_rate
