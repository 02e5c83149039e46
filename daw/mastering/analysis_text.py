"""`daw analyze`'s report as text: a file's levels, loudness, true peak and stereo image,
one measure a line, as a person reads them."""

from __future__ import annotations

from daw.engine.export.analyze import FileAnalysis


def analysis_text(result: FileAnalysis) -> str:
    """The report `daw analyze` prints: one measure a line, labels aligned."""
    out: list[str] = []
    levels = result.levels

    def db(value: float) -> str:
        return "-inf" if value == float("-inf") else f"{value:.2f}"

    names = ["left", "right"] if result.channels == 2 else [f"ch{i + 1}" for i in
                                                            range(result.channels)]
    out.append(f"file:        {result.path}")
    out.append(f"format:      {result.format} {result.subtype}")
    out.append(f"duration:    {result.duration_seconds:.3f} s ({result.frames} frames)")
    out.append(f"sample rate: {result.sample_rate} Hz")
    out.append(f"channels:    {result.channels}")
    if result.nonfinite_text is not None:
        out.append(f"bad samples: {result.nonfinite_text}; measured as silence")
    out.append(f"peak:        {db(levels.overall_peak_dbfs)} dBFS  ("
          + ", ".join(f"{n} {db(v)}" for n, v in zip(names, levels.peak_dbfs, strict=True))
          + ")")
    out.append(f"RMS:         {db(levels.overall_rms_dbfs)} dBFS  ("
          + ", ".join(f"{n} {db(v)}" for n, v in zip(names, levels.rms_dbfs, strict=True))
          + ")")
    out.append("DC offset:   " + ", ".join(f"{n} {v:+.6f}" for n, v in
                                      zip(names, levels.dc_offset, strict=True)))
    out.append(f"loudness:    {db(result.integrated_lufs)} LUFS integrated, "
          f"range {result.loudness_range_lu:.2f} LU")
    out.append(f"momentary:   max {db(result.max_momentary_lufs)} LUFS  (short-term max "
          f"{db(result.max_short_term_lufs)} LUFS)")
    out.append(f"true peak:   {db(result.true_peak_max_dbtp)} dBTP  ("
          + ", ".join(f"{n} {db(v)}" for n, v in zip(names, result.true_peak_dbtp, strict=True))
          + ")")
    if result.stereo is not None:
        stereo = result.stereo
        out.append(f"stereo:      correlation {stereo.correlation:+.3f}, balance "
              f"{db(stereo.balance_db)} dB (right vs left), side vs mid "
              f"{db(stereo.side_to_mid_db)} dB")
    return "\n".join(out)
