"""Album mode: master several songs to one target so they play back at the same loudness, and
write each as a WAV file, with a report (JSON for scripts, text for people).

Each song gets its own chain from the master assistant (its own EQ, glue and gain), aimed at
the same integrated loudness, and is bounced as `daw render` would bounce it with that chain.
Then every written file is read back and measured; a song whose file landed more than
`SETTLE_LU` from the target has its limiter's input gain corrected by the difference and is
bounced again, so the songs end within ALBUM_SPREAD_LU of each other (the issue's 0.5 LU,
measured on the files themselves). The projects on disk are not changed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from daw.dsp.effects import effect_ranges
from daw.engine.export.bounce import BounceSettings, bounce
from daw.mastering.assistant import AssistantError, AssistantResult, apply_chain, master_assistant
from daw.mastering.mix_analysis import integrated_lufs, true_peak_dbtp
from daw.mastering.targets import Target
from daw.media import probe
from daw.media.blocks import read_blocks
from daw.model.owned import owned_reason
from daw.model.project import EffectSettings, Project
from daw.model.store import load_project

ALBUM_SPREAD_LU = 0.5
SETTLE_LU = 0.15
MAX_CORRECTIONS = 2
REPORT_JSON = "album-report.json"
REPORT_TEXT = "album-report.txt"

Progress = Callable[[str], None]
"""Told, in a few words, what is being done (``mastering 2/5: Night Drive``)."""


class AlbumError(Exception):
    """A song that cannot be mastered; the message names its project."""


@dataclass(frozen=True)
class AlbumSong:
    """One mastered song, measured from its written file."""

    name: str
    project: str
    output: str
    integrated_lufs: float
    true_peak_dbtp: float
    limiter_gain_db: float
    bounces: int
    notes: tuple[str, ...]
    aimed: Target
    """The target the song was mastered to (a reference track's loudness, if one was given)."""


@dataclass(frozen=True)
class AlbumReport:
    target: Target
    songs: tuple[AlbumSong, ...]

    @property
    def spread_lu(self) -> float:
        """Loudest minus quietest song, in LU."""
        levels = [s.integrated_lufs for s in self.songs]
        return max(levels) - min(levels) if levels else 0.0

    @property
    def consistent(self) -> bool:
        """All songs within ALBUM_SPREAD_LU of each other and at or under the ceiling."""
        return self.spread_lu <= ALBUM_SPREAD_LU and all(
            s.true_peak_dbtp <= self.target.true_peak_dbtp for s in self.songs)

    def as_dict(self) -> dict[str, object]:
        return {
            "target": {"name": self.target.name, "integrated_lufs": self.target.integrated_lufs,
                       "true_peak_dbtp": self.target.true_peak_dbtp},
            "spread_lu": round(self.spread_lu, 3),
            "allowed_spread_lu": ALBUM_SPREAD_LU,
            "consistent": self.consistent,
            "songs": [
                {"name": s.name, "project": s.project, "output": s.output,
                 "integrated_lufs": round(s.integrated_lufs, 2),
                 "true_peak_dbtp": round(s.true_peak_dbtp, 2),
                 "limiter_gain_db": s.limiter_gain_db, "bounces": s.bounces,
                 "notes": list(s.notes)}
                for s in self.songs
            ],
        }

    def text(self) -> str:
        width = max([len(s.name) for s in self.songs] + [4])
        lines = [f"Album master: {len(self.songs)} songs, target {self.target.describe()}", "",
                 f"{'Song':<{width}}  {'Loudness':>10}  {'True peak':>10}  File"]
        for s in self.songs:
            lines.append(f"{s.name:<{width}}  {s.integrated_lufs:>5.1f} LUFS  "
                         f"{s.true_peak_dbtp:>5.1f} dBTP  {Path(s.output).name}")
        verdict = "within" if self.spread_lu <= ALBUM_SPREAD_LU else "OUTSIDE"
        peaks_ok = all(s.true_peak_dbtp <= self.target.true_peak_dbtp for s in self.songs)
        lines += ["", f"Spread: {self.spread_lu:.2f} LU ({verdict} the {ALBUM_SPREAD_LU:g} LU "
                      f"allowed); true peaks {'all at or under' if peaks_ok else 'NOT all under'}"
                      f" {self.target.true_peak_dbtp:g} dBTP."]
        return "\n".join(lines) + "\n"


def song_name(folder: Path, project: Project) -> str:
    """The name a song goes by: its project's name, or its folder's."""
    return project.name.strip() or folder.name.removesuffix(".minidaw")


def _file_stem(index: int, name: str) -> str:
    safe = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]', "_", name).strip(" .") or "Song"
    return f"{index:02d} {safe[:80]}"


def measure_file(path: Path) -> tuple[float, float]:
    """(integrated loudness LUFS, true peak dBTP) of a written file."""
    rate = probe(path).sample_rate
    audio = np.concatenate([block.copy() for block in read_blocks(path)])
    return integrated_lufs(audio, rate), true_peak_dbtp(audio, rate)


def _with_limiter_gain(chain: tuple[EffectSettings, ...], change_db: float
                       ) -> tuple[tuple[EffectSettings, ...], float]:
    """The chain with its true-peak limiter's input gain moved by `change_db`."""
    out = []
    gain = math.nan
    for effect in chain:
        if effect.kind == "truepeak_limiter":
            params = dict(effect.params)
            gain = round(min(max(params["input_gain_db"] + change_db, -12.0), 24.0), 3)
            params["input_gain_db"] = gain
            effect = replace(effect, params=tuple(params.items()))
        out.append(effect)
    return tuple(out), gain


def master_song(
    folder: Path, index: int, out_dir: Path, target: Target, bit_depth: str = "24",
    reference: Path | None = None, progress: Progress | None = None,
) -> AlbumSong:
    """Master one song into `out_dir` and measure the file; raises AlbumError (or the
    project's or the media's own errors, which name their files)."""
    project = load_project(folder, effect_ranges())
    name = song_name(folder, project)
    if progress is not None:
        progress(f"mastering {name}")
    try:
        result: AssistantResult = master_assistant(project, folder, target, reference)
    except AssistantError as error:
        raise AlbumError(f"{folder}: {error}") from None
    path = out_dir / f"{_file_stem(index, name)}.wav"
    chain = result.chain
    aim = result.target.integrated_lufs
    bounces = 0
    while True:
        mastered = apply_chain(project, replace(result, chain=chain))
        bounce(mastered, folder, BounceSettings(path, bit_depth=bit_depth, report=False))
        bounces += 1
        loudness, peak = measure_file(path)
        off = aim - loudness
        if abs(off) <= SETTLE_LU or bounces > MAX_CORRECTIONS or not math.isfinite(off):
            break
        chain, _gain = _with_limiter_gain(chain, off)
    gain = next(dict(e.params)["input_gain_db"] for e in chain if e.kind == "truepeak_limiter")
    return AlbumSong(name, str(folder), str(path), loudness, peak, gain, bounces, result.notes,
                     result.target)


def check_album_folder(projects: Sequence[Path], out_dir: Path) -> None:
    """Refuse, before anything is made or rendered, an output folder that is part of one of
    the songs' projects (inside its audio/, backups/ or cache/), or report files that would
    land on one of its files: mastering an album never writes over a song."""
    for folder in projects:
        project = load_project(folder, effect_ranges())
        for path in (out_dir, out_dir / REPORT_JSON, out_dir / REPORT_TEXT):
            why = owned_reason(folder, project, path)
            if why is not None:
                raise AlbumError(f"{path}: this is {why} ({folder}); an album is never "
                                 "written there (choose a folder outside the projects)")


def master_album(
    projects: Sequence[Path], out_dir: Path, target: Target, bit_depth: str = "24",
    reference: Path | None = None, progress: Progress | None = None,
) -> AlbumReport:
    """Master every song to `target`, write them as ``NN Name.wav`` into `out_dir` (made if
    missing) with the report files, and return the report."""
    if not projects:
        raise AlbumError("no songs given: name one or more project folders")
    out_dir = Path(out_dir)
    check_album_folder(projects, out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AlbumError(f"{out_dir}: cannot make the folder ({error.strerror or error})") \
            from error
    songs = []
    for index, folder in enumerate(projects, start=1):
        def told(what: str, index: int = index) -> None:
            if progress is not None:
                progress(f"{what} ({index}/{len(projects)})")

        songs.append(master_song(Path(folder), index, out_dir, target, bit_depth, reference,
                                 told))
    report = AlbumReport(songs[0].aimed if reference is not None else target, tuple(songs))
    try:
        (out_dir / REPORT_JSON).write_text(json.dumps(report.as_dict(), indent=2) + "\n",
                                           encoding="utf-8")
        (out_dir / REPORT_TEXT).write_text(report.text(), encoding="utf-8")
    except OSError as error:
        raise AlbumError(f"{out_dir}: cannot write the report ({error.strerror or error})") \
            from error
    return report
