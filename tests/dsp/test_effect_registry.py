"""The effect registry: every kind builds, with its defaults, at any channel count, and a
stream of blocks of any sizes equals one call."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.effects import EFFECT_KINDS, PARAMETERS, UnknownEffectError, create_processor
from tests.dsp.effect_settings import AUDIBLE, EXACT_BLOCKS, build, program, run

KINDS = sorted(EFFECT_KINDS)


def test_the_issue_s_effects_are_all_there() -> None:
    for kind in ("eq", "compressor", "gate", "limiter", "reverb", "delay", "chorus", "phaser",
                 "saturation", "deesser", "gain"):
        assert kind in EFFECT_KINDS and kind in PARAMETERS


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("channels", [1, 2])
def test_every_kind_streams_the_same_as_one_call(kind: str, channels: int) -> None:
    defaults = {name: default for name, _, _, _, _, default in PARAMETERS[kind]}
    signal = np.random.default_rng(3).uniform(-0.5, 0.5, (9000, channels)).astype(np.float32)
    whole = signal.copy()
    create_processor(kind, defaults, channels, 48000).process(whole)
    streamed = signal.copy()
    processor = create_processor(kind, defaults, channels, 48000)
    for start in range(0, len(signal), 1000):
        processor.process(streamed[start:start + 1000])
    np.testing.assert_allclose(streamed, whole, atol=1e-6)
    assert np.isfinite(whole).all()


def test_the_audible_settings_cover_every_kind() -> None:
    assert set(AUDIBLE) == set(EFFECT_KINDS)


BLOCK_PATTERNS = [(1,), (64,), (65,), (8192,), (8193,), (50, 100, 3, 7000, 1, 2048)]


@pytest.mark.parametrize("blocks", BLOCK_PATTERNS, ids=lambda blocks: "-".join(map(str, blocks)))
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_with_audible_settings_is_block_size_invariant(
    kind: str, blocks: tuple[int, ...]
) -> None:
    signal = program(20000)
    whole = run(build(kind), signal, (len(signal),))
    assert np.abs(whole - signal).max() > 0.01  # the settings act on this signal
    streamed = run(build(kind), signal, blocks)
    if kind in EXACT_BLOCKS:
        np.testing.assert_array_equal(streamed, whole)
    else:
        np.testing.assert_allclose(streamed, whole, rtol=0, atol=1e-6)


def test_unknown_kinds_are_refused_by_name() -> None:
    with pytest.raises(UnknownEffectError, match=r"unknown effect 'flanger'.*known: chorus"):
        create_processor("flanger", {}, 2, 48000)
