"""The effect registry: every kind builds, with its defaults, at any channel count, and a
stream of blocks equals one call."""

from __future__ import annotations

import numpy as np
import pytest

from daw.dsp.effects import EFFECT_KINDS, PARAMETERS, UnknownEffectError, create_processor

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


def test_unknown_kinds_are_refused_by_name() -> None:
    with pytest.raises(UnknownEffectError, match=r"unknown effect 'flanger'.*known: chorus"):
        create_processor("flanger", {}, 2, 48000)
