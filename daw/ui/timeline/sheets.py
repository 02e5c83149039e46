"""Images that hold clip-body tiles side by side, and the pixel memory under them.

Tiles are drawn by the dozen at every zoom, and fresh memory costs a page fault for every 4 kB
on first touch: on the virtual machine here about a millisecond a megabyte, as much as drawing
into it. So the pixels are carved from a few arenas that are carved again from the start once
no cached tile is in them; tiles are dropped oldest first, as they were drawn, so arenas empty
in turn and a redraw at a new zoom mostly draws into memory already in use.

An arena is kept under 4 MiB: numpy asks for huge pages above that, and the kernel then
compacted memory to find them, stalling a paint for tens of milliseconds at times.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

ARENA_PIXELS = 1_000_000
"""4 MB an arena."""
MAX_ARENAS = 8
"""Beyond this many, a sheet gets memory of its own (tiles long in use can keep old arenas)."""
_FORMAT = QImage.Format.Format_ARGB32_Premultiplied


class Arena:
    """A block of pixel memory, carved from the start; `live` counts the sheets in it."""

    __slots__ = ("live", "memory", "used")

    def __init__(self, pixels: int) -> None:
        self.memory = np.empty(pixels, dtype=np.uint32)
        self.used = 0
        self.live = 0


class Sheet:
    """An image of tiles side by side; `live` counts the cached tiles in it."""

    __slots__ = ("arena", "image", "live", "pixels")

    def __init__(self, pixels: np.ndarray, arena: Arena | None) -> None:
        height, width = pixels.shape
        self.pixels = pixels
        self.image: QImage | None = QImage(pixels.data, width, height, 4 * width, _FORMAT)
        self.arena = arena
        self.live = 0


class SheetMemory:
    """Hands out sheets, and takes their memory back when no tile uses them."""

    def __init__(self) -> None:
        self._arenas: list[Arena] = []
        self._current: Arena | None = None

    def sheet(self, height: int, width: int) -> Sheet:
        """A sheet of `height` x `width` pixels, their values not set."""
        size = height * width
        arena = self._arena_for(size) if size <= ARENA_PIXELS else None
        if arena is None:
            return Sheet(np.empty((height, width), dtype=np.uint32), None)
        pixels = arena.memory[arena.used:arena.used + size].reshape(height, width)
        arena.used += size
        arena.live += 1
        return Sheet(pixels, arena)

    def _arena_for(self, size: int) -> Arena | None:
        current = self._current
        if current is not None and current.used + size <= current.memory.size:
            return current
        free = next((a for a in self._arenas if a.live == 0 and a is not current), None)
        if free is None:
            if len(self._arenas) >= MAX_ARENAS:
                return None
            free = Arena(ARENA_PIXELS)
            self._arenas.append(free)
        free.used = 0
        self._current = free
        return free

    def retire(self, sheet: Sheet) -> None:
        """No cached tile uses the sheet any more."""
        sheet.image = None
        arena, sheet.arena = sheet.arena, None
        if arena is None:
            return
        arena.live -= 1
        if arena.live:
            return
        if arena is self._current:
            arena.used = 0
        elif sum(1 for a in self._arenas if a.live == 0) > 1:
            self._arenas.remove(arena)  # one empty arena in reserve is enough
