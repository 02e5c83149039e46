#!/usr/bin/env python3
"""Builds MiniDAW's demo song: every part synthesised with numpy, saved as a project folder.

    python resources/demo/make_demo.py [OUTDIR]     (default: resources/demo/Demo.minidaw)

Sixteen bars at 120 BPM in 4/4 (32 s): drums, bass, a stereo pad, a plucked lead and a spoken
line (espeak-ng when it is installed, otherwise a sung vowel melody made by formant-shaping a
sawtooth). Each part is one OGG/Vorbis file in ``audio/``; the project places them as clips
with fades, markers and a mix, using the same edit functions as the window, so the demo
exercises the editing model. Everything is seeded and every file has a length fixed by the
bar grid, so ``project.json`` is identical on every machine and every run, whichever voice is
used; the audio is byte-identical from run to run on one machine.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

_REPO_ROOT = Path(__file__).resolve().parents[2]
if (_REPO_ROOT / "daw" / "__init__.py").is_file() and str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))  # run from a checkout without installing

from daw.dsp.fades import fade_in_curve, fade_out_curve  # noqa: E402
from daw.dsp.gain import db_to_gain, gain_to_db  # noqa: E402
from daw.dsp.pan import mono_pan_gains, stereo_balance_gains  # noqa: E402
from daw.engine.render.plan import compile_plan  # noqa: E402
from daw.engine.render.renderer import Renderer  # noqa: E402
from daw.media import MediaPool  # noqa: E402
from daw.model import ops  # noqa: E402
from daw.model.automation import add_point  # noqa: E402
from daw.model.chains import add_effect  # noqa: E402
from daw.model.project import MASTER, Fade, MediaRef, Project, send_target  # noqa: E402
from daw.model.routing import add_bus, set_send  # noqa: E402
from daw.model.store import load_project, save_project  # noqa: E402

SAMPLE_RATE = 48000
TEMPO_BPM = 120.0
BEATS_PER_BAR = 4
BARS = 16
SEED = 20240611
STEM_PEAK_DB = -6.0
MIX_PEAK_LIMIT_DB = -1.0
VORBIS_COMPRESSION = 0.6
"""libsndfile's compression level for Vorbis (quality 1 - level): small files, clean enough."""
OGG_SERIAL = 0x4D444157
"""libsndfile picks a random Ogg stream serial; a fixed one keeps rebuilt files identical."""

DEFAULT_OUTDIR = Path(__file__).resolve().parent / "Demo.minidaw"
SPOKEN_LINES = ("Welcome to MiniDAW.", "Record, edit, mix, and master.")

FRAMES_PER_BEAT = int(SAMPLE_RATE * 60 / TEMPO_BPM)
FRAMES_PER_BAR = FRAMES_PER_BEAT * BEATS_PER_BAR
SONG_FRAMES = FRAMES_PER_BAR * BARS

# One chord a bar (names for the markers, voicings for the pad, roots for the bass).
CHORDS: dict[str, tuple[int, ...]] = {
    "C": (60, 64, 67),
    "G": (59, 62, 67),
    "Am": (57, 60, 64),
    "F": (57, 60, 65),
}
BASS_ROOTS = {"C": 36, "G": 43, "Am": 45, "F": 41}
SECTIONS: tuple[tuple[str, int, tuple[str, ...], str], ...] = (
    ("Intro", 0, ("C", "G", "Am", "F"), "I–V–vi–IV in C major"),
    ("Verse", 4, ("C", "G", "Am", "F"), "I–V–vi–IV"),
    ("Chorus", 8, ("Am", "F", "C", "G"), "vi–IV–I–V"),
    ("Outro", 12, ("F", "G", "C", "C"), "IV–V–I, the last chord held"),
)
PROGRESSION = tuple(chord for _, _, chords, _ in SECTIONS for chord in chords)

# The lead plays the chorus and the outro: (bar, beat, length in beats, MIDI note).
LEAD_BAR = 8
LEAD_NOTES: tuple[tuple[int, float, float, int], ...] = (
    (8, 0, 1, 76), (8, 1, 0.5, 72), (8, 1.5, 0.5, 76), (8, 2, 2, 81),
    (9, 0, 1, 77), (9, 1, 0.5, 76), (9, 1.5, 0.5, 74), (9, 2, 1.5, 72), (9, 3.5, 0.5, 69),
    (10, 0, 1.5, 79), (10, 1.5, 0.5, 76), (10, 2, 1, 72), (10, 3, 1, 76),
    (11, 0, 1, 74), (11, 1, 1, 79), (11, 2, 2, 71),
    (12, 0, 1, 77), (12, 1, 0.5, 76), (12, 1.5, 0.5, 77), (12, 2, 2, 81),
    (13, 0, 1, 79), (13, 1, 0.5, 77), (13, 1.5, 0.5, 76), (13, 2, 2, 74),
    (14, 0, 1, 76), (14, 1, 1, 79), (14, 2, 2, 84),
    (15, 0, 4, 72),
)

# The vocal file holds the two spoken lines in two slots of two bars; the verse plays the
# slots as two clips from that one file (source offsets 0 and two bars).
VOCAL_BAR = 4
VOCAL_SLOT_FRAMES = 2 * FRAMES_PER_BAR
BASS_BAR = 2


def frame_at(bar: int, beat: float = 0.0) -> int:
    """The frame of a bar (counted from 0) and beat on the song's grid."""
    return round((bar * BEATS_PER_BAR + beat) * FRAMES_PER_BEAT)


def midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


def normalise(x: np.ndarray, peak_db: float = STEM_PEAK_DB) -> np.ndarray:
    """Scale to the given peak, so every stem leaves the same headroom for the mix."""
    peak = float(np.max(np.abs(x)))
    return x if peak == 0.0 else x * (db_to_gain(peak_db) / peak)


def one_pole_lowpass(x: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """y[n] = (1 - a)·x[n] + a·y[n-1], run as a convolution with its impulse response.

    The response is cut where it falls below 1e-7 (−140 dB), which leaves the result equal
    to the recursion for all practical purposes and keeps the loop out of Python.
    """
    a = float(np.exp(-2.0 * np.pi * cutoff_hz / SAMPLE_RATE))
    taps = int(np.ceil(np.log(1e-7) / np.log(a))) + 1
    response = (1.0 - a) * a ** np.arange(taps)
    return np.convolve(x, response)[: len(x)]


def highpass(x: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """The complement of the one-pole lowpass: what the lowpass takes away."""
    return x - one_pole_lowpass(x, cutoff_hz)


def place(track: np.ndarray, sound: np.ndarray, at_frame: int, gain: float = 1.0) -> None:
    """Add `sound` into `track` from `at_frame`, cutting whatever runs past its end."""
    end = min(len(track), at_frame + len(sound))
    if end > at_frame:
        track[at_frame:end] += gain * sound[: end - at_frame]


def ramps(n: int, attack_s: float, release_s: float) -> np.ndarray:
    """Linear rise over the first `attack_s` and fall over the last `release_s`: no clicks."""
    frames = np.arange(n)
    rise = frames / max(attack_s * SAMPLE_RATE, 1.0)
    fall = (n - frames) / max(release_s * SAMPLE_RATE, 1.0)
    return np.clip(np.minimum(rise, fall), 0.0, 1.0)


def decay(seconds: float, tau: float) -> tuple[np.ndarray, np.ndarray]:
    """Time axis of `seconds` and an exponential decay with time constant `tau`."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return t, np.exp(-t / tau)


# --- drums ---------------------------------------------------------------------------------


def kick(rng: np.random.Generator) -> np.ndarray:
    """A sine swept down from 150 Hz to 45 Hz, with a click of noise on the attack."""
    t, env = decay(0.45, 0.22)
    freq = 45.0 + 105.0 * np.exp(-t / 0.035)
    body = np.sin(2.0 * np.pi * np.cumsum(freq) / SAMPLE_RATE) * env
    click = one_pole_lowpass(rng.standard_normal(len(t)), 3000.0) * np.exp(-t / 0.003)
    return body + 0.4 * click


def snare(rng: np.random.Generator) -> np.ndarray:
    """A burst of brightened noise over two short tones (the drum's body)."""
    t, env = decay(0.3, 0.11)
    tone = 0.5 * np.sin(2 * np.pi * 185 * t) * np.exp(-t / 0.06)
    tone += 0.25 * np.sin(2 * np.pi * 330 * t) * np.exp(-t / 0.04)
    noise = highpass(rng.standard_normal(len(t)), 1200.0) * env
    return tone + 0.6 * noise


def hihat(rng: np.random.Generator, open_: bool = False) -> np.ndarray:
    t, env = decay(0.4 if open_ else 0.09, 0.2 if open_ else 0.03)
    return highpass(highpass(rng.standard_normal(len(t)), 7000.0), 7000.0) * env


def crash(rng: np.random.Generator) -> np.ndarray:
    t, env = decay(2.5, 0.8)
    return highpass(rng.standard_normal(len(t)), 4500.0) * env


def drum_pattern(bar: int) -> dict[str, list[tuple[int, float]]]:
    """Hits of one bar as {instrument: [(sixteenth step, velocity)]}."""
    eighths = [(s, 0.55 if s % 4 == 0 else 0.4) for s in range(0, 16, 2)]
    sixteenths = [(s, 0.55 if s % 4 == 0 else 0.4 if s % 2 == 0 else 0.25) for s in range(16)]
    if bar < 2:  # hats alone, a soft kick on the one
        return {"hat": eighths, "kick": [(0, 0.6)]}
    if bar < 4:
        hits = {"hat": eighths, "kick": [(0, 0.9), (8, 0.8)]}
        if bar == 3:
            hits["snare"] = [(14, 0.5), (15, 0.7)]
        return hits
    if bar == BARS - 1:  # the last bar: one hit, left to ring out
        return {"kick": [(0, 1.0)], "crash": [(0, 0.8)]}
    chorus = bar >= 8
    hits = {
        "kick": [(0, 1.0), (8, 0.9), (10, 0.75)] + ([(3, 0.6)] if chorus else []),
        "snare": [(4, 0.9), (12, 0.95)],
        "hat": [h for h in (sixteenths if chorus else eighths) if not (chorus and h[0] == 14)],
    }
    if chorus:
        hits["open_hat"] = [(14, 0.45)]
    if bar in (8, 12):
        hits["crash"] = [(0, 0.7)]
    if bar in (7, 11):  # a fill into the next section
        hits["snare"] = [(4, 0.9), (12, 0.7), (13, 0.8), (14, 0.9), (15, 1.0)]
    return hits


def make_drums(rng: np.random.Generator) -> np.ndarray:
    sounds = {
        "kick": kick(rng),
        "snare": snare(rng),
        "hat": hihat(rng),
        "open_hat": hihat(rng, open_=True),
        "crash": crash(rng),
    }
    levels = {"kick": 1.0, "snare": 0.7, "hat": 0.35, "open_hat": 0.3, "crash": 0.3}
    out = np.zeros(SONG_FRAMES)
    for bar in range(BARS):
        for name, hits in drum_pattern(bar).items():
            for step, velocity in hits:
                humanised = velocity * (1.0 + 0.06 * rng.uniform(-1.0, 1.0))
                place(out, sounds[name], frame_at(bar, step / 4), levels[name] * humanised)
    return normalise(out)


# --- bass ----------------------------------------------------------------------------------


def make_bass() -> np.ndarray:
    """A sawtooth plus a sub sine on the chord roots in eighths, through a one-pole lowpass."""
    out = np.zeros(SONG_FRAMES - frame_at(BASS_BAR))
    for bar in range(BASS_BAR, BARS):
        root = BASS_ROOTS[PROGRESSION[bar]]
        if bar < 4:
            notes = [(beat, 0.9, root) for beat in range(4)]
        elif bar == BARS - 1:
            notes = [(0.0, 4.0, root)]
        else:
            steps = (0, 0, 12, 0, 0, 0, 12, 7)
            notes = [(i / 2, 0.42, root + step) for i, step in enumerate(steps)]
        for beat, length, note in notes:
            n = round(length * FRAMES_PER_BEAT)
            t = np.arange(n) / SAMPLE_RATE
            f = midi_hz(note)
            saw = 2.0 * ((f * t) % 1.0) - 1.0
            tone = saw + 0.8 * np.sin(2 * np.pi * f * t)
            env = 0.7 + 0.3 * np.exp(-t / 0.08)
            env *= ramps(n, 0.003, 0.015)
            place(out, tone * env, frame_at(bar - BASS_BAR, beat))
    return normalise(one_pole_lowpass(out, 450.0))


# --- pad -----------------------------------------------------------------------------------


def make_pad(rng: np.random.Generator) -> np.ndarray:
    """Detuned additive saws (six harmonics, gently rolled off), one voice a side: stereo."""
    attack, release = 0.4, 0.6
    out = np.zeros((SONG_FRAMES, 2))
    for bar, chord in enumerate(PROGRESSION):
        n = FRAMES_PER_BAR + int(release * SAMPLE_RATE)
        t = np.arange(n) / SAMPLE_RATE
        env = np.clip(t / attack, 0, 1) ** 2
        env *= np.clip((n - np.arange(n)) / (release * SAMPLE_RATE), 0, 1)
        lfo = 1.0 + 0.1 * np.sin(2 * np.pi * 0.25 * (t + bar * 2.0))
        sound = np.zeros((n, 2))
        for note in CHORDS[chord]:
            for side, cents in enumerate((-9.0, 9.0)):
                f = midi_hz(note + cents / 100.0)
                phase = rng.uniform(0, 2 * np.pi, size=6)
                for k in range(1, 7):
                    sound[:, side] += np.sin(2 * np.pi * k * f * t + phase[k - 1]) / k**1.6
        place(out, sound * (env * lfo)[:, None], frame_at(bar))
    return normalise(out)


# --- lead ----------------------------------------------------------------------------------


def pluck(note: int, seconds: float) -> np.ndarray:
    """A plucked tone: harmonics that die away faster the higher they are, vibrato on sustain."""
    n = int(seconds * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    depth = 0.12 * np.clip((t - 0.15) / 0.3, 0, 1)  # semitones, growing once the note sustains
    freq = midi_hz(note) * 2.0 ** (depth * np.sin(2 * np.pi * 5.5 * t) / 12.0)
    phase = 2 * np.pi * np.cumsum(freq) / SAMPLE_RATE
    tone = sum(0.6 ** (k - 1) * np.sin(k * phase) * np.exp(-t * k**0.7 / 0.9) for k in range(1, 7))
    return tone * ramps(n, 0.004, 0.06)


def make_lead() -> np.ndarray:
    out = np.zeros(SONG_FRAMES - frame_at(LEAD_BAR))
    for bar, beat, length, note in LEAD_NOTES:
        seconds = length * 60.0 / TEMPO_BPM + 0.08
        place(out, pluck(note, seconds), frame_at(bar - LEAD_BAR, beat))
    return normalise(out)


# --- vocal ---------------------------------------------------------------------------------


def speak(text: str) -> np.ndarray:
    """The line spoken by espeak-ng, at the project rate, silence trimmed from both ends."""
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "line.wav"
        subprocess.run(
            ["espeak-ng", "-v", "en", "-s", "150", "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        voice, rate = sf.read(str(wav), dtype="float64")
    if voice.ndim > 1:
        voice = voice.mean(axis=1)
    voice = soxr.resample(voice, rate, SAMPLE_RATE)
    loud = np.flatnonzero(np.abs(voice) > 0.02 * np.max(np.abs(voice)))
    lead_in = int(0.01 * SAMPLE_RATE)
    return voice[max(loud[0] - lead_in, 0) : loud[-1] + lead_in]


# Formants (F1, F2, F3 in Hz) of the vowels the sung fallback uses.
FORMANTS = {
    "a": (730, 1090, 2440), "e": (530, 1840, 2480), "i": (270, 2290, 3010),
    "o": (570, 840, 2410), "u": (300, 870, 2240), "ae": (660, 1720, 2410),
    "uh": (640, 1190, 2390), "er": (490, 1350, 1690),
}
# The syllables of the spoken lines as (vowel, MIDI note, length in beats).
SUNG_LINES = (
    (("e", 67, 0.5), ("uh", 67, 0.5), ("u", 69, 0.5), ("i", 71, 0.5), ("i", 72, 0.5),
     ("o", 74, 1.5)),
    (("i", 74, 0.5), ("o", 72, 0.5), ("e", 71, 0.5), ("i", 69, 0.5), ("i", 67, 0.5),
     ("ae", 69, 0.5), ("a", 67, 0.5), ("er", 64, 1.5)),
)


def sing(syllables: Sequence[tuple[str, int, float]]) -> np.ndarray:
    """A sawtooth melody shaped by vowel formants (additive: each harmonic weighted by the
    resonances at its frequency), the stand-in for a voice when espeak-ng is missing."""
    parts = []
    for vowel, note, beats in syllables:
        n = round(beats * FRAMES_PER_BEAT)
        t = np.arange(n) / SAMPLE_RATE
        f0 = midi_hz(note)
        vibrato = 2.0 ** (0.2 * np.sin(2 * np.pi * 5.0 * t) * np.clip(t / 0.3, 0, 1) / 12.0)
        phase = 2 * np.pi * np.cumsum(f0 * vibrato) / SAMPLE_RATE
        voice = np.zeros(n)
        for k in range(1, int(5000 // f0) + 1):
            weight = sum(1.0 / np.hypot(1.0, (k * f0 - fk) / 60.0) for fk in FORMANTS[vowel])
            voice += weight / k * np.sin(k * phase)
        parts.append(voice * ramps(n, 0.03, 0.06))
    return np.concatenate(parts)


def fit_slot(line: np.ndarray) -> np.ndarray:
    """The line at the start of a two-bar slot; a line too long is cut with a short fade."""
    slot = np.zeros(VOCAL_SLOT_FRAMES)
    n = min(len(line), VOCAL_SLOT_FRAMES)
    slot[:n] = line[:n]
    if len(line) > VOCAL_SLOT_FRAMES:
        fade = int(0.05 * SAMPLE_RATE)
        slot[-fade:] *= np.linspace(1.0, 0.0, fade)
    return slot


def make_vocal(speech: bool) -> tuple[np.ndarray, str]:
    """The vocal file (both lines, one slot each) and how it was made."""
    if speech and shutil.which("espeak-ng"):
        lines, how = [speak(text) for text in SPOKEN_LINES], "spoken by espeak-ng"
    else:
        lines, how = [sing(syllables) for syllables in SUNG_LINES], "sung by a formant synth"
    return normalise(np.concatenate([fit_slot(line) for line in lines])), how


# --- files ---------------------------------------------------------------------------------


def _ogg_crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
        table.append(crc & 0xFFFFFFFF)
    return table


_OGG_CRC = _ogg_crc_table()


def fix_ogg_serial(path: Path, serial: int = OGG_SERIAL) -> None:
    """Give every Ogg page the same stream serial and recompute its checksum."""
    data = bytearray(path.read_bytes())
    pos = 0
    while pos < len(data):
        if data[pos : pos + 4] != b"OggS":
            raise ValueError(f"{path}: not an Ogg page at byte {pos}")
        segments = data[pos + 26]
        size = 27 + segments + sum(data[pos + 27 : pos + 27 + segments])
        data[pos + 14 : pos + 18] = serial.to_bytes(4, "little")
        data[pos + 22 : pos + 26] = bytes(4)
        crc = 0
        for byte in data[pos : pos + size]:
            crc = ((crc << 8) & 0xFFFFFFFF) ^ _OGG_CRC[(crc >> 24) ^ byte]
        data[pos + 22 : pos + 26] = crc.to_bytes(4, "little")
        pos += size
    path.write_bytes(bytes(data))


def write_stem(folder: Path, name: str, audio: np.ndarray) -> MediaRef:
    """Write one part as OGG/Vorbis and describe it as the reader will see it."""
    path = folder / "audio" / f"{name}.ogg"
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(
        str(path), audio.astype(np.float32), SAMPLE_RATE,
        format="OGG", subtype="VORBIS", compression_level=VORBIS_COMPRESSION,
    )
    fix_ogg_serial(path)
    info = sf.info(str(path))
    return MediaRef(
        id=f"media-{name}",
        path=f"audio/{name}.ogg",
        channels=info.channels,
        length_frames=info.frames,
        source_name=f"{name}.ogg",
    )


# --- the project ---------------------------------------------------------------------------

PROJECT_NOTES = (
    "MiniDAW's demo song: 16 bars at 120 BPM in 4/4, every part synthesised by "
    "resources/demo/make_demo.py.\n"
    "Things to try: solo the vocal, move the second drum clip, shorten the pad's fade-in, "
    "pan the lead, or render one section with `daw render --marker Chorus`."
)


def section_notes(name: str, chords: tuple[str, ...], numerals: str) -> str:
    text = f"Chords: {' | '.join(chords)} ({numerals})"
    if name == "Intro":
        text += "\nThe pad fades in over hi-hats and a soft kick; the beat and the bass "
        text += "start at bar 3."
    elif name == "Verse":
        text += "\nWords: " + " ".join(SPOKEN_LINES)
        text += "\nBoth lines come from one vocal file, placed twice with different offsets."
    elif name == "Chorus":
        text += "\nThe lead melody enters on a crash; the hats move to sixteenths."
    else:
        text += "\nEverything fades out over the last two bars."
    return text


def build_project(media: dict[str, MediaRef]) -> Project:
    """Arrange the parts: tracks, clips, fades, markers and the mix, with fixed ids."""
    p = Project(name="Demo")
    p = ops.set_tempo(p, TEMPO_BPM)
    p = ops.set_time_signature(p, BEATS_PER_BAR, 4)
    p = ops.set_project_notes(p, PROJECT_NOTES)
    for name in ("drums", "bass", "chords", "lead", "vocal"):
        p = ops.add_media(p, media[name])

    mix = {  # name, gain dB, pan
        "drums": ("Drums", -3.0, 0.0),
        "bass": ("Bass", -6.0, 0.0),
        "chords": ("Chords", -10.0, -0.3),
        "lead": ("Lead", -5.0, 0.3),
        "vocal": ("Vocal", 0.0, 0.0),
    }
    for key, (name, gain_db, pan) in mix.items():
        p = ops.add_track(p, name, track_id=f"track-{key}")
        p = ops.set_track_gain(p, f"track-{key}", gain_db)
        p = ops.set_track_pan(p, f"track-{key}", pan)

    half = 8 * FRAMES_PER_BAR
    last_two_bars = Fade(2 * FRAMES_PER_BAR, "exponential")
    p = ops.add_clip(p, "track-drums", "media-drums", 0, length_frames=half,
                     clip_id="clip-drums-1", name="Drums: intro and verse")
    p = ops.add_clip(p, "track-drums", "media-drums", half, length_frames=half,
                     source_offset_frames=half, clip_id="clip-drums-2",
                     name="Drums: chorus and outro")
    p = ops.set_fades(p, "clip-drums-2", fade_out=last_two_bars)

    p = ops.add_clip(p, "track-bass", "media-bass", frame_at(BASS_BAR), clip_id="clip-bass",
                     name="Bass")
    p = ops.set_fades(p, "clip-bass", fade_out=last_two_bars)

    p = ops.add_clip(p, "track-chords", "media-chords", 0, clip_id="clip-chords", name="Pad")
    p = ops.set_fades(p, "clip-chords", Fade(2 * FRAMES_PER_BAR, "linear"), last_two_bars)

    p = ops.add_clip(p, "track-lead", "media-lead", frame_at(LEAD_BAR), clip_id="clip-lead",
                     name="Lead melody")
    p = ops.set_fades(p, "clip-lead", fade_out=last_two_bars)

    edge = Fade(int(0.01 * SAMPLE_RATE), "equal_power")
    for index, text in enumerate(SPOKEN_LINES):
        clip_id = f"clip-vocal-{index + 1}"
        p = ops.add_clip(p, "track-vocal", "media-vocal", frame_at(VOCAL_BAR + 2 * index),
                         length_frames=VOCAL_SLOT_FRAMES,
                         source_offset_frames=index * VOCAL_SLOT_FRAMES,
                         clip_id=clip_id, name=f"Vocal: {text}")
        p = ops.set_fades(p, clip_id, edge, edge)

    for name, bar, chords, numerals in SECTIONS:
        p = ops.add_marker(p, name, frame_at(bar), notes=section_notes(name, chords, numerals),
                           marker_id=f"marker-{name.lower()}")
    return mix_project(p)


def mix_project(p: Project) -> Project:
    """The mix a person would start from: a chain on each part, a shared reverb bus fed by
    sends, a delay on the lead, a limiter on the master, and a reverb swell into the chorus,
    so the demo shows the mixer at work (ids are fixed, as everywhere in the demo)."""
    p = add_bus(p, "Reverb", bus_id="bus-reverb", colour="#8d96a0")
    p = add_effect(p, "bus-reverb", "eq", {"hp_on": 1.0, "hp_freq_hz": 250.0, "lp_on": 1.0,
                                           "lp_freq_hz": 7000.0}, effect_id="fx-reverb-eq")
    p = add_effect(p, "bus-reverb", "reverb", {"room_size_percent": 72.0,
                                               "damping_percent": 55.0, "wet_percent": 100.0,
                                               "dry_percent": 0.0}, effect_id="fx-reverb")
    p = add_effect(p, "track-vocal", "eq", {"hp_on": 1.0, "hp_freq_hz": 100.0,
                                            "p2_freq_hz": 3000.0, "p2_gain_db": 3.0},
                   effect_id="fx-vocal-eq")
    p = add_effect(p, "track-vocal", "deesser", {"freq_hz": 6500.0, "threshold_db": -30.0},
                   effect_id="fx-vocal-deess")
    p = add_effect(p, "track-vocal", "compressor", {"threshold_db": -20.0, "ratio": 3.0,
                                                    "attack_ms": 10.0, "release_ms": 120.0,
                                                    "makeup_db": 3.0},
                   effect_id="fx-vocal-comp")
    p = add_effect(p, "track-drums", "compressor", {"threshold_db": -16.0, "ratio": 4.0,
                                                    "attack_ms": 30.0, "release_ms": 150.0,
                                                    "makeup_db": 2.0},
                   effect_id="fx-drums-comp")
    p = add_effect(p, "track-bass", "eq", {"hp_on": 1.0, "hp_freq_hz": 35.0,
                                           "low_freq_hz": 100.0, "low_gain_db": 2.0},
                   effect_id="fx-bass-eq")
    p = add_effect(p, "track-bass", "compressor", {"threshold_db": -18.0, "ratio": 4.0},
                   effect_id="fx-bass-comp")
    p = add_effect(p, "track-chords", "chorus", {"rate_hz": 0.6, "depth_percent": 30.0,
                                                 "mix_percent": 35.0},
                   effect_id="fx-chords-chorus")
    p = add_effect(p, "track-lead", "delay", {"sync": 1.0, "note_beats": 0.75,
                                              "feedback_percent": 30.0, "mix_percent": 20.0},
                   effect_id="fx-lead-delay")
    p = add_effect(p, MASTER, "limiter", {"ceiling_db": -1.0}, effect_id="fx-master-limiter")
    for track, level_db in (("track-vocal", -10.0), ("track-lead", -14.0),
                            ("track-chords", -12.0), ("track-drums", -22.0)):
        p = set_send(p, track, "bus-reverb", level_db=level_db)
    swell = send_target("bus-reverb")
    p = add_point(p, "track-vocal", swell, frame_at(VOCAL_BAR + 2), -10.0)  # the second line
    p = add_point(p, "track-vocal", swell, frame_at(VOCAL_BAR + 3, 2.0), -4.0)
    return p


def make_demo(
    outdir: Path, *, speech: bool = True, report: Callable[[str], None] = print
) -> Project:
    """Synthesise every part into `outdir`/audio and save the project there."""
    outdir = Path(outdir)
    vocal, how = make_vocal(speech)
    report(f"vocal {how}")
    stems = {
        "drums": make_drums(np.random.default_rng([SEED, 1])),
        "bass": make_bass(),
        "chords": make_pad(np.random.default_rng([SEED, 2])),
        "lead": make_lead(),
        "vocal": vocal,
    }
    media = {name: write_stem(outdir, name, audio) for name, audio in stems.items()}
    project = build_project(media)
    save_project(outdir, project)
    for stale in (outdir / "backups").glob("*"):
        stale.unlink()
    return project


# --- the level check -----------------------------------------------------------------------


def render_tracks(folder: Path, project: Project) -> dict[str, np.ndarray]:
    """Each track as it reaches the master bus (stereo), for checking levels only.

    Clip gain, fades (the same curves as the renderer), track gain and the pan laws of
    `daw.dsp.pan`; clips on one track do not overlap in the demo, so there is no crossfade.
    """
    out: dict[str, np.ndarray] = {}
    for track in project.tracks:
        if track.is_bus:
            continue
        bus = np.zeros((project.end_frame, 2))
        for clip in track.clips:
            ref = project.media_ref(clip.media_id)
            audio, _ = sf.read(str(folder / ref.path), start=clip.source_offset_frames,
                               frames=clip.length_frames, dtype="float64", always_2d=True)
            audio = audio * db_to_gain(clip.gain_db)
            if clip.fade_in.length_frames:
                n = clip.fade_in.length_frames
                audio[:n] *= fade_in_curve(clip.fade_in.shape, n)[:, None]
            if clip.fade_out.length_frames:
                n = clip.fade_out.length_frames
                audio[-n:] *= fade_out_curve(clip.fade_out.shape, n)[:, None]
            if ref.channels == 1:
                left, right = mono_pan_gains(track.pan)
                audio = audio * np.array([left, right])
            else:
                audio = audio * np.array(stereo_balance_gains(track.pan))
            place(bus, audio * db_to_gain(track.gain_db), clip.start_frame)
        out[track.name] = bus
    return out


def render_mix(folder: Path, project: Project) -> np.ndarray:
    """The whole song as the bounce renders it: effects, buses, automation and the master."""
    with MediaPool(folder, project.media) as pool:
        out = np.zeros((project.end_frame, 2), dtype=np.float32)
        Renderer(compile_plan(project), pool).render(0, out)
    return out.astype(np.float64)


def level_db(x: np.ndarray) -> tuple[float, float]:
    """(peak, RMS) in dBFS."""
    return gain_to_db(float(np.max(np.abs(x)))), gain_to_db(float(np.sqrt(np.mean(x**2))))


def check_levels(folder: Path, project: Project, report: Callable[[str], None] = print) -> float:
    """Print each track's dry level and the mixed song's; refuse a mix that comes near
    clipping."""
    tracks = render_tracks(folder, project)
    for name, audio in tracks.items():
        peak, rms = level_db(audio)
        report(f"{name:8s} peak {peak:6.1f} dBFS  RMS {rms:6.1f} dBFS")
    mix = render_mix(folder, project)
    peak, rms = level_db(mix)
    report(f"{'mix':8s} peak {peak:6.1f} dBFS  RMS {rms:6.1f} dBFS  "
           f"({project.end_frame / project.sample_rate:.1f} s)")
    if peak >= MIX_PEAK_LIMIT_DB:
        raise SystemExit(f"{folder}: the mix peaks at {peak:.1f} dBFS; lower the track gains")
    return peak


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build MiniDAW's demo song.")
    parser.add_argument("outdir", nargs="?", type=Path, default=DEFAULT_OUTDIR)
    parser.add_argument("--no-speech", action="store_true",
                        help="sing the vocal with the formant synth even if espeak-ng is there")
    args = parser.parse_args(argv)
    make_demo(args.outdir, speech=not args.no_speech)
    project = load_project(args.outdir)
    check_levels(args.outdir, project)
    print(f"wrote {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
