"""Mixing benchmark: a 16-track song with an EQ and a compressor on every track, a reverb bus
fed by sends and a limiter on the master, bounced, against pedalboard run on whole arrays.

It takes the render benchmark's song (16 stereo tracks x 3 minutes at 48 kHz, 2 to 4 clips a
track with fades; `render.py` generates it, reused with ``--workdir``) and adds on every track
an EQ (high-pass on, a cut in the low mids, a presence lift, a little air) and a compressor
(−18 dB, 3:1), a bus "Reverb" holding a reverb fed by post-fader sends from 8 tracks, and a
limiter on the master. Figures:

- the bounce (`daw.engine.export.bounce`, the path `daw render` takes) in one process and with two
  render processes for the tracks (what `daw render` chooses on two cores), in x realtime,
  and its peak memory (VmHWM of a fresh process, and the largest render process's);
- the yardstick: the same sources decoded to whole arrays and pedalboard's own equivalents
  (HighpassFilter, LowShelfFilter, PeakFilter, HighShelfFilter, Compressor) applied to each
  whole track, fader and pan, the sends summed into the bus, pedalboard.Reverb, the sum,
  pedalboard.Limiter, written to the same 24-bit WAV; on one thread and on two (a
  ThreadPoolExecutor over the tracks: pedalboard lets go of the interpreter while it works).
  Ours over it is our overhead; the aim compares ours on two cores against it on two;
- the realtime DSP load with a 256-frame device block: 30 s of the song played through the
  engine on an asynchronous JACK dummy server with that period (`realtime.py`'s machinery),
  render time over audio time per rendered chunk (median, p95), engine underruns and device
  xruns.

Runs alternate and repeat (``--repeat``); best and median are reported, so a figure holds on a
shared machine. The direct version is not the same sound as ours (pedalboard's high-pass is
first order, its compressor has no knee and detects each channel alone, its limiter has no
lookahead, and it plays whole files with no clips or fades): it does the same kind and amount
of work, which is what a time ratio needs.

    python bench/mix.py [--tracks 16] [--minutes 3] [--workdir DIR] [--repeat 3]
                        [--seconds 30] [--no-realtime] [--profile] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("JACK_NO_START_SERVER", "1")  # never let libjack start a server itself

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import numpy as np  # noqa: E402
import pedalboard  # noqa: E402
import soundfile as sf  # noqa: E402
from render import (  # noqa: E402
    RATE,
    SEED,
    build_project,
    ensure_sources,
    link_audio,
    output_stats,
    peak_rss_mb,
    profile_lines,
    profile_rows,
    run_and_report,
    track_specs,
    warm_cache,
)

from daw.dsp.gain import db_to_gain  # noqa: E402
from daw.dsp.pan import stereo_balance_gains  # noqa: E402
from daw.engine.export.bounce import BounceSettings, bounce  # noqa: E402
from daw.model import Project, chains, routing  # noqa: E402
from daw.model.project import MASTER  # noqa: E402
from daw.model.store import load_project, save_project  # noqa: E402

AIM_X_REALTIME = 30.0
AIM_RATIO = 1.15
AIM_DSP_LOAD = 0.15
LIVE_BLOCK = 256
SENDS = 8
SEND_LEVEL_DB = -8.0
BUS_ID = "bus-reverb"
REVERB = {"room_size_percent": 55.0, "damping_percent": 45.0, "wet_percent": 100.0,
          "dry_percent": 0.0, "width_percent": 100.0}
LIMITER = {"ceiling_db": -1.0, "release_ms": 60.0, "lookahead_ms": 5.0}
COMPRESSOR = {"threshold_db": -18.0, "ratio": 3.0, "attack_ms": 10.0, "release_ms": 120.0,
              "knee_db": 6.0, "makeup_db": 2.0}
CHUNK = 1 << 20
"""Frames per call of the direct version's effects: whole arrays, cut only where pedalboard
itself would (its plugins stream exactly with reset=False)."""


# --- the song -------------------------------------------------------------------------------


def track_eq(index: int) -> dict[str, float]:
    """A plausible channel EQ that differs a little from track to track: high-pass on, a cut
    in the low mids, a presence lift and a touch of air."""
    rng = np.random.default_rng([SEED, 5, index])
    return {
        "hp_on": 1.0,
        "hp_freq_hz": round(float(rng.uniform(60.0, 120.0))),
        "low_freq_hz": 120.0,
        "low_gain_db": 0.0,
        "p1_freq_hz": round(float(rng.uniform(250.0, 450.0))),
        "p1_gain_db": round(float(rng.uniform(-4.0, -1.5)), 1),
        "p1_q": 1.2,
        "p3_freq_hz": round(float(rng.uniform(2500.0, 5000.0))),
        "p3_gain_db": round(float(rng.uniform(1.0, 3.0)), 1),
        "p3_q": 0.9,
        "high_freq_hz": 10000.0,
        "high_gain_db": 1.5,
    }


def mix_project(base: Project, sends: int = SENDS) -> Project:
    """The render benchmark's song with the mix on it: EQ and compressor on every track, a
    reverb bus fed by post-fader sends from the first `sends` tracks, a limiter on the
    master."""
    project = base
    for index, track in enumerate(base.tracks):
        project = chains.add_effect(project, track.id, "eq", track_eq(index),
                                    effect_id=f"fx-eq-{index + 1:02d}")
        project = chains.add_effect(project, track.id, "compressor", COMPRESSOR,
                                    effect_id=f"fx-comp-{index + 1:02d}")
    project = routing.add_bus(project, "Reverb", bus_id=BUS_ID)
    project = chains.add_effect(project, BUS_ID, "reverb", REVERB, effect_id="fx-reverb")
    for track in base.tracks[:sends]:
        project = routing.set_send(project, track.id, BUS_ID, level_db=SEND_LEVEL_DB,
                                   pre_fader=False)
    return chains.add_effect(project, MASTER, "limiter", LIMITER, effect_id="fx-limiter")


def prepare(workdir: Path, tracks: int, minutes: float) -> tuple[Path, float]:
    """``workdir/Mix.minidaw``: the render benchmark's sources (generated once, in
    ``workdir/Bench.minidaw/audio`` as `render.py` does, linked here) and the mixed song."""
    specs = track_specs(tracks, SEED)
    frames = round(minutes * 60.0 * RATE)
    sources = workdir / "Bench.minidaw" / "audio"
    generation_s = ensure_sources(sources, specs, frames, SEED)
    folder = workdir / "Mix.minidaw"
    link_audio(sources, folder / "audio", [s.filename for s in specs])
    save_project(folder, mix_project(build_project("Mix", specs, frames, frames, SEED)))
    return folder, generation_s


# --- ours -----------------------------------------------------------------------------------


def bounce_ours(project: Project, folder: Path, out: Path, workers: int) -> None:
    bounce(project, folder, BounceSettings(out, bit_depth="24", workers=workers, report=False))


# --- direct pedalboard ----------------------------------------------------------------------


def direct_chain(project: Project) -> list[tuple[pedalboard.Pedalboard, np.ndarray, float]]:
    """Per track: pedalboard's nearest equivalents of its EQ and compressor, its (left,
    right) fader-and-pan gains and its send gain (0 for none)."""
    out = []
    for index, track in enumerate(t for t in project.tracks if not t.is_bus):
        eq = track_eq(index)
        board = pedalboard.Pedalboard([
            pedalboard.HighpassFilter(eq["hp_freq_hz"]),
            pedalboard.PeakFilter(eq["p1_freq_hz"], eq["p1_gain_db"], eq["p1_q"]),
            pedalboard.PeakFilter(eq["p3_freq_hz"], eq["p3_gain_db"], eq["p3_q"]),
            pedalboard.HighShelfFilter(eq["high_freq_hz"], eq["high_gain_db"]),
            pedalboard.Compressor(COMPRESSOR["threshold_db"], COMPRESSOR["ratio"],
                                  COMPRESSOR["attack_ms"], COMPRESSOR["release_ms"]),
            pedalboard.Gain(COMPRESSOR["makeup_db"]),
        ])
        left, right = stereo_balance_gains(track.pan)
        fader = db_to_gain(track.gain_db)
        gains = np.array([fader * left, fader * right], dtype=np.float32)
        send = track.send(BUS_ID)
        out.append((board, gains, 0.0 if send is None else db_to_gain(send.level_db)))
    return out


def direct_mix(project: Project, folder: Path, out_path: Path, threads: int) -> None:
    """Decode each source whole, run its pedalboard chain over the whole array, scale by
    fader and pan, sum (sends into the bus), reverb the bus, add, limit, write 24-bit.

    Tracks run on `threads` threads; their results are summed in track order."""
    paths = [folder / project.media_ref(t.clips[0].media_id).path
             for t in project.tracks if not t.is_bus]
    boards = direct_chain(project)

    def one(i: int) -> np.ndarray:
        audio, _ = sf.read(str(paths[i]), dtype="float32", always_2d=True)
        board, gains, _send = boards[i]
        wet = board(audio.T, RATE, buffer_size=CHUNK)
        return wet.T * gains

    master: np.ndarray | None = None
    bus: np.ndarray | None = None
    with ThreadPoolExecutor(threads) as pool:
        for i, track in enumerate(pool.map(one, range(len(paths)))):
            master = track.copy() if master is None else np.add(master, track, out=master)
            send = boards[i][2]
            if send:
                bus = track * np.float32(send) if bus is None else bus.__iadd__(
                    track * np.float32(send))
    assert master is not None
    if bus is not None:
        reverb = pedalboard.Reverb(REVERB["room_size_percent"] / 100.0,
                                   REVERB["damping_percent"] / 100.0,
                                   REVERB["wet_percent"] / 300.0,
                                   REVERB["dry_percent"] / 200.0,
                                   REVERB["width_percent"] / 100.0)
        master += reverb(np.ascontiguousarray(bus.T), RATE, buffer_size=CHUNK).T
    limiter = pedalboard.Limiter(LIMITER["ceiling_db"], LIMITER["release_ms"])
    master = limiter(np.ascontiguousarray(master.T), RATE, buffer_size=CHUNK).T
    sf.write(str(out_path), master, RATE, subtype="PCM_24", format="WAV")


# --- realtime load --------------------------------------------------------------------------


def play_load(folder: Path, block: int, seconds: float) -> dict[str, Any]:
    """Play the song for `seconds` through the engine on a fresh asynchronous JACK dummy
    server with period `block`: render time over audio time per rendered chunk, engine
    underruns and device xruns (as `realtime.py` counts them, no burner)."""
    from realtime import SETTLE_S, _changes, _sample

    from daw.engine.live.transport import Engine, EngineConfig
    from tests.realtime.jack_harness import jack_device_index, jack_server_factory

    project = load_project(folder)
    config = EngineConfig()
    with jack_server_factory(sync=False, period=block) as server:
        engine = Engine(project, folder, config)
        engine.start()
        try:
            info = engine.open_device(jack_device_index(), jack_device_index(),
                                      block_size=block, input_channels=2)
            time.sleep(SETTLE_S)
            before = engine.state
            began = time.monotonic()
            engine.play()
            samples, _events = _sample(engine, began, seconds, before)
            wall = time.monotonic() - began
            after = engine.state
            engine.stop()
        finally:
            engine.shutdown()
    loads = _changes([s["dsp_load"] for s in samples if s["dsp_load"] > 0.0])
    return {
        "block": block, "period": server.period, "rate": info.rate,
        "render_chunk_frames": config.render_chunk_frames,
        "wall_seconds": wall,
        "played_seconds": (after.position_frame - before.position_frame) / project.sample_rate,
        "underruns": after.underruns - before.underruns,
        "device_xruns": after.device_xruns - before.device_xruns,
        "error": after.error,
        "dsp_load": {"median": statistics.median(loads) if loads else None,
                     "p95": _percentile(loads, 95.0), "max": max(loads, default=None),
                     "readings": len(loads)},
    }


def _percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


# --- peak memory in a fresh process ---------------------------------------------------------


def child_bounce(folder: str, out: str, workers: str) -> int:
    """One bounce in this fresh process. Its render processes are started from a fresh
    interpreter each (not from the fork server, whose children this process cannot wait
    for), so that their peak memory reaches this process's accounts."""
    import multiprocessing

    from daw.engine.render import track_farm

    track_farm._context = lambda: multiprocessing.get_context("spawn")
    began = time.perf_counter()
    project = load_project(Path(folder))
    bounce_ours(project, Path(folder), Path(out), int(workers))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    print(json.dumps({"peak_rss_mb": peak_rss_mb(), "largest_worker_mb": children,
                      "seconds": time.perf_counter() - began}))
    return 0


def run_child(folder: Path, out: Path, workers: int) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child-bounce", str(folder),
               str(out), str(workers)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench: the bounce child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the benchmark --------------------------------------------------------------------------


def _times(values: list[float], seconds: float) -> dict[str, Any]:
    best, median = min(values), statistics.median(values)
    return {"times_s": values, "best_s": best, "median_s": median,
            "x_realtime_best": seconds / best, "x_realtime_median": seconds / median}


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    folder, generation_s = prepare(workdir, args.tracks, args.minutes)
    project = load_project(folder)
    seconds = project.end_frame / RATE
    warm_cache(sorted((folder / "audio").glob("*.wav")))
    runs = {"ours_1": lambda out: bounce_ours(project, folder, out, 1),
            "ours_2": lambda out: bounce_ours(project, folder, out, 2),
            "direct_1": lambda out: direct_mix(project, folder, out, 1),
            "direct_2": lambda out: direct_mix(project, folder, out, 2)}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, job in runs.items():
            print(f"running {name}", file=sys.stderr, flush=True)
            began = time.perf_counter()
            job(workdir / f"{name}.wav")
            times[name].append(time.perf_counter() - began)
    result: dict[str, Any] = {
        "tracks": args.tracks, "minutes": args.minutes, "audio_seconds": seconds,
        "cpu_count": os.cpu_count(), "generation_seconds": generation_s,
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        **{name: _times(t, seconds) for name, t in times.items()},
    }
    if args.profile:
        result["profile"] = profile_rows(
            lambda: bounce_ours(project, folder, workdir / "profiled.wav", 1))
    same = _same_file(workdir / "ours_1.wav", workdir / "ours_2.wav")
    result["check"] = {"ours": output_stats(workdir / "ours_1.wav"),
                       "direct": output_stats(workdir / "direct_1.wav"),
                       "workers_bit_identical": same}
    result["ratios"] = {
        "ours1_over_direct1": {k: result["ours_1"][f"{k}_s"] / result["direct_1"][f"{k}_s"]
                               for k in ("best", "median")},
        "ours2_over_direct2": {k: result["ours_2"][f"{k}_s"] / result["direct_2"][f"{k}_s"]
                               for k in ("best", "median")},
    }
    print("peak memory (fresh processes)", file=sys.stderr, flush=True)
    result["memory_mb"] = {f"workers_{w}": run_child(folder, workdir / f"child-{w}.wav", w)
                           for w in (1, 2)}
    if not args.no_realtime:
        print(f"playing {args.seconds:g} s at {LIVE_BLOCK} frames", file=sys.stderr, flush=True)
        try:
            result["realtime"] = play_load(folder, LIVE_BLOCK, args.seconds)
        except Exception as error:  # no JACK here, say: the other figures still stand
            result["realtime"] = {"error": f"{type(error).__name__}: {error}"}
    live = result.get("realtime", {})
    load = live.get("dsp_load", {}).get("median")
    result["verdicts"] = {
        "x_realtime": result["ours_2"]["x_realtime_best"] >= AIM_X_REALTIME,
        "ratio": result["ratios"]["ours2_over_direct2"]["best"] <= AIM_RATIO,
        "dsp_load": None if load is None else load < AIM_DSP_LOAD,
    }
    return result


def _same_file(a: Path, b: Path) -> bool:
    with sf.SoundFile(str(a)) as fa, sf.SoundFile(str(b)) as fb:
        if fa.frames != fb.frames:
            return False
        while True:
            x = fa.read(1 << 18, dtype="int32")
            y = fb.read(1 << 18, dtype="int32")
            if not np.array_equal(x, y):
                return False
            if len(x) == 0:
                return True


# --- the report -----------------------------------------------------------------------------


def _mark(ok: bool | None) -> str:
    return "n/a " if ok is None else ("MET " if ok else "MISS")


def report(r: dict[str, Any]) -> str:
    def row(label: str, key: str) -> str:
        m = r[key]
        runs = ", ".join(f"{t:.2f}" for t in m["times_s"])
        return (f"  {label:<34}{m['best_s']:7.2f} s {m['x_realtime_best']:7.1f}x "
                f"{m['median_s']:7.2f} s {m['x_realtime_median']:7.1f}x   {runs}")

    ratios = r["ratios"]
    check = r["check"]
    memory = r["memory_mb"]
    lines = [
        f"MiniDAW mixing benchmark: {r['tracks']} stereo tracks x {r['minutes']:g} min at "
        f"{RATE // 1000} kHz; EQ + compressor on every track, reverb bus fed by {SENDS} "
        f"post-fader sends, limiter on the master; {r['cpu_count']} CPUs"
        + (f"; OPENBLAS_NUM_THREADS={r['blas_threads']}" if r["blas_threads"] else ""),
        "",
        f"  {'':<34}{'best':>9} {'x rt':>7} {'median':>9} {'x rt':>7}   runs (s)",
        row("ours: bounce, in one process", "ours_1"),
        row("ours: bounce, 2 render processes", "ours_2"),
        row("direct pedalboard, 1 thread", "direct_1"),
        row("direct pedalboard, 2 threads", "direct_2"),
        "",
        f"  ours 1 process / direct 1 thread:  {ratios['ours1_over_direct1']['best']:.2f} best, "
        f"{ratios['ours1_over_direct1']['median']:.2f} median",
        f"  ours 2 processes / direct 2 thr.:  {ratios['ours2_over_direct2']['best']:.2f} best, "
        f"{ratios['ours2_over_direct2']['median']:.2f} median   (the aim's ratio)",
        f"  peak memory of a bounce (fresh process): {memory['workers_1']['peak_rss_mb']:.0f} MB "
        f"in one process; with 2 render processes {memory['workers_2']['peak_rss_mb']:.0f} MB "
        f"and up to {memory['workers_2']['largest_worker_mb']:.0f} MB for each of them",
        f"  check: ours peak {check['ours']['peak_dbfs']:.2f} dBFS, RMS "
        f"{check['ours']['rms_dbfs']:.1f} dBFS; direct peak {check['direct']['peak_dbfs']:.2f}"
        f" dBFS, RMS {check['direct']['rms_dbfs']:.1f} dBFS; 1 and 2 processes bit-identical: "
        f"{check['workers_bit_identical']}",
    ]
    live = r.get("realtime")
    if live and "dsp_load" in live:
        load = live["dsp_load"]
        lines += [
            "",
            f"  realtime: {live['played_seconds']:.1f} s played, device block {live['block']} "
            f"frames (JACK dummy, asynchronous), engine chunks of "
            f"{live['render_chunk_frames']} frames",
            f"  DSP load (render time / audio time): median {100 * load['median']:.1f}%, "
            f"p95 {100 * load['p95']:.1f}%, max {100 * load['max']:.1f}% "
            f"({load['readings']} readings); underruns {live['underruns']}, device xruns "
            f"{live['device_xruns']}" + (f"; error: {live['error']}" if live["error"] else ""),
        ]
    elif live:
        lines += ["", f"  realtime: not measured ({live['error']})"]
    if r.get("profile"):
        lines += ["", "  where a bounce in one process spends its time (cProfile, own time):"]
        lines += profile_lines(r["profile"])
    ok = r["verdicts"]
    lines += [
        "",
        f"[{_mark(ok['x_realtime'])}] bounce with 2 render processes: "
        f"{r['ours_2']['x_realtime_best']:.1f}x realtime (aim >= {AIM_X_REALTIME:g}x)",
        f"[{_mark(ok['ratio'])}] ours / direct pedalboard, both on 2 cores: "
        f"{ratios['ours2_over_direct2']['best']:.2f} (aim <= {AIM_RATIO:g})",
    ]
    if live and "dsp_load" in live:
        lines.append(f"[{_mark(ok['dsp_load'])}] DSP load at {live['block']} frames: median "
                     f"{100 * live['dsp_load']['median']:.1f}% (aim < {100 * AIM_DSP_LOAD:g}%)")
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
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="playback time for the realtime DSP load")
    parser.add_argument("--no-realtime", action="store_true",
                        help="leave out the realtime DSP load (no JACK server)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one bounce in one process")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--child-bounce", nargs=3, metavar=("FOLDER", "OUT", "WORKERS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tracks < SENDS or args.minutes <= 0 or args.repeat < 1 or args.seconds <= 0:
        parser.error(f"--tracks must be at least {SENDS}, --repeat at least 1, --minutes and "
                     "--seconds above 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_bounce:
        return child_bounce(*args.child_bounce)
    return run_and_report(args, run, report)


if __name__ == "__main__":
    sys.exit(main())
