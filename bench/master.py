"""Mastering benchmark: the master assistant, the mastered bounce and the file analysis of the
16-track, 3-minute song, each against a yardstick run in the same process.

The song is the render benchmark's (16 stereo tracks x 3 minutes at 48 kHz, 2 to 4 clips a
track with fades; `render.py` generates it, reused with ``--workdir``); ``--song mix`` takes the
mixing benchmark's instead (an EQ and a compressor on every track, a reverb bus), whose mix
alone costs far more than its mastering (see `mix.py`). Figures, best and median of
``--repeat`` alternated runs:

- (a) the master assistant for the "Streaming" target (−14 LUFS, −1 dBTP): its time and x
  realtime, the passes it took, and where it landed against the target;
- (b) the mastered bounce (the assistant's chain as the master chain: EQ, glue compressor,
  width where used, true-peak limiter) to a 24-bit WAV with the workers the bounce chooses,
  in x realtime, next to the same bounce unmastered (the master chain's cost is the
  difference); its peak memory in a fresh process (VmHWM); and a cProfile of one mastered
  bounce, the functions that take the time;
- (c) the bounced file analysed by `analyze_file` (one pass: loudness, range, true peak,
  spectrum, correlation, levels; decoding included) against pyloudnorm's integrated loudness
  alone (``pyloudnorm.Meter(rate).integrated_loudness`` on the decoded array, decoding timed
  apart), and whether the two integrated figures agree within 0.1 LU;
- (d) the bounced file checked without our meters: integrated loudness within ±0.5 LU of the
  target (pyloudnorm) and true peak at or under the ceiling, by a 4x oversampling of the bench's
  own (numpy FFT resampling of overlapping windows, edges thrown away).

The machine's load average (/proc/loadavg) is read before and after each part, because on a
shared machine it explains most of the spread.

    python bench/master.py [--tracks 16] [--minutes 3] [--workdir DIR] [--repeat 3]
                           [--song plain|mix] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy as np  # noqa: E402
import pyloudnorm  # noqa: E402
import soundfile as sf  # noqa: E402
from mix import mix_project  # noqa: E402
from render import (  # noqa: E402
    RATE,
    SEED,
    build_project,
    ensure_sources,
    link_audio,
    peak_rss_mb,
    profile_lines,
    profile_rows,
    run_and_report,
    track_specs,
    warm_cache,
)

from daw.engine.export.analyze import analyze_file  # noqa: E402
from daw.engine.export.bounce import BounceSettings, auto_workers, bounce  # noqa: E402
from daw.mastering.assistant import AssistantResult, apply_chain, master_assistant  # noqa: E402
from daw.mastering.targets import Target, find_target  # noqa: E402
from daw.model import Project  # noqa: E402
from daw.model.store import load_project, save_project  # noqa: E402

AIM_X_REALTIME = 20.0
AGREE_LU = 0.1
"""Our integrated loudness against pyloudnorm's on the same file."""
LANDED_LU = 0.5
"""The bounced file's integrated loudness against the target (pyloudnorm)."""
TRUE_PEAK_SLACK_DB = 0.02
"""Two different interpolators differ in the last hundredths of a dB on the same peak; a
limiter that let peaks through would overshoot by far more."""
TARGET_NAME = "streaming"
OVERSAMPLE = 4
WINDOW = 1 << 16
MARGIN = 4096
"""Frames thrown away at each edge of an FFT window: the circular wrap of FFT resampling
disturbs only the edges (its error falls off as a sinc does, below 1e-4 by 4096 frames)."""
PROFILE_LINES = 14


# --- the song -------------------------------------------------------------------------------


def prepare(workdir: Path, tracks: int, minutes: float, song: str) -> Path:
    """``workdir/Master.minidaw`` (or ``MasterMix.minidaw``): the render benchmark's sources
    (generated once into ``workdir/Bench.minidaw/audio``, linked here) and the song, with no
    master chain (the assistant makes one)."""
    specs = track_specs(tracks, SEED)
    frames = round(minutes * 60.0 * RATE)
    sources = workdir / "Bench.minidaw" / "audio"
    ensure_sources(sources, specs, frames, SEED)
    folder = workdir / ("Master.minidaw" if song == "plain" else "MasterMix.minidaw")
    link_audio(sources, folder / "audio", [s.filename for s in specs])
    project = build_project("Master", specs, frames, frames, SEED)
    if song == "mix":
        project = mix_project(project)
        project = replace(project, master=replace(project.master, effects=()))
    save_project(folder, project)
    return folder


# --- independent checks ---------------------------------------------------------------------


def fft_true_peak(audio: np.ndarray, factor: int = OVERSAMPLE) -> np.ndarray:
    """Per channel, the highest magnitude of `audio` (frames, channels) oversampled `factor`
    times by FFT resampling (zero-padding the spectrum) of overlapping windows; each window
    keeps only its middle, away from the wrapped edges. Linear units, float64."""
    frames, channels = audio.shape
    padded = np.concatenate([np.zeros((MARGIN, channels)), np.asarray(audio, np.float64),
                             np.zeros((MARGIN, channels))])
    step = WINDOW - 2 * MARGIN
    peak = np.zeros(channels)
    for start in range(0, frames, step):
        window = padded[start : start + WINDOW]
        n = window.shape[0]
        spectrum = np.fft.rfft(window, axis=0)
        wide = np.zeros((n * factor // 2 + 1, channels), dtype=complex)
        wide[: spectrum.shape[0]] = spectrum
        if n % 2 == 0:
            wide[n // 2] *= 0.5  # the Nyquist bin is shared by +/- frequencies: split it
        up = np.fft.irfft(wide, n * factor, axis=0) * factor
        keep = up[MARGIN * factor : (n - MARGIN) * factor]
        if keep.shape[0]:
            np.maximum(peak, np.abs(keep).max(axis=0), out=peak)
    return peak


def _db(value: float) -> float:
    return 20.0 * math.log10(value) if value > 0.0 else -math.inf


# --- the parts ------------------------------------------------------------------------------


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _times(values: list[float], seconds: float) -> dict[str, Any]:
    best, median = min(values), statistics.median(values)
    return {"times_s": values, "best_s": best, "median_s": median,
            "x_realtime_best": seconds / best, "x_realtime_median": seconds / median}


def _timed(job: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    value = job()
    return time.perf_counter() - began, value


def mastered_bounce(project: Project, folder: Path, out: Path, mastered: bool = True) -> None:
    """The bounce `daw render` makes: 24-bit WAV, workers as the bounce chooses, no report
    (the analysis is timed apart, in part (c))."""
    bounce(project, folder, BounceSettings(out, bit_depth="24", mastered=mastered,
                                           report=False))


def profile_bounce(project: Project, folder: Path, out: Path) -> list[dict[str, Any]]:
    """One mastered bounce under cProfile: the functions with the most time of their own."""
    return profile_rows(lambda: mastered_bounce(project, folder, out), PROFILE_LINES)


def assistant_part(project: Project, folder: Path, target: Target, repeat: int,
                   seconds: float) -> tuple[AssistantResult, dict[str, Any]]:
    runs: list[float] = []
    result: AssistantResult | None = None
    for _ in range(repeat):
        print("running the master assistant", file=sys.stderr, flush=True)
        elapsed, result = _timed(lambda: master_assistant(project, folder, target))
        runs.append(elapsed)
    assert result is not None
    return result, {
        **_times(runs, seconds),
        "passes": result.passes,
        "before_lufs": result.before.integrated_lufs,
        "landed_lufs": result.after.integrated_lufs,
        "landed_true_peak_dbtp": result.after.true_peak_dbtp,
        "target_lufs": target.integrated_lufs,
        "ceiling_dbtp": target.true_peak_dbtp,
        "chain": [e.kind for e in result.chain],
        "glue_reduction_db": result.glue_reduction_db,
    }


def analysis_part(path: Path, repeat: int, seconds: float) -> dict[str, Any]:
    """analyze_file against pyloudnorm's integrated loudness on the decoded array."""
    ours_runs, decode_runs, reference_runs = [], [], []
    ours = None
    reference = math.nan
    for _ in range(repeat):
        print("analysing the bounce", file=sys.stderr, flush=True)
        elapsed, ours = _timed(lambda: analyze_file(path))
        ours_runs.append(elapsed)
        elapsed, (audio, rate) = _timed(lambda: sf.read(str(path), dtype="float64",
                                                        always_2d=True))
        decode_runs.append(elapsed)
        meter = pyloudnorm.Meter(rate)
        elapsed, reference = _timed(lambda m=meter, x=audio: m.integrated_loudness(x))
        reference_runs.append(elapsed)
        del audio
    assert ours is not None
    return {
        "ours": _times(ours_runs, seconds),
        "decode": _times(decode_runs, seconds),
        "pyloudnorm": _times(reference_runs, seconds),
        "ratio_best": min(ours_runs) / min(reference_runs),
        "ratio_median": statistics.median(ours_runs) / statistics.median(reference_runs),
        "ratio_with_decode_best": min(ours_runs) / (min(reference_runs) + min(decode_runs)),
        "ours_lufs": ours.integrated_lufs,
        "pyloudnorm_lufs": float(reference),
        "ours_true_peak_dbtp": ours.true_peak_max_dbtp,
        "ours_lra_lu": ours.loudness_range_lu,
        "agree": abs(ours.integrated_lufs - float(reference)) <= AGREE_LU,
    }


def verify_part(path: Path, target: Target) -> dict[str, Any]:
    """The bounce against the target, measured without our meters."""
    audio, rate = sf.read(str(path), dtype="float64", always_2d=True)
    loudness = float(pyloudnorm.Meter(rate).integrated_loudness(audio))
    peaks = fft_true_peak(audio)
    true_peak = _db(float(peaks.max()))
    info = sf.info(str(path))
    return {
        "frames": info.frames, "subtype": info.subtype, "rate": rate,
        "pyloudnorm_lufs": loudness,
        "fft_true_peak_dbtp": [_db(float(p)) for p in peaks],
        "fft_true_peak_max_dbtp": true_peak,
        "sample_peak_dbfs": _db(float(np.abs(audio).max())),
        "loudness_ok": abs(loudness - target.integrated_lufs) <= LANDED_LU,
        "true_peak_ok": true_peak <= target.true_peak_dbtp + TRUE_PEAK_SLACK_DB,
    }


# --- peak memory in a fresh process ---------------------------------------------------------


def child_bounce(folder: str, out: str) -> int:
    """Runs in a fresh interpreter: one mastered bounce of the saved song, then the peak
    memory as JSON."""
    began = time.perf_counter()
    project = load_project(Path(folder))
    mastered_bounce(project, Path(folder), Path(out))
    print(json.dumps({"peak_rss_mb": peak_rss_mb(), "seconds": time.perf_counter() - began}))
    return 0


def run_child(folder: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child-bounce", str(folder),
               str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench: the bounce child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the benchmark --------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    folder = prepare(workdir, args.tracks, args.minutes, args.song)
    project = load_project(folder)
    seconds = project.end_frame / RATE
    (workdir / "targets").mkdir(exist_ok=True)  # no saved targets: the factory preset
    target = find_target(TARGET_NAME, workdir / "targets")
    warm_cache(sorted((folder / "audio").glob("*.wav")))
    load: dict[str, str] = {"start": loadavg()}

    result, assistant = assistant_part(project, folder, target, args.repeat, seconds)
    load["after_assistant"] = loadavg()
    mastered = apply_chain(project, result)
    save_project(folder, mastered)  # for the fresh process
    out = workdir / "mastered.wav"
    plain = workdir / "unmastered.wav"
    times: dict[str, list[float]] = {"mastered": [], "unmastered": []}
    for _ in range(args.repeat):
        for name, path, flag in (("mastered", out, True), ("unmastered", plain, False)):
            print(f"bouncing {name}", file=sys.stderr, flush=True)
            elapsed, _ = _timed(lambda p=path, f=flag: mastered_bounce(mastered, folder, p, f))
            times[name].append(elapsed)
    load["after_bounce"] = loadavg()
    bounces = {name: _times(t, seconds) for name, t in times.items()}
    master_chain_s = {k: bounces["mastered"][f"{k}_s"] - bounces["unmastered"][f"{k}_s"]
                      for k in ("best", "median")}

    print("analysis against pyloudnorm", file=sys.stderr, flush=True)
    analysis = analysis_part(out, args.repeat, seconds)
    load["after_analysis"] = loadavg()
    print("independent check of the bounce", file=sys.stderr, flush=True)
    verify = verify_part(out, target)
    print("peak memory (fresh process)", file=sys.stderr, flush=True)
    memory = run_child(folder, workdir / "child.wav")["peak_rss_mb"]
    print("profiling one mastered bounce", file=sys.stderr, flush=True)
    profile = profile_bounce(mastered, folder, workdir / "profiled.wav")
    load["end"] = loadavg()
    return {
        "song": args.song, "tracks": args.tracks, "minutes": args.minutes,
        "audio_seconds": seconds, "cpu_count": os.cpu_count(),
        "workers": auto_workers(mastered), "target": target.describe(),
        "loadavg": load,
        "assistant": assistant,
        "bounce": {**bounces, "master_chain_s": master_chain_s,
                   "peak_memory_mb": memory},
        "analysis": analysis,
        "verify": verify,
        "profile": profile,
        "verdicts": {
            "x_realtime": bounces["mastered"]["x_realtime_best"] >= AIM_X_REALTIME,
            "analysis_agrees": analysis["agree"],
            "loudness": verify["loudness_ok"],
            "true_peak": verify["true_peak_ok"],
        },
    }


# --- the report -----------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "MET " if ok else "MISS"


def report(r: dict[str, Any]) -> str:
    def row(label: str, m: dict[str, Any], rt: bool = True) -> str:
        runs = ", ".join(f"{t:.2f}" for t in m["times_s"])
        if not rt:
            return (f"  {label:<36}{m['best_s']:7.2f} s {'':8} {m['median_s']:7.2f} s"
                    f" {'':8}   {runs}")
        return (f"  {label:<36}{m['best_s']:7.2f} s {m['x_realtime_best']:7.1f}x "
                f"{m['median_s']:7.2f} s {m['x_realtime_median']:7.1f}x   {runs}")

    a, b, c, v = r["assistant"], r["bounce"], r["analysis"], r["verify"]
    load = r["loadavg"]
    chain = " -> ".join(a["chain"])
    aim = b["mastered"]["x_realtime_best"]
    lines = [
        f"MiniDAW mastering benchmark: {r['tracks']} stereo tracks x {r['minutes']:g} min at "
        f"{RATE // 1000} kHz ({r['song']} song), target {r['target']}; {r['cpu_count']} CPUs, "
        f"bounce workers {r['workers']}",
        f"  load average (1/5/15 min): start {load['start']}, after the assistant "
        f"{load['after_assistant']}, after the bounces {load['after_bounce']}, end "
        f"{load['end']}",
        "",
        f"  {'':<36}{'best':>9} {'x rt':>8} {'median':>9} {'x rt':>8}   runs (s)",
        row("(a) master assistant", a),
        row("(b) mastered bounce, 24-bit WAV", b["mastered"]),
        row("    same bounce, unmastered", b["unmastered"]),
        row("(c) analyze_file (decode included)", c["ours"]),
        row("    decode alone (soundfile, float64)", c["decode"]),
        row("    pyloudnorm integrated alone", c["pyloudnorm"]),
        "",
        f"  (a) chain {chain}; {a['passes']} limiter passes; landed {a['landed_lufs']:.2f} LUFS "
        f"(target {a['target_lufs']:g}), true peak {a['landed_true_peak_dbtp']:.2f} dBTP "
        f"(ceiling {a['ceiling_dbtp']:g}); the mix was {a['before_lufs']:.1f} LUFS",
        f"  (b) master chain's share: {b['master_chain_s']['best']:.2f} s best, "
        f"{b['master_chain_s']['median']:.2f} s median; peak memory of a mastered bounce "
        f"(fresh process): {b['peak_memory_mb']:.0f} MB",
        f"  (c) analyze_file / pyloudnorm: {c['ratio_best']:.2f} best, {c['ratio_median']:.2f} "
        f"median ({c['ratio_with_decode_best']:.2f} against pyloudnorm plus its decode); "
        f"integrated {c['ours_lufs']:.3f} against {c['pyloudnorm_lufs']:.3f} LUFS "
        f"(difference {abs(c['ours_lufs'] - c['pyloudnorm_lufs']):.3f} LU)",
        f"  (d) the file: {v['frames']} frames {v['subtype']}; pyloudnorm "
        f"{v['pyloudnorm_lufs']:.2f} LUFS; true peak (FFT 4x, ours apart) "
        + ", ".join(f"{p:.3f}" for p in v["fft_true_peak_dbtp"])
        + f" dBTP (analyze_file: {c['ours_true_peak_dbtp']:.3f}); sample peak "
        f"{v['sample_peak_dbfs']:.3f} dBFS",
        "",
        "  where a mastered bounce spends its time (cProfile, own time, one run):",
    ]
    lines += profile_lines(r["profile"])
    ok = r["verdicts"]
    lines += [
        "",
        f"[{_mark(ok['x_realtime'])}] mastered bounce: {aim:.1f}x realtime (aim >= "
        f"{AIM_X_REALTIME:g}x)" + ("" if ok["x_realtime"] else
                                   f", {100 * (1 - aim / AIM_X_REALTIME):.0f}% short"),
        f"[{_mark(ok['analysis_agrees'])}] analyze_file and pyloudnorm agree within "
        f"{AGREE_LU:g} LU",
        f"[{_mark(ok['loudness'])}] bounce within {LANDED_LU:g} LU of {a['target_lufs']:g} LUFS "
        f"(pyloudnorm: {v['pyloudnorm_lufs']:.2f})",
        f"[{_mark(ok['true_peak'])}] bounce's true peak at or under {a['ceiling_dbtp']:g} dBTP "
        f"(independent 4x: {v['fft_true_peak_max_dbtp']:.3f}; slack {TRUE_PEAK_SLACK_DB:g} dB)",
    ]
    return "\n".join(lines)


# --- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=16)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--workdir", type=Path,
                        help="where to generate the song (kept, and reused by the next run; "
                             "the same folder as render.py's works)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--song", choices=("plain", "mix"), default="plain",
                        help="plain: render.py's song; mix: mix.py's (EQ and compressor on "
                             "every track, a reverb bus)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child-bounce", nargs=2, metavar=("FOLDER", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tracks < 1 or args.minutes <= 0 or args.repeat < 1:
        parser.error("--tracks and --repeat must be at least 1, --minutes above 0")
    if args.song == "mix" and args.tracks < 8:
        parser.error("--song mix needs at least 8 tracks (its reverb sends)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_bounce:
        return child_bounce(*args.child_bounce)
    return run_and_report(args, run, report)


if __name__ == "__main__":
    sys.exit(main())
