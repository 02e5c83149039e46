"""Mix report: what an analysis of the mix found, in plain words, each finding with the track
(or the master) it concerns and the numbers behind it.

It looks for what the issue names, with these limits (chosen to flag what a mastering engineer
would send back, not every departure from an ideal):

- clipping: flat tops in a strip's output (CLIP_RUN or more equal samples, the mark of audio
  that was clipped before it reached the track, or inside its chain), or a peak over 0 dBFS
  (it clips at the converter and in a fixed-point file); on the master, also a true peak
  after the master chain above the target's ceiling;
- DC offset: a channel whose mean is beyond ±DC_LIMIT (−50 dBFS);
- phase: left/right correlation under PHASE_LIMIT (a stereo pair with one side inverted reads
  −1; unrelated channels read about 0, so a slightly negative value is not yet a problem);
  mono collapse: the mono sum more than MONO_DROP_LIMIT_DB under the stereo level (what a
  phone or a club's mono sum loses);
- headroom into the master chain: a sample peak above −1 dBFS leaves the chain nothing to
  work with; one below −20 dBFS throws away resolution and makes the chain's thresholds odd;
- tonal balance against the reference curve (the neutral one of `mix_analysis`, or a
  reference track's spectrum), both aligned on the mids (250 Hz to 2 kHz): the low end
  (31.5 to 125 Hz) or the highs (2 to 8 kHz) more than TONE_LIMIT_DB above it;
- loudness: the master's output more than LOUDNESS_LIMIT_LU away from the target.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from daw.mastering import mix_analysis
from daw.mastering.mix_analysis import (
    CLIP_RUN,
    OCTAVE_CENTRES_HZ,
    Measurement,
    Premaster,
    StripStats,
    band_levels_db,
    measure,
    neutral_curve_db,
    run_chain,
    tonal_deviation_db,
)
from daw.mastering.targets import Target
from daw.model.project import MASTER, Project

DC_LIMIT = 10 ** (-50 / 20)
PHASE_LIMIT = -0.1
MONO_DROP_LIMIT_DB = -6.0
HEADROOM_HIGH_DBFS = -1.0
HEADROOM_LOW_DBFS = -20.0
TONE_LIMIT_DB = 4.0
LOUDNESS_LIMIT_LU = 2.0
_LOW_BANDS = (31.5, 63.0, 125.0)
_HIGH_BANDS = (2000.0, 4000.0, 8000.0)

KINDS = ("clipping", "dc_offset", "phase", "mono_collapse", "headroom", "low_end",
         "harsh_highs", "loudness")


@dataclass(frozen=True)
class Finding:
    """One thing the person should know about, on one strip or the master."""

    kind: str
    """One of KINDS."""
    strip_id: str
    """A track or bus id, or "master"."""
    where: str
    """The track's name, or "Master"."""
    message: str
    """A plain sentence with the numbers."""
    values: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "strip_id": self.strip_id, "where": self.where,
                "message": self.message,
                "values": {k: (v if math.isfinite(v) else None) for k, v in self.values.items()}}


@dataclass(frozen=True)
class MixReport:
    """The findings, and the measurements they came from."""

    findings: tuple[Finding, ...]
    target: Target
    premaster: Measurement
    """The mix as it reaches the master chain."""
    output: Measurement
    """What leaves the master: through its chain, if it has one."""
    has_chain: bool

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def text(self) -> str:
        """The report as a person reads it."""
        lines = [f"Mix report (target {self.target.describe()})",
                 f"  into the master: {_fmt(self.premaster.integrated_lufs)} LUFS, peak "
                 f"{_fmt(self.premaster.sample_peak_dbfs)} dBFS",
                 f"  out of the master: {_fmt(self.output.integrated_lufs)} LUFS, true peak "
                 f"{_fmt(self.output.true_peak_dbtp)} dBTP"]
        if not self.findings:
            lines.append("Nothing to fix: no clipping, DC offset or phase trouble; headroom, "
                         "tonal balance and loudness are fine.")
        for finding in self.findings:
            lines.append(f"- {finding.where}: {finding.message}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {"target": {"name": self.target.name,
                           "integrated_lufs": self.target.integrated_lufs,
                           "true_peak_dbtp": self.target.true_peak_dbtp},
                "premaster": self.premaster.as_dict(), "output": self.output.as_dict(),
                "has_chain": self.has_chain,
                "findings": [f.as_dict() for f in self.findings]}


def _fmt(value: float) -> str:
    return f"{value:.1f}" if math.isfinite(value) else "-inf"


def _drop(drop_db: float) -> str:
    return "over 60 dB" if drop_db < -60.0 else f"{-drop_db:.1f} dB"


def _db(value: float) -> float:
    return 20.0 * math.log10(value) if value > 0 else -math.inf


# --- the findings ---------------------------------------------------------------------------


def strip_findings(strip_id: str, name: str, stats: StripStats) -> list[Finding]:
    """Clipping, DC offset and phase of one strip's output."""
    found: list[Finding] = []
    if not stats.heard:
        return found
    found += _level_findings(strip_id, name, stats)
    if stats.correlation < PHASE_LIMIT:
        found.append(Finding(
            "phase", strip_id, name,
            f"left and right are out of phase (correlation {stats.correlation:+.2f}): one "
            "side may be polarity-inverted, or a stereo effect cancels itself",
            {"correlation": stats.correlation}))
    if stats.mono_drop_db < MONO_DROP_LIMIT_DB:
        found.append(Finding(
            "mono_collapse", strip_id, name,
            f"collapses in mono: the mono sum is {_drop(stats.mono_drop_db)} quieter than the "
            "stereo signal, so it nearly disappears on a mono speaker",
            {"mono_drop_db": stats.mono_drop_db}))
    return found


def _level_findings(strip_id: str, name: str, stats: StripStats) -> list[Finding]:
    found: list[Finding] = []
    if stats.clipped_samples:
        share = 100.0 * stats.clipped_samples / max(2 * stats.frames, 1)
        found.append(Finding(
            "clipping", strip_id, name,
            f"clipped: {stats.clipped_samples} samples ({share:.2g} %) sit in flat tops "
            f"({CLIP_RUN} or more equal samples in a row), so the audio was clipped before it "
            "got here or in its effects; record or import it again at a lower level, or lower "
            "what drives it", {"clipped_samples": float(stats.clipped_samples)}))
    if stats.peak_dbfs > 0.0:
        found.append(Finding(
            "clipping", strip_id, name,
            f"peaks at {stats.peak_dbfs:+.1f} dBFS, over full scale: it clips at the "
            "converter and in a 16 or 24-bit file; turn it down",
            {"peak_dbfs": stats.peak_dbfs}))
    offsets = [(channel, offset) for channel, offset in zip(("left", "right"), stats.dc_offset,
                                                            strict=True) if abs(offset) > DC_LIMIT]
    if offsets:
        worst = max(abs(offset) for _channel, offset in offsets)
        sides = "both channels" if len(offsets) == 2 else f"the {offsets[0][0]} channel"
        found.append(Finding(
            "dc_offset", strip_id, name,
            f"DC offset on {sides} ({', '.join(f'{o:+.4f}' for _c, o in offsets)}, up to "
            f"{_db(worst):.0f} dBFS): it wastes headroom and clicks at edits; a high-pass at "
            "20 Hz removes it",
            {"dc_left": stats.dc_offset[0], "dc_right": stats.dc_offset[1]}))
    return found


def master_findings(premaster: Measurement, premaster_stats: StripStats, output: Measurement,
                    has_chain: bool, target: Target,
                    reference_bands: tuple[float, ...] | None, rate: int) -> list[Finding]:
    """Everything about the master: its input's level, phase and balance, its output's
    loudness and peak."""
    found = strip_findings(MASTER, "Master", premaster_stats)
    peak = premaster.sample_peak_dbfs
    if HEADROOM_HIGH_DBFS < peak <= 0.0:
        found.append(Finding(
            "headroom", MASTER, "Master",
            f"too little headroom into the master: peaks at {peak:.1f} dBFS; leave about "
            "3 to 6 dB (turn the tracks or the master fader down) so the master chain has "
            "room to work", {"peak_dbfs": peak}))
    elif peak < HEADROOM_LOW_DBFS:
        found.append(Finding(
            "headroom", MASTER, "Master",
            f"very low level into the master: peaks at {_fmt(peak)} dBFS; bring the mix up "
            "to peak around −6 dBFS", {"peak_dbfs": peak}))
    curve = np.asarray(reference_bands if reference_bands is not None else neutral_curve_db())
    against = "the reference track" if reference_bands is not None else "a neutral balance"
    deviation = tonal_deviation_db(premaster.bands_db, curve, rate)
    for kind, bands, words in (("low_end", _LOW_BANDS, "too much low end"),
                               ("harsh_highs", _HIGH_BANDS, "harsh high end")):
        excess = _band_mean(deviation, bands)
        if excess > TONE_LIMIT_DB:
            found.append(Finding(
                kind, MASTER, "Master",
                f"{words}: {excess:.1f} dB above {against} (relative to the mids)",
                {"excess_db": excess}))
    if has_chain and output.true_peak_dbtp > target.true_peak_dbtp:
        found.append(Finding(
            "clipping", MASTER, "Master",
            f"true peak {output.true_peak_dbtp:+.2f} dBTP after the master chain, over the "
            f"{target.true_peak_dbtp:g} dBTP ceiling of {target.name}: finish the chain with "
            "a true-peak limiter", {"true_peak_dbtp": output.true_peak_dbtp}))
    loudness = output.integrated_lufs
    if math.isfinite(loudness) and abs(loudness - target.integrated_lufs) > LOUDNESS_LIMIT_LU:
        off = loudness - target.integrated_lufs
        if off < 0:
            advice = "the master assistant (or a limiter) can bring it up"
        elif has_chain:
            advice = "services will turn it down, and what the limiter took off is lost"
        else:
            advice = "services will turn it down; a master chain can set it right"
        found.append(Finding(
            "loudness", MASTER, "Master",
            f"loudness {loudness:.1f} LUFS is {abs(off):.1f} LU {'above' if off > 0 else 'below'}"
            f" the {target.integrated_lufs:g} LUFS of {target.name}: {advice}",
            {"integrated_lufs": loudness, "off_lu": off}))
    return found


def _band_mean(deviation: np.ndarray, centres: tuple[float, ...]) -> float:
    """The deviation of the bands' summed energy (so one loud band counts as it sounds)."""
    picked = [deviation[OCTAVE_CENTRES_HZ.index(c)] for c in centres]
    picked = [d for d in picked if math.isfinite(d)]
    if not picked:
        return 0.0
    return float(10.0 * np.log10(np.mean(10.0 ** (np.asarray(picked) / 10.0))))


# --- the whole report -----------------------------------------------------------------------


def report_from(project: Project, premaster: Premaster, target: Target,
                reference: tuple[np.ndarray, int] | None = None) -> MixReport:
    """The report for a rendered mix (`mix_analysis.render_premaster` with strip stats)."""
    rate = premaster.sample_rate
    before = measure(premaster.audio, rate)
    has_chain = any(not e.bypassed for e in project.master.effects)
    output = measure(run_chain(project.master.effects, premaster.audio, rate), rate) \
        if has_chain else before
    gatherer = mix_analysis.StatsGatherer()
    for start in range(0, premaster.audio.shape[0], mix_analysis.RENDER_BLOCK):
        gatherer.add(premaster.audio[start : start + mix_analysis.RENDER_BLOCK])
    reference_bands = None
    if reference is not None:
        reference_bands = tuple(float(b) for b in band_levels_db(*reference))
    findings: list[Finding] = []
    for track in project.tracks:
        stats = premaster.strips.get(track.id)
        if stats is not None:
            findings += strip_findings(track.id, track.name, stats)
    findings += master_findings(before, gatherer.stats(), output, has_chain, target,
                                reference_bands, rate)
    return MixReport(tuple(findings), target, before, output, has_chain)


def mix_report(
    project: Project,
    project_dir: Path,
    target: Target,
    reference: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> MixReport:
    """Render the project (the master chain then run over the mix) and report what it finds.
    Raises MediaError for missing audio or an unreadable reference, BounceCancelled."""
    ref = mix_analysis.read_reference(reference) if reference is not None else None
    premaster = mix_analysis.render_premaster(project, project_dir, progress, cancel)
    return report_from(project, premaster, target, ref)
