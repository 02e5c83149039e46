"""A virtual microphone and speaker on the test's JACK server, wired to the app under test.

``VirtualAudio`` starts JACK clients with N "mic" output ports (they play a known signal into
the app's input) and N "speaker" input ports (they record what the app plays), and wires them
to the app's PortAudio ports as soon as the app opens its stream. ``loopback=True`` wires the
app's outputs straight back into its own inputs instead, for round-trip calibration.

The mic and the speaker are separate clients, so the graph mic -> app -> speaker has no cycle
and the lags are deterministic. PortAudio also connects its ports to ``system:capture_N`` and
``system:playback_N``; the dummy backend's capture ports carry exact zeros, so those
connections do not change a sample.
"""

from __future__ import annotations

import abc
import contextlib
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from tests.realtime.jack_harness import (
    OPEN_ATTEMPTS,
    JackServer,
    JackUnavailable,
    server_log_tail,
)


def _as_frames(signal_: np.ndarray, channels: int) -> np.ndarray:
    """A float32 (frames, channels) copy; a mono signal feeds every channel."""
    data = np.asarray(signal_, dtype=np.float32)
    if data.ndim == 1:
        data = np.repeat(data[:, None], channels, axis=1)
    if data.ndim != 2 or data.shape[1] != channels:
        raise ValueError(f"signal must be (frames,) or (frames, {channels}), got {data.shape}")
    return np.ascontiguousarray(data)


_HARNESS_CLIENTS: set[str] = set()
"""Names of the harness's own live clients: never taken for the app under test."""


def _jack_module() -> Any:
    """The JACK-Client package, or JackUnavailable (tests then skip)."""
    try:
        import jack
    except (ImportError, OSError) as exc:
        raise JackUnavailable(f"the JACK-Client package is not usable: {exc}") from exc
    return jack


def _start_client(server: JackServer, name: str, prepare: Callable[[Any], None]) -> Any:
    """Open a client, ``prepare`` it (ports, callbacks) and activate it.

    On an overloaded machine the server can give up on a new client's handshake ("Cannot
    notify add client") or its activation: that is transient, so the whole thing is tried
    again a few times on a fresh client.
    """
    jack = _jack_module()
    for attempt in range(OPEN_ATTEMPTS):
        client = None
        try:
            client = jack.Client(
                name, use_exact_name=False, no_start_server=True, servername=server.name
            )
            prepare(client)
            client.activate()
            _HARNESS_CLIENTS.add(client.name)
            return client
        except jack.JackError as exc:
            if client is not None:
                with contextlib.suppress(jack.JackError):
                    client.close()
            if attempt + 1 == OPEN_ATTEMPTS:
                raise RuntimeError(
                    f"JACK client {name!r}: {exc}; server log: {server_log_tail()}"
                ) from exc
            time.sleep(0.2)
    raise AssertionError("unreachable")


class _Endpoint(abc.ABC):
    """One JACK client of the harness, with its process callback and xrun counter.

    The microphone and the speaker are separate clients so that the graph mic -> app ->
    speaker has no cycle: in a cycle JACK turns whichever connection closed it into a feedback
    connection (one period late), and which one that is depends on the order of connecting.
    Subclasses register their ports in ``_register(client)`` and run in ``_process(frames)``.
    """

    def __init__(self, server: JackServer, name: str) -> None:
        self.server = server
        self.xruns = 0
        self._ports: list[Any] = []
        self.client = _start_client(server, name, self._prepare)

    def _prepare(self, client: Any) -> None:
        self.client = client
        self._ports = self._register(client)
        client.set_process_callback(self._process)
        client.set_xrun_callback(self._on_xrun)

    @abc.abstractmethod
    def _register(self, client: Any) -> list[Any]:
        """Register this endpoint's ports on ``client``; returns them in channel order."""

    @abc.abstractmethod
    def _process(self, frames: int) -> None:
        """JACK's process callback: move one period of samples."""

    def _on_xrun(self, delayed_usecs: float) -> None:
        self.xruns += 1

    @property
    def ports(self) -> list[str]:
        """The full names of this client's ports, in channel order."""
        return [port.name for port in self._ports]

    def close(self) -> None:
        jack = _jack_module()
        _HARNESS_CLIENTS.discard(self.client.name)
        with contextlib.suppress(jack.JackError):
            self.client.deactivate()
        with contextlib.suppress(jack.JackError):
            self.client.close()


class VirtualMic(_Endpoint):
    """A JACK client with output ports ``mic_1..N`` that play one signal when told, then silence.

    ``play`` hands the signal over with one reference assignment; the process callback picks it
    up at its next cycle and notes that cycle's JACK frame time in ``started_frame``.
    """

    def __init__(self, server: JackServer, channels: int = 2, name: str = "minidaw-mic") -> None:
        self._channels = channels
        self._request: tuple[np.ndarray] | None = None
        self._active: tuple[np.ndarray] | None = None
        self._position = 0
        self.started_frame: int | None = None
        super().__init__(server, name)

    def _register(self, client: Any) -> list[Any]:
        return [client.outports.register(f"mic_{k + 1}") for k in range(self._channels)]

    @property
    def channels(self) -> int:
        return self._channels

    def play(self, signal_: np.ndarray) -> None:
        """Start playing ``signal_`` (frames,) or (frames, channels) at the next JACK cycle."""
        self.started_frame = None
        self._request = (_as_frames(signal_, self.channels),)

    @property
    def finished(self) -> bool:
        """True once the whole signal has been handed to JACK."""
        active = self._active
        return active is not None and self._position >= len(active[0])

    def _process(self, frames: int) -> None:
        request = self._request
        if request is not self._active:
            self._active = request
            self._position = 0
            self.started_frame = self.client.last_frame_time
        data = self._active[0] if self._active is not None else None
        start = self._position
        for channel, port in enumerate(self._ports):
            out = port.get_array()
            if data is None or start >= len(data):
                out.fill(0.0)
                continue
            chunk = data[start : start + frames, channel]
            out[: len(chunk)] = chunk
            out[len(chunk) :] = 0.0
        if data is not None:
            self._position = start + frames


class VirtualSpeaker(_Endpoint):
    """A JACK client with input ports ``speaker_1..N`` that record, once told to, into a
    preallocated buffer. ``frames`` counts the samples kept; ``overflow_frames`` those that did
    not fit; ``started_frame`` is the JACK frame time of the first kept sample."""

    def __init__(
        self,
        server: JackServer,
        channels: int = 2,
        capacity_frames: int = 480000,
        name: str = "minidaw-speaker",
    ) -> None:
        self._channels = channels
        self._buffer = np.zeros((capacity_frames, channels), dtype=np.float32)
        self._request: object | None = None
        self._active: object | None = None
        self.frames = 0
        self.overflow_frames = 0
        self.started_frame: int | None = None
        super().__init__(server, name)

    def _register(self, client: Any) -> list[Any]:
        return [client.inports.register(f"speaker_{k + 1}") for k in range(self._channels)]

    @property
    def channels(self) -> int:
        return self._channels

    def start_capture(self) -> None:
        """Forget what was captured and record from the next JACK cycle on."""
        self.started_frame = None
        self._request = object()

    def captured(self) -> np.ndarray:
        """A copy of the samples since capture started, shape (frames, channels)."""
        return self._buffer[: self.frames].copy()

    def _process(self, frames: int) -> None:
        request = self._request
        if request is None:
            return
        if request is not self._active:
            self._active = request
            self.frames = 0
            self.overflow_frames = 0
            self.started_frame = self.client.last_frame_time
        start = self.frames
        keep = min(frames, len(self._buffer) - start)
        for channel, port in enumerate(self._ports):
            self._buffer[start : start + keep, channel] = port.get_array()[:keep]
        self.frames = start + keep
        self.overflow_frames += frames - keep


def _port_number(name: str) -> int:
    match = re.search(r"(\d+)$", name)
    return int(match.group(1)) if match else -1


class VirtualAudio:
    """A virtual microphone and speaker wired to the app under test.

    Every client on the server other than ``system`` and the harness's own (of every live
    VirtualAudio) is taken for the app (PortAudio inside the test process registers
    ``PortAudio`` with ports ``in_0..``, ``out_0..``). Its k-th output port (by number) goes to
    ``speaker_k``; ``mic_k`` goes to its k-th input port, or with ``loopback=True`` its k-th
    output goes to its own k-th input (a client cannot hear its own output in the same cycle,
    so that path is one period longer).
    Connections are made by a watcher thread woken by port registrations, never inside JACK's
    notification callback. Use as a context manager, or call ``close()``.
    """

    def __init__(
        self,
        server: JackServer,
        *,
        channels: int = 2,
        capture_seconds: float = 10.0,
        loopback: bool = False,
        name: str = "minidaw",
    ) -> None:
        self._jack = _jack_module()
        self.server = server
        self.loopback = loopback
        self._wake: queue.SimpleQueue[bool] = queue.SimpleQueue()
        self._closing = False
        self.mic = VirtualMic(server, channels, name=f"{name}-mic")
        try:
            self.speaker = VirtualSpeaker(
                server, channels, int(capture_seconds * server.rate), name=f"{name}-speaker"
            )
            try:
                # A third, passive client watches the graph and makes the connections: its
                # notification callback only wakes the watcher thread.
                self.client = _start_client(
                    server,
                    f"{name}-wiring",
                    lambda c: c.set_port_registration_callback(self._on_port_registration),
                )
            except BaseException:
                self.speaker.close()
                raise
        except BaseException:
            self.mic.close()
            raise
        self._watcher = threading.Thread(target=self._watch, name=f"{name}-wiring", daemon=True)
        self._watcher.start()
        self._wake.put(True)

    @property
    def xruns(self) -> int:
        """Server xruns seen since the harness started (every client hears each xrun)."""
        return self.speaker.xruns

    @property
    def last_frame_time(self) -> int:
        """The JACK frame time at the start of the current cycle. Valid inside any process
        callback on this server, including the app's own stream callback."""
        return int(self.client.last_frame_time)

    def _on_port_registration(self, port: Any, register: bool) -> None:
        self._wake.put(register)

    def _app_ports(self) -> dict[str, tuple[list[Any], list[Any]]]:
        """For each app client: (its input ports, its output ports), in port-number order."""
        apps: dict[str, tuple[list[Any], list[Any]]] = {}
        for port in self.client.get_ports(is_audio=True):
            client_name = port.name.split(":", 1)[0]
            if client_name == "system" or client_name in _HARNESS_CLIENTS:
                continue
            inputs, outputs = apps.setdefault(client_name, ([], []))
            (inputs if port.is_input else outputs).append(port)
        for inputs, outputs in apps.values():
            inputs.sort(key=lambda p: _port_number(p.shortname))
            outputs.sort(key=lambda p: _port_number(p.shortname))
        return apps

    def _wanted_connections(self) -> list[tuple[str, str]]:
        wanted: list[tuple[str, str]] = []
        for inputs, outputs in self._app_ports().values():
            wanted += [(o.name, s) for o, s in zip(outputs, self.speaker.ports, strict=False)]
            if self.loopback:
                wanted += [(o.name, i.name) for o, i in zip(outputs, inputs, strict=False)]
            else:
                wanted += [(m, i.name) for m, i in zip(self.mic.ports, inputs, strict=False)]
        return wanted

    def _missing_connections(self) -> list[tuple[str, str]]:
        missing = []
        for source, destination in self._wanted_connections():
            try:
                linked = {p.name for p in self.client.get_all_connections(source)}
            except self._jack.JackError:
                continue  # the port went away meanwhile
            if destination not in linked:
                missing.append((source, destination))
        return missing

    def _watch(self) -> None:
        while not self._closing:
            try:
                self._wake.get(timeout=0.1)
            except queue.Empty:
                continue
            if self._closing:
                break
            try:
                missing = self._missing_connections()
            except self._jack.JackError:  # a port vanished while listing: look again
                self._wake.put(True)
                time.sleep(0.01)
                continue
            for source, destination in missing:
                with contextlib.suppress(self._jack.JackError):
                    self.client.connect(source, destination)

    def app_clients(self) -> list[str]:
        """The names of the clients taken for the app (PortAudio's is ``PortAudio``)."""
        return sorted(self._app_ports())

    def connected(self) -> bool:
        """True when an app has ports on the server and all of them are wired."""
        try:
            return bool(self._wanted_connections()) and not self._missing_connections()
        except self._jack.JackError:  # a port vanished while listing
            return False

    def wait_connected(self, limit_s: float = 10.0) -> None:
        """Wait until the app's stream is wired; raises TimeoutError naming what is missing."""
        deadline = time.monotonic() + limit_s
        while not self.connected():
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"app ports not wired after {limit_s:.0f} s; clients {self.app_clients()}"
                )
            self._wake.put(True)
            time.sleep(0.01)

    def wait_captured(self, frames: int, limit_s: float = 30.0) -> None:
        """Wait until the speaker holds ``frames`` samples; raises TimeoutError if it stalls."""
        deadline = time.monotonic() + limit_s
        while self.speaker.frames < frames:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"speaker captured {self.speaker.frames} of {frames} frames in {limit_s:.0f} s"
                )
            time.sleep(0.01)

    def close(self) -> None:
        """Stop the watcher and close the three clients (before the server stops)."""
        if self._closing:
            return
        self._closing = True
        self._watcher.join(timeout=5.0)
        _HARNESS_CLIENTS.discard(self.client.name)
        with contextlib.suppress(self._jack.JackError):
            self.client.deactivate()
        with contextlib.suppress(self._jack.JackError):
            self.client.close()
        self.speaker.close()
        self.mic.close()

    def __enter__(self) -> VirtualAudio:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
