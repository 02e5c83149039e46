"""The status bar's dropout count covers the current (or last) play only: the sound server's
xruns while the song is stopped are not the take's, and play starts the count again."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from daw.engine.live.transport import Engine
from tests.realtime.engine_helpers import backing_song, new_song, running_engine, wait_until
from tests.realtime.jack_harness import jack_device_index
from tests.realtime.virtual_audio import _jack_module, _start_client


class Staller:
    """A JACK client that, when told, sleeps through a few periods in its process callback:
    on an asynchronous server that is an xrun every client of the server is told about."""

    def __init__(self, server) -> None:
        self.stall = threading.Event()
        self.xruns = 0
        self.client = _start_client(server, "staller", self._prepare)

    def _prepare(self, client) -> None:
        client.outports.register("out")
        client.set_process_callback(self._process)
        client.set_xrun_callback(self._on_xrun)

    def _process(self, frames: int) -> None:
        if self.stall.is_set():
            self.stall.clear()
            time.sleep(0.1)

    def _on_xrun(self, delayed_usecs: float) -> None:
        self.xruns += 1

    def xrun(self) -> None:
        """Make at least one server xrun happen, and wait until it has."""
        before = self.xruns
        for _ in range(20):
            self.stall.set()
            time.sleep(0.3)
            if self.xruns > before:
                return
        pytest.skip("the server did not report the stalled cycle as an xrun")

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


def dropouts(engine: Engine) -> int:
    return engine.state.underruns + engine.state.device_xruns


def test_dropouts_count_while_playing_only_and_start_again_on_play(
        tmp_path: Path, jack_server_factory) -> None:
    song = backing_song(new_song(tmp_path), seconds=20.0, tracks=1)
    _jack_module()
    with jack_server_factory(sync=False) as server:
        staller = Staller(server)
        try:
            with running_engine(song.project, song.folder, jack_device_index()) as engine:
                for _ in range(3):  # the server drops cycles while nothing plays
                    staller.xrun()
                time.sleep(0.5)
                assert dropouts(engine) == 0, "xruns while stopped were counted"

                engine.play()
                staller.xrun()
                wait_until(lambda: dropouts(engine) > 0, timeout=5.0)
                engine.stop()
                held = dropouts(engine)
                staller.xrun()
                time.sleep(0.5)
                assert dropouts(engine) == held  # stopped: the last play's count holds

                engine.play()
                assert dropouts(engine) == 0  # a new play counts afresh
                engine.stop()
        finally:
            staller.close()
