"""Every effect kind takes new settings without losing its state, and returns to a snapshot:
exactly for our numpy effects, by replaying recent input for the pedalboard plugins."""

from __future__ import annotations

import numpy as np
import pedalboard
import pytest

from daw.dsp.effects import EFFECT_KINDS
from daw.dsp.pedal_effects import PedalProcessor
from daw.dsp.processors import Processor
from tests.dsp.effect_settings import AUDIBLE, EXACT_BLOCKS, RATE, build, program, run, tones

KINDS = sorted(EFFECT_KINDS)
REPLAYED = {"reverb", "chorus", "phaser"}
EXACT = sorted(set(KINDS) - REPLAYED)

# Each kind's settings with a knob turned (the limiter keeps its lookahead: a new one changes
# its latency and is refused).
TURNED: dict[str, dict[str, float]] = {
    "gain": {**AUDIBLE["gain"], "gain_db": 3.0},
    "eq": {**AUDIBLE["eq"], "p2_gain_db": 9.0, "p1_gain_db": 0.0, "lp_on": 0.0},
    "compressor": {**AUDIBLE["compressor"], "threshold_db": -30.0, "release_ms": 80.0},
    "gate": {**AUDIBLE["gate"], "threshold_db": -35.0, "hold_ms": 10.0},
    "limiter": {**AUDIBLE["limiter"], "ceiling_db": -4.0, "release_ms": 40.0},
    "deesser": {**AUDIBLE["deesser"], "freq_hz": 7000.0, "range_db": 10.0},
    "reverb": {**AUDIBLE["reverb"], "room_size_percent": 60.0},
    "delay": {**AUDIBLE["delay"], "delay_ms": 2.1, "feedback_percent": 30.0},
    "chorus": {**AUDIBLE["chorus"], "rate_hz": 1.5},
    "phaser": {**AUDIBLE["phaser"], "rate_hz": 0.8},
    "saturation": {**AUDIBLE["saturation"], "drive_db": 9.0},
    "truepeak_limiter": {**AUDIBLE["truepeak_limiter"], "ceiling_dbtp": -4.0,
                         "input_gain_db": 6.0},
    "width": {**AUDIBLE["width"], "width_percent": 60.0, "bass_mono_hz": 90.0},
}


def test_exact_state_is_false_only_for_the_replayed_plugins() -> None:
    for kind in KINDS:
        assert build(kind).exact_state is (kind not in REPLAYED), kind


# --- the snapshot contract -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_restore_renders_the_same_samples_again(kind: str) -> None:
    """Process A, snapshot, process B, restore, process B again: the same samples, bit for
    bit (for the plugins too, as their history still reaches back to their reset). In other
    blocks B comes out as a stream in those blocks would (to one float32 step for the EQ and
    the dynamics)."""
    signal = program(30000)
    a, b = signal[:12288], signal[12288:]
    processor = build(kind)
    run(processor, a, (1024,))
    state = processor.snapshot()
    first = run(processor, b, (1000, 333, 4096))
    assert np.abs(first - b).max() > 0.01
    processor.restore(state)
    np.testing.assert_array_equal(run(processor, b, (1000, 333, 4096)), first)
    processor.restore(state)
    other_blocks = run(processor, b, (64, 4097))
    if kind in EXACT_BLOCKS:
        np.testing.assert_array_equal(other_blocks, first)
    else:
        np.testing.assert_allclose(other_blocks, first, rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_any_of_a_dozen_snapshots_can_be_restored_in_any_order(kind: str) -> None:
    """As the engine does: a snapshot every 1024 frames, then back to one of them, and later
    to an older one, each time rendering on to the same point."""
    signal = program(12 * 1024 + 20000)
    processor = build(kind)
    run(processor, signal[:20000], (1024,))
    states, outputs = [], []
    for k in range(12):
        at = 20000 + 1024 * k
        states.append(processor.snapshot())
        outputs.append(run(processor, signal[at : at + 1024], (1024,)))
    expected = np.concatenate(outputs)
    for k in (7, 2, 11, 0):
        processor.restore(states[k])
        again = run(processor, signal[20000 + 1024 * k :], (1024,))
        np.testing.assert_array_equal(again, expected[1024 * k :], err_msg=f"snapshot {k}")


@pytest.mark.parametrize("kind", EXACT)
def test_restore_then_new_settings_is_the_knob_turned_at_the_snapshot(kind: str) -> None:
    """The engine's use: a knob turns, the last stretch is rendered again from a snapshot with
    the new settings; that must equal turning the knob at the snapshot point."""
    signal = program(30000)
    a, b = signal[:12288], signal[12288:]
    reference = build(kind)
    run(reference, a, (1024,))
    assert reference.set_params(TURNED[kind])
    expected = run(reference, b, (1024,))
    processor = build(kind)
    run(processor, a, (1024,))
    state = processor.snapshot()
    before = run(processor, b, (1024,))
    assert processor.set_params(TURNED[kind])
    processor.restore(state)
    again = run(processor, b, (1024,))
    np.testing.assert_array_equal(again, expected)
    assert np.abs(again - before).max() > 1e-3  # the knob made a difference


@pytest.mark.parametrize("kind", sorted(REPLAYED))
def test_a_replayed_plugin_restores_with_new_settings(kind: str) -> None:
    """With the knob turned before the restore, the replay rebuilds the plugin under the new
    settings; with the same settings again, it renders what it rendered the first time."""
    signal = tones(RATE + RATE // 2)
    processor = build(kind)
    run(processor, signal[:RATE], (1024,))
    state = processor.snapshot()
    first = run(processor, signal[RATE:], (1024,))
    assert processor.set_params(TURNED[kind])
    processor.restore(state)
    turned = run(processor, signal[RATE:], (1024,))
    assert np.abs(turned - first).max() > 1e-3
    assert processor.set_params(AUDIBLE[kind])
    processor.restore(state)
    np.testing.assert_array_equal(run(processor, signal[RATE:], (1024,)), first)


def test_snapshots_hold_little_audio() -> None:
    """Cheap enough to take every 1024 frames: the limiter holds its lookahead, the delay only
    its write position, the plugins a frame count and the LFO phase."""
    for kind in KINDS:
        processor = build(kind)
        run(processor, program(3 * RATE), (4096,))
        state = processor.snapshot()
        arrays = [np.asarray(part) for part in _flatten(state)]
        assert sum(array.nbytes for array in arrays) <= 2 * 48 * 8 * 3 + 64, kind


def _flatten(state: object) -> list[object]:
    if isinstance(state, tuple | list):
        return [leaf for part in state for leaf in _flatten(part)]
    return [] if state is None else [state]


# --- set_params keeps the state --------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_settings_every_64_frames_change_nothing(kind: str) -> None:
    """As automation does: set_params every 64 frames. With unchanged values, not one sample
    may differ from an undisturbed run (no envelope, filter or tail starts over)."""
    signal = program(20000)
    expected = run(build(kind), signal, (64,))
    processor = build(kind)
    out = signal.copy()
    for at in range(0, len(out), 64):
        assert processor.set_params(dict(AUDIBLE[kind]))
        processor.process(out[at : at + 64])
    np.testing.assert_array_equal(out, expected)


def square(amplitude: float, frames: int) -> np.ndarray:
    """A ±amplitude square at the Nyquist rate: every frame has the full amplitude, so output
    over input is the gain applied at that frame."""
    signs = np.where(np.arange(frames) % 2 == 0, 1.0, -1.0) * amplitude
    return np.repeat(signs.astype(np.float32)[:, None], 2, axis=1)


def gain_db(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    return 20 * np.log10(np.abs(after[:, 0].astype(np.float64)) / np.abs(before[:, 0]))


def test_compressor_keeps_its_gain_reduction_across_a_threshold_change() -> None:
    """Steady loud input settles at 10.5 dB of reduction; lowering the threshold by 2 dB then
    adds reduction smoothly from there (a restarted compressor would let the first frames
    through with none)."""
    params = {"threshold_db": -20, "ratio": 4, "attack_ms": 20, "release_ms": 100, "knee_db": 0}
    signal = square(10 ** (-6 / 20), RATE)
    processor = build("compressor", params)
    out = signal.copy()
    processor.process(out[: RATE // 2])
    assert processor.set_params({**params, "threshold_db": -22})
    processor.process(out[RATE // 2 :])
    applied = gain_db(signal, out)
    change = RATE // 2
    np.testing.assert_allclose(applied[change - 1], -10.5, atol=0.01)  # (1 − 1/4)·14 dB
    # No jump: frame to frame the gain moves by the attack's share of the 1.5 dB to go.
    steps = np.diff(applied[change - 100 : change + 100])
    assert np.abs(steps).max() < 1.5 * (1 - np.exp(-1000 / (20 * RATE))) * 1.01
    np.testing.assert_allclose(applied[-1], -12.0, atol=0.01)  # the new static reduction
    # The same change made with the same value leaves the run as it was.
    same = signal.copy()
    unchanged = build("compressor", params)
    unchanged.process(same[: RATE // 2])
    unchanged.set_params(params)
    unchanged.process(same[RATE // 2 :])
    np.testing.assert_array_equal(same, run(build("compressor", params), signal, (RATE,)))


def test_gate_stays_open_when_its_settings_change_under_a_loud_signal() -> None:
    params = {"threshold_db": -30, "attack_ms": 5, "hold_ms": 10, "release_ms": 50,
              "range_db": 60}  # fmt: skip
    signal = square(0.5, RATE // 2)
    processor = build("gate", params)
    out = signal.copy()
    processor.process(out[: RATE // 4])
    assert processor.set_params({**params, "threshold_db": -20, "attack_ms": 20})
    processor.process(out[RATE // 4 :])
    applied = gain_db(signal, out)
    assert applied[RATE // 8 : RATE // 4].min() > -1e-6  # fully open before the change
    assert applied[RATE // 4 :].min() > -1e-6  # and after it: no new attack from closed
    fresh = run(build("gate", {**params, "threshold_db": -20, "attack_ms": 20}), signal[:64],
                (64,))
    assert gain_db(signal[:64], fresh)[0] < -50  # where a rebuilt gate would start


def test_gate_release_carries_on_across_a_change_of_range() -> None:
    """Loud, then silence-level noise: the gate closes with its release; a new range halfway
    changes the depth, not where the release has got to."""
    params = {"threshold_db": -30, "attack_ms": 1, "hold_ms": 0, "release_ms": 50,
              "range_db": 40}  # fmt: skip
    signal = np.concatenate([square(0.5, RATE // 4), square(0.001, RATE // 4)])
    processor = build("gate", params)
    out = signal.copy()
    change = RATE // 4 + RATE // 40  # 25 ms into the release
    processor.process(out[:change])
    assert processor.set_params({**params, "range_db": 20})
    processor.process(out[change:])
    applied = gain_db(signal, out)
    # Linear in dB between open and closed: the openness o sets the reduction range·(1 − o).
    openness_before = 1 + applied[change - 1] / 40
    openness_after = 1 + applied[change] / 20
    a = np.exp(-1000 / (50 * RATE))
    np.testing.assert_allclose(openness_after, openness_before * a, rtol=1e-6)


def test_limiter_keeps_its_lookahead_audio_across_a_ceiling_change() -> None:
    params = {"ceiling_db": -3, "release_ms": 20, "lookahead_ms": 2}
    lookahead = round(0.002 * RATE)
    signal = tones(RATE // 2) * 3
    processor = build("limiter", params)
    out = signal.copy()
    change = RATE // 4
    processor.process(out[:change])
    assert processor.set_params({**params, "ceiling_db": -4})
    processor.process(out[change:])
    # The frames in the lookahead buffer come out after the change (a new limiter would
    # start with silence), and no frame after them exceeds the new ceiling.
    assert np.abs(out[change : change + lookahead]).min(axis=0).max() > 0.0
    np.testing.assert_array_equal(np.sign(out[change : change + lookahead]),
                                  np.sign(signal[change - lookahead : change]))
    assert np.abs(out[:change]).max() <= 10 ** (-3 / 20)
    assert np.abs(out[change + lookahead :]).max() <= 10 ** (-4 / 20)
    assert not build("limiter", params).set_params({**params, "lookahead_ms": 5})


def test_deesser_keeps_its_envelope_when_its_frequency_moves() -> None:
    """A steady 6 kHz whistle is turned down by its full range; moving the sidechain 500 Hz
    keeps the band's filter memory and the envelope: the reduction glides, never jumps."""
    params = {"freq_hz": 6000, "threshold_db": -40, "range_db": 12}
    t = np.arange(RATE // 2) / RATE
    signal = np.repeat((0.3 * np.sin(2 * np.pi * 6000 * t)).astype(np.float32)[:, None], 2, 1)
    processor = build("deesser", params)
    out = signal.copy()
    change = RATE // 4
    processor.process(out[:change])
    np.testing.assert_allclose(processor.gain_reduction_db, 12.0, atol=0.01)
    assert processor.set_params({**params, "freq_hz": 6500})
    processor.process(out[change : change + 480])
    # Still far above the threshold through the moved band: the full range stays on. A
    # restarted de-esser would let the first frames through untouched (0 dB).
    around = slice(change - 2000, change + 480)
    usable = np.abs(signal[around, 0]) > 0.05
    np.testing.assert_allclose(gain_db(signal[around], out[around])[usable], -12.0, atol=0.01)


def test_eq_automation_in_64_frame_steps_keeps_the_bands_memory() -> None:
    """A bell swept in 64-frame steps while a low-pass stays put: the low-pass's memory is
    kept, so with the bell at 0 dB (left out) the output is the low-pass alone, unbroken."""
    lowpass = {"lp_on": 1, "lp_freq_hz": 2000, "lp_q": 0.7}
    signal = program(8192)
    expected = run(build("eq", lowpass), signal, (8192,))
    processor = build("eq", lowpass)
    out = signal.copy()
    for k, at in enumerate(range(0, 4096, 64)):
        processor.set_params({**lowpass, "p2_gain_db": 6.0 * np.sin(k / 5.0)})
        processor.process(out[at : at + 64])
    processor.set_params(lowpass)
    processor.process(out[4096:6144])
    # Where the bell was on, the output differs; once it is gone the low-pass alone carries
    # on... from a state shaped by the bell, so compare the tail once that has died away.
    assert np.abs(out[:4096] - expected[:4096]).max() > 1e-3
    np.testing.assert_allclose(out[5000:6144], expected[5000:6144], atol=1e-6)


# --- the delay line ----------------------------------------------------------------------------


def test_delay_restores_exactly_after_a_second_of_rendering() -> None:
    params = {"delay_ms": 2500, "feedback_percent": 70, "mix_percent": 50}
    signal = program(5 * RATE)
    processor = build("delay", params)
    run(processor, signal[: 3 * RATE], (4096,))
    state = processor.snapshot()
    first = run(processor, signal[3 * RATE : 4 * RATE], (4096,))
    processor.restore(state)
    np.testing.assert_array_equal(run(processor, signal[3 * RATE : 4 * RATE], (999,)), first)
    # A second and a bit later the frames it read have been written over.
    processor.restore(state)
    run(processor, signal[3 * RATE : 4 * RATE + 4096], (4096,))
    with pytest.raises(ValueError, match=r"delay: the snapshot is older than the 1\.0 s"):
        processor.restore(state)


def test_delay_made_longer_than_ever_keeps_its_echoes_and_snapshots() -> None:
    """A time knob turned past every time before grows the ring; the frames it held keep
    their places, and a snapshot from before still restores."""
    params = {"delay_ms": 100, "feedback_percent": 0, "mix_percent": 100}
    longer = {**params, "delay_ms": 1500}
    impulse = np.zeros((3 * RATE, 1), np.float32)
    impulse[RATE // 2] = 1.0
    processor = build("delay", params, channels=1)
    run(processor, impulse[: RATE // 2 + 100], (512,))
    state = processor.snapshot()
    run(processor, impulse[RATE // 2 + 100 : RATE], (512,))
    assert processor.set_params(longer)
    processor.restore(state)
    out = run(processor, impulse[RATE // 2 + 100 :], (512,))
    # The impulse, 100 frames before the snapshot, comes back 1.5 s after it was played.
    assert np.flatnonzero(out[:, 0]).tolist() == [RATE // 2 + round(1.5 * RATE) - RATE // 2
                                                  - 100]


# --- the replayed plugins, past the reach of their history ----------------------------------


def relative_error_db(again: np.ndarray, first: np.ndarray) -> float:
    error = again.astype(np.float64) - first
    return float(20 * np.log10(np.sqrt(np.mean(error**2) / np.mean(first.astype(np.float64)**2))))


@pytest.mark.parametrize(
    ("kind", "params", "bound_db"),
    [
        # Measured: −89 dB (the room's tail older than the 4 s replay has died away).
        ("reverb", AUDIBLE["reverb"], -70.0),
        # Measured: −91 dB; the LFO lands within 1e-5 of a cycle of its phase.
        ("chorus", AUDIBLE["chorus"], -75.0),
        ("chorus", {**AUDIBLE["chorus"], "rate_hz": 0.7}, -65.0),  # measured −75 dB
        ("chorus", {**AUDIBLE["chorus"], "rate_hz": 0.1}, -90.0),  # silence first: −104 dB
        ("phaser", AUDIBLE["phaser"], -65.0),  # measured −75 dB
        ("phaser", {**AUDIBLE["phaser"], "rate_hz": 7.3}, -70.0),  # measured −79 dB
    ],
)
def test_a_replay_past_the_history_sounds_as_before(
    kind: str, params: dict[str, float], bound_db: float
) -> None:
    """After 12 s the history no longer reaches the reset: the plugin is rebuilt from its
    last seconds of input, its LFO brought to its phase; a quarter second re-rendered from
    there matches the first rendering closely (bounds a little above what was measured)."""
    start = 12 * RATE + 3 * 1024
    signal = tones(start + RATE // 4)
    processor = build(kind, params)
    run(processor, signal[:start], (1024,))
    state = processor.snapshot()
    first = run(processor, signal[start:], (1024,))
    processor.restore(state)
    again = run(processor, signal[start:], (1024,))
    assert relative_error_db(again, first) < bound_db
    assert not np.array_equal(again, first)  # rebuilt, not copied: close, not identical


def test_a_replay_lands_the_lfo_after_rate_changes() -> None:
    """The phase is followed through a change of rate (and JUCE's 50 ms glide to it)."""
    signal = tones(13 * RATE)
    params = AUDIBLE["chorus"]
    processor = build("chorus", params)
    run(processor, signal[: 6 * RATE], (1024,))
    assert processor.set_params({**params, "rate_hz": 2.3})
    run(processor, signal[6 * RATE : 12 * RATE], (1024,))
    state = processor.snapshot()
    first = run(processor, signal[12 * RATE :], (1024,))
    processor.restore(state)
    assert relative_error_db(run(processor, signal[12 * RATE :], (1024,)), first) < -65.0


def test_a_snapshot_older_than_the_history_is_refused() -> None:
    processor = build("reverb")
    signal = tones(8 * RATE)
    run(processor, signal[:RATE], (4096,))
    state = processor.snapshot()
    run(processor, signal[RATE:], (4096,))
    with pytest.raises(ValueError, match=r"Reverb: the snapshot is older than the \d\.\d s"):
        processor.restore(state)


def test_reset_then_restore_of_a_later_snapshot_is_refused_clearly() -> None:
    processor: Processor = build("phaser")
    run(processor, tones(RATE), (4096,))
    state = processor.snapshot()
    processor.reset()
    with pytest.raises(ValueError, match="Phaser: the snapshot lies ahead"):
        processor.restore(state)


@pytest.mark.parametrize(
    ("make", "chunk_frames"),
    [(lambda: pedalboard.Resample(target_sample_rate=96000), None),
     (lambda: pedalboard.Reverb(room_size=0.6), 256)],
)
def test_an_adapter_in_fixed_chunks_restores_its_input_buffer_and_fifo(make, chunk_frames) -> None:
    """A plugin fed fixed chunks through a FIFO: the part-filled chunk and the FIFO come back
    exactly, and the replay feeds the plugin the chunks it saw."""
    signal = tones(3 * RATE)
    processor = PedalProcessor(make(), 2, RATE, chunk_frames=chunk_frames)
    assert processor.chunk_frames is not None
    run(processor, signal[:50000], (1000,))  # ends inside a chunk
    state = processor.snapshot()
    first = run(processor, signal[50000:], (777,))
    assert np.abs(first).max() > 0.1
    processor.restore(state)
    np.testing.assert_array_equal(run(processor, signal[50000:], (4096,)), first)


def test_a_snapshot_taken_at_the_reset_restores_after_a_long_run() -> None:
    processor = build("reverb")
    state = processor.snapshot()
    signal = tones(8 * RATE)
    expected = run(build("reverb"), signal[:RATE], (1024,))
    run(processor, signal, (4096,))
    processor.restore(state)
    np.testing.assert_array_equal(run(processor, signal[:RATE], (1024,)), expected)
