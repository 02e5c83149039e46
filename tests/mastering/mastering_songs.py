"""Small songs to master, generated here: a quiet mix (peaks at −20 dBFS), a loud dense one
(peaks just under 0 dBFS), and a very dynamic one (a quiet verse, then a loud chorus). Each
has drums, bass and a stereo pad on three tracks, band-limited below 16 kHz like real music,
with a short fade at either end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from daw.model import Fade, ops
from tests.engine.songs import RATE, Song


def _lowpass(signal: np.ndarray, cutoff_hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(signal, axis=0)
    spectrum[np.fft.rfftfreq(signal.shape[0], 1 / RATE) > cutoff_hz] = 0
    return np.fft.irfft(spectrum, signal.shape[0], axis=0)


def parts(seconds: float, seed: int = 1) -> dict[str, np.ndarray]:
    """Drums (stereo), bass (mono) and pad (stereo) at roughly mixed levels, float64."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * RATE)
    t = np.arange(frames) / RATE
    beat = RATE // 2  # 120 BPM
    since = np.arange(frames) % beat
    kick = np.sin(2 * np.pi * (50 + 80 * np.exp(-since / 800)) * since / RATE)
    kick *= np.exp(-since / 6000)
    hats = _lowpass(rng.standard_normal(frames), 14000) * np.exp(-(np.arange(frames) %
                                                                   (beat // 2)) / 900)
    drums = np.stack([0.8 * kick + 0.25 * hats, 0.8 * kick + 0.22 * np.roll(hats, 7)], axis=1)
    bass = 0.5 * np.sin(2 * np.pi * 55 * t) + 0.15 * np.sin(2 * np.pi * 110 * t + 0.5)
    chord = sum(np.sin(2 * np.pi * f * t + k) for k, f in enumerate((220.0, 277.2, 329.6)))
    air = _lowpass(rng.standard_normal((frames, 2)), 9000) * 0.05
    pad = np.stack([0.12 * chord, 0.12 * np.roll(chord, 240)], axis=1) + air
    return {"drums": drums, "bass": bass[:, None], "pad": pad}


def _fades(song: Song, clip_id: str) -> None:
    song.project = ops.set_fades(song.project, clip_id, Fade(480), Fade(2400))


def _build(song: Song, audio: dict[str, np.ndarray], pans: dict[str, float]) -> Song:
    for name, data in audio.items():
        song.media(name, data.astype(np.float32))
        song.track(name.capitalize(), pan=pans.get(name, 0.0))
        song.clip(name.capitalize(), name, 0, f"clip-{name}")
        _fades(song, f"clip-{name}")
    return song


def _scaled(audio: dict[str, np.ndarray], peak: float) -> dict[str, np.ndarray]:
    total = sum(np.repeat(a, 2, axis=1) if a.shape[1] == 1 else a for a in audio.values())
    factor = peak / np.abs(total).max()
    return {name: a * factor for name, a in audio.items()}


def quiet_mix(song: Song) -> Song:
    """Peaks at −20 dBFS."""
    return _build(song, _scaled(parts(4.0), 10 ** (-20 / 20)), {})


def loud_mix(song: Song) -> Song:
    """Dense and already near full scale: each part driven into soft saturation, the sum
    peaking at −0.3 dBFS."""
    driven = {name: np.tanh(3 * a) for name, a in _scaled(parts(4.0, seed=2), 1.0).items()}
    return _build(song, _scaled(driven, 10 ** (-0.3 / 20)), {"pad": 0.0})


def dynamic_mix(song: Song) -> Song:
    """A verse 24 dB under the chorus that follows it; the chorus peaks at −3 dBFS."""
    verse = parts(3.0, seed=3)
    chorus = parts(3.0, seed=4)
    joined = {name: np.concatenate([verse[name] * 10 ** (-24 / 20), chorus[name]])
              for name in verse}
    return _build(song, _scaled(joined, 10 ** (-3 / 20)), {})


MIXES: dict[str, Callable[[Song], Song]] = {
    "quiet": quiet_mix, "loud": loud_mix, "dynamic": dynamic_mix,
}


def make(kind: str, folder: Path) -> Song:
    return MIXES[kind](Song(folder))
