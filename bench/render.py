"""Render benchmark: how fast `bounce` mixes a 16-track song compared with a plain numpy mix.

It generates 16 stereo tracks of 3 minutes at 48 kHz (16-bit WAVs, written block by block),
builds a project with 2 to 4 clips a track (butt splices and crossfades, fades of every shape,
various track gains and pans), and renders it with `bounce` to a 24-bit WAV, the path that
`daw render` takes. The yardstick is a plain streamed mix of the same files in the same process
(read blocks, gain, pan, sum, write; no clips, no fades): the practical limit for numpy and
libsndfile on this machine. It is shown twice: as the limit (each file read in its own sample
type, flat gain vectors; see `reference_mix`) and as the obvious numpy code ("naive": float32
reads, a (2,) gain broadcast over each block), which does the same arithmetic as the renderer
and is three times slower; the verdict is against the limit. All run under the same conditions
(page cache warmed, runs alternated, best of each kept), so the ratios mean more than any time
alone. Where no fade plays, the render must equal the naive mix to within one 24-bit step.

Peak memory is measured in fresh processes, for the full song and for the same tracks cut to
one minute, so growth with song length shows. It is read from ``VmHWM`` in /proc/self/status:
on Linux a child's ``ru_maxrss`` keeps the high-water mark of the process it was forked from
across exec (measured here: a child of an 800 MB parent reports 800 MB), so it would report
the benchmark's own peak, not the render's.

    python bench/render.py [--tracks 16] [--minutes 3] [--workdir DIR] [--repeat 3] [--json]

With ``--workdir`` the generated files are kept and reused by the next run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import math
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from daw.dsp.gain import db_to_gain  # noqa: E402
from daw.dsp.pan import stereo_balance_gains  # noqa: E402
from daw.engine.export.bounce import BounceSettings, bounce  # noqa: E402
from daw.engine.render.plan import compile_plan  # noqa: E402
from daw.model import FADE_SHAPES, Fade, MediaRef, Project, ops  # noqa: E402
from daw.model.store import load_project, save_project  # noqa: E402

RATE = 48000
BLOCK = 16384
"""Frames per block of the numpy mix; the same as the bounce's block."""
SEED = 20240611
GENERATOR_VERSION = 1
SHORT_MINUTES = 1.0

AIM_X_REALTIME = 150.0
AIM_RATIO = 1.3
AIM_PEAK_MB = 150.0
GROWTH_TOLERANCE_MB = 3.0
"""Allocator noise. Anything that grew with the song would add far more: one float32 stereo
buffer of the two extra minutes alone is 46 MB."""


# --- the source files ------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackSpec:
    """What one generated track sounds like and how it is mixed."""

    name: str
    filename: str
    kernel_taps: int
    """Length of the Hann low-pass over the noise: longer is duller."""
    tones: tuple[tuple[float, float, float], ...]
    """(frequency Hz, tremolo Hz, right-channel phase offset) per tone."""
    gain_db: float
    pan: float


NOISE_AMP = 0.2
TONE_AMP = 0.1
"""The source peaks stay under NOISE_AMP + 2 * TONE_AMP = 0.4 (−8 dBFS)."""


def track_specs(tracks: int, seed: int) -> list[TrackSpec]:
    rng = np.random.default_rng([seed, 1])
    specs = []
    for i in range(tracks):
        tones = tuple(
            (55.0 * 2.0 ** (int(rng.integers(0, 48)) / 12.0), float(rng.uniform(0.1, 3.0)),
             float(rng.uniform(0.0, math.pi / 2)))
            for _ in range(2)
        )
        specs.append(TrackSpec(
            name=f"Track {i + 1}",
            filename=f"track-{i + 1:02d}.wav",
            kernel_taps=int(rng.integers(4, 65)),
            tones=tones,
            gain_db=round(float(rng.uniform(-14.0, -6.0)), 1),
            pan=round(float(rng.uniform(-0.8, 0.8)), 2),
        ))
    return specs


def write_source(path: Path, spec: TrackSpec, frames: int, seed: int, index: int) -> None:
    """Band-limited noise plus two slowly pulsing tones, written one second at a time."""
    rng = np.random.default_rng([seed, 2, index])
    kernel = np.hanning(spec.kernel_taps + 2)[1:-1]
    kernel /= kernel.sum()
    history = rng.uniform(-1.0, 1.0, (spec.kernel_taps - 1, 2))
    partial = path.with_name(f".{path.name}.partial")
    with sf.SoundFile(partial, "w", samplerate=RATE, channels=2, subtype="PCM_16",
                      format="WAV") as f:
        for start in range(0, frames, RATE):
            n = min(RATE, frames - start)
            raw = np.concatenate([history, rng.uniform(-1.0, 1.0, (n, 2))])
            history = raw[len(raw) - (spec.kernel_taps - 1):]
            block = np.stack([np.convolve(raw[:, c], kernel, mode="valid") for c in (0, 1)],
                             axis=1)
            block *= NOISE_AMP
            t = (start + np.arange(n)) / RATE
            for freq, tremolo, phase in spec.tones:
                envelope = TONE_AMP * (0.5 + 0.5 * np.sin(2.0 * math.pi * tremolo * t))
                block[:, 0] += envelope * np.sin(2.0 * math.pi * freq * t)
                block[:, 1] += envelope * np.sin(2.0 * math.pi * freq * t + phase)
            f.write(block)
    os.replace(partial, path)


def _manifest(audio_dir: Path, specs: list[TrackSpec], frames: int,
              seed: int) -> tuple[Path, dict[str, int]]:
    return audio_dir.parent / "cache" / "bench-sources.json", {
        "version": GENERATOR_VERSION, "tracks": len(specs), "frames": frames, "seed": seed,
        "rate": RATE}


def sources_ready(audio_dir: Path, specs: list[TrackSpec], frames: int, seed: int) -> bool:
    """Whether an earlier run left these track files in `audio_dir`."""
    manifest, wanted = _manifest(audio_dir, specs, frames, seed)
    return manifest.is_file() and json.loads(manifest.read_text()) == wanted and all(
        (audio_dir / s.filename).is_file()
        and sf.info(str(audio_dir / s.filename)).frames == frames for s in specs)


def ensure_sources(audio_dir: Path, specs: list[TrackSpec], frames: int, seed: int) -> float:
    """Generate the track files unless an earlier run left the same ones; returns seconds."""
    if sources_ready(audio_dir, specs, frames, seed):
        return 0.0
    manifest, wanted = _manifest(audio_dir, specs, frames, seed)
    paths = [audio_dir / s.filename for s in specs]
    audio_dir.mkdir(parents=True, exist_ok=True)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    for index, (spec, path) in enumerate(zip(specs, paths, strict=True)):
        print(f"generating {path.name} ({index + 1}/{len(specs)})", file=sys.stderr, flush=True)
        write_source(path, spec, frames, seed, index)
    manifest.write_text(json.dumps(wanted))
    return time.perf_counter() - began


# --- the projects ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClipLayout:
    start: int
    end: int
    fade_in: Fade
    fade_out: Fade


def _shape(rng: np.random.Generator) -> str:
    return FADE_SHAPES[int(rng.integers(0, len(FADE_SHAPES)))]


def layout_clips(rng: np.random.Generator, song_frames: int) -> list[ClipLayout]:
    """2 to 4 clips tiling the song: butt splices with short fades, or crossfades."""
    count = int(rng.integers(2, 5))
    cuts = [int(song_frames * (k + rng.uniform(-0.25, 0.25)) / count) for k in range(1, count)]
    starts, ends = [0], []
    fade_ins = [Fade(int(rng.uniform(0.0, 2.0) * RATE), _shape(rng))]
    fade_outs: list[Fade] = []
    for cut in cuts:
        if rng.random() < 0.6:
            overlap = int(rng.uniform(0.02, 0.5) * RATE)
            ends.append(cut)
            starts.append(cut - overlap)
            fade_outs.append(Fade(overlap, _shape(rng)))
            fade_ins.append(Fade(overlap, _shape(rng)))
        else:
            ends.append(cut)
            starts.append(cut)
            fade_outs.append(Fade(int(rng.integers(64, 1025)), _shape(rng)))
            fade_ins.append(Fade(int(rng.integers(64, 1025)), _shape(rng)))
    ends.append(song_frames)
    fade_outs.append(Fade(int(rng.uniform(0.5, 4.0) * RATE), _shape(rng)))
    clips = []
    for start, end, fade_in, fade_out in zip(starts, ends, fade_ins, fade_outs, strict=True):
        cap = (end - start) // 4
        clips.append(ClipLayout(start, end, Fade(min(fade_in.length_frames, cap), fade_in.shape),
                                Fade(min(fade_out.length_frames, cap), fade_out.shape)))
    return clips


def build_project(name: str, specs: list[TrackSpec], media_frames: int, song_frames: int,
                  seed: int) -> Project:
    """One track a source file; its clips play the matching stretch of the file.

    The layout is drawn from the same seed whatever the song's length, so a shorter song has
    the same clips and fades, only closer together.
    """
    project = Project(name=name, sample_rate=RATE)
    for i, spec in enumerate(specs):
        media_id, track_id = f"media-{i + 1:02d}", f"track-{i + 1:02d}"
        ref = MediaRef(media_id, f"audio/{spec.filename}", 2, media_frames, spec.filename)
        project = ops.add_media(project, ref)
        project = ops.add_track(project, spec.name, track_id=track_id)
        project = ops.set_track_gain(project, track_id, spec.gain_db)
        project = ops.set_track_pan(project, track_id, spec.pan)
        rng = np.random.default_rng([seed, 3, i])
        for k, clip in enumerate(layout_clips(rng, song_frames)):
            clip_id = f"clip-{i + 1:02d}-{k + 1}"
            project = ops.add_clip(project, track_id, media_id, clip.start,
                                   length_frames=clip.end - clip.start,
                                   source_offset_frames=clip.start, clip_id=clip_id)
            project = ops.set_fades(project, clip_id, clip.fade_in, clip.fade_out)
    return project


def link_audio(source_dir: Path, target_dir: Path, names: list[str]) -> None:
    """Give a second project folder the same files, as hard links (symlinks where not)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = target_dir / name
        if target.exists() and target.samefile(source_dir / name):
            continue
        target.unlink(missing_ok=True)
        try:
            os.link(source_dir / name, target)
        except OSError:
            target.symlink_to(source_dir / name)


# --- the two mixes ---------------------------------------------------------------------------


def reference_inputs(project: Project, folder: Path) -> tuple[list[Path], list[np.ndarray]]:
    """Each track's file and its (left, right) gain: fader times the stereo balance law."""
    paths, gains = [], []
    for track in project.tracks:
        ref = project.media_ref(track.clips[0].media_id)
        paths.append(folder / ref.path)
        fader = db_to_gain(track.gain_db)
        left, right = stereo_balance_gains(track.pan)
        gains.append(np.array([fader * left, fader * right], dtype=np.float32))
    return paths, gains


NATIVE_READS = {"PCM_16": (np.int16, 2.0**-15), "PCM_24": (np.int32, 2.0**-31),
                "PCM_32": (np.int32, 2.0**-31)}
"""libsndfile sample type and scale to float for the integer encodings; others read float32."""


def reference_mix(paths: list[Path], gains: list[np.ndarray], frames: int, out_path: Path,
                  *, naive: bool = False) -> None:
    """The practical limit: read blocks, gain and pan, sum, write 24-bit; nothing else.

    Two numpy habits make it three times faster than the obvious code (``naive``, kept for
    comparison): each file is read in its own sample type and scaled to float by the gain
    multiply (libsndfile's own int16-to-float read costs about 4 ns a sample here, the numpy
    multiply well under 1), and the (left, right) gains are a flat vector tiled to the block,
    because broadcasting a (2,) gain over (frames, 2) makes numpy's inner loop two elements
    long (measured: 148 us against 6 us for a 16384-frame stereo block).
    """
    files = [sf.SoundFile(str(p)) for p in paths]
    buffer = np.empty((BLOCK, 2), dtype=np.float32)
    master = np.empty((BLOCK, 2), dtype=np.float32)
    raws, tiled = [], []
    for f, gain in zip(files, gains, strict=True):
        dtype, scale = (np.float32, 1.0) if naive else NATIVE_READS.get(f.subtype, (np.float32,
                                                                                    1.0))
        raws.append(np.empty((BLOCK, 2), dtype=dtype))
        tiled.append(np.tile((gain * scale).astype(np.float32), BLOCK))
    try:
        with sf.SoundFile(out_path, "w", samplerate=RATE, channels=2, subtype="PCM_24",
                          format="WAV") as out:
            for start in range(0, frames, BLOCK):
                n = min(BLOCK, frames - start)
                mix = master[:n]
                for index, f in enumerate(files):
                    raw = raws[index][:n]
                    f.read(n, dtype=raw.dtype.name, always_2d=True, out=raw)
                    if naive:
                        if index == 0:
                            np.multiply(raw, gains[index], out=mix)
                        else:
                            raw *= gains[index]
                            mix += raw
                        continue
                    target = mix if index == 0 else buffer[:n]
                    np.multiply(raw.reshape(-1), tiled[index][:2 * n], out=target.reshape(-1),
                                dtype=np.float32)
                    if index:
                        mix += target
                out.write(mix)
    finally:
        for f in files:
            f.close()


def render_ours(project: Project, folder: Path, out_path: Path) -> None:
    bounce(project, folder, BounceSettings(out_path, bit_depth="24", dither=False, report=False))


def warm_cache(paths: list[Path]) -> None:
    for path in paths:
        with open(path, "rb") as f:
            while f.read(1 << 22):
                pass


# --- checks ----------------------------------------------------------------------------------


def output_stats(path: Path) -> dict[str, Any]:
    """Frames, format, peak and RMS of a rendered file, read block by block."""
    info = sf.info(str(path))
    peak, energy = 0.0, 0.0
    with sf.SoundFile(str(path)) as f:
        for block in f.blocks(BLOCK * 4, dtype="float32", always_2d=True):
            peak = max(peak, float(np.abs(block).max()))
            energy += float(np.square(block, dtype=np.float64).sum())
    samples = max(info.frames * info.channels, 1)
    return {
        "frames": info.frames, "channels": info.channels, "subtype": info.subtype,
        "peak_dbfs": _dbfs(peak), "rms_dbfs": _dbfs(math.sqrt(energy / samples)),
    }


def _dbfs(value: float) -> float:
    return 20.0 * math.log10(value) if value > 0.0 else -math.inf


def fade_free_spans(project: Project) -> list[tuple[int, int]]:
    """Frames where every track plays one clip at unity, outside any fade or crossfade.

    There our render must equal the plain mix up to the rounding to 24 bits.
    """
    spans = [(0, project.end_frame)]
    for track in compile_plan(project).tracks:
        if any(c.gain != 1.0 for c in track.clips):
            return []
        clean = [(c.start_frame + len(c.fade_in), c.end_frame - len(c.fade_out))
                 for c in track.clips]
        spans = [(max(a, c), min(b, d)) for a, b in spans for c, d in clean
                 if max(a, c) < min(b, d)]
    return spans


def compare_spans(ours: Path, reference: Path, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """(frames compared, largest difference in 24-bit steps)."""
    compared, worst = 0, 0
    with sf.SoundFile(str(ours)) as a, sf.SoundFile(str(reference)) as b:
        for start, end in spans:
            a.seek(start)
            b.seek(start)
            for pos in range(start, end, BLOCK):
                n = min(BLOCK, end - pos)
                x = a.read(n, dtype="int32").astype(np.int64)
                y = b.read(n, dtype="int32")
                worst = max(worst, int(np.abs(x - y).max()) >> 8)
                compared += n
    return compared, worst


# --- fresh processes for peak memory ---------------------------------------------------------


def _status_mb(key: str) -> float | None:
    """A memory figure of this process from /proc/self/status (``VmHWM``, ``VmRSS``), MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident memory since exec (VmHWM), in MiB."""
    peak = _status_mb("VmHWM")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0 if peak is None else peak


def rss_mb() -> float | None:
    """This process's resident memory now (VmRSS), in MiB; None where /proc has no figure."""
    return _status_mb("VmRSS")


def child_main(mode: str, paths: list[str]) -> int:
    """Runs in a fresh interpreter: one render (or none), then the peak memory as JSON."""
    began = time.perf_counter()
    if mode == "render":
        folder, out = Path(paths[0]), Path(paths[1])
        render_ours(load_project(folder), folder, out)
    elif mode == "reference":
        folder, out = Path(paths[0]), Path(paths[1])
        project = load_project(folder)
        files, gains = reference_inputs(project, folder)
        reference_mix(files, gains, project.end_frame, out)
    print(json.dumps({
        "mode": mode,
        "peak_rss_mb": peak_rss_mb(),
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "seconds": time.perf_counter() - began,
    }))
    return 0


def run_child(mode: str, *paths: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), f"--child-{mode}",
               *(str(p) for p in paths)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench: the {mode} child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the benchmark ---------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    song_frames = round(args.minutes * 60.0 * RATE)
    short_minutes = SHORT_MINUTES if args.minutes > SHORT_MINUTES else args.minutes / 3.0
    short_frames = round(short_minutes * 60.0 * RATE)
    specs = track_specs(args.tracks, args.seed)
    folder = workdir / "Bench.minidaw"
    short_folder = workdir / "Bench-short.minidaw"
    generation_s = ensure_sources(folder / "audio", specs, song_frames, args.seed)
    save_project(folder, build_project("Bench", specs, song_frames, song_frames, args.seed))
    link_audio(folder / "audio", short_folder / "audio", [s.filename for s in specs])
    save_project(short_folder,
                 build_project("Bench short", specs, song_frames, short_frames, args.seed))

    project = load_project(folder)
    paths, gains = reference_inputs(project, folder)
    frames = project.end_frame
    outputs = {name: workdir / f"{name}.wav" for name in ("ours", "limit", "naive")}
    warm_cache(paths)
    times: dict[str, list[float]] = {name: [] for name in outputs}
    for _ in range(args.repeat):
        for name, out in outputs.items():
            began = time.perf_counter()
            if name == "ours":
                render_ours(project, folder, out)
            else:
                reference_mix(paths, gains, frames, out, naive=name == "naive")
            times[name].append(time.perf_counter() - began)

    stats = output_stats(outputs["ours"])
    spans = fade_free_spans(project)
    compared, worst = compare_spans(outputs["ours"], outputs["naive"], spans)
    _, limit_worst = compare_spans(outputs["limit"], outputs["naive"], [(0, frames)])

    baseline = run_child("baseline")
    short = run_child("render", short_folder, workdir / "ours-short.wav")
    full = run_child("render", folder, workdir / "ours-child.wav")
    limit_child = run_child("reference", folder, workdir / "limit-child.wav")

    seconds = frames / RATE
    best = {name: min(t) for name, t in times.items()}
    memory = {
        "baseline_mb": baseline["peak_rss_mb"],
        "render_short_mb": short["peak_rss_mb"],
        "render_full_mb": full["peak_rss_mb"],
        "limit_full_mb": limit_child["peak_rss_mb"],
        "short_minutes": short_minutes,
    }
    growth = memory["render_full_mb"] - memory["render_short_mb"]
    result: dict[str, Any] = {
        "tracks": args.tracks,
        "minutes": args.minutes,
        "clips": sum(len(t.clips) for t in project.tracks),
        "audio_seconds": seconds,
        "generation_seconds": generation_s,
        **{name: {"best_s": best[name], "times_s": times[name],
                  "x_realtime": seconds / best[name]} for name in outputs},
        "ratio": best["ours"] / best["limit"],
        "ratio_to_naive": best["ours"] / best["naive"],
        "memory": memory,
        "check": {
            **stats,
            "expected_frames": frames,
            "fade_free_frames_compared": compared,
            "max_difference_lsb24": worst,
            "limit_vs_naive_max_difference_lsb24": limit_worst,
        },
    }
    result["verdicts"] = {
        "x_realtime": result["ours"]["x_realtime"] >= AIM_X_REALTIME,
        "ratio": result["ratio"] <= AIM_RATIO,
        "peak_memory": memory["render_full_mb"] < AIM_PEAK_MB,
        "no_growth": growth <= GROWTH_TOLERANCE_MB,
        "frames": stats["frames"] == frames and stats["channels"] == 2
        and stats["subtype"] == "PCM_24",
        "not_silent": stats["rms_dbfs"] > -60.0,
        "matches_numpy_mix": compared > 0 and worst <= 1 and limit_worst <= 1,
    }
    return result


def report(r: dict[str, Any]) -> str:
    mem, check, ok = r["memory"], r["check"], r["verdicts"]
    base = mem["baseline_mb"]
    growth = mem["render_full_mb"] - mem["render_short_mb"]

    def mark(key: str) -> str:
        return "PASS" if ok[key] else "MISS"

    def row(label: str, name: str) -> str:
        m = r[name]
        runs = ", ".join(f"{t:.3f}" for t in m["times_s"])
        ratio = r["ours"]["best_s"] / m["best_s"]
        return (f"{label:<24}{m['best_s']:7.3f} s {m['x_realtime']:9.1f}x {ratio:10.3f}"
                f"   {runs}")

    def memory_row(label: str, value: float, note: str) -> str:
        return f"  {label:<22}{value:7.1f} MB  ({note}{value - base:+.1f} MB)"

    short, full = format(mem["short_minutes"], ".3g"), format(r["minutes"], ".3g")
    lines = [
        f"MiniDAW render benchmark: {r['tracks']} stereo tracks x {full} min at "
        f"{RATE // 1000} kHz, {r['clips']} clips, 24-bit WAV",
        f"audio length            {r['audio_seconds']:.1f} s",
        "",
        "                        best time  x realtime  ours/this   runs (s)",
        row("ours (bounce)", "ours"),
        row("numpy limit", "limit"),
        row("numpy naive", "naive"),
        "  (limit: native-type reads, flat gain vectors; naive: float32 reads, (2,) gains)",
        "",
        "peak memory, fresh process (VmHWM)",
        f"  {'imports only':<22}{base:7.1f} MB",
        memory_row(f"render {short} min", mem["render_short_mb"], "render's own "),
        memory_row(f"render {full} min", mem["render_full_mb"], "render's own "),
        memory_row(f"numpy limit {full} min", mem["limit_full_mb"], ""),
        "",
        f"check: {check['frames']} frames (expected {check['expected_frames']}), "
        f"{check['channels']} ch {check['subtype']}, peak {check['peak_dbfs']:.1f} dBFS, "
        f"RMS {check['rms_dbfs']:.1f} dBFS",
        f"check: equal to the naive numpy mix within {check['max_difference_lsb24']} LSB "
        f"(24-bit) on {check['fade_free_frames_compared'] / RATE:.1f} s free of fades; "
        f"limit vs naive within {check['limit_vs_naive_max_difference_lsb24']} LSB",
        "",
        f"[{mark('x_realtime')}] speed: {r['ours']['x_realtime']:.1f}x realtime "
        f"(aim >= {AIM_X_REALTIME:g}x)",
        f"[{mark('ratio')}] ratio to the numpy limit: {r['ratio']:.3f} (aim <= {AIM_RATIO:g})",
        f"[{mark('peak_memory')}] peak memory: {mem['render_full_mb']:.1f} MB "
        f"(aim < {AIM_PEAK_MB:g} MB)",
        f"[{mark('no_growth')}] growth from {short} to {full} min: {growth:+.1f} MB "
        f"(tolerance {GROWTH_TOLERANCE_MB:g} MB)",
        f"[{mark('frames')}] length and format of the rendered file",
        f"[{mark('not_silent')}] the rendered file is not silent",
        f"[{mark('matches_numpy_mix')}] the render equals the plain mix where no fade plays",
    ]
    if r["generation_seconds"]:
        lines.insert(2, f"generated the sources in {r['generation_seconds']:.1f} s")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=16)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--workdir", type=Path,
                        help="where to generate the files (kept, and reused by the next run)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-render", nargs=2, metavar=("FOLDER", "OUT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--child-reference", nargs=2, metavar=("FOLDER", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tracks < 1 or args.minutes <= 0 or args.repeat < 1:
        parser.error("--tracks and --repeat must be at least 1, --minutes above 0")
    return args


def profile_rows(call: Callable[[], None], lines: int = 14) -> list[dict[str, Any]]:
    """Run `call` under cProfile; the functions with the most time of their own."""
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    rows = []
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in \
            stats.stats.items():  # type: ignore[attr-defined]
        where = filename if filename.startswith("<") or filename == "~" else \
            f"{_short(filename)}:{line}"
        rows.append({"function": name, "where": where, "calls": calls, "own_s": own,
                     "cumulative_s": cumulative, "own_share": own / total if total else 0.0})
    rows.sort(key=lambda r: r["own_s"], reverse=True)
    return rows[:lines]


def profile_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The report lines of `profile_rows`."""
    return [f"    {100 * p['own_share']:5.1f}%  {p['own_s']:6.2f} s  {p['calls']:>7} "
            f"calls  {p['function']}  ({p['where']})" for p in rows]


def _short(filename: str) -> str:
    path = Path(filename)
    for anchor in (ROOT, Path(sys.prefix)):
        with contextlib.suppress(ValueError):
            return str(path.relative_to(anchor))
    return path.name


def run_and_report(args: argparse.Namespace, run: Callable[[argparse.Namespace, Path], dict],
                   report: Callable[[dict], str]) -> int:
    """What every benchmark's main does: run in `--workdir` (or a temporary folder removed
    afterwards unless `--keep`), then print the report, or JSON with `--json`."""
    temporary = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="minidaw-bench-", dir="/tmp")) if temporary \
        else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, workdir)
    finally:
        if temporary and not getattr(args, "keep", False):
            shutil.rmtree(workdir, ignore_errors=True)
        elif temporary:
            print(f"kept {workdir}", file=sys.stderr)
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_baseline:
        return child_main("baseline", [])
    if args.child_render:
        return child_main("render", args.child_render)
    if args.child_reference:
        return child_main("reference", args.child_reference)
    return run_and_report(args, run, report)


if __name__ == "__main__":
    sys.exit(main())
