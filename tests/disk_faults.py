"""Disk faults for the tests: a tiny real file system that fills up (tmpfs), and a way to make
a write call fail after some bytes or calls, as a full disk does.

The fixtures reach the tests through tests/conftest.py.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


class TinyDisk:
    """A small tmpfs mounted at `path`; `fill` leaves only so many bytes free on it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def free(self) -> int:
        stat = os.statvfs(self.path)
        return stat.f_bavail * stat.f_frsize

    def fill(self, leave_bytes: int = 0, name: str = "filler.bin") -> Path:
        """Take all the free space but `leave_bytes` (rounded to the file system's blocks)."""
        filler = self.path / name
        chunk = bytes(65536)
        with open(filler, "ab") as out:
            while self.free > leave_bytes:
                try:
                    out.write(chunk[:max(4096, min(len(chunk), self.free - leave_bytes))])
                    out.flush()
                except OSError:
                    break
        return filler


def _mount(point: Path, size: str) -> str | None:
    """Mount a tmpfs of `size` at `point`; None, or why it could not be mounted."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(point)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"mount failed: {error}"
    if done.returncode != 0:
        return f"mount failed: {done.stderr.strip() or done.returncode}"
    return None


def _unmount(point: Path) -> None:
    done = subprocess.run(["umount", str(point)], capture_output=True, timeout=20)
    if done.returncode != 0:
        subprocess.run(["umount", "-l", str(point)], capture_output=True, timeout=20)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Callable[[str], TinyDisk]]:
    """``tiny_disk("2m")``: a fresh tmpfs of that size under tmp_path (unmounted afterwards);
    skips the test when mounting is not permitted here."""
    mounted: list[Path] = []

    def make(size: str = "2m") -> TinyDisk:
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        problem = _mount(point, size)
        if problem is not None:
            pytest.skip(f"no tiny file system for a full-disk test: {problem}")
        mounted.append(point)
        return TinyDisk(point)

    yield make
    for point in reversed(mounted):
        _unmount(point)


def failing_after(real: Callable[..., int], limit_bytes: int,
                  applies: Callable[..., bool] = lambda *args: True,
                  code: int = errno.ENOSPC) -> Callable[..., int]:
    """A stand-in for `os.write` (fd, data) that lets `limit_bytes` through to the calls
    `applies` to, writing part of the call that crosses the limit (as a full disk does), and
    then fails with `code`."""
    state = {"left": limit_bytes}

    def write(fd: int, data: bytes) -> int:
        if not applies(fd, data):
            return real(fd, data)
        if state["left"] <= 0:
            raise OSError(code, os.strerror(code))
        part = memoryview(data)[:state["left"]]
        done = real(fd, part)
        state["left"] -= done
        return done

    return write
