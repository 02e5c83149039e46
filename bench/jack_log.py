"""What a private JACK server said about a benchmark's run, read from its log.

The test harness (`tests/realtime/jack_harness.py`) writes jackd's output to
``<tmp>/<server name>-*.log``. A benchmark notes where the log ends when play is pressed and
counts what follows: cycles in which a client had not finished (a dropout on an asynchronous
server, by client name), and cycles in which jackd's own timer woke late. Reading the log
keeps the benchmark's own code out of the graph: a JACK client of ours would need the GIL.
"""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from tests.realtime.jack_harness import JackServer

CLIENT_LATE = re.compile(r"client = (.+?) was not finished")
SERVER_LATE = re.compile(r"JackTimedDriver::Process XRun = (\d+) usec")
OUR_CLIENT = "PortAudio"
"""The name PortAudio's client takes in the graph: the engine's stream (rtmixer's callback)."""


def server_log(server: JackServer) -> Path | None:
    """The log of `server` (None if not found)."""
    found = glob.glob(os.path.join(tempfile.gettempdir(), f"{glob.escape(server.name)}-*.log"))
    return Path(found[0]) if len(found) == 1 else None


def log_size(log: Path | None) -> int | None:
    """Where the log ends now, so that only what follows is counted later."""
    if log is None:
        return None
    try:
        return log.stat().st_size
    except OSError:
        return None


def server_xruns(log: Path | None, since: int | None) -> dict[str, Any] | None:
    """What the server logged after byte `since`: cycles in which a client had not finished
    (``client_late`` in all, ``client_late_by_name`` per client), and cycles in which its own
    timer woke late (``server_late``, with the total and the longest delay in ms, as jackd
    reports them)."""
    if log is None or since is None:
        return None
    try:
        with open(log, "rb") as f:
            f.seek(since)
            text = f.read().decode(errors="replace")
    except OSError:
        return None
    late = Counter(m.group(1) for m in CLIENT_LATE.finditer(text))
    delays = [int(m.group(1)) / 1000.0 for m in SERVER_LATE.finditer(text)]
    return {"client_late": sum(late.values()), "client_late_by_name": dict(late),
            "server_late": len(delays), "server_late_total_ms": sum(delays),
            "server_late_max_ms": max(delays, default=0.0)}
