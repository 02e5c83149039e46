"""The engine's live-edit side: an edit's plan made on the thread that edits and posted to the
engine thread without waiting; after an edit while playing, withdraw the render-ahead and
render it again from saved state, then let the render-ahead grow back gradually; and starting
the test tone of the audio dialog (`TonePlayer`, daw.engine.live.tone, feeds it). A part of
`Engine` (daw.engine.live.transport); every method runs on the engine thread unless it says
otherwise."""

from __future__ import annotations

import time
from concurrent.futures import Future

from daw.engine.live.engine_state import EXACT_RESTORE_GUESS, INEXACT_RESTORE_GUESS, EngineError
from daw.engine.live.playback import RingBroken
from daw.engine.render.live_params import parameter_patch
from daw.engine.render.plan import compile_plan
from daw.model.project import Project

REGROW_SPEED = 2.0
"""After an edit, the render-ahead grows back at this many times the speed of playback."""


class LiveEditMixin:
    """Live edits and the test tone for `Engine`."""

    def _post_project(self, project: Project, song: int | None) -> None:
        """Make `project`'s plan on this thread and post it to the engine thread (any thread;
        `song`: the song a finished rendition belongs to, None for an edit)."""
        with self._post_lock:
            if song is not None and song != self._song:
                return
            playable = self._renditions.playable(project)
            plan = None if self._posted is None else parameter_patch(
                self._posted[1], self._posted[0], playable)
            if plan is None:
                plan = compile_plan(playable)
            self._posted = (playable, plan)
            self._latest = project
            posted: Future = Future()
            posted.add_done_callback(self._report_failed_post)
            self._commands.put((self._do_set_project, (project, playable, plan), posted))

    def _report_failed_post(self, posted: Future) -> None:
        """Nobody waits for a posted edit: a failure to play it is said in the engine's state
        (engine thread, when the swap raised)."""
        error = posted.exception()
        if error is not None:
            self._error = f"the edit could not be played: {error}"

    def _rendition_ready(self, song: int) -> None:
        """A clip's pitch or stretch is rendered (renditions' worker thread): play it from
        the next chunk, unless the song was switched since."""
        self._post_project(self._latest, song)

    def _ahead_target(self, rate: int) -> int:
        """How far ahead to render now. After an edit took the render-ahead back, it grows
        again at REGROW_SPEED times the pace of the music rather than at once: a knob dragged
        while playing takes back only what was rendered since its last move, so a drag costs
        a fraction of the rendering, not a quarter of a second of it for every mouse move."""
        full = self.config.ahead_frames
        if self._regrow_from is None:
            return full
        kept, since = self._regrow_from
        grown = kept + round(REGROW_SPEED * (time.monotonic() - since) * rate)
        if grown >= full:
            self._regrow_from = None
            return full
        return grown

    def _render_again_soon(self) -> None:
        """Withdraw what the ring holds beyond the next few milliseconds, so the edit about
        to be swapped in is heard then instead of after the whole render-ahead."""
        io = self._io
        feeder = self._feeder
        if io is None or feeder is None:
            return
        info = io.info
        # The ring must not run dry while the effects go back to their saved state: effects
        # that replay their input (reverb, chorus) take tens of milliseconds to.
        restoring = feeder.restore_seconds
        if restoring is None:
            restoring = (EXACT_RESTORE_GUESS if feeder.renderer.exact_state()
                         else INEXACT_RESTORE_GUESS)
        keep_seconds = self.config.edit_keep_seconds + 2.0 * restoring
        keep = max(round(keep_seconds * info.rate), 2 * info.block_size)
        consumed = feeder.written - io.play.ring.read_available
        try:
            if feeder.rewrite(consumed + keep,
                              lambda frames: io.take_back(io.play, frames, keep)):
                self._regrow_from = (feeder.written - consumed, time.monotonic())
        except RingBroken:
            self._underruns += 1
            self._start_output(self._position)

    def _do_test_tone(self, freq_hz: float, level_db: float, seconds: float) -> None:
        """Play the test tone on the open device, refused while the song plays or records
        (the tone takes the play ring for itself)."""
        io = self._require_device()
        if self._playing or self._recorder is not None:
            raise EngineError("stop the song first: the test tone plays only while stopped")
        try:
            self._tone.start(io, freq_hz, level_db, seconds)
        except ValueError as error:
            raise EngineError(str(error)) from error
