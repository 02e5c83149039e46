"""Measuring an audio file: what `daw analyze` prints and what the bounce reports.

One pass over the file, block by block (memory does not grow with its length): sample peak,
RMS and DC per channel; loudness per ITU-R BS.1770-4 / EBU R 128 (integrated, range, the
highest momentary and short-term values); true peak per channel (4× oversampled); the stereo
correlation, balance and width of the first two channels; the long-term spectrum in
third-octave bands.

NaN and infinite samples are counted, and measured as silence: one of them would otherwise
turn every figure into NaN or −inf, and the rest of the file deserves its measurement.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

from daw.dsp.analysis import LevelMeter, LevelReport
from daw.dsp.loudness import LoudnessMeter
from daw.dsp.spectrum import SpectrumAnalyser, SpectrumReading
from daw.dsp.stereo import CorrelationMeter, StereoReading
from daw.dsp.true_peak import TruePeakMeter
from daw.media import MediaError, probe
from daw.media.blocks import read_blocks
from daw.media.errors import display_name
from daw.media.finite import NonFiniteTally, channel_name
from daw.media.headers import truncation_reason


@dataclass(frozen=True)
class FileAnalysis:
    path: str
    sample_rate: int
    channels: int
    frames: int
    format: str
    subtype: str
    levels: LevelReport
    integrated_lufs: float = -math.inf
    loudness_range_lu: float = 0.0
    max_momentary_lufs: float = -math.inf
    max_short_term_lufs: float = -math.inf
    true_peak_dbtp: tuple[float, ...] = ()
    """Per channel, dBTP."""
    stereo: StereoReading | None = None
    """Of the first two channels; None for a mono file."""
    spectrum: SpectrumReading | None = None
    """Long-term average third-octave band levels (a full-scale sine reads 0 dB)."""
    nonfinite_samples: int = 0
    """NaN and infinite samples in the file; the figures count them as zeros."""
    first_nonfinite_frame: int | None = None
    first_nonfinite_channel: int | None = None

    @property
    def nonfinite_text(self) -> str | None:
        """"3 samples are NaN or infinite (first at 1.250 s, left channel)", or None."""
        if not self.nonfinite_samples or self.first_nonfinite_frame is None:
            return None
        noun = "sample is" if self.nonfinite_samples == 1 else "samples are"
        where = channel_name(self.first_nonfinite_channel or 0, self.channels)
        return (f"{self.nonfinite_samples} {noun} NaN or infinite (first at "
                f"{self.first_nonfinite_frame / self.sample_rate:.3f} s, {where})")

    @property
    def duration_seconds(self) -> float:
        return self.frames / self.sample_rate

    @property
    def true_peak_max_dbtp(self) -> float:
        return max(self.true_peak_dbtp, default=-math.inf)

    @property
    def sample_peak_dbfs(self) -> float:
        return self.levels.overall_peak_dbfs

    @property
    def correlation(self) -> float | None:
        return None if self.stereo is None else self.stereo.correlation

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON output (−inf and +inf dB become null)."""
        levels = {k: _clean(v) for k, v in asdict(self.levels).items()}
        levels["overall_peak_dbfs"] = _clean(self.levels.overall_peak_dbfs)
        levels["overall_rms_dbfs"] = _clean(self.levels.overall_rms_dbfs)
        return {
            "path": self.path,
            "duration_seconds": self.duration_seconds,
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "frames": self.frames,
            "format": self.format,
            "subtype": self.subtype,
            "levels": levels,
            "loudness": {
                "integrated_lufs": _clean(self.integrated_lufs),
                "loudness_range_lu": _clean(self.loudness_range_lu),
                "max_momentary_lufs": _clean(self.max_momentary_lufs),
                "max_short_term_lufs": _clean(self.max_short_term_lufs),
            },
            "true_peak_dbtp": _clean(self.true_peak_dbtp),
            "true_peak_max_dbtp": _clean(self.true_peak_max_dbtp),
            "sample_peak_dbfs": _clean(self.sample_peak_dbfs),
            "stereo": None if self.stereo is None else {
                k: _clean(v) for k, v in asdict(self.stereo).items()},
            "spectrum": None if self.spectrum is None else {
                "centres_hz": list(self.spectrum.centres_hz),
                "levels_db": _clean(self.spectrum.levels_db),
            },
            "nonfinite": None if not self.nonfinite_samples else {
                "samples": self.nonfinite_samples,
                "first_frame": self.first_nonfinite_frame,
                "first_seconds": (self.first_nonfinite_frame or 0) / self.sample_rate,
                "first_channel": self.first_nonfinite_channel,
            },
        }


def _clean(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [_clean(v) for v in value]
    return value


def analyze_file(path: Path) -> FileAnalysis:
    """Read the file once, block by block, and measure it (non-finite samples as zeros). A
    truncated WAV or AIFF is refused (MediaError saying how much is missing): libsndfile
    would quietly measure the part that is there, and the figures would describe a file that
    is not the one made."""
    info = probe(Path(path))
    truncated = truncation_reason(Path(path))
    if truncated:
        raise MediaError(f"{display_name(Path(path))}: {truncated}")
    levels = LevelMeter(info.channels)
    loudness = LoudnessMeter(info.sample_rate, info.channels)
    true_peak = TruePeakMeter(info.channels, info.sample_rate)
    stereo = CorrelationMeter(info.sample_rate) if info.channels >= 2 else None
    spectrum = SpectrumAnalyser(info.sample_rate)
    tally = NonFiniteTally()
    frame = 0
    for block in read_blocks(Path(path)):
        tally.repair(block, frame)
        frame += block.shape[0]
        levels.add(block)
        loudness.process(block)
        true_peak.process(block)
        if stereo is not None:
            stereo.process(block)
        spectrum.process(block)
    report = levels.report()
    return FileAnalysis(
        str(path), info.sample_rate, info.channels, report.frames, info.format,
        info.subtype, report,
        integrated_lufs=loudness.integrated_lufs(),
        loudness_range_lu=loudness.loudness_range_lu(),
        max_momentary_lufs=loudness.max_momentary_lufs,
        max_short_term_lufs=loudness.max_short_term_lufs,
        true_peak_dbtp=true_peak.peak_dbtp,
        stereo=None if stereo is None else stereo.total(),
        spectrum=spectrum.average(),
        nonfinite_samples=tally.count,
        first_nonfinite_frame=tally.first_frame,
        first_nonfinite_channel=tally.first_channel,
    )
