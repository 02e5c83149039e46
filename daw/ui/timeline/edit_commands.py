"""The timeline's edit commands (split, delete, duplicate, copy and paste, nudge, clip gain,
markers), each one undo step, as the public methods the window's menus and keys call."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QWidget

from daw.model import Project, ops
from daw.model import clip_edits as commands
from daw.model.clip_edits import ClipCopy
from daw.model.project import new_id
from daw.ui.session import Session
from daw.ui.timeline.gestures import GAIN_LIMITS_DB
from daw.ui.timeline.lanes import Lanes
from daw.ui.view_state import ViewState

FINE_NUDGE_SECONDS = 0.01


class EditCommands:
    """Mixed into the timeline widget, which provides the session, the view and the lanes."""

    session: Session
    view: ViewState
    lanes: Lanes
    clipboard: tuple[ClipCopy, ...]

    # --- clip commands --------------------------------------------------------------------

    def _dialog_parent(self) -> QWidget | None:
        return self if isinstance(self, QWidget) else None

    def _edit(self, label: str, change: Callable[[Project], Project]) -> bool:
        return self.session.edit(label, change)

    def _targets(self) -> list[str]:
        """The selected clips, or else the clip under the mouse."""
        selected = sorted(self.session.selected_clips)
        if selected:
            return selected
        hover = self.lanes.clip_under_mouse()
        return [hover] if hover else []

    def split_at_playhead(self) -> None:
        """Split the selected clips at the playhead; with none selected, the clip under the
        mouse, or else the selected track's clips there."""
        project, frame = self.session.project, self.session.engine_state.position_frame
        selected = sorted(self.session.selected_clips)
        if selected:
            targets = commands.clips_at(project, selected, frame)
        else:
            hover = self.lanes.clip_under_mouse()
            targets = commands.clips_at(project, [hover], frame) if hover else []
            track_id = self.session.selected_track
            if not targets and track_id is not None:
                clips = [c.id for c in project.track(track_id).clips]
                targets = commands.clips_at(project, clips, frame)
        if not targets:
            self.session.errorRaised.emit("nothing to split: no clip to split under the playhead")
            return
        new_ids = [new_id("clip") for _ in targets]
        self._edit("Split Clip" if len(targets) == 1 else "Split Clips",
                   lambda p: commands.split_clips(p, targets, frame, new_ids))

    def delete_selected(self) -> None:
        targets = sorted(self.session.selected_clips)
        if targets:
            self._edit("Delete Clip" if len(targets) == 1 else "Delete Clips",
                       lambda p: commands.delete_clips(p, targets))

    def duplicate_selected(self) -> None:
        """Copy the selected clips right after themselves and select the copies."""
        targets = sorted(self.session.selected_clips)
        if not targets:
            return
        new_ids = [new_id("clip") for _ in targets]
        if self._edit("Duplicate", lambda p: commands.duplicate_clips(p, targets, new_ids)):
            self.session.select_clips(new_ids)

    def copy(self) -> None:
        targets = sorted(self.session.selected_clips)
        if targets:
            self.clipboard = commands.copy_clips(self.session.project, targets)

    def cut(self) -> None:
        self.copy()
        self.delete_selected()

    def paste(self) -> None:
        """Add the copied clips at the playhead on the selected track, and select them."""
        project = self.session.project
        if not self.clipboard:
            return
        track_id = self.session.selected_track
        if track_id is None:
            self.session.errorRaised.emit("cannot paste: add a track first")
            return
        copies, frame = self.clipboard, self.session.engine_state.position_frame
        new_ids = [new_id("clip") for _ in copies]
        if project.tracks and self._edit(
                "Paste", lambda p: commands.paste_clips(p, copies, track_id, frame, new_ids)):
            self.session.select_clips(new_ids)

    def select_all(self) -> None:
        self.session.select_clips(c.id for t in self.session.project.tracks for c in t.clips)

    def nudge(self, direction: int, fine: bool = False) -> None:
        """Move the selected clips by one grid step (10 ms when `fine`), one undo step."""
        targets = sorted(self.session.selected_clips)
        if not targets:
            return
        project = self.session.project
        if fine:
            step = FINE_NUDGE_SECONDS * project.sample_rate
        else:
            step = self.view.grid_frames(project) or project.frames_per_beat()
        delta = round(step) * (1 if direction > 0 else -1)
        self._edit("Nudge Clips", lambda p: commands.shift_clips(p, targets, delta))

    def clip_gain_dialog(self) -> None:
        """Ask for the gain of the selected clips (or the clip under the mouse)."""
        targets = self._targets()
        if not targets:
            self.session.errorRaised.emit("select a clip to set its gain")
            return
        current = self.session.project.find_clip(targets[0])[1].gain_db
        low, high = GAIN_LIMITS_DB
        gain, ok = QInputDialog.getDouble(self._dialog_parent(), "Clip Gain",
                                          "Clip gain (dB):", current, low, high, 1)
        if ok:
            self._edit("Clip Gain", lambda p: commands.set_gain(p, targets, round(gain, 1)))

    def toggle_clip_mute(self) -> None:
        """Mute the selected clips, or unmute them if they all are muted."""
        targets = self._targets()
        if not targets:
            return
        project = self.session.project
        mute = not all(project.find_clip(c)[1].muted for c in targets)
        self._edit("Mute Clip" if mute else "Unmute Clip",
                   lambda p: commands.set_muted(p, targets, mute))

    # --- markers and moving the playhead --------------------------------------------------

    def add_marker_at_playhead(self) -> None:
        """A marker at the playhead, named "Marker N"."""
        frame = self.session.engine_state.position_frame
        self._edit("Add Marker",
                   lambda p: ops.add_marker(p, commands.next_marker_name(p), frame))

    def next_marker(self) -> None:
        position = self.session.engine_state.position_frame
        later = [m.frame for m in self.session.project.markers if m.frame > position]
        if later:
            self.session.locate(min(later))

    def previous_marker(self) -> None:
        """The marker before the playhead (while playing, skip one just passed)."""
        state = self.session.engine_state
        margin = self.session.project.sample_rate // 4 if state.playing else 0
        earlier = [m.frame for m in self.session.project.markers
                   if m.frame < state.position_frame - margin]
        self.session.locate(max(earlier) if earlier else 0)

    def _select_track_step(self, step: int) -> None:
        tracks = self.session.project.tracks
        if not tracks:
            return
        ids = [t.id for t in tracks]
        current = ids.index(self.session.selected_track) if (
            self.session.selected_track in ids) else 0
        self.session.select_track(ids[min(max(current + step, 0), len(ids) - 1)])
