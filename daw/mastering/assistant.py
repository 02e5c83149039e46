"""Master assistant: one call analyses the mix as it reaches the master and builds a master
chain that lands it on a loudness target under a true-peak ceiling. Every setting it chooses
is an ordinary effect parameter, editable afterwards.

The chain, in order:

0. Trim ("gain"), only for a quiet mix (under −26 LUFS): brought up to about −20 LUFS, so the
   compressor works at a usual level and the limiter's gain range suffices for any target.
1. EQ ("eq"): broad, gentle correction towards a tonal balance: the neutral curve of
   `mix_analysis.neutral_curve_db`, or a reference track's average spectrum (as Matchering
   does: the difference of the two average spectra, smoothed, is the correction; here the
   smoothing is the breadth of four bands). A low shelf at 100 Hz, bells at 350 Hz and 3 kHz
   (Q 0.7) and a high shelf at 8 kHz are fitted by least squares to part of the octave-band
   deviation (half of it for the neutral curve, four fifths for a reference the person chose),
   each at most ±4 dB: a master's EQ nudges; a mix that needs more needs a remix.
2. Glue compression ("compressor"): 2:1, 30 ms attack, 300 ms release, 6 dB knee, the
   threshold searched so the loud passages are turned down by about 2 dB (within 1 to 3).
3. Width ("width"), only for a narrow mix (side 18 to 30 dB under the mid): widened towards
   −15 dB, at most 130 %, with the bass below 120 Hz kept mono. A mono or nearly mono mix
   (side more than 30 dB under the mid: a voice alone, a mono recording) is never widened:
   what little side there is is reverb or spill, and widening it only makes it louder; the
   notes say what the width would have been and why it was left.
4. True-peak limiter ("truepeak_limiter"): the target's ceiling, 5 ms lookahead, 100 ms
   release; its input gain is the loudness control, found by rendering the chain over the mix,
   measuring, and correcting (secant steps, at most `MAX_PASSES`) until the integrated
   loudness is within `LOUDNESS_AIM_LU` of the target.

The mix is rendered once (`mix_analysis.render_premaster`); each pass runs only the chain over
it, the same arithmetic the renderer uses in a bounce, so the bounced song measures what the
assistant measured.

With a reference track the loudness aimed at is the reference's own (the ceiling stays the
target's), as Matchering matches loudness after the spectrum.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from daw.dsp.effects import PARAMETERS
from daw.dsp.eq import eq_response
from daw.mastering import mix_analysis
from daw.mastering.mix_analysis import (
    OCTAVE_CENTRES_HZ,
    Measurement,
    Premaster,
    band_levels_db,
    integrated_lufs,
    measure,
    neutral_curve_db,
    run_chain,
    tonal_deviation_db,
)
from daw.mastering.targets import Target
from daw.model.project import EffectSettings, Project, new_id

EQ_LIMIT_DB = 4.0
NEUTRAL_STRENGTH = 0.5
REFERENCE_STRENGTH = 0.8
_EQ_BANDS = (  # (gain parameter, fixed parameters)
    ("low_gain_db", {"low_freq_hz": 100.0}),
    ("p1_gain_db", {"p1_freq_hz": 350.0, "p1_q": 0.7}),
    ("p2_gain_db", {"p2_freq_hz": 3000.0, "p2_q": 0.7}),
    ("high_gain_db", {"high_freq_hz": 8000.0}),
)
_BAND_WEIGHTS = np.array([0.25, 1, 1, 1, 1, 1, 1, 1, 1, 0.25])
"""Octave bands in the fit: the extreme ones count a quarter (sub-bass and air vary most
between good masters)."""

GLUE = {"ratio": 2.0, "attack_ms": 30.0, "release_ms": 300.0, "knee_db": 6.0, "makeup_db": 0.0}
GLUE_REDUCTION_DB = 2.0
_GLUE_EXCERPT_S = 30.0

QUIET_MIX_LUFS = -26.0
TRIM_AIM_LUFS = -20.0

NARROW_SIDE_TO_MID_DB = -18.0
NEARLY_MONO_SIDE_TO_MID_DB = -30.0
"""Below this the mix is taken for mono (a correlation above about 0.998)."""
WIDE_AIM_DB = -15.0
MAX_WIDTH_PERCENT = 130.0

LIMITER = {"lookahead_ms": 5.0, "release_ms": 100.0}
LOUDNESS_AIM_LU = 0.1
MAX_PASSES = 8

Progress = Callable[[int, int], None]
"""(done, total) in hundredths of the work."""


class AssistantError(Exception):
    """A mix the assistant cannot master (silent, too short); one line for the person."""


@dataclass(frozen=True)
class AssistantResult:
    """The chain built, and what was measured before and after it."""

    chain: tuple[EffectSettings, ...]
    target: Target
    """What was aimed at: the chosen target, or the reference's loudness under its ceiling."""
    before: Measurement
    """The mix as it reaches the master chain."""
    after: Measurement
    """The mix through the chain."""
    matched_gain_db: float
    """The gain that makes the unmastered mix as loud as the mastered one, for a fair
    before/after comparison (see `comparison_chains`)."""
    eq_wanted_db: tuple[float, ...]
    """The correction the EQ was fitted to, per octave band (OCTAVE_CENTRES_HZ)."""
    glue_reduction_db: float
    passes: int
    """Renders of the chain it took to land on the loudness."""
    notes: tuple[str, ...]
    """What it did and why, in plain words."""


def _full_params(kind: str, values: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """Every parameter of the kind, the given ones and the defaults, so an editor shows
    real values."""
    return tuple((spec[0], float(values.get(spec[0], spec[5]))) for spec in PARAMETERS[kind])


def _effect(kind: str, values: dict[str, float]) -> EffectSettings:
    return EffectSettings(new_id("effect"), kind, _full_params(kind, values))


# --- EQ ------------------------------------------------------------------------------------


def _band_basis(rate: int) -> np.ndarray:
    """(bands, 4): each EQ band's response at +1 dB, averaged in dB over each octave band."""
    basis = np.zeros((len(OCTAVE_CENTRES_HZ), len(_EQ_BANDS)))
    for j, (gain, fixed) in enumerate(_EQ_BANDS):
        for i, centre in enumerate(OCTAVE_CENTRES_HZ):
            freqs = centre * 2.0 ** np.linspace(-0.5, 0.5, 7)
            freqs = freqs[freqs < 0.45 * rate]
            if len(freqs):
                basis[i, j] = float(np.mean(eq_response({**fixed, gain: 1.0}, rate, freqs)))
    return basis


def fit_eq(deviation_db: np.ndarray, strength: float, rate: int) -> tuple[dict[str, float],
                                                                        np.ndarray]:
    """The EQ settings that undo `strength` of the deviation, by weighted least squares with a
    little ridge (small gains preferred), each gain within ±EQ_LIMIT_DB and rounded to 0.1 dB;
    and the correction wanted per band."""
    wanted = -strength * np.nan_to_num(deviation_db, nan=0.0)
    weights = np.where(np.isnan(deviation_db), 0.0, _BAND_WEIGHTS)
    basis = _band_basis(rate)
    normal = basis.T @ (weights[:, None] * basis) + 0.05 * np.eye(basis.shape[1])
    gains = np.linalg.solve(normal, basis.T @ (weights * wanted))
    gains = np.round(np.clip(gains, -EQ_LIMIT_DB, EQ_LIMIT_DB), 1)
    values: dict[str, float] = {}
    for (name, fixed), value in zip(_EQ_BANDS, gains, strict=True):
        values.update(fixed)
        values[name] = float(value) + 0.0  # no −0.0
    return values, wanted


# --- glue compression -----------------------------------------------------------------------


def _loudest_excerpt(audio: np.ndarray, rate: int, seconds: float) -> np.ndarray:
    """The loudest `seconds` of the mix (by energy), or all of it when shorter."""
    length = int(seconds * rate)
    if audio.shape[0] <= length:
        return audio
    step = rate // 10
    energy = np.square(audio[: audio.shape[0] // step * step].astype(np.float64))
    per_step = energy.reshape(-1, step, audio.shape[1]).sum(axis=(1, 2))
    span = length // step
    sums = np.convolve(per_step, np.ones(span), mode="valid")
    start = int(np.argmax(sums)) * step
    return audio[start : start + length]


def glue_reduction_db(audio: np.ndarray, rate: int, threshold_db: float) -> float:
    """The mean reduction (dB) the glue compressor applies to the loud passages: the 100 ms
    stretches within 10 dB of the loudest."""
    settings = _effect("compressor", {**GLUE, "threshold_db": threshold_db})
    out = run_chain([settings], audio, rate)
    step = max(rate // 10, 1)
    usable = audio.shape[0] // step * step
    if usable == 0:
        return 0.0
    before = np.square(audio[:usable].astype(np.float64)).reshape(-1, step, 2).sum(axis=(1, 2))
    after = np.square(out[:usable].astype(np.float64)).reshape(-1, step, 2).sum(axis=(1, 2))
    loud = before >= before.max() * 0.1
    loud &= before > 0.0
    if not loud.any():
        return 0.0
    return float(np.mean(10.0 * np.log10(before[loud] / np.maximum(after[loud], 1e-300))))


def fit_glue(audio: np.ndarray, rate: int) -> tuple[float, float]:
    """(threshold dB, reduction dB): the threshold that turns the loud passages down by about
    GLUE_REDUCTION_DB, by bisection on the loudest 30 s (the reduction grows as the threshold
    falls)."""
    excerpt = _loudest_excerpt(audio, rate, _GLUE_EXCERPT_S)
    low, high = -60.0, 0.0
    if glue_reduction_db(excerpt, rate, high) >= GLUE_REDUCTION_DB:
        low = high  # compressing that much already at 0 dB: a mix over full scale
    for _ in range(16):
        if high - low < 0.05:
            break
        middle = (low + high) / 2.0
        reduction = glue_reduction_db(excerpt, rate, middle)
        if abs(reduction - GLUE_REDUCTION_DB) < 0.1:
            low = high = middle
        elif reduction > GLUE_REDUCTION_DB:
            low = middle
        else:
            high = middle
    threshold = round((low + high) / 2.0, 1)
    return threshold, glue_reduction_db(excerpt, rate, threshold)


# --- the whole chain ------------------------------------------------------------------------


def _width_percent(side_to_mid_db: float) -> float | None:
    """The width that would bring a narrow mix towards WIDE_AIM_DB, None when the mix is wide
    enough or has no side at all."""
    if not math.isfinite(side_to_mid_db) or side_to_mid_db >= NARROW_SIDE_TO_MID_DB:
        return None
    factor = 10.0 ** ((WIDE_AIM_DB - side_to_mid_db) / 20.0)
    return round(min(100.0 * factor, MAX_WIDTH_PERCENT), 0)


def _width_stage(side_to_mid_db: float, notes: list[str]) -> list[EffectSettings]:
    """The width effect for a narrow stereo mix (or none), with a note saying what was done,
    or for a mono mix what would have been and why not."""
    if not math.isfinite(side_to_mid_db):
        if side_to_mid_db < 0:
            notes.append("The mix is mono: left mono (widening adds nothing to a mono mix).")
        return []
    width = _width_percent(side_to_mid_db)
    if width is None or width <= 100.0:
        return []
    under = f"side {-side_to_mid_db:.1f} dB under the mid"
    if side_to_mid_db < NEARLY_MONO_SIDE_TO_MID_DB:
        notes.append(f"The mix is mono or nearly ({under}): not widened. Widening would have "
                     f"set it to {width:.0f} %, which only raises the reverb and spill "
                     "around a mono source; add a Width effect yourself if you want it.")
        return []
    notes.append(f"The mix is narrow ({under}): widened to {width:.0f} %, bass under 120 Hz "
                 "kept mono.")
    return [_effect("width", {"width_percent": width, "bass_mono_on": 1.0,
                              "bass_mono_hz": 120.0})]


def _land_loudness(
    audio: np.ndarray, rate: int, aim_lufs: float, ceiling_dbtp: float,
    progress: Progress | None,
) -> tuple[EffectSettings, np.ndarray, float, int]:
    """The limiter whose input gain lands the chain's output on `aim_lufs`: (its settings,
    the output, its loudness, passes)."""
    loudness_in = integrated_lufs(audio, rate)
    if not math.isfinite(loudness_in):
        raise AssistantError("the mix is silent (or under 0.4 s long): nothing to master")
    low, high = PARAMETERS["truepeak_limiter"][0][3:5]
    limiter_id = new_id("effect")
    gain = float(np.clip(aim_lufs - loudness_in, low, high))
    tried: list[tuple[float, float, np.ndarray]] = []
    for attempt in range(MAX_PASSES):
        settings = EffectSettings(limiter_id, "truepeak_limiter", _full_params(
            "truepeak_limiter", {**LIMITER, "ceiling_dbtp": ceiling_dbtp,
                                 "input_gain_db": round(gain, 3)}))
        out = run_chain([settings], audio, rate)
        loudness = integrated_lufs(out, rate)
        tried.append((gain, loudness, out))
        if progress is not None:
            progress(60 + 35 * (attempt + 1) // MAX_PASSES, 100)
        error = aim_lufs - loudness
        if abs(error) <= LOUDNESS_AIM_LU:
            break
        slope = 1.0
        if len(tried) >= 2:
            (g0, l0, _), (g1, l1, _) = tried[-2], tried[-1]
            if g1 != g0 and math.isfinite(l1 - l0):
                slope = float(np.clip((l1 - l0) / (g1 - g0), 0.05, 1.5))
        following = float(np.clip(gain + error / slope, low, high))
        if abs(following - gain) < 1e-3:
            break  # at the end of the gain's range: as close as it gets
        gain = following
    best = min(range(len(tried)), key=lambda k: abs(aim_lufs - tried[k][1]))
    gain, loudness, out = tried[best]
    settings = EffectSettings(limiter_id, "truepeak_limiter", _full_params(
        "truepeak_limiter", {**LIMITER, "ceiling_dbtp": ceiling_dbtp,
                             "input_gain_db": round(gain, 3)}))
    return settings, out, loudness, len(tried)


def assist(
    premaster: Premaster,
    target: Target,
    reference: tuple[np.ndarray, int, str] | None = None,
    progress: Progress | None = None,
) -> AssistantResult:
    """Build the chain for a rendered mix. `reference` is (audio, its rate, its name)."""
    audio, rate = premaster.audio, premaster.sample_rate
    before = measure(audio, rate)
    if not math.isfinite(before.integrated_lufs):
        raise AssistantError("the mix is silent (or under 0.4 s long): nothing to master")
    notes: list[str] = []
    aim = target
    if reference is None:
        curve = neutral_curve_db()
        strength = NEUTRAL_STRENGTH
    else:
        ref_audio, ref_rate, ref_name = reference
        curve = band_levels_db(ref_audio, ref_rate)
        strength = REFERENCE_STRENGTH
        ref_loudness = integrated_lufs(ref_audio, ref_rate)
        if not math.isfinite(ref_loudness):
            raise AssistantError(f"{ref_name}: the reference track is silent")
        aim = Target(f"Reference: {ref_name}", round(ref_loudness, 1), target.true_peak_dbtp)
        notes.append(f"Matched to the reference {ref_name}: its spectrum and its loudness "
                     f"({ref_loudness:.1f} LUFS), under the {target.true_peak_dbtp:g} dBTP "
                     f"ceiling of {target.name}.")
    if progress is not None:
        progress(40, 100)
    chain: list[EffectSettings] = []
    if before.integrated_lufs < QUIET_MIX_LUFS:
        trim_db = round(min(TRIM_AIM_LUFS - before.integrated_lufs, 24.0), 1)
        chain.append(_effect("gain", {"gain_db": trim_db}))
        audio = run_chain(chain, audio, rate)
        notes.append(f"The mix is quiet ({before.integrated_lufs:.1f} LUFS): trimmed up "
                     f"{trim_db:.1f} dB first.")
    deviation = tonal_deviation_db(before.bands_db, curve, rate)
    eq_values, wanted = fit_eq(deviation, strength, rate)
    eq = _effect("eq", eq_values)
    gains = {name: eq_values[name] for name, _fixed in _EQ_BANDS}
    notes.append("EQ towards " + ("the reference" if reference else "a neutral balance") + ": "
                 + ", ".join(f"{label} {gains[name]:+.1f} dB" for label, name in (
                     ("lows", "low_gain_db"), ("low mids", "p1_gain_db"),
                     ("presence", "p2_gain_db"), ("highs", "high_gain_db"))) + ".")
    equalised = run_chain([eq], audio, rate)
    threshold, reduction = fit_glue(equalised, rate)
    glue = _effect("compressor", {**GLUE, "threshold_db": threshold})
    notes.append(f"Glue compression 2:1 from {threshold:.1f} dB: about {reduction:.1f} dB off "
                 "the loud passages.")
    if progress is not None:
        progress(55, 100)
    chain += [eq, glue]
    chain += _width_stage(before.side_to_mid_db, notes)
    shaped = run_chain(chain[chain.index(glue):], equalised, rate)
    limiter, out, loudness, passes = _land_loudness(
        shaped, rate, aim.integrated_lufs, aim.true_peak_dbtp, progress)
    chain.append(limiter)
    after = measure(out, rate, loudness)
    gain = dict(limiter.params)["input_gain_db"]
    notes.append(f"True-peak limiter at {aim.true_peak_dbtp:g} dBTP, {gain:+.1f} dB into it: "
                 f"{loudness:.1f} LUFS (aim {aim.integrated_lufs:g}) after {passes} "
                 f"pass{'es' if passes > 1 else ''}.")
    if abs(loudness - aim.integrated_lufs) > 0.3:
        notes.append(f"Could not reach {aim.integrated_lufs:g} LUFS: the limiter's input gain "
                     "is at the end of its range.")
    if progress is not None:
        progress(100, 100)
    return AssistantResult(
        chain=tuple(chain),
        target=aim,
        before=before,
        after=after,
        matched_gain_db=after.integrated_lufs - before.integrated_lufs,
        eq_wanted_db=tuple(float(w) for w in wanted),
        glue_reduction_db=reduction,
        passes=passes,
        notes=tuple(notes),
    )


def master_assistant(
    project: Project,
    project_dir: Path,
    target: Target,
    reference: Path | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> AssistantResult:
    """Analyse the project's mix (rendered without its master chain) and build a master chain
    for `target`, or for a reference track's spectrum and loudness. The project is not
    changed: `apply_chain` puts the result in. Raises AssistantError, MediaError (audio or
    reference missing) or BounceCancelled."""
    if project.end_frame == 0:
        raise AssistantError("the project has no clips: nothing to master")
    ref = None
    if reference is not None:
        ref_audio, ref_rate = mix_analysis.read_reference(reference)
        ref = (ref_audio, ref_rate, Path(reference).name)

    def rendering(done: int, total: int) -> None:
        if progress is not None:
            progress(40 * done // max(total, 1), 100)

    premaster = mix_analysis.render_premaster(project, project_dir, rendering, cancel,
                                              strip_stats=False)
    return assist(premaster, target, ref, progress)


def apply_chain(project: Project, result: AssistantResult) -> Project:
    """The project with the assistant's chain as its master chain and its target's name
    remembered (automation of effects no longer there is dropped; the master fader and its
    automation stay)."""
    ids = {e.id for e in result.chain}
    automation = tuple(
        e for e in project.master.automation
        if not e.target.startswith("effect:") or e.target.split(":")[1] in ids
    )
    master = replace(project.master, effects=result.chain, automation=automation,
                     target=result.target.name)
    return replace(project, master=master)


COMPARISON_GAIN_ID = "effect-loudness-match"


def comparison_chains(result: AssistantResult) -> tuple[tuple[EffectSettings, ...],
                                                         tuple[EffectSettings, ...]]:
    """(before, after) master chains for a loudness-matched comparison: before is the chain
    bypassed (the mix as it was); after is the chain followed by a gain of
    −matched_gain_db, the master at the unmastered mix's loudness, so neither is louder and
    neither can clip. Both keep the chain's ids, so switching keeps the settings."""
    before = tuple(replace(e, bypassed=True) for e in result.chain)
    level = EffectSettings(COMPARISON_GAIN_ID, "gain", _full_params(
        "gain", {"gain_db": float(np.clip(-result.matched_gain_db, -48.0, 24.0))}))
    return before, (*result.chain, level)
