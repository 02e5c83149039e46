"""Fixtures for realtime tests: the app's JACK device and a virtual microphone and speaker.

``jack_server`` and ``jack_server_factory`` come from tests/conftest.py (shared with the engine's
device tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.realtime.jack_harness import JackServer, JackUnavailable, jack_device_index
from tests.realtime.virtual_audio import VirtualAudio


@pytest.fixture
def jack_device(jack_server: JackServer) -> int:
    """PortAudio's device index for the JACK server's ``system`` device."""
    return jack_device_index()


@pytest.fixture
def virtual_audio(jack_server: JackServer) -> Iterator[Callable[..., VirtualAudio]]:
    """``virtual_audio(channels=2, capture_seconds=10.0, loopback=False, server=None)``: a
    virtual microphone and speaker on the session's JACK server (or ``server``), closed after
    the test. A VirtualAudio on a server from ``jack_server_factory`` must be closed inside that
    server's ``with`` block: use it as a context manager there."""
    made: list[VirtualAudio] = []

    def make(server: JackServer | None = None, **options: object) -> VirtualAudio:
        try:
            audio = VirtualAudio(server or jack_server, **options)  # type: ignore[arg-type]
        except JackUnavailable as exc:
            pytest.skip(f"JACK tests skipped: {exc}")
        made.append(audio)
        return audio

    yield make
    for audio in reversed(made):
        audio.close()
