"""The soak benchmark's figures: raw timings of each run reduced to medians and tails, the
verdicts against the aims, and the printed report."""

from __future__ import annotations

import argparse
import statistics
from typing import Any

import numpy as np
from soak_load import FRAME_MS, KINDS
from soak_run import AUTOSAVE_S, EDIT_MS
from soak_song import Song

from daw.model.store import load_project

AIM_DROPOUTS = 0
AIM_AUTOSAVE_UI_MS = 5.0
AIM_GROWTH_MB = 5.0
TAKE_SLACK_S = 0.5
"""How far the take's length may be from what the playhead moved while recording."""


def _ms(values: list[float]) -> dict[str, float | None]:
    """Median, 95th percentile and max of seconds, in milliseconds."""
    if not values:
        return {"median": None, "p95": None, "max": None}
    ms = np.asarray(values) * 1e3
    return {"median": float(np.median(ms)), "p95": float(np.percentile(ms, 95)),
            "max": float(ms.max())}


def _memory(raw: dict[str, Any]) -> dict[str, Any]:
    """Growth from the warm-up to the end, and the trend of the per-second samples after it
    (a least-squares line, MB a minute), which one-off steps move less than the ends do."""
    warm, end = raw["warm"], raw["end_mb"]
    later = [s for s in raw["samples"] if s["t"] >= warm.get("t", 0.0) and s["rss_mb"]]
    trend = None
    if len(later) >= 3:
        t = np.array([s["t"] for s in later])
        trend = float(np.polyfit(t, [s["rss_mb"] for s in later], 1)[0] * 60.0)
    start = warm.get("rss_mb")
    return {"before_play_mb": raw["before_play_mb"], "warm_t": warm.get("t"),
            "start_mb": start, "end_mb": end,
            "peak_mb": max((s["rss_mb"] for s in raw["samples"]), default=None),
            "growth_mb": None if start is None or end is None else end - start,
            "trend_mb_per_min": trend, "samples": raw["samples"]}


def summarize_block(raw: dict[str, Any]) -> dict[str, Any]:
    saves, writes = raw["autosave"]["ui_seconds"], raw["autosave"]["writes"]
    intervals = raw["frames"]["intervals"]
    block = {k: v for k, v in raw.items() if k not in ("autosave", "edits", "frames",
                                                       "memory")}
    block["autosave"] = {
        "count": len(saves), "writes": len(writes), "ui_ms": _ms(saves),
        "ui_seconds": saves,
        "write_ms": _ms([w["seconds"] for w in writes]),
        "write_cpu_ms": _ms([w["cpu_seconds"] for w in writes]),
        "bytes": statistics.median([w["bytes"] for w in writes]) if writes else None}
    block["edits"] = {**{k: raw["edits"][k] for k in ("count", "refused")},
                      "ui_ms": _ms(raw["edits"]["ui_seconds"])}
    block["frames"] = {
        "count": len(intervals), "per_second": len(intervals) / raw["wall_seconds"],
        "interval_ms": _ms(intervals),
        "late": sum(1 for i in intervals if i * 1e3 > 2 * FRAME_MS),
        "paint_ms": _ms(raw["frames"]["paint_seconds"])}
    block["memory"] = _memory(raw["memory"])
    take = raw["take"]
    block["take_ok"] = (take.get("clips") == 1 and abs(take["difference_s"]) <= TAKE_SLACK_S
                        and abs(take["level_db"]) <= 1.0 and take["gaps"] == 0)
    growth, ui_max = block["memory"]["growth_mb"], block["autosave"]["ui_ms"]["max"]
    block["verdicts"] = {
        "no_dropout": raw["error"] is None
        and raw["underruns"] + raw["device_xruns"] <= AIM_DROPOUTS,
        "autosave_ui": ui_max is not None and ui_max < AIM_AUTOSAVE_UI_MS,
        "memory_growth": growth is not None and growth < AIM_GROWTH_MB}
    return block


def summarize(song: Song, args: argparse.Namespace, blocks: list[dict[str, Any]]) -> dict:
    project = load_project(song.folder)
    return {
        "song": {"tracks": len(project.tracks), "source": song.source,
                 "seconds": project.end_frame / project.sample_rate,
                 "clips": sum(len(t.clips) for t in project.tracks),
                 "eqs": sum(1 for t in project.tracks for e in t.effects if e.kind == "eq"),
                 "generation_seconds": song.generation_s},
        "seconds": args.seconds, "warmup_seconds": args.warmup,
        "autosave_interval_s": AUTOSAVE_S, "edit_interval_s": EDIT_MS / 1000,
        "edit_kinds": list(KINDS), "frame_interval_ms": FRAME_MS,
        "aims": {"dropouts": AIM_DROPOUTS, "autosave_ui_ms": AIM_AUTOSAVE_UI_MS,
                 "memory_growth_mb": AIM_GROWTH_MB},
        "blocks": [summarize_block(b) for b in blocks],
    }


# --- the report -----------------------------------------------------------------------------


def _num(value: float | None, fmt: str = ".2f") -> str:
    return "n/a" if value is None else format(value, fmt)


def _three(s: dict[str, float | None], fmt: str = ".2f") -> str:
    return f"{_num(s['median'], fmt)} / {_num(s['p95'], fmt)} / {_num(s['max'], fmt)} ms"


def _two(s: dict[str, float | None], fmt: str = ".2f") -> str:
    return f"{_num(s['median'], fmt)} / {_num(s['max'], fmt)} ms"


def _log(b: dict[str, Any], which: str) -> str:
    log = b["server_log"]
    if log is None:
        return "n/a"
    if which == "server":
        return f"{log['server_late']} ({log['server_late_max_ms']:.0f} ms at most)"
    names = log["client_late_by_name"]
    ours = names.get("PortAudio", 0)
    return str(ours if which == "ours" else sum(names.values()) - ours)


def _take(b: dict[str, Any]) -> str:
    t = b["take"]
    if t.get("clips") != 1:
        return f"{t.get('clips')} clips on the armed track"
    return (f"{t['frames'] / b['rate']:.2f} s ({t['difference_s']:+.2f} s), "
            f"{t['level_db']:+.2f} dB, {t['gaps']} gaps")


def _growth(m: dict[str, Any]) -> str:
    return f"{_num(m['growth_mb'], '+.1f')} MB / {_num(m['trend_mb_per_min'], '+.1f')} MB/min"


ROWS = [
    ("machine load average start / end", lambda b: f"{b['load_average']['start'][0]:.2f} / "
                                                   f"{b['load_average']['end'][0]:.2f}"),
    ("wall time", lambda b: f"{b['wall_seconds']:.1f} s"),
    ("", None),
    ("underruns (the engine's own)", lambda b: str(b["underruns"])),
    ("device xruns (PortAudio flags)", lambda b: str(b["device_xruns"])),
    ("server log: our client late", lambda b: _log(b, "ours")),
    ("server log: other clients late", lambda b: _log(b, "others")),
    ("server log: server timer late", lambda b: _log(b, "server")),
    ("", None),
    ("autosaves handed over / written", lambda b: f"{b['autosave']['count']} / "
                                                  f"{b['autosave']['writes']}"),
    ("  UI thread, median / max", lambda b: _two(b["autosave"]["ui_ms"], ".3f")),
    ("  worker write, median / max", lambda b: _two(b["autosave"]["write_ms"], ".1f")),
    ("  worker CPU, median / max", lambda b: _two(b["autosave"]["write_cpu_ms"], ".1f")),
    ("  autosave file", lambda b: f"{_num(b['autosave']['bytes'], ',.0f')} bytes"),
    ("edits made (refused)", lambda b: f"{b['edits']['count']} ({b['edits']['refused']})"),
    ("  UI thread, median / max", lambda b: _two(b["edits"]["ui_ms"], ".2f")),
    ("frames painted a second", lambda b: f"{b['frames']['per_second']:.1f}"),
    ("  frame time median / p95 / max", lambda b: _three(b["frames"]["interval_ms"], ".1f")),
    ("  frames over two intervals", lambda b: str(b["frames"]["late"])),
    ("  lanes paint median / p95 / max", lambda b: _three(b["frames"]["paint_ms"], ".1f")),
    ("", None),
    ("memory before play", lambda b: f"{_num(b['memory']['before_play_mb'], '.1f')} MB"),
    ("memory after the warm-up", lambda b: f"{_num(b['memory']['start_mb'], '.1f')} MB at "
                                           f"{_num(b['memory']['warm_t'], '.0f')} s"),
    ("memory at the end / peak", lambda b: f"{_num(b['memory']['end_mb'], '.1f')} / "
                                           f"{_num(b['memory']['peak_mb'], '.1f')} MB"),
    ("  growth / trend after warm-up", lambda b: _growth(b["memory"])),
    ("take: length, level, gaps", _take),
]


def report(r: dict[str, Any]) -> str:
    blocks, song = r["blocks"], r["song"]
    width = 30
    lines = [
        f"MiniDAW soak benchmark: {song['tracks']} tracks ({song['clips']} clips, "
        f"{song['eqs']} EQs, {song['source']} sources, {song['seconds']:.0f} s), the last one "
        f"armed; {r['seconds']:g} s of playback and recording per block size",
        f"window: MainWindow on Qt platform {blocks[0]['platform'] if blocks else 'n/a'}, lanes "
        f"drawn again and meters painted every {r['frame_interval_ms']} ms; autosave every "
        f"{r['autosave_interval_s']:g} s; an edit every {r['edit_interval_s']:g} s "
        f"({', '.join(r['edit_kinds'])})",
        "device: private JACK server, dummy backend, asynchronous, period = block, duplex; the "
        "microphone a 440 Hz sine at -12 dBFS from a JACK client in its own process",
        "",
        f"{'block size (frames)':<36}" + "".join(f"{b['block']:>{width}}" for b in blocks),
    ]
    for label, cell in ROWS:
        lines.append(label if cell is None else
                     f"{label:<36}" + "".join(f"{cell(b):>{width}}" for b in blocks))
    lines.append("")
    for b in blocks:
        if b["error"]:
            lines.append(f"engine error at {b['block']} frames: {b['error']}")
        v, a, m = b["verdicts"], b["autosave"]["ui_ms"], b["memory"]
        lines += [
            f"[{_mark(v['no_dropout'])}] {b['block']} frames: {b['underruns']} underruns and "
            f"{b['device_xruns']} device xruns in {b['wall_seconds']:.0f} s (aim "
            f"{r['aims']['dropouts']})",
            f"[{_mark(v['autosave_ui'])}] {b['block']} frames: autosave on the UI thread "
            f"{_num(a['max'], '.3f')} ms at most, {_num(a['median'], '.3f')} ms median (aim < "
            f"{r['aims']['autosave_ui_ms']:g} ms)",
            f"[{_mark(v['memory_growth'])}] {b['block']} frames: memory grew "
            f"{_num(m['growth_mb'], '+.1f')} MB from {_num(m['warm_t'], '.0f')} s to the end "
            f"(aim < {r['aims']['memory_growth_mb']:g} MB)",
            f"[{'ok' if b['take_ok'] else 'BAD'} ] take: {_take(b)} (length within "
            f"{TAKE_SLACK_S} s of the playhead's, level within 1 dB of the sine, no gaps)",
        ]
    return "\n".join(lines)


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"
