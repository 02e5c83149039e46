"""The loudness report written beside a bounce: ``<name>.loudness.json`` for scripts and
``<name>.loudness.txt``, a few lines a person reads before sending the file off.

The figures are measured on the file as written (after resampling, dither and quantisation),
by `analyze_file`, the same measurement `daw analyze` prints. The text picks its loudness
figures out of that analysis by name, so it shows whatever the analysis measures.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path

from daw.engine.export.analyze import FileAnalysis
from daw.engine.export.bounce_writer import file_error, partial_path


def report_paths(target: Path) -> tuple[Path, Path]:
    """The JSON and the text report of a bounced file: ``mix.wav`` → ``mix.loudness.json``,
    ``mix.loudness.txt``."""
    return (target.with_name(f"{target.stem}.loudness.json"),
            target.with_name(f"{target.stem}.loudness.txt"))


def write_report(target: Path, analysis: FileAnalysis, bounce_info: dict[str, object]
                 ) -> tuple[Path, Path]:
    """Write both reports for `target` (each complete or not at all) and return their paths."""
    report: dict = _finite({**analysis.as_dict(), "bounce": bounce_info})  # type: ignore[assignment]
    json_path, text_path = report_paths(target)
    _write_whole(json_path, json.dumps(report, indent=2, allow_nan=False) + "\n")
    _write_whole(text_path, summary_text(report))
    return json_path, text_path


def _finite(value: object) -> object:
    """JSON has no infinity: a level of −inf dB (silence) is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _write_whole(path: Path, text: str) -> None:
    partial = partial_path(path)
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise file_error(path, error) from error


def find_figure(report: object, *fragments: str) -> float | None:
    """The first figure in `report` (nested dicts, depth first) under a key containing one
    of `fragments`; a list of figures (one per channel) gives its largest; null (silence)
    gives −inf. None when there is no such figure."""
    if not isinstance(report, dict):
        return None
    for key, value in report.items():
        if any(f in str(key).lower() for f in fragments):
            figure = -math.inf if value is None else _figure(value)  # null: −inf dB
            if figure is not None:
                return figure
    for value in report.values():
        found = find_figure(value, *fragments)
        if found is not None:
            return found
    return None


def _figure(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple) and value:
        figures = [_figure(v) for v in value]
        if all(f is not None for f in figures):
            return max(figures)
        if all(v is None for v in value):  # every channel silent: −inf, cleaned to null
            return -math.inf
    return None


def _show(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if value == -math.inf:
        return f"-inf {unit}"
    return f"{value:.1f} {unit}"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60.0)
    return f"{int(minutes)}:{rest:06.3f}"


def summary_lines(report: dict) -> Iterable[str]:
    """The summary as (label, value) lines: integrated loudness, loudness range, true peak,
    sample peak and length."""
    frames = report.get("frames", 0)
    rate = report.get("sample_rate", 1) or 1
    sample_peak = (report.get("levels") or {}).get("overall_peak_dbfs")
    yield f"Integrated loudness: {_show(find_figure(report, 'integrated'), 'LUFS')}"
    yield f"Loudness range:      {_show(find_figure(report, 'lra', 'loudness_range'), 'LU')}"
    yield f"True peak:           {_show(find_figure(report, 'true_peak', 'dbtp'), 'dBTP')}"
    yield ("Sample peak:         "
           + _show(-math.inf if sample_peak is None else float(sample_peak), "dBFS"))
    yield f"Length:              {_clock(frames / rate)} ({frames} frames at {rate} Hz)"


def summary_text(report: dict) -> str:
    """The text report: the file's name and format, then the summary lines."""
    bounce = report.get("bounce") or {}
    depth = {"16": "16-bit", "24": "24-bit", "32f": "32-bit float"}.get(
        str(bounce.get("bit_depth")), str(report.get("subtype", "")))
    kind = str(bounce.get("format") or report.get("format", "")).upper()
    head = f"{Path(str(report.get('path', ''))).name}: {depth} {kind}"
    if bounce:
        head += ", mastered" if bounce.get("mastered", True) else ", unmastered"
    return "\n".join([head, *summary_lines(report), *missing_lines(bounce),
                      *silenced_lines(bounce)]) + "\n"


def missing_lines(bounce: dict) -> Iterable[str]:
    """One line per media file that was missing: its clips are silent in the file."""
    for media in bounce.get("missing_media") or ():
        tracks = ", ".join(f'"{name}"' for name in media.get("tracks") or ())
        yield (f"Missing:             {media.get('path')} (track {tracks}: its clips are "
               "silent in this file)")


def silenced_lines(bounce: dict) -> Iterable[str]:
    """One line per strip the bounce muted because its effects produced NaN or infinite
    samples (the rest of the mix is in the file without it)."""
    for strip in bounce.get("silenced") or ():
        what = ("its chain bypassed" if strip.get("strip_id") == "master"
                else "muted from there on")
        yield (f"Silenced:            {strip.get('name')} at {_clock(strip.get('seconds', 0.0))}"
               f" (its effects produced NaN or infinite samples; {what})")
