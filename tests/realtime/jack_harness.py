"""A private JACK server for realtime tests (the virtual microphone and speaker that plug
into it are in virtual_audio.py).

This machine has no sound card, so realtime tests run against jackd's ``dummy`` backend, which
is paced in real time and passes samples bit-exactly (measured).

``jack_server_factory(sync=..., period=...)`` is a context manager that runs one ``jackd``
under a server name private to this test process and xdist worker, points PortAudio (inside
this process) at it, and stops it again. Only one JACK server per test process runs at a time,
because PortAudio binds to exactly one server when it initialises: asking for a different
configuration while one runs stops the running server, and starts it again (same name, same
settings) afterwards. The ``jack_server`` fixture (tests/conftest.py) is the default one, kept
for the whole session.

PortAudio under JACK shows one device, ``system``, under the host API "JACK Audio Connection
Kit", and registers a client named ``PortAudio`` with ports ``in_0, in_1, ...`` and ``out_0,
out_1, ...`` (zero-based) when a stream opens.

sounddevice is imported lazily, so importing this module costs nothing for test sessions that
never touch audio.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

JACK_HOST_API = "JACK Audio Connection Kit"
"""The name PortAudio gives its JACK host API."""

JACK_DEVICE = "system"
"""The one device PortAudio shows under JACK: the server's physical ports."""

SERVER_LIFETIME_S = 1800
"""jackd runs under ``timeout``, so a crashed test run cannot leave it running for ever."""

_ENV_KEYS = ("JACK_DEFAULT_SERVER", "JACK_NO_START_SERVER", "JACK_NO_AUDIO_RESERVATION")


class JackUnavailable(RuntimeError):
    """jackd (or a Python package the harness needs) is not installed; tests should skip."""


@dataclass(frozen=True)
class JackServer:
    """A running private JACK server, as a test sees it."""

    name: str
    rate: int
    period: int
    sync: bool
    channels: int


def jackd_missing_reason() -> str | None:
    """Why the harness cannot run here, or None when jackd and jack_lsp are installed."""
    missing = [tool for tool in ("jackd", "jack_lsp", "timeout") if shutil.which(tool) is None]
    if missing:
        return (
            f"{', '.join(missing)} not found: install the Debian packages jackd2 and "
            "libportaudio2 (DEBIAN_FRONTEND=noninteractive apt-get install jackd2 libportaudio2)"
        )
    return None


def _server_name(*, sync: bool, period: int, rate: int, channels: int) -> str:
    """A name unique to this process and xdist worker, which also encodes the settings."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    mode = "sync" if sync else "async"
    return f"minidaw-test-{worker}-{os.getpid()}-{mode}-p{period}-r{rate}-c{channels}"


OPEN_ATTEMPTS = 5
"""How often a JACK client's start is tried: an overloaded machine can fail the handshake."""


def _portaudio_sees_jack() -> bool:
    import sounddevice as sd

    return any(api["name"] == JACK_HOST_API and api["devices"] for api in sd.query_hostapis())


def _rescan_portaudio() -> None:
    """Make PortAudio drop what it knows and scan the host APIs again (finds the new server).

    PortAudio opens its JACK client while scanning; if that handshake fails (an overloaded
    machine), the JACK host API is silently missing, so scan again a few times."""
    import sounddevice as sd

    for _ in range(OPEN_ATTEMPTS):
        while sd._initialized > 0:
            sd._terminate()
        sd._initialize()
        if _portaudio_sees_jack():
            return
        time.sleep(0.2)
    raise RuntimeError(
        f"PortAudio does not see the JACK server; server log: {_PROCESS._log_tail()}"
    )


def _terminate_portaudio() -> None:
    """Release PortAudio's JACK client; must happen before the server stops, or PortAudio
    asserts when the interpreter exits (pytest then exits with 134 although all tests passed)."""
    try:
        import sounddevice as sd
    except (ImportError, OSError):
        return
    while sd._initialized > 0:
        sd._terminate()


class _ServerProcess:
    """The one jackd this test process owns, with the environment it changed."""

    def __init__(self) -> None:
        self.server: JackServer | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Path | None = None
        self._saved_env: dict[str, str | None] | None = None
        self._atexit_registered = False

    def start(self, config: JackServer) -> JackServer:
        """Start jackd with ``config`` (must not be running) and point PortAudio at it."""
        reason = jackd_missing_reason()
        if reason is not None:
            raise JackUnavailable(reason)
        assert self._proc is None, "a JACK server is already running in this process"
        name = config.name
        cmd = [
            "timeout", str(SERVER_LIFETIME_S),
            "jackd", "--no-realtime", "-n", name,
            *(["-S"] if config.sync else []),
            "-d", "dummy",
            "-r", str(config.rate), "-p", str(config.period),
            "-C", str(config.channels), "-P", str(config.channels),
        ]  # fmt: skip
        fd, log = tempfile.mkstemp(prefix=f"{name}-", suffix=".log")
        self._log = Path(log)
        env = dict(os.environ, JACK_NO_AUDIO_RESERVATION="1")
        with os.fdopen(fd, "wb") as log_file:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )
        if not self._atexit_registered:
            atexit.register(self.stop)
            self._atexit_registered = True
        try:
            self._wait_ready(name)
        except BaseException:
            self._kill()
            raise
        if self._saved_env is None:
            self._saved_env = {key: os.environ.get(key) for key in _ENV_KEYS}
        os.environ.update(
            JACK_DEFAULT_SERVER=name, JACK_NO_START_SERVER="1", JACK_NO_AUDIO_RESERVATION="1"
        )
        self.server = config
        _rescan_portaudio()
        return config

    def _wait_ready(self, name: str, limit_s: float = 20.0) -> None:
        """Poll ``jack_lsp -s NAME`` (its exit code is honest; ``jack_wait`` is not)."""
        assert self._proc is not None
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"jackd {name} exited at start: {self._log_tail()}")
            probe = subprocess.run(
                ["jack_lsp", "-s", name],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                env=dict(os.environ, JACK_NO_START_SERVER="1"),
                check=False,
            )
            if probe.returncode == 0:
                return
            time.sleep(0.01)
        raise RuntimeError(
            f"jackd {name} did not answer within {limit_s:.0f} s: {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        if self._log is None or not self._log.exists():
            return "(no log)"
        return self._log.read_text(errors="replace")[-2000:].strip() or "(empty log)"

    def stop(self) -> None:
        """Terminate PortAudio first, then the server by its own process group; restore env."""
        _terminate_portaudio()
        self._kill()
        self.server = None
        if self._saved_env is not None:
            for key, value in self._saved_env.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            self._saved_env = None

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
                try:
                    proc.wait(timeout=wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log is not None:
            self._log.unlink(missing_ok=True)
            self._log = None


_PROCESS = _ServerProcess()


def server_log_tail() -> str:
    """The end of the running server's output, for error messages."""
    return _PROCESS._log_tail()


@contextlib.contextmanager
def jack_server_factory(
    *, sync: bool = True, period: int = 1024, rate: int = 48000, channels: int = 2
) -> Iterator[JackServer]:
    """Run a private JACK server for the ``with`` block.

    ``sync=True`` (``jackd -S``) makes the server wait for late clients, so compared samples stay
    exact; ``sync=False`` behaves like a real sound card and is the one for underrun tests. If a
    server with the same settings already runs in this process it is reused; a different one is
    stopped for the block and started again afterwards, since PortAudio can use only one.
    Raises JackUnavailable when jackd is not installed.
    """
    name = _server_name(sync=sync, period=period, rate=rate, channels=channels)
    wanted = JackServer(name=name, rate=rate, period=period, sync=sync, channels=channels)
    previous = _PROCESS.server
    if previous == wanted:
        yield previous
        return
    if previous is not None:
        _PROCESS.stop()
    try:
        yield _PROCESS.start(wanted)
    finally:
        _PROCESS.stop()
        if previous is not None:
            _PROCESS.start(previous)


def jack_device_index() -> int:
    """PortAudio's index of the JACK ``system`` device (call with a server running)."""
    import sounddevice as sd

    for api in sd.query_hostapis():
        if api["name"] == JACK_HOST_API:
            for index in api["devices"]:
                if sd.query_devices(index)["name"] == JACK_DEVICE:
                    return int(index)
    raise RuntimeError(f"PortAudio shows no {JACK_DEVICE!r} device under {JACK_HOST_API}")
