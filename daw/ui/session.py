"""The open song as the window sees it: the project with its undo history, its folder on disk,
the engine that plays it, and the view state that is not part of the song.

Every widget edits through `Session.edit`, so every edit is one undo step (or part of one
gesture), reaches the engine at once and is announced with `projectChanged`. The engine's state
is read with a timer and announced with `engineStateChanged`; the engine never calls into Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from daw.dsp.effects import effect_ranges
from daw.engine.live.recorder import Take
from daw.engine.live.recovery import forget_used_journals
from daw.engine.live.transport import Engine, EngineError, EngineState
from daw.media import MediaError, import_file
from daw.model import EditError, Project, ops
from daw.model.comping import add_recorded_takes
from daw.model.history import History
from daw.model.save_as import save_project_as
from daw.model.store import load_project, save_project
from daw.ui.view_state import ViewState

POLL_MS = 33
"""How often the engine's state is read (about 30 times a second)."""


class Session(QObject):
    """One open song. Signals carry no payload: read `project` and `engine_state`."""

    projectChanged = Signal()
    historyChanged = Signal()
    engineStateChanged = Signal()
    selectionChanged = Signal()
    folderChanged = Signal()
    auditionChanged = Signal()
    """A variant of the song started or stopped playing in its place (`auditioned`)."""
    errorRaised = Signal(str)
    """A message for the person: an edit refused, a file that could not be read."""

    def __init__(self, project: Project, folder: Path | None,
                 engine: Engine | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = History(project)
        self.folder = folder
        self.view = ViewState()
        self.selected_clips: frozenset[str] = frozenset()
        self.selected_track: str | None = project.tracks[0].id if project.tracks else None
        self.punch_region: tuple[int, int] | None = None
        """The punch range set by two points or markers (frames), kept while punch is off."""
        self.punch_enabled = False
        self.engine = engine
        self.engine_state = EngineState()
        self._stopping = False
        self.auditioned: Project | None = None
        """The variant the engine plays instead of the song (a before/after comparison), or
        None when it plays the song itself."""
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll_engine)
        if engine is not None:
            self._timer.start()

    # --- the project ------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self.history.current

    def edit(self, label: str, change: Callable[[Project], Project],
             gesture: object | None = None) -> bool:
        """Apply an edit as one undo step (steps with the same `gesture` merge into one).

        A refused edit changes nothing and is reported through `errorRaised`."""
        try:
            project = change(self.project)
        except EditError as error:
            self.errorRaised.emit(str(error))
            return False
        if project == self.project:
            return True
        self.history.push(project, label, gesture)
        self._project_replaced()
        return True

    def end_gesture(self) -> None:
        self.history.end_gesture()

    def undo(self) -> None:
        if self.history.can_undo:
            self.history.undo()
            self._project_replaced()

    def redo(self) -> None:
        if self.history.can_redo:
            self.history.redo()
            self._project_replaced()

    def _project_replaced(self) -> None:
        project = self.project
        clip_ids = {c.id for t in project.tracks for c in t.clips}
        if not self.selected_clips <= clip_ids:
            self.selected_clips = frozenset(self.selected_clips & clip_ids)
            self.selectionChanged.emit()
        if self.selected_track not in {t.id for t in project.tracks}:
            self.selected_track = project.tracks[0].id if project.tracks else None
            self.selectionChanged.emit()
        audition_ended = self.auditioned is not None
        self.auditioned = None  # an edit is heard at once: the song, not a variant of it
        if self.engine is not None:
            try:
                self.engine.set_project(project)
            except EngineError as error:
                self.errorRaised.emit(str(error))
        self.projectChanged.emit()
        self.historyChanged.emit()
        if audition_ended:
            self.auditionChanged.emit()

    def audition(self, variant: Project | None) -> None:
        """Let the engine play `variant` in the song's place (a loudness-matched before or
        after of the master chain) without an undo step; None plays the song again. Any edit,
        undo or redo ends the audition, so what is heard is never a stale variant."""
        if variant is None and self.auditioned is None:
            return
        self.auditioned = variant
        if self.engine is not None:
            try:
                self.engine.set_project(self.project if variant is None else variant)
            except EngineError as error:
                self.errorRaised.emit(str(error))
        self.auditionChanged.emit()

    # --- selection (view state, outside undo) --------------------------------------------------

    def select_clips(self, clip_ids: Iterable[str]) -> None:
        selected = frozenset(clip_ids)
        if selected != self.selected_clips:
            self.selected_clips = selected
            self.selectionChanged.emit()

    def select_track(self, track_id: str | None) -> None:
        if track_id != self.selected_track:
            self.selected_track = track_id
            self.selectionChanged.emit()

    # --- files ----------------------------------------------------------------------------

    @property
    def is_modified(self) -> bool:
        return self.history.is_modified

    def save(self, folder: Path | None = None) -> Path:
        """Save to the project's folder (or to `folder`, which then becomes its folder)."""
        target = folder or self.folder
        if target is None:
            raise ValueError("the project has no folder yet: choose one (Save As)")
        if folder is not None and self.folder is not None and folder != self.folder:
            target = save_project_as(self.project, self.folder, folder)  # all or nothing
        else:
            save_project(target, self.project)
        forget_used_journals(target, self.project)
        self.history.mark_saved()
        if target != self.folder:
            self.folder = target
            self.folderChanged.emit()
        self.historyChanged.emit()
        return target

    @staticmethod
    def load(folder: Path) -> Project:
        """Read a project; raises ProjectFileError with the file and field at fault."""
        return load_project(folder, effect_ranges())

    def import_files(self, paths: Iterable[Path], track_id: str | None = None,
                     at_frame: int = 0) -> list[str]:
        """Import audio files as clips (a new track each, or on `track_id` one after another).

        All files are one undo step; a file that cannot be read is reported and skipped.
        Returns the new clip ids."""
        if self.folder is None:
            self.errorRaised.emit("save the project first: imported audio is copied into its "
                                  "folder")
            return []
        project = self.project
        made: list[str] = []
        problems: list[str] = []
        start = at_frame
        for path in paths:
            try:
                imported = import_file(Path(path), self.folder, project.sample_rate)
            except MediaError as error:
                problems.append(str(error))
                continue
            ref = imported.media
            problems.extend(imported.warnings)  # imported, but the person should know
            project = ops.add_media(project, ref)
            if track_id is None:
                project = ops.add_track(project, Path(path).stem or "Audio")
                target, place = project.tracks[-1].id, at_frame
            else:
                target, place = track_id, start
            project = ops.add_clip(project, target, ref.id, place)
            clip = project.track(target).clips
            made.append(next(c.id for c in clip if c.media_id == ref.id))
            start = place + ref.length_frames
        if made:
            label = "Import Audio" if len(made) == 1 else f"Import {len(made)} Files"
            self.edit(label, lambda _: project)
        for problem in problems:
            self.errorRaised.emit(problem)
        return made

    # --- transport --------------------------------------------------------------------------

    def _engine_call(self, action: Callable[[Engine], object]) -> object:
        if self.engine is None:
            self.errorRaised.emit(self.engine_state.message)
            return None
        try:
            return action(self.engine)
        except EngineError as error:
            self.errorRaised.emit(str(error))
            return None
        finally:
            self._poll_engine()

    def play(self) -> None:
        self._engine_call(lambda e: e.play())

    def pause(self) -> None:
        self._engine_call(lambda e: e.pause())

    def toggle_play(self) -> None:
        """Space: play, or stop where play started (and finish a recording)."""
        if self.engine_state.playing:
            self.stop()
        else:
            self.play()

    def stop(self) -> None:
        self._stopping = True
        try:
            takes = self._engine_call(lambda e: e.stop())
        finally:
            self._stopping = False
        if takes:
            self.add_takes(takes)

    def record(self) -> None:
        self._engine_call(lambda e: e.record())

    def locate(self, frame: int) -> None:
        frame = max(0, int(frame))
        if self.engine is None:
            self.engine_state = replace(self.engine_state, position_frame=frame)
            self.engineStateChanged.emit()
            return
        self._engine_call(lambda e: e.locate(frame))

    def set_loop(self, start: int, end: int, enabled: bool = True) -> None:
        """Set the loop region (and turn looping on or off). Without a sound card the region
        is still kept, for the bounce and for later."""
        if end <= start:
            return
        self.view.loop_region = (int(start), int(end))
        self.view.loop_enabled = enabled
        self.view.changed.emit()
        if self.engine is not None:
            self._engine_call(lambda e: e.set_loop(start, end, enabled))

    def set_punch(self, start: int, end: int, enabled: bool = True) -> None:
        """Set the punch range (and turn punching in on or off): recording then plays from
        the pre-roll before `start` and only [start, end) is comped in. View state, like the
        loop region: outside the project and outside undo."""
        start, end = max(0, int(start)), int(end)
        if end <= start:
            return
        self.punch_region = (start, end)
        self.punch_enabled = bool(enabled)
        self.view.changed.emit()
        if self.engine is not None:
            self._engine_call(lambda e: e.set_punch(start, end, enabled))

    def set_metronome(self, enabled: bool) -> None:
        self._engine_call(lambda e: e.set_metronome(enabled))

    def add_takes(self, takes: list[Take]) -> None:
        """Keep finished takes on their tracks and comp them in, as one undo step: the old
        comp under them is replaced, never destroyed (undo, or the take lanes, bring it back)."""
        self.edit("Record", lambda project: add_recorded_takes(
            project, takes, self.view.comp_crossfade_frames(project)))

    def _poll_engine(self) -> None:
        if self.engine is None:
            return
        state = self.engine.state
        if state is not self.engine_state:
            ended_by_itself = (self.engine_state.recording and not state.recording
                               and not self._stopping)
            self.engine_state = state
            self.engineStateChanged.emit()
            if ended_by_itself:  # a full disk: the takes it kept belong in the song now
                self.stop()

    def shutdown(self) -> None:
        self._timer.stop()
        if self.engine is not None:
            self.engine.shutdown()
            self.engine = None

