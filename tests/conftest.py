"""Fixtures shared across test areas.

The JACK fixtures live here (not in tests/realtime/) because the engine's device tests need
them too, and a session fixture defined twice would start two servers in one process, while
PortAudio can only use one. The machinery is in tests/realtime/jack_harness.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from tests.disk_faults import tiny_disk  # noqa: F401 - a fixture for every test area
from tests.realtime import jack_harness
from tests.realtime.jack_harness import JackServer, JackUnavailable, jackd_missing_reason


def _skip_without_jack() -> None:
    reason = jackd_missing_reason()
    if reason is not None:
        pytest.skip(f"JACK tests skipped: {reason}")
    try:
        import sounddevice  # noqa: F401
    except OSError as exc:  # sounddevice's wheel needs the system's libportaudio2
        pytest.skip(f"JACK tests skipped: PortAudio is not usable ({exc}); install libportaudio2")


@pytest.fixture(scope="session")
def jack_server() -> Iterator[JackServer]:
    """A private JACK dummy server (48000 Hz, 1024-frame period, 2 in / 2 out, synchronous)
    for this test process; PortAudio in this process is pointed at it.

    One per xdist worker, kept for the whole session. Tests that need other settings use
    ``jack_server_factory``, which pauses this one meanwhile.
    """
    _skip_without_jack()
    try:
        with jack_harness.jack_server_factory() as server:
            yield server
    except JackUnavailable as exc:
        pytest.skip(f"JACK tests skipped: {exc}")


@pytest.fixture
def jack_server_factory() -> Callable[..., AbstractContextManager[JackServer]]:
    """``with jack_server_factory(sync=False, period=256) as server:`` runs a server with other
    settings for the block (``sync=False`` behaves like a real card: use it for underruns)."""
    _skip_without_jack()
    return jack_harness.jack_server_factory


@pytest.fixture(autouse=True)
def _private_user_settings(tmp_path_factory, monkeypatch) -> None:
    """Tests never read or write the real user's audio settings."""
    monkeypatch.setenv("MINIDAW_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
