"""Measuring an audio file: what `daw analyze` prints and what the bounce reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from daw.dsp.analysis import LevelMeter, LevelReport
from daw.media import probe
from daw.media.blocks import read_blocks


@dataclass(frozen=True)
class FileAnalysis:
    path: str
    sample_rate: int
    channels: int
    frames: int
    format: str
    subtype: str
    levels: LevelReport

    @property
    def duration_seconds(self) -> float:
        return self.frames / self.sample_rate

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON output (−inf dB becomes null)."""
        def clean(value: object) -> object:
            if isinstance(value, float) and value == float("-inf"):
                return None
            if isinstance(value, tuple | list):
                return [clean(v) for v in value]
            return value

        levels = {k: clean(v) for k, v in asdict(self.levels).items()}
        levels["overall_peak_dbfs"] = clean(self.levels.overall_peak_dbfs)
        levels["overall_rms_dbfs"] = clean(self.levels.overall_rms_dbfs)
        return {
            "path": self.path,
            "duration_seconds": self.duration_seconds,
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "frames": self.frames,
            "format": self.format,
            "subtype": self.subtype,
            "levels": levels,
        }


def analyze_file(path: Path) -> FileAnalysis:
    """Read the file once, block by block, and measure its levels."""
    info = probe(Path(path))
    meter = LevelMeter(info.channels)
    for block in read_blocks(Path(path)):
        meter.add(block)
    levels = meter.report()
    return FileAnalysis(str(path), info.sample_rate, info.channels, levels.frames,
                        info.format, info.subtype, levels)
