"""The parametric EQ against the RBJ cookbook: the sound matches the drawn curve, the curve
matches the formulas, and blocks, flat settings and reset behave."""

from __future__ import annotations

import math

import numpy as np
import pytest

from daw.dsp.eq import (
    EFFECTS,
    PARAMETERS,
    BiquadCascade,
    eq_response,
    eq_sections,
    high_shelf,
    low_shelf,
    peaking,
    sections_response,
)
from daw.dsp.processors import Processor

RATE = 48000
PROBE_HZ = np.array([30.0, 60, 100, 150, 250, 500, 1000, 2000, 3500, 6000, 10000, 15000, 20000])

SETTINGS = {
    "high-pass": {"hp_on": 1, "hp_freq_hz": 120, "hp_q": 0.7071},
    "resonant high-pass": {"hp_on": 1, "hp_freq_hz": 250, "hp_q": 3},
    "low shelf": {"low_freq_hz": 200, "low_gain_db": 9},
    "band 1": {"p1_freq_hz": 150, "p1_gain_db": -12, "p1_q": 4},
    "band 2": {"p2_freq_hz": 1000, "p2_gain_db": 6, "p2_q": 1},
    "band 3": {"p3_freq_hz": 3500, "p3_gain_db": 15, "p3_q": 0.5},
    "high shelf": {"high_freq_hz": 6000, "high_gain_db": -8},
    "low-pass": {"lp_on": 1, "lp_freq_hz": 5000, "lp_q": 0.7071},
    "resonant low-pass": {"lp_on": 1, "lp_freq_hz": 2000, "lp_q": 5},
    "all together": {
        "hp_on": 1, "hp_freq_hz": 40, "hp_q": 1,
        "low_freq_hz": 120, "low_gain_db": 4,
        "p1_freq_hz": 300, "p1_gain_db": -5, "p1_q": 2,
        "p2_freq_hz": 1200, "p2_gain_db": 3, "p2_q": 0.8,
        "p3_freq_hz": 5000, "p3_gain_db": -7, "p3_q": 6,
        "high_freq_hz": 9000, "high_gain_db": 5,
        "lp_on": 1, "lp_freq_hz": 16000, "lp_q": 0.9,
    },
}  # fmt: skip


def make(params: dict[str, float], channels: int = 2, rate: int = RATE) -> Processor:
    return EFFECTS["eq"](params, channels, rate)


def render(processor: Processor, signal: np.ndarray, block: int) -> np.ndarray:
    out = signal.copy()
    for start in range(0, len(out), block):
        processor.process(out[start : start + block])
    return out


def sine_amplitude(signal: np.ndarray, freq_hz: float) -> float:
    """Amplitude of the freq_hz component, by least squares on sine and cosine."""
    t = np.arange(len(signal)) / RATE
    basis = np.stack([np.sin(2 * np.pi * freq_hz * t), np.cos(2 * np.pi * freq_hz * t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, signal.astype(np.float64), rcond=None)
    return float(np.hypot(*coef))


def noise(frames: int, channels: int = 2, seed: int = 1) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((frames, channels)) * 0.2).astype(
        np.float32
    )


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_processed_sines_follow_the_drawn_response(name: str) -> None:
    params = SETTINGS[name]
    t = np.arange(RATE) / RATE
    # One probe frequency per channel: the EQ filters each channel on its own.
    sines = (0.5 * np.sin(2 * np.pi * PROBE_HZ[None, :] * t[:, None])).astype(np.float32)
    out = render(make(params, channels=len(PROBE_HZ)), sines, 4096)
    steady = slice(RATE // 2, None)
    measured = [
        20 * math.log10(sine_amplitude(out[steady, i], f) / sine_amplitude(sines[steady, i], f))
        for i, f in enumerate(PROBE_HZ)
    ]
    np.testing.assert_allclose(measured, eq_response(params, RATE, PROBE_HZ), atol=0.05)


def test_a_peaking_band_has_exactly_its_gain_at_its_frequency() -> None:
    for freq, gain, q in [(100.0, 12.0, 4.0), (1000.0, -9.5, 0.7), (12000.0, 3.0, 10.0)]:
        params = {"p2_freq_hz": freq, "p2_gain_db": gain, "p2_q": q}
        np.testing.assert_allclose(eq_response(params, RATE, np.array([freq])), [gain], atol=1e-9)
        # Far from the band nothing happens: at DC and Nyquist a bell is exactly 0 dB.
        np.testing.assert_allclose(eq_response(params, RATE, np.array([0.0, RATE / 2])), 0.0,
                                   atol=1e-9)


def test_shelves_have_half_their_gain_at_their_frequency_and_all_of_it_beyond() -> None:
    # The cookbook: f0 is the shelf's midpoint; |H(f0)| = A = 10^(gain/40), i.e. gain/2 in dB.
    low = {"low_freq_hz": 300.0, "low_gain_db": 10.0}
    np.testing.assert_allclose(eq_response(low, RATE, np.array([300.0, 0.0, RATE / 2])),
                               [5.0, 10.0, 0.0], atol=1e-9)
    high = {"high_freq_hz": 5000.0, "high_gain_db": -8.0}
    np.testing.assert_allclose(eq_response(high, RATE, np.array([5000.0, 0.0, RATE / 2])),
                               [-4.0, 0.0, -8.0], atol=1e-9)


def test_shelf_slope_one_is_monotonic() -> None:
    freqs = np.geomspace(10, 23000, 400)
    for gain in (-24.0, 6.0, 24.0):
        curve = sections_response([low_shelf(400.0, gain, RATE)], RATE, freqs)
        steps = np.diff(curve) * np.sign(gain)
        assert np.all(steps <= 1e-12)
        curve = sections_response([high_shelf(4000.0, gain, RATE)], RATE, freqs)
        steps = np.diff(curve) * np.sign(gain)
        assert np.all(steps >= -1e-12)


def test_high_and_low_pass_are_twelve_db_per_octave_with_q_at_the_corner() -> None:
    for q in (0.7071, 2.0):
        hp = {"hp_on": 1, "hp_freq_hz": 2000.0, "hp_q": q}
        at = eq_response(hp, RATE, np.array([2000.0, 2000.0 / 32, 2000.0 / 64]))
        np.testing.assert_allclose(at[0], 20 * math.log10(q), atol=1e-9)
        np.testing.assert_allclose(at[1] - at[2], 12.04, atol=0.02)
        lp = {"lp_on": 1, "lp_freq_hz": 50.0, "lp_q": q}
        at = eq_response(lp, RATE, np.array([50.0, 50.0 * 16, 50.0 * 32]))
        np.testing.assert_allclose(at[0], 20 * math.log10(q), atol=1e-9)
        np.testing.assert_allclose(at[1] - at[2], 12.04, atol=0.1)  # bilinear: a bit steeper
    assert eq_response({"hp_on": 1}, RATE, np.array([0.0]))[0] == -math.inf
    assert eq_response({"lp_on": 1, "lp_freq_hz": 1000}, RATE, np.array([RATE / 2]))[0] < -200


def test_the_response_of_the_whole_eq_is_the_sum_of_its_bands_in_db() -> None:
    params = SETTINGS["all together"]
    freqs = np.geomspace(20, 20000, 50)
    bands = [
        {k: v for k, v in params.items() if k.startswith(prefix)}
        for prefix in ("hp_", "low_", "p1_", "p2_", "p3_", "high_", "lp_")
    ]
    total = sum(eq_response(band, RATE, freqs) for band in bands)
    np.testing.assert_allclose(eq_response(params, RATE, freqs), total, atol=1e-9)


def textbook(sections: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The cascade sample by sample in float64, as the textbook writes a TDF-II section."""
    out = np.array(x, dtype=np.float64)
    for b0, b1, b2, a1, a2 in sections:
        s1 = s2 = 0.0
        for n, value in enumerate(out):
            y = b0 * value + s1
            s1 = b1 * value - a1 * y + s2
            s2 = b2 * value - a2 * y
            out[n] = y
    return out


def test_the_cascade_is_a_float64_transposed_direct_form_ii() -> None:
    sections = eq_sections(SETTINGS["all together"], RATE)
    x = np.random.default_rng(5).standard_normal(3000)
    got = BiquadCascade(sections, 1).process(x[None, :])[0]
    np.testing.assert_allclose(got, textbook(sections, x), rtol=0, atol=1e-10)


def test_a_resonant_20_hz_high_pass_stays_exact_over_a_long_call() -> None:
    # The hardest case for chunked arithmetic: poles close to z = 1, whose state reads out
    # through large, cancelling terms. 40000 frames run as three segments in one call.
    sections = eq_sections({"hp_on": 1, "hp_freq_hz": 20, "hp_q": 10, "low_freq_hz": 30,
                            "low_gain_db": 12}, RATE)
    x = np.random.default_rng(6).uniform(-1.0, 1.0, 40000)
    expected = textbook(sections, x)
    got = BiquadCascade(sections, 1).process(x[None, :])[0]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-8)
    # In place on a (frames, channels) block the arithmetic is the same, bit for bit.
    block = x[:, None].copy()
    BiquadCascade(sections, 1).process_block(block)
    np.testing.assert_array_equal(block[:, 0], got)


@pytest.mark.parametrize("blocks", [(1,), (63,), (64,), (65,), (1000,), (9000,),
                                    (4096, 65, 1000, 1, 64, 333)])
def test_any_blocks_give_the_float64_cascade_rounded_to_float32(blocks: tuple[int, ...]) -> None:
    params = SETTINGS["all together"]
    signal = noise(9000)
    sections = eq_sections(params, RATE)
    expected = np.stack([textbook(sections, signal[:, c]) for c in range(2)], axis=1)
    processor = make(params)
    out = signal.copy()
    at, i = 0, 0
    while at < len(out):
        processor.process(out[at : at + blocks[i % len(blocks)]])
        at, i = at + blocks[i % len(blocks)], i + 1
    assert out.dtype == np.float32
    # Within one float32 step of the exact value: only the final rounding differs.
    np.testing.assert_allclose(out, expected, rtol=2.0**-23, atol=1e-12)


@pytest.mark.parametrize("block", [1, 64, 65, 8192, 8193])
def test_block_size_does_not_change_the_sound(block: int) -> None:
    signal = noise(20000)
    whole = render(make(SETTINGS["all together"]), signal, len(signal))
    np.testing.assert_allclose(render(make(SETTINGS["all together"]), signal, block), whole,
                               rtol=0, atol=1e-6)


def test_a_flat_eq_is_bit_identical_to_no_eq() -> None:
    signal = noise(10000)
    flat_settings = [
        {},
        {"hp_freq_hz": 500, "lp_freq_hz": 1000, "p1_q": 9, "low_freq_hz": 800},
        {"hp_on": 0, "lp_on": 0, "low_gain_db": 0, "p1_gain_db": 0, "p2_gain_db": 0,
         "p3_gain_db": 0, "high_gain_db": 0},
    ]  # fmt: skip
    for params in flat_settings:
        np.testing.assert_array_equal(render(make(params), signal, 1000), signal)
        assert eq_sections(params, RATE) == []
        np.testing.assert_array_equal(eq_response(params, RATE, PROBE_HZ), 0.0)


def test_only_the_bands_that_do_something_are_built() -> None:
    sections = eq_sections({"p2_gain_db": 4, "lp_on": 1, "lp_freq_hz": 9000}, RATE)
    assert len(sections) == 2
    np.testing.assert_allclose(sections[0], peaking(1000.0, 4.0, 1.0, RATE))


def test_reset_forgets_the_filter_state() -> None:
    params = SETTINGS["all together"]
    first, second = noise(5000, seed=2), noise(5000, seed=3)
    used = make(params)
    render(used, first, 512)
    used.reset()
    np.testing.assert_array_equal(render(used, second, 512), render(make(params), second, 512))
    # Without the reset the tail of the first signal would still ring into the second.
    kept = make(params)
    render(kept, first, 512)
    assert np.abs(render(kept, second, 512) - render(make(params), second, 512)).max() > 1e-3


def test_a_band_at_20_khz_still_works_at_44_1_khz() -> None:
    params = {"p3_freq_hz": 20000, "p3_gain_db": 6, "lp_on": 1, "lp_freq_hz": 20000}
    curve = eq_response(params, 44100, np.geomspace(20, 22000, 100))
    assert np.all(np.isfinite(curve[:-1]))
    out = render(make(params, rate=44100), noise(20000), 4096)
    assert np.all(np.isfinite(out)) and np.abs(out).max() < 10


def test_parameter_table_and_errors() -> None:
    specs = PARAMETERS["eq"]
    names = [spec[0] for spec in specs]
    assert names == [
        "hp_on", "hp_freq_hz", "hp_q", "low_freq_hz", "low_gain_db",
        "p1_freq_hz", "p1_gain_db", "p1_q", "p2_freq_hz", "p2_gain_db", "p2_q",
        "p3_freq_hz", "p3_gain_db", "p3_q", "high_freq_hz", "high_gain_db",
        "lp_on", "lp_freq_hz", "lp_q",
    ]  # fmt: skip
    for _name, label, unit, low, high, default in specs:
        assert label and isinstance(unit, str) and low <= default <= high
    with pytest.raises(ValueError, match="eq: unknown parameter 'gain_dbb'"):
        make({"gain_dbb": 3})
    with pytest.raises(ValueError, match="not a number"):
        make({"p1_gain_db": math.nan})
    # Out-of-range values are held to the range the editor offers.
    np.testing.assert_allclose(eq_response({"p1_gain_db": 99, "p1_freq_hz": 250}, RATE,
                                            np.array([250.0])), [24.0], atol=1e-9)
