"""Writes the damaged-input corpus beside this script: project files and audio files that a
person might hand MiniDAW after a crash, a full disk, a bad copy or a hand edit. Every file is
a few KB at most. Run it again (``python tests/data/damaged/make_corpus.py``) after changing
it, and commit what it writes; tests/cli/test_damaged_corpus.py says what each file must give.

The outputs are fixed: the noise is seeded and the encoders are given fixed settings.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
RATE = 8000
FRAMES = 800  # 0.1 s: the files stay small


def tone() -> np.ndarray:
    t = np.arange(FRAMES) / RATE
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


AUDIO_FORMATS = {  # suffix: (format, subtype)
    "wav": ("WAV", "PCM_16"),
    "flac": ("FLAC", "PCM_16"),
    "ogg": ("OGG", "VORBIS"),
    "aiff": ("AIFF", "PCM_16"),
    "mp3": ("MP3", "MPEG_LAYER_III"),
}


def _ogg_crc(page: bytes) -> int:
    """The CRC of an Ogg page (polynomial 0x04c11db7, not reflected, no final xor)."""
    crc = 0
    for byte in page:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def fixed_ogg_serial(data: bytes, serial: int = 14) -> bytes:
    """The Ogg stream with a fixed serial number (libsndfile draws one at random), each
    page's CRC made again, so the corpus comes out the same every time."""
    out = bytearray(data)
    at = 0
    while at + 27 <= len(out) and out[at:at + 4] == b"OggS":
        segments = out[at + 26]
        size = 27 + segments + sum(out[at + 27:at + 27 + segments])
        out[at + 14:at + 18] = serial.to_bytes(4, "little")
        out[at + 22:at + 26] = bytes(4)
        out[at + 22:at + 26] = _ogg_crc(bytes(out[at:at + size])).to_bytes(4, "little")
        at += size
    return bytes(out)


def write_audio(folder: Path) -> None:
    rng = np.random.default_rng(14)
    folder.mkdir(exist_ok=True)
    for suffix, (kind, subtype) in AUDIO_FORMATS.items():
        whole = folder / f"whole.{suffix}"
        sf.write(whole, tone(), RATE, format=kind, subtype=subtype)
        data = whole.read_bytes()
        if suffix == "ogg":
            data = fixed_ogg_serial(data)
        (folder / f"truncated.{suffix}").write_bytes(data[: len(data) // 2])
        (folder / f"header-only.{suffix}").write_bytes(data[:64])
        (folder / f"garbage.{suffix}").write_bytes(rng.integers(0, 256, 2048, np.uint8)
                                                   .tobytes())
        (folder / f"empty.{suffix}").write_bytes(b"")
        (folder / f"text.{suffix}").write_text("These are my lyrics, not audio.\n")
        whole.unlink()
    sf.write(folder / "flac-named.wav", tone(), RATE, format="FLAC", subtype="PCM_16")
    sf.write(folder / "tone.wav", tone(), RATE, subtype="PCM_16")


def song() -> dict:
    """A valid one-track song at 8000 Hz playing ``audio/tone.wav`` (the test puts it there)."""
    return {
        "schema_version": 3, "name": "Song", "sample_rate": RATE, "tempo_bpm": 120.0,
        "time_signature": [4, 4], "notes": "",
        "master": {"gain_db": 0.0, "effects": [], "automation": []},
        "media": [{"id": "m1", "path": "audio/tone.wav", "channels": 1,
                   "length_frames": FRAMES, "source_name": "tone.wav"}],
        "markers": [],
        "tracks": [{
            "id": "t1", "name": "Vocal", "kind": "audio", "gain_db": 0.0, "pan": 0.0,
            "effects": [{"id": "fx1", "kind": "eq", "params": {"p1_gain_db": 3.0}}],
            "clips": [{"id": "c1", "media_id": "m1", "start_frame": 0,
                       "length_frames": FRAMES}],
        }],
    }


def changed(change) -> str:
    data = song()
    change(data)
    return json.dumps(data, indent=1)


PROJECTS = {
    "valid": changed(lambda d: None),
    "clip-at-1e13": changed(lambda d: d["tracks"][0]["clips"][0].update(start_frame=10**13)),
    "negative-frame": changed(lambda d: d["tracks"][0]["clips"][0].update(start_frame=-48000)),
    "gain-1e308": changed(lambda d: d["tracks"][0].update(gain_db=1e308)),
    "effect-gain-1e308": changed(
        lambda d: d["tracks"][0]["effects"][0]["params"].update(p1_gain_db=1e308)),
    "effect-gain-nan": changed(
        lambda d: d["tracks"][0]["effects"][0]["params"].update(p1_gain_db=float("nan"))),
    "pan-infinity": changed(lambda d: d["tracks"][0].update(pan=float("inf"))),
    "tempo-nan": changed(lambda d: d.update(tempo_bpm=float("nan"))),
    "sample-rate-5": changed(lambda d: d.update(sample_rate=5)),
    "automation-1e308": changed(lambda d: d["tracks"][0].update(
        automation=[{"target": "volume", "points": [[0, 1e308]]}])),
    "unknown-effect": changed(
        lambda d: d["tracks"][0]["effects"][0].update(kind="fuzzbox-9000")),
    "unknown-target": changed(lambda d: d["master"].update(target="Moon Radio")),
    "huge-whole-number": changed(lambda d: None).replace('"length_frames": 800\n',
                                                         '"length_frames": 8' + "0" * 400
                                                         + "\n", 1),
    "schema-from-the-future": changed(lambda d: d.update(schema_version=99)),
    "tracks-not-a-list": changed(lambda d: d.update(tracks={"Vocal": 1})),
    "a-list-at-the-top": "[1, 2, 3]\n",
    "nested-too-deeply": '{"schema_version": 3, "tracks": ' + "[" * 3000 + "]" * 3000 + "}",
    "truncated": changed(lambda d: None)[:300],
    "empty": "",
}


def write_projects(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in PROJECTS.items():
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    rng = np.random.default_rng(15)
    (folder / "garbage.json").write_bytes(rng.integers(0, 256, 1024, np.uint8).tobytes())


if __name__ == "__main__":
    for sub in ("audio", "projects"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
    write_audio(HERE / "audio")
    write_projects(HERE / "projects")
    sizes = sorted((p.stat().st_size, p.name) for p in HERE.rglob("*") if p.is_file()
                   and p.suffix != ".py")
    print(f"{len(sizes)} files, the largest {sizes[-1][1]} of {sizes[-1][0]} bytes")
