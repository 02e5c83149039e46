"""One OpenBLAS thread per caller: numpy's matrix products in the EQ and the loudness meter's
filters are small, and OpenBLAS's own worker threads only spin against each other there."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_blas_limited = False


def limit_blas_threads() -> bool:
    """Make numpy's OpenBLAS compute each product on the thread that asks for it, unless the
    person chose a thread count (OPENBLAS_NUM_THREADS or OMP_NUM_THREADS set). Returns
    whether the limit is in force.

    Why: the cascade's matrix products are small (a 64-frame chunk and a few dozen state
    terms), and OpenBLAS splits every one of them over all cores with worker threads that spin
    while they wait. Measured here on two cores: with a second render thread, or any other
    busy process, the EQ ran 1.2 to 40 times slower than on one BLAS thread (the spinning
    threads take the cores from each other), and the spinning also takes time from the
    realtime render thread. Parallel work is the bounce's, one render process a core
    (`daw.engine.render.track_farm`). Linux with numpy's own OpenBLAS only; elsewhere nothing
    changes."""
    global _blas_limited
    if _blas_limited:
        return True
    if any(os.environ.get(name) for name in _BLAS_THREAD_VARIABLES):
        return False
    setter = _blas_setter()
    if setter is None:
        return False
    setter(1)
    _blas_limited = True
    return True


def _blas_setter():  # -> ctypes function or None
    """OpenBLAS's set_num_threads from the copy numpy loaded (found in /proc/self/maps)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    paths = {line.split(maxsplit=5)[-1] for line in maps.splitlines()
             if "openblas" in line.rsplit("/", 1)[-1].lower()}
    for path in sorted(paths):
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _BLAS_SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter.argtypes = [ctypes.c_int]
                setter.restype = None
                return setter
    return None
