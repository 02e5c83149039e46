"""The `daw` command: headless subcommands for making, filling, rendering and measuring songs.

A person's mistake (a missing file, a damaged project, a bad option) prints one line starting
with ``daw: error:`` and exits with status 1, or 2 when the options themselves cannot be used as
given (as argparse does for the options it refuses); only a bug in MiniDAW shows a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from tqdm import tqdm

from daw import __version__
from daw.dsp.effects import effect_ranges
from daw.engine.export.analyze import analyze_file
from daw.engine.export.bounce import (
    BIT_DEPTHS,
    FORMATS,
    BounceError,
    BounceSettings,
    bounce,
    check_options,
    marker_range,
)
from daw.engine.export.bounce_report import report_paths
from daw.mastering.analysis_text import analysis_text
from daw.mastering.targets import unknown_target_warning
from daw.media import MediaError, import_file
from daw.model import EditError, Project, ProjectFileError, ops
from daw.model.limits import MAX_SONG_HOURS, max_frames
from daw.model.store import (
    PROJECT_FILE,
    create_project,
    load_project,
    project_folder,
    remove_stale_temp_files,
    save_project,
)
from daw.model.validate import check_project
from daw.resources import demo_project


class UserError(Exception):
    """A problem the person can fix; shown as one line."""


class UsageError(UserError):
    """Options that cannot go together or cannot be done as asked; exit status 2."""


# --- subcommands -----------------------------------------------------------------------------


def _seconds_to_frames(seconds: float, rate: int, what: str) -> int:
    """A time given on the command line, in frames; refuses what no song can reach (NaN,
    infinity, more than the longest song) instead of failing while converting it."""
    if not math.isfinite(seconds):
        raise UsageError(f"{what} must be a number of seconds (got {seconds:g})")
    if seconds < 0:
        raise UserError(f"{what} must not be negative (got {seconds:g} s)")
    if seconds * rate > max_frames(rate):
        raise UsageError(f"{what} is past {MAX_SONG_HOURS} hours (got {seconds:g} s)")
    return round(seconds * rate)


def cmd_render(args: argparse.Namespace) -> int:
    if args.marker and (args.start is not None or args.end is not None):
        raise UsageError("give either --marker or --start/--end, not both")
    if args.no_tail and args.tail is not None:
        raise UsageError("give either --tail or --no-tail, not both")
    for option, seconds in (("--start", args.start), ("--end", args.end)):
        if seconds is not None and seconds < 0:
            raise UsageError(f"{option} must not be negative (got {seconds:g} s)")
    project = load_project(args.project, effect_ranges())
    folder = Path(args.project)
    warning = unknown_target_warning(project.master.target,
                                     str(project_folder(folder) / PROJECT_FILE))
    if warning:
        print(f"daw: warning: {warning}", file=sys.stderr)
    start, end = 0, None
    if args.marker:
        start, end = marker_range(project, args.marker)
    else:
        if args.start is not None:
            start = _seconds_to_frames(args.start, project.sample_rate, "--start")
        if args.end is not None:
            end = _seconds_to_frames(args.end, project.sample_rate, "--end")
    settings = BounceSettings(
        Path(args.output), start, end, args.bit_depth, args.rate, format=args.format,
        dither=not args.no_dither, mastered=not args.unmastered,
        stems_dir=None if args.stems is None else Path(args.stems), report=not args.no_report,
        tail=0.0 if args.no_tail else args.tail)
    try:
        check_options(settings)
    except BounceError as error:
        raise UsageError(str(error)) from None
    _bounce_with_progress(project, folder, settings, quiet=args.quiet)
    if not args.quiet:
        print(f"wrote {args.output}", file=sys.stderr)
        if settings.stems_dir is not None:
            print(f"wrote {len(project.tracks)} stems into {settings.stems_dir}",
                  file=sys.stderr)
        if settings.report:
            print(report_paths(settings.path)[1].read_text(encoding="utf-8"), end="")
    return 0


def _bounce_with_progress(project: Project, folder: Path, settings: BounceSettings,
                          quiet: bool = False) -> None:
    """Bounce with a progress bar on stderr, shown from the first rendered block on (so a
    request that fails at once prints only its error)."""
    rate = project.sample_rate
    bars: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(tqdm(total=total / rate, desc="render", file=sys.stderr,
                             dynamic_ncols=True, bar_format=BAR_FORMAT))
        bars[0].n = done / rate
        bars[0].refresh()

    try:
        bounce(project, folder, settings, progress=None if quiet else progress,
               warn=lambda line: print(f"daw: warning: {line}", file=sys.stderr))
    finally:
        for bar in bars:
            bar.close()


BAR_FORMAT = "{l_bar}{bar}| {n:.1f}/{total:.1f} s [{elapsed}<{remaining}]"


def cmd_analyze(args: argparse.Namespace) -> int:
    result = analyze_file(Path(args.file))
    if result.nonfinite_text is not None:
        print(f"daw: warning: {args.file}: {result.nonfinite_text}; the figures count them "
              "as silence", file=sys.stderr)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        print(analysis_text(result))
    return 0


def _parse_signature(text: str) -> tuple[int, int]:
    try:
        beats, unit = (int(part) for part in text.split("/"))
    except ValueError:
        raise UserError(f"time signature {text!r}: write it as 4/4 or 6/8") from None
    return beats, unit


def cmd_new(args: argparse.Namespace) -> int:
    name = Path(args.path).name.removesuffix(".minidaw")
    project = Project(name=name, sample_rate=args.rate)
    project = ops.set_tempo(project, args.tempo)
    project = ops.set_time_signature(project, *_parse_signature(args.time_signature))
    check_project(project)
    try:
        folder = create_project(args.path, project)
    except FileExistsError as error:
        raise UserError(str(error)) from None
    print(folder)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    folder = Path(args.project)
    project = load_project(folder, effect_ranges())
    remove_stale_temp_files(folder)  # what saves killed midway left behind
    at = _seconds_to_frames(args.at, project.sample_rate, "--at")
    made: list[Path] = []
    warnings: list[str] = []
    try:
        for file in args.files:
            imported = import_file(Path(file), folder, project.sample_rate)
            ref = imported.media
            warnings.extend(imported.warnings)
            made.append(folder / ref.path)
            project = ops.add_media(project, ref)
            if args.track:
                track = next((t for t in project.tracks if t.name == args.track), None)
                if track is None:
                    project = ops.add_track(project, args.track)
                    track = project.tracks[-1]
                start = max([at, *(c.end_frame for c in track.clips if c.start_frame >= at)])
            else:
                project = ops.add_track(project, Path(file).stem or "Audio")
                track, start = project.tracks[-1], at
            project = ops.add_clip(project, track.id, ref.id, start)
        save_project(folder, project)
    except BaseException:
        for path in made:  # nothing half-imported stays behind
            path.unlink(missing_ok=True)
        raise
    for warning in warnings:
        print(f"daw: warning: {warning}", file=sys.stderr)
    for file in args.files:
        print(f"imported {file}")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    from daw.engine.live.devices import (  # PortAudio loads only when asked
        AudioUnavailable,
        DeviceNotFound,
        devices_report,
        find_device,
    )
    from daw.settings.audio import load_settings, save_settings, settings_path

    if args.use is None and args.input is None and args.block_size is None:
        print(devices_report())
        return 0
    settings, warning = load_settings()
    if warning:
        print(f"daw: warning: {warning}", file=sys.stderr)
    try:
        output = find_device(args.use, "output").name if args.use else settings.output_device
        input_name = find_device(args.input, "input").name if args.input else (
            settings.input_device)
        chosen = replace(settings, output_device=output, input_device=input_name,
                         block_size=args.block_size or settings.block_size)
    except (DeviceNotFound, AudioUnavailable, ValueError) as error:
        raise UserError(str(error)) from None
    save_settings(chosen)
    print(f"output {chosen.output_device or '(default)'}, input "
          f"{chosen.input_device or '(default)'}, {chosen.block_size} frames: saved in "
          f"{settings_path()}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from daw.engine.live.audio_setup import open_chosen_device, remember_calibration
    from daw.engine.live.transport import Engine, EngineError
    from daw.settings.audio import load_settings, save_settings

    settings, _ = load_settings()
    engine = Engine(Project(), Path.cwd())
    engine.start()
    try:
        info = open_chosen_device(engine, settings)
        print(f"Playing test bursts on {info.output_device}, listening on {info.input_device}"
              "...", file=sys.stderr)
        frames = engine.calibrate()
    except EngineError as error:
        raise UserError(str(error)) from None
    finally:
        engine.shutdown()
    save_settings(remember_calibration(settings, info, frames))
    total = frames + info.output_latency_frames + info.input_latency_frames
    print(f"round trip {total} frames ({1000 * total / info.rate:.2f} ms): {frames:+d} frames "
          f"beyond what the device reports; takes are placed with it from now on")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from daw.ui.app import run_window  # Qt loads only for the window

    return run_window(Path(args.project) if args.project else None)


def cmd_demo(args: argparse.Namespace) -> int:
    folder = demo_project()
    project = load_project(folder)
    output = Path(args.output)
    settings = BounceSettings(output, bit_depth="24")
    _bounce_with_progress(project, folder, settings)
    buses = sum(t.is_bus for t in project.tracks)
    parts = f"{len(project.tracks) - buses} tracks" + (f", {buses} bus" if buses == 1 else
                                                        f", {buses} buses" if buses else "")
    print(f"Rendered the demo song '{project.name}' ({parts}, "
          f"sections: {', '.join(m.name for m in project.markers)}) to {output}\n")
    print(analysis_text(analyze_file(output)))
    return 0


def cmd_master_album(args: argparse.Namespace) -> int:
    from daw.mastering.album import REPORT_JSON, REPORT_TEXT, AlbumError, master_album
    from daw.mastering.targets import TargetError, find_target

    try:
        target = find_target(args.target)
    except TargetError as error:
        raise UserError(str(error)) from None

    def told(what: str) -> None:
        if not args.quiet:
            print(f"daw: {what}", file=sys.stderr)

    try:
        report = master_album([Path(p) for p in args.projects], Path(args.output), target,
                              args.bit_depth, Path(args.reference) if args.reference else None,
                              told)
    except AlbumError as error:
        raise UserError(str(error)) from None
    print(report.text(), end="")
    if not args.quiet:
        print(f"daw: wrote {len(report.songs)} songs, {REPORT_JSON} and {REPORT_TEXT} to "
              f"{args.output}", file=sys.stderr)
    return 0 if report.consistent else 1


def _backup_hint(error: ProjectFileError) -> str:
    """For a project.json that will not load: the newest backup that does, and how to use
    it (said on the same line as the error)."""
    from daw.model.backups import newest_loadable_backup

    file = Path(error.path)
    if file.name != PROJECT_FILE or not (file.parent / "backups").is_dir():
        return ""
    backup = newest_loadable_backup(file.parent, effect_ranges())
    if backup is None:
        return "; no backup in its backups/ folder loads either"
    return (f"; its newest backup that loads is {backup.path} ({backup.describe()}): copy it "
            f"over {file} to restore it, or open the song in the window, which offers it")


# --- parser ----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with its refusals as one line like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"daw: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="daw",
        description="MiniDAW: record, edit, mix and master songs. With no command, opens the "
        "window; the other commands work without a screen or sound card.",
    )
    parser.add_argument("--version", action="version", version=f"MiniDAW {__version__}")
    parser.add_argument("--self-check", action="store_true", help="check that this installation "
                        "works (resources, the demo song, audio libraries, the window "
                        "offscreen) and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    render = sub.add_parser("render", help="render (bounce) a project to a WAV or FLAC file, "
                            "with stems and a loudness report if asked")
    render.add_argument("project", help="the project folder (Name.minidaw)")
    render.add_argument("-o", "--output", required=True, help="the WAV or FLAC file to write")
    render.add_argument("--format", choices=sorted(FORMATS),
                        help="wav or flac (default: from the -o suffix, else wav)")
    render.add_argument("--bit-depth", choices=sorted(BIT_DEPTHS), default="24",
                        help="16, 24, or 32f (32-bit float, WAV only); default 24")
    render.add_argument("--rate", type=int, help="sample rate of the file, 8000-384000 Hz "
                        "(default: the project's; converted with soxr, very high quality)")
    render.add_argument("--no-dither", action="store_true",
                        help="plain rounding to 16 or 24 bit instead of TPDF dither")
    render.add_argument("--start", type=float, help="start of the range, in seconds")
    render.add_argument("--end", type=float, help="end of the range, in seconds")
    render.add_argument("--marker", help="render from this marker to the next one")
    render.add_argument("--tail", type=float, metavar="SECONDS", help="render on past the end "
                        "while reverbs and echoes sound (to -90 dBFS), for at most SECONDS; "
                        "default 30 to the song's end, none with --end or --marker")
    render.add_argument("--no-tail", action="store_true", help="end at the last clip's end")
    render.add_argument("--unmastered", action="store_true",
                        help="leave the master chain out (the master fader stays)")
    render.add_argument("--stems", metavar="DIR", help="also write one file per track and "
                        "bus into DIR, as long as the mix and aligned with it")
    render.add_argument("--no-report", action="store_true", help="no NAME.loudness.json and "
                        "NAME.loudness.txt beside the file")
    render.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar, no summary")
    render.set_defaults(run=cmd_render)

    analyze = sub.add_parser("analyze", help="measure an audio file: levels, loudness (LUFS, "
                             "LRA), true peak, stereo correlation and spectrum")
    analyze.add_argument("file")
    analyze.add_argument("--json", action="store_true", help="print JSON for scripts")
    analyze.set_defaults(run=cmd_analyze)

    new = sub.add_parser("new", help="make a new, empty project folder")
    new.add_argument("path", help="where to make it (Name.minidaw)")
    new.add_argument("--rate", type=int, default=48000, help="sample rate (default 48000)")
    new.add_argument("--tempo", type=float, default=120.0, help="tempo in BPM (default 120)")
    new.add_argument("--time-signature", default="4/4", help="such as 4/4 or 6/8")
    new.set_defaults(run=cmd_new)

    imp = sub.add_parser("import", help="import audio files into a project as clips")
    imp.add_argument("project")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--track", help="put every file on this track (made if missing), one "
                     "after another; default: a new track per file")
    imp.add_argument("--at", type=float, default=0.0, help="where to place, in seconds")
    imp.set_defaults(run=cmd_import)

    open_ = sub.add_parser("open", help="open a project in the window (the default command: "
                           "with none, the last project or the demo song)")
    open_.add_argument("project", nargs="?", help="the project folder (Name.minidaw)")
    open_.set_defaults(run=cmd_open)

    devices = sub.add_parser("devices", help="list the audio devices (* marks the defaults), "
                             "or choose the ones to use")
    devices.add_argument("--use", metavar="OUTPUT", help="play through this device (a name, "
                         "part of one, or a number from the list); remembered")
    devices.add_argument("--input", help="record from this device; remembered")
    devices.add_argument("--block-size", type=int, choices=(64, 128, 256, 512, 1024, 2048),
                         help="frames per device block; remembered")
    devices.set_defaults(run=cmd_devices)

    calibrate = sub.add_parser("calibrate", help="measure the sound card's true round trip "
                               "through a loopback (an output wired to an input)")
    calibrate.set_defaults(run=cmd_calibrate)

    demo = sub.add_parser("demo", help="render the bundled demo song and print its analysis")
    demo.add_argument("-o", "--output", default="minidaw-demo.wav",
                      help="the WAV file to write (default minidaw-demo.wav)")
    demo.set_defaults(run=cmd_demo)

    album = sub.add_parser("master-album", help="master several songs to one loudness target "
                           "(same integrated loudness within 0.5 LU) and write them with a "
                           "report")
    album.add_argument("projects", nargs="+", metavar="PROJECT",
                       help="the songs' project folders, in album order")
    album.add_argument("-o", "--output", required=True, metavar="DIR",
                       help="the folder for the WAV files and the report (made if missing)")
    album.add_argument("--target", default="streaming",
                       help="streaming (default), apple-music, club-cd, podcast, "
                       "broadcast-ebu-r128, custom, or a target of your own")
    album.add_argument("--bit-depth", choices=("16", "24"), default="24",
                       help="16 (TPDF-dithered) or 24; default 24")
    album.add_argument("--reference", metavar="FILE", help="match every song to this track's "
                       "tonal balance and loudness (the target's ceiling stays)")
    album.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    album.set_defaults(run=cmd_master_album)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_check:
        from daw.selfcheck import run_self_check  # loads Qt, so only when asked

        return run_self_check()
    if args.command is None:
        args = parser.parse_args(["open"])
    try:
        return args.run(args)
    except UsageError as error:
        print(f"daw: error: {error}", file=sys.stderr)
        return 2
    except ProjectFileError as error:
        print(f"daw: error: {error}{_backup_hint(error)}", file=sys.stderr)
    except (UserError, MediaError, BounceError, EditError) as error:
        print(f"daw: error: {error}", file=sys.stderr)
    except FileNotFoundError as error:
        print(f"daw: error: {error.filename}: no such file or folder", file=sys.stderr)
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"daw: error: {where}{error.strerror or error}", file=sys.stderr)
    except KeyboardInterrupt:
        print("daw: interrupted", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":
    raise SystemExit(main())

