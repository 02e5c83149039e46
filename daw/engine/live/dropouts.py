"""The dropout count the person sees: the dropouts of the current (or last) play or recording.

The device runs while the song is stopped, and the sound server reports its xruns then too
(another program starting, the machine busy): counting those would make the status bar climb
while nothing plays and say nothing about the take. So the count starts again at each play or
record, grows only while one runs, and then holds until the next.
"""

from __future__ import annotations


class DropoutCount:
    """Engine underruns and device xruns since play or record last started (engine thread)."""

    def __init__(self) -> None:
        self._base = (0, 0)
        self._shown = (0, 0)

    def restart(self, engine_total: int, device_total: int) -> None:
        """Play or record starts: what came before is forgotten."""
        self._base = (engine_total, device_total)
        self._shown = (0, 0)

    def reading(self, engine_total: int, device_total: int, running: bool) -> tuple[int, int]:
        """(underruns, device xruns) to show: grown while `running`, held while stopped."""
        if running:
            self._shown = (max(0, engine_total - self._base[0]),
                           max(0, device_total - self._base[1]))
        else:
            self._base = (engine_total - self._shown[0], device_total - self._shown[1])
        return self._shown
