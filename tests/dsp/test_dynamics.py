"""Compressor, gate, limiter and de-esser against their formulas: static curves, time
constants, the limiter's ceiling, neutral settings and block-size invariance."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.dynamics import EFFECTS, PARAMETERS
from daw.dsp.processors import Processor

RATE = 48000


def make(kind: str, params: dict[str, float], channels: int = 2) -> Processor:
    return EFFECTS[kind](params, channels, RATE)


def render(processor: Processor, signal: np.ndarray, block: int = 4096) -> np.ndarray:
    out = signal.copy()
    for start in range(0, len(out), block):
        processor.process(out[start : start + block])
    return out


def db(x: float) -> float:
    return 20.0 * math.log10(x)


def sine(level_db: float, seconds: float, freq_hz: float = 1000.0, channels: int = 2) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    wave = 10 ** (level_db / 20) * np.sin(2 * np.pi * freq_hz * t)
    return np.repeat(wave.astype(np.float32)[:, None], channels, axis=1)


def square(levels_db: list[float], frames_each: int) -> np.ndarray:
    """A ±amplitude square wave at the Nyquist rate: every sample has the full amplitude, so
    out/in at any frame is the gain applied there."""
    amplitude = np.repeat([10 ** (level / 20) for level in levels_db], frames_each)
    signs = np.where(np.arange(len(amplitude)) % 2 == 0, 1.0, -1.0)
    return np.repeat((amplitude * signs).astype(np.float32)[:, None], 2, axis=1)


def applied_gain_db(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.abs(after[:, 0].astype(np.float64)) / np.abs(before[:, 0]))


def expected_compressor_output_db(
    level: float, threshold: float, ratio: float, knee: float, makeup: float
) -> float:
    """The textbook static curve (Giannoulis et al. 2012, eq. 4) plus makeup gain."""
    over = level - threshold
    if 2 * over < -knee:
        out = level
    elif knee > 0 and 2 * abs(over) <= knee:
        out = level + (1 / ratio - 1) * (over + knee / 2) ** 2 / (2 * knee)
    else:
        out = threshold + over / ratio
    return out + makeup


def bursts(frames: int = 20000, seed: int = 4) -> np.ndarray:
    """Noise whose level jumps between quiet and loud (up to +12 dBFS), to drive every
    detector through attack, hold and release within a short signal."""
    rng = np.random.default_rng(seed)
    levels = np.repeat(rng.choice([0.003, 0.05, 0.4, 1.0, 4.0], size=frames // 1000 + 1), 1000)
    return (rng.standard_normal((frames, 2)) * 0.3 * levels[:frames, None]).astype(np.float32)


# --- Compressor -----------------------------------------------------------------------------


@pytest.mark.parametrize("knee", [0.0, 12.0])
@pytest.mark.parametrize("ratio", [2.0, 4.0, 20.0])
def test_compressor_static_curve(knee: float, ratio: float) -> None:
    threshold, makeup = -30.0, 3.0
    params = {"threshold_db": threshold, "ratio": ratio, "knee_db": knee,
              "makeup_db": makeup, "attack_ms": 5, "release_ms": 300}  # fmt: skip
    measured, expected = [], []
    for level in range(-60, 1, 3):
        out = render(make("compressor", params), sine(level, 0.6))
        measured.append(db(np.abs(out[RATE // 3 :]).max()))
        expected.append(expected_compressor_output_db(level, threshold, ratio, knee, makeup))
    np.testing.assert_allclose(measured, expected, atol=0.1)


@pytest.mark.parametrize(("attack_ms", "release_ms"), [(10.0, 100.0), (2.0, 300.0), (30.0, 600.0)])
def test_compressor_attack_and_release_time_constants(attack_ms: float, release_ms: float) -> None:
    frames = 2 * RATE
    signal = square([-40.0, -10.0, -40.0], frames)
    params = {"threshold_db": -30, "ratio": 4, "knee_db": 0,
              "attack_ms": attack_ms, "release_ms": release_ms}  # fmt: skip
    reduction = -applied_gain_db(signal, render(make("compressor", params), signal))
    np.testing.assert_allclose(reduction[:frames], 0.0, atol=1e-9)  # below threshold
    full = 15.0  # (−10 − −30)·(1 − 1/4)
    rising = reduction[frames : 2 * frames]
    np.testing.assert_allclose(rising[-1], full, atol=0.01)
    attack_time = np.argmax(rising >= (1 - 1 / math.e) * full) / RATE * 1000
    assert attack_ms * 0.7 <= attack_time <= attack_ms * 1.3
    falling = reduction[2 * frames :]
    release_time = np.argmax(falling <= full / math.e) / RATE * 1000
    assert release_ms * 0.7 <= release_time <= release_ms * 1.3


def test_compressor_detects_stereo_linked() -> None:
    loud_left = sine(-6.0, 0.5)
    loud_left[:, 1] *= 0.01  # right is 40 dB quieter, far below the threshold
    out = render(make("compressor", {"threshold_db": -20, "ratio": 4}), loud_left)
    steady = slice(RATE // 4, None)
    left_gain = db(np.abs(out[steady, 0]).max() / np.abs(loud_left[steady, 0]).max())
    right_gain = db(np.abs(out[steady, 1]).max() / np.abs(loud_left[steady, 1]).max())
    assert left_gain < -5
    np.testing.assert_allclose(right_gain, left_gain, atol=0.01)


def test_compressor_reports_its_gain_reduction() -> None:
    compressor = make("compressor", {"threshold_db": -30, "ratio": 4, "knee_db": 0})
    assert compressor.gain_reduction_db == 0.0
    render(compressor, sine(-10.0, 1.0))
    np.testing.assert_allclose(compressor.gain_reduction_db, 15.0, atol=0.1)
    compressor.reset()
    assert compressor.gain_reduction_db == 0.0


def test_compressor_neutral_settings_and_quiet_signals_are_untouched() -> None:
    signal = bursts()
    np.testing.assert_array_equal(render(make("compressor", {"ratio": 1}), signal), signal)
    quiet = sine(-40.0, 0.5)
    np.testing.assert_array_equal(render(make("compressor", {"threshold_db": -30, "knee_db": 6}),
                                         quiet), quiet)  # fmt: skip


def test_compressor_makeup_alone_is_a_gain() -> None:
    signal = sine(-20.0, 0.2)
    out = render(make("compressor", {"ratio": 1, "makeup_db": 6}), signal)
    np.testing.assert_allclose(out, signal * 10 ** (6 / 20), rtol=1e-6)


# --- Gate -----------------------------------------------------------------------------------


def test_gate_attenuates_by_its_range_below_the_threshold() -> None:
    quiet = sine(-60.0, 0.5)
    out = render(make("gate", {"threshold_db": -40, "range_db": 30}), quiet)
    np.testing.assert_allclose(out, quiet * 10 ** (-30 / 20), rtol=1e-6)


def test_gate_passes_a_signal_above_the_threshold() -> None:
    loud = sine(-10.0, 0.5)
    out = render(make("gate", {"threshold_db": -40, "attack_ms": 1, "hold_ms": 5}), loud)
    np.testing.assert_allclose(out[RATE // 10 :], loud[RATE // 10 :], rtol=1e-6)


def test_gate_attack_hold_and_release() -> None:
    frames = RATE
    signal = square([-60.0, -10.0, -60.0], frames)
    params = {"threshold_db": -30, "range_db": 40,
              "attack_ms": 4, "hold_ms": 50, "release_ms": 200}  # fmt: skip
    reduction = -applied_gain_db(signal, render(make("gate", params), signal))
    np.testing.assert_allclose(reduction[:frames], 40.0, atol=1e-5)  # float32 output
    # Opening: the reduction falls as e^(−t/attack).
    opening = reduction[frames : 2 * frames]
    t = np.arange(200) / RATE * 1000
    np.testing.assert_allclose(opening[:200], 40.0 * np.exp(-(t + 1000 / RATE) / 4), atol=1e-5)
    # Open for the hold time after the last loud frame, then closing as 1 − e^(−t/release).
    closing = reduction[2 * frames :]
    hold = round(0.050 * RATE)
    np.testing.assert_allclose(closing[:hold], 0.0, atol=1e-5)
    t = np.arange(RATE // 2) / RATE * 1000
    np.testing.assert_allclose(closing[hold : hold + RATE // 2],
                               40.0 * (1 - np.exp(-(t + 1000 / RATE) / 200)), atol=1e-5)


def test_gate_with_no_range_is_untouched_and_reports_reduction() -> None:
    signal = bursts()
    np.testing.assert_array_equal(render(make("gate", {"range_db": 0}), signal), signal)
    gate = make("gate", {"threshold_db": -20, "range_db": 25})
    render(gate, sine(-50.0, 0.1))
    np.testing.assert_allclose(gate.gain_reduction_db, 25.0, rtol=1e-9)


# --- Limiter --------------------------------------------------------------------------------


@pytest.mark.parametrize("ceiling_db", [-0.1, -1.0, -6.0])
@pytest.mark.parametrize("lookahead_ms", [0.0, 1.5, 5.0])
@pytest.mark.parametrize("over_db", [0.0, 12.0])
def test_limiter_never_exceeds_the_ceiling(
    ceiling_db: float, lookahead_ms: float, over_db: float
) -> None:
    peak = 10 ** (over_db / 20)
    signal = np.zeros((RATE, 2), dtype=np.float32)
    signal[1000:9000] = sine(over_db, 8000 / RATE, freq_hz=97.0)
    signal[12000:12001, 0] = peak  # single-sample spikes, one per channel
    signal[12003:12004, 1] = -peak
    rng = np.random.default_rng(7)
    signal[20000:30000] = np.clip(rng.standard_normal((10000, 2)) * peak, -peak, peak)
    signal[30000:40000] = sine(over_db, 10000 / RATE, freq_hz=5000.0)
    limiter = make("limiter", {"ceiling_db": ceiling_db, "lookahead_ms": lookahead_ms,
                               "release_ms": 20})  # fmt: skip
    out = render(limiter, signal, block=1000)
    ceiling = 10 ** (ceiling_db / 20)
    assert np.abs(out).max() <= ceiling + 1e-6
    # It limits, it does not mute: the loudest sine peaks reach the ceiling.
    latency = limiter.latency_frames
    np.testing.assert_allclose(np.abs(out[30000 + latency : 40000 + latency]).max(), ceiling,
                               rtol=1e-3)


def test_limiter_is_a_pure_delay_below_the_ceiling() -> None:
    signal = sine(-3.0, 0.5, freq_hz=440.0)
    limiter = make("limiter", {"ceiling_db": -1.0, "lookahead_ms": 5.0})
    assert limiter.latency_frames == 240
    out = render(limiter, signal, block=1000)
    np.testing.assert_array_equal(out[:240], 0.0)
    np.testing.assert_array_equal(out[240:], signal[:-240])
    assert limiter.gain_reduction_db == 0.0


def test_limiter_reports_reduction_and_recovers() -> None:
    signal = np.concatenate([sine(6.0, 0.2), sine(-12.0, 1.0)])
    limiter = make("limiter", {"ceiling_db": -1.0, "lookahead_ms": 2.0, "release_ms": 20})
    out = render(limiter, signal[: RATE // 5])
    np.testing.assert_allclose(limiter.gain_reduction_db, 7.0, atol=0.01)
    latency = limiter.latency_frames
    rest = render(limiter, signal[RATE // 5 :])
    # Twenty release time constants later the quiet part is passed through untouched.
    tail = np.concatenate([out, rest])[RATE // 5 + RATE // 2 :]
    np.testing.assert_array_equal(tail, signal[RATE // 5 + RATE // 2 - latency : -latency])
    assert limiter.gain_reduction_db == 0.0


def test_limiter_reset_clears_the_delay_line() -> None:
    limiter = make("limiter", {"lookahead_ms": 5.0})
    render(limiter, sine(0.0, 0.1))
    limiter.reset()
    silence = np.zeros((1000, 2), dtype=np.float32)
    np.testing.assert_array_equal(render(limiter, silence), silence)


# --- De-esser -------------------------------------------------------------------------------


@pytest.mark.parametrize(("level_db", "reduction_db"), [(-10.0, 12.0), (-25.0, 5.0), (-35.0, 0.0)])
def test_deesser_turns_down_a_loud_band(level_db: float, reduction_db: float) -> None:
    # At its centre the band-pass passes the tone at 0 dB: the band is as loud as the tone,
    # and the gain comes down by how far it is over the threshold, at most the range.
    tone = sine(level_db, 0.5, freq_hz=6000.0)
    deesser = make("deesser", {"freq_hz": 6000, "threshold_db": -30, "range_db": 12})
    out = render(deesser, tone)
    steady = slice(RATE // 4, None)
    measured = db(np.abs(out[steady]).max()) - db(np.abs(tone[steady]).max())
    np.testing.assert_allclose(measured, -reduction_db, atol=0.2)
    np.testing.assert_allclose(deesser.gain_reduction_db, reduction_db, atol=0.2)


def test_deesser_leaves_low_frequencies_alone() -> None:
    tone = sine(-6.0, 0.5, freq_hz=200.0)
    deesser = make("deesser", {"freq_hz": 6000, "threshold_db": -30, "range_db": 12})
    np.testing.assert_array_equal(render(deesser, tone), tone)
    signal = bursts()
    np.testing.assert_array_equal(render(make("deesser", {"range_db": 0}), signal), signal)


# --- All of them ----------------------------------------------------------------------------

SETTINGS = {
    "compressor": {"threshold_db": -24, "ratio": 6, "attack_ms": 0.5, "release_ms": 30,
                   "knee_db": 6, "makeup_db": 2},
    "gate": {"threshold_db": -25, "attack_ms": 0.5, "hold_ms": 3, "release_ms": 20,
             "range_db": 50},
    "limiter": {"ceiling_db": -2, "release_ms": 10, "lookahead_ms": 1},
    "deesser": {"freq_hz": 5000, "threshold_db": -35, "range_db": 18},
}  # fmt: skip


@pytest.mark.parametrize("block", [1, 64, 65, 8192, 8193])
@pytest.mark.parametrize("kind", sorted(SETTINGS))
def test_block_size_does_not_change_the_sound(kind: str, block: int) -> None:
    signal = bursts()
    whole = render(make(kind, SETTINGS[kind]), signal, len(signal))
    assert np.abs(whole - signal).max() > 0.01  # the settings do act on this signal
    np.testing.assert_allclose(render(make(kind, SETTINGS[kind]), signal, block), whole,
                               rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", sorted(SETTINGS))
def test_reset_forgets_the_state(kind: str) -> None:
    first, second = bursts(seed=8), bursts(seed=9)
    used = make(kind, SETTINGS[kind])
    render(used, first)
    used.reset()
    np.testing.assert_array_equal(render(used, second), render(make(kind, SETTINGS[kind]), second))


def test_parameter_tables_match_the_factories() -> None:
    assert sorted(EFFECTS) == sorted(PARAMETERS) == ["compressor", "deesser", "gate", "limiter"]
    for kind, specs in PARAMETERS.items():
        for _name, label, unit, low, high, default in specs:
            assert label and isinstance(unit, str) and low <= default <= high
        defaults = {spec[0]: spec[5] for spec in specs}
        processor = make(kind, defaults)
        assert isinstance(processor, Processor)
        with pytest.raises(ValueError, match=f"{kind}: unknown parameter 'volume'"):
            make(kind, {"volume": 1.0})
    assert make("limiter", {"lookahead_ms": 2.5}).latency_frames == 120
    assert make("compressor", {}).latency_frames == 0
