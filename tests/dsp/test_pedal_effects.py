"""Reverb, delay, chorus, phaser and saturation, and the pedalboard adapter, against formulas."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pedalboard
import pytest

from daw.dsp.pedal_effects import (
    EFFECTS,
    PARAMETERS,
    SATURATION_REFERENCE,
    PedalProcessor,
    delay_frames,
)
from daw.dsp.processors import Processor

RATE = 48000
BLOCKS = (1, 64, 65, 8192, 8193)

# Settings that make each effect do something audible inside a short test signal.
BUSY = {
    "reverb": {"room_size_percent": 80.0, "wet_percent": 60.0, "width_percent": 70.0},
    "delay": {"delay_ms": 3.3, "feedback_percent": 60.0, "mix_percent": 50.0},
    "chorus": {"rate_hz": 3.0, "depth_percent": 60.0, "feedback_percent": 40.0},
    "phaser": {"rate_hz": 2.0, "feedback_percent": 50.0, "mix_percent": 70.0},
    "saturation": {"drive_db": 18.0, "mix_percent": 70.0},
}


def noise(frames: int, channels: int = 2, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((frames, channels)) * 0.3).astype(np.float32)


def sine(freq_hz: float, frames: int, amplitude: float = 0.5, channels: int = 2) -> np.ndarray:
    wave = amplitude * np.sin(2 * np.pi * freq_hz * np.arange(frames) / RATE)
    return np.repeat(wave.astype(np.float32)[:, None], channels, axis=1)


def run(processor: Processor, signal: np.ndarray, blocks: tuple[int, ...]) -> np.ndarray:
    """`signal` through `processor` in blocks of the given sizes, cycled."""
    out = signal.copy()
    at, i = 0, 0
    while at < len(out):
        size = blocks[i % len(blocks)]
        processor.process(out[at : at + size])
        at, i = at + size, i + 1
    return out


def build(kind: str, channels: int = 2, **params: float) -> Processor:
    return EFFECTS[kind](params, channels, RATE)


# --- every kind ------------------------------------------------------------------------------


def test_every_kind_has_a_parameter_table() -> None:
    assert set(EFFECTS) == set(PARAMETERS) == {"reverb", "delay", "chorus", "phaser", "saturation"}
    for specs in PARAMETERS.values():
        for name, label, unit, low, high, default in specs:
            assert isinstance(name, str) and isinstance(label, str) and isinstance(unit, str)
            assert low <= default <= high


@pytest.mark.parametrize("kind", sorted(EFFECTS))
@pytest.mark.parametrize("channels", [1, 2])
def test_blocks_of_any_size_give_the_whole_block_result(kind: str, channels: int) -> None:
    signal = noise(20000, channels)
    processor = build(kind, channels, **BUSY[kind])
    whole = run(processor, signal, (len(signal),))
    assert not np.array_equal(whole, signal)
    for block in BLOCKS:
        processor.reset()
        np.testing.assert_array_equal(run(processor, signal, (block,)), whole, err_msg=str(block))
    # Growing blocks made pedalboard prepare its plugins again (and lose their state).
    processor.reset()
    np.testing.assert_array_equal(run(processor, signal, (50, 100, 3, 7000)), whole)


@pytest.mark.parametrize("kind", sorted(EFFECTS))
def test_defaults_build_and_process(kind: str) -> None:
    processor = EFFECTS[kind]({}, 2, RATE)
    out = run(processor, noise(4000), (512,))
    assert out.dtype == np.float32 and np.all(np.isfinite(out))
    assert processor.latency_frames == 0


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("reverb", {"wet_percent": 0.0, "dry_percent": 100.0}),
        ("delay", {"mix_percent": 0.0, "feedback_percent": 80.0}),
        ("chorus", {"mix_percent": 0.0}),
        ("phaser", {"mix_percent": 0.0}),
        ("saturation", {"mix_percent": 0.0, "drive_db": 30.0}),
    ],
)
def test_all_dry_is_identity(kind: str, params: dict[str, float]) -> None:
    signal = noise(30000)
    np.testing.assert_array_equal(run(build(kind, **params), signal, (1000,)), signal)


def test_unknown_or_non_finite_parameters_are_refused_and_ranges_clamped() -> None:
    with pytest.raises(ValueError, match="delay: unknown parameter 'mix'"):
        build("delay", mix=50.0)
    with pytest.raises(ValueError, match="reverb: parameter 'wet_percent' must be a finite"):
        build("reverb", wet_percent=math.nan)
    assert delay_frames({"delay_ms": 0.0}, RATE) == 48  # the 1 ms minimum
    assert delay_frames({"delay_ms": 1e9}, RATE) == 5 * RATE
    build("chorus", tempo_bpm=97.0)  # the engine hands the tempo to every kind


def test_wrong_channel_count_is_refused() -> None:
    processor = build("reverb", 2)
    with pytest.raises(ValueError, match="expected a block of 2 channels"):
        processor.process(np.zeros((64, 1), np.float32))


# --- the pedalboard adapter ------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: pedalboard.Reverb(room_size=0.7),
        lambda: pedalboard.Chorus(rate_hz=2.0, feedback=0.3),
        lambda: pedalboard.Phaser(),
        lambda: pedalboard.Distortion(drive_db=12.0),
        lambda: pedalboard.Pedalboard([pedalboard.Chorus(), pedalboard.Reverb()]),
    ],
)
def test_adapter_equals_one_fresh_pedalboard_call(make) -> None:
    signal = noise(30000)
    expected = make().process(np.ascontiguousarray(signal.T), RATE).T
    processor = PedalProcessor(make(), 2, RATE)
    assert processor.latency_frames == 0 and processor.chunk_frames is None
    for blocks in ((len(signal),), (1,), (65,), (8193,), (100, 1, 2)):
        processor.reset()
        np.testing.assert_array_equal(run(processor, signal, blocks), expected)


def test_adapter_in_fixed_chunks_delays_by_the_chunk_less_one() -> None:
    signal = noise(20000)
    direct = run(PedalProcessor(pedalboard.Reverb(), 2, RATE), signal, (20000,))
    chunked = PedalProcessor(pedalboard.Reverb(), 2, RATE, chunk_frames=256)
    assert chunked.latency_frames == 255
    for block in BLOCKS:
        chunked.reset()
        out = run(chunked, signal, (block,))
        np.testing.assert_array_equal(out[:255], 0.0)
        np.testing.assert_array_equal(out[255:], direct[:-255])


def test_a_plugin_that_holds_audio_back_reports_its_latency() -> None:
    """pedalboard's Resample returns fewer frames than it is given; the adapter runs it in
    fixed chunks behind a FIFO, and its output is the input delayed by latency_frames."""
    signal = sine(440.0, 60000, 0.5) * np.array([1.0, 0.6], np.float32)
    processor = PedalProcessor(pedalboard.Resample(target_sample_rate=96000), 2, RATE)
    latency = processor.latency_frames
    assert processor.chunk_frames == 8192 and latency > 8192
    whole = run(processor, signal, (len(signal),))
    np.testing.assert_array_equal(whole[:latency], 0.0)
    np.testing.assert_allclose(whole[latency + 1000 :], signal[1000:-latency], atol=1e-4)
    for block in (1, 65, 8193):
        processor.reset()
        np.testing.assert_array_equal(run(processor, signal, (block,)), whole)


# --- delay -------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [44100, 48000])
@pytest.mark.parametrize("delay_ms", [1.0, 10.7, 123.45, 250.02, 375.0, 1000.0])
def test_delay_is_exact_to_the_sample(rate: int, delay_ms: float) -> None:
    frames = round(delay_ms * rate / 1000)
    impulse = np.zeros((frames + 500, 2), np.float32)
    impulse[7] = 1.0
    processor = EFFECTS["delay"]({"delay_ms": delay_ms, "feedback_percent": 0.0,
                                  "mix_percent": 100.0}, 2, rate)
    out = run(processor, impulse, (333,))
    expected = np.zeros_like(impulse)
    expected[7 + frames] = 1.0
    np.testing.assert_array_equal(out, expected)


def test_synced_delay_follows_the_tempo() -> None:
    sixteenth = {"sync": 1.0, "note_beats": 0.25, "tempo_bpm": 120.0}
    assert delay_frames(sixteenth, RATE) == 6000
    dotted_eighth = {"sync": 1.0, "note_beats": 0.75, "tempo_bpm": 97.0}
    assert delay_frames(dotted_eighth, RATE) == round(0.75 * 60 / 97 * RATE)
    impulse = np.zeros((30000, 1), np.float32)
    impulse[0] = 1.0
    processor = build("delay", 1, mix_percent=100.0, feedback_percent=0.0, **dotted_eighth)
    assert np.flatnonzero(run(processor, impulse, (4096,)))[0] == round(0.75 * 60 / 97 * RATE)


@pytest.mark.parametrize("feedback", [30.0, 50.0, 90.0])
def test_each_repeat_is_feedback_times_the_one_before(feedback: float) -> None:
    frames = delay_frames({"delay_ms": 20.0}, RATE)
    impulse = np.zeros((frames * 8 + 10, 2), np.float32)
    impulse[0] = 1.0
    processor = build("delay", delay_ms=20.0, feedback_percent=feedback, mix_percent=40.0)
    out = run(processor, impulse, (700,))
    repeats = out[frames::frames][:8, 0]
    np.testing.assert_allclose(out[0, 0], 0.6, rtol=1e-6)  # the dry impulse
    np.testing.assert_allclose(repeats, 0.4 * (feedback / 100) ** np.arange(8), rtol=1e-5)
    echoes = np.zeros(len(out), bool)
    echoes[::frames] = True
    np.testing.assert_array_equal(out[~echoes], 0.0)


def test_a_new_delay_time_keeps_the_echoes_in_flight() -> None:
    impulse = np.zeros((3000, 1), np.float32)
    impulse[0] = 1.0
    processor = build("delay", 1, delay_ms=1000 * 1000 / RATE, mix_percent=100.0,
                      feedback_percent=0.0)
    out = impulse.copy()
    processor.process(out[:500])
    assert processor.set_params({"delay_ms": 1000 * 800 / RATE, "mix_percent": 100.0,
                                 "feedback_percent": 0.0})
    processor.process(out[500:])
    assert np.flatnonzero(out[:, 0]).tolist() == [800]


# --- reverb, chorus, phaser ------------------------------------------------------------------


def test_reverb_tail_rings_on_after_the_input_stops() -> None:
    processor = build("reverb", room_size_percent=70.0, wet_percent=50.0)
    processor.process(noise(RATE // 2))
    silence = np.zeros((RATE, 2), np.float32)
    for at in range(0, RATE, 256):  # streamed: the tail must cross block boundaries
        processor.process(silence[at : at + 256])
    rms = [float(np.sqrt(np.mean(silence[i : i + 4800] ** 2))) for i in range(0, RATE, 4800)]
    assert rms[0] > 1e-2 and rms[3] > 1e-4
    assert all(later < earlier for earlier, later in itertools.pairwise(rms))


def test_reverb_keeps_its_tail_across_a_parameter_change() -> None:
    processor = build("reverb", room_size_percent=70.0, wet_percent=50.0)
    processor.process(noise(RATE // 2))
    assert processor.set_params({"room_size_percent": 70.0, "wet_percent": 40.0})
    tail = np.zeros((4800, 2), np.float32)
    processor.process(tail)
    assert float(np.sqrt(np.mean(tail**2))) > 1e-2


def envelope_variation(signal: np.ndarray, window: int = 480) -> float:
    """Standard deviation over mean of the RMS in short windows: near 0 for a steady tone."""
    count = len(signal) // window
    chunks = signal[: count * window, 0].astype(np.float64).reshape(count, window)
    rms = np.sqrt(np.mean(chunks**2, axis=1))
    return float(rms.std() / rms.mean())


@pytest.mark.parametrize("kind", ["chorus", "phaser"])
def test_modulation_moves_but_keeps_the_energy(kind: str) -> None:
    tone = sine(440.0, 2 * RATE)
    wet = run(build(kind, mix_percent=100.0), tone, (1024,))
    assert np.abs(wet - tone).max() > 0.5
    energy = np.sum(wet.astype(np.float64) ** 2) / np.sum(tone.astype(np.float64) ** 2)
    assert 0.95 < energy < 1.05
    # Half wet, the sweeping notch makes a steady tone swell and fade.
    blend = run(build(kind, mix_percent=50.0), tone, (1024,))
    assert envelope_variation(tone[4800:]) < 0.02
    assert envelope_variation(blend[4800:]) > 0.2


# --- saturation --------------------------------------------------------------------------------


@pytest.mark.parametrize("drive_db", [0.0, 6.0, 24.0])
def test_saturation_follows_its_curve(drive_db: float) -> None:
    signal = noise(10000) * 2.0
    drive = 10 ** (drive_db / 20)
    shaped = np.tanh(drive * signal.astype(np.float64)) * (
        SATURATION_REFERENCE / np.tanh(drive * SATURATION_REFERENCE)
    )
    out = run(build("saturation", drive_db=drive_db, mix_percent=100.0), signal, (4096,))
    np.testing.assert_allclose(out, shaped, rtol=2e-6, atol=1e-7)
    half = run(build("saturation", drive_db=drive_db, mix_percent=50.0), signal, (4096,))
    np.testing.assert_allclose(half, 0.5 * signal + 0.5 * shaped, rtol=2e-6, atol=1e-7)


def test_saturation_keeps_a_minus_12_dbfs_peak_at_any_drive() -> None:
    frames = RATE // 10
    tone = sine(100.0, frames, SATURATION_REFERENCE)
    for drive_db in (0.0, 12.0, 36.0):
        out = run(build("saturation", drive_db=drive_db), tone, (frames,))
        np.testing.assert_allclose(np.abs(out).max(), np.abs(tone).max(), rtol=1e-6)
