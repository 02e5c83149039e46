"""Undo and redo history, stored as whole-project snapshots, not deltas.

Projects are immutable and hold no audio, so a snapshot costs little and undo can never get
out of step with the edit that made it. The steps of one gesture (a fader drag, a clip drag)
merge into one undo step when they are pushed with the same gesture key.
"""

from __future__ import annotations

from dataclasses import dataclass

from daw.model.project import Project


@dataclass(frozen=True)
class _Step:
    label: str
    project: Project


class History:
    """The project's past and future; `current` is the project as the person sees it now."""

    def __init__(self, project: Project, limit: int = 1000) -> None:
        self._steps: list[_Step] = [_Step("", project)]
        self._index = 0
        self._limit = limit
        self._open_gesture: object | None = None
        self._saved_step: _Step | None = self._steps[0]
        self._edits_since_save = 0

    @property
    def current(self) -> Project:
        return self._steps[self._index].project

    def push(self, project: Project, label: str, gesture: object | None = None) -> Project:
        """Record an edit's result. Pushes with the gesture key of the step before merge."""
        if gesture is not None and gesture == self._open_gesture and self._index > 0:
            self._steps[self._index] = _Step(self._steps[self._index].label, project)
            return project
        self._edits_since_save += 1
        del self._steps[self._index + 1:]
        self._steps.append(_Step(label, project))
        if len(self._steps) > self._limit + 1:
            del self._steps[0]
        self._index = len(self._steps) - 1
        self._open_gesture = gesture
        return project

    def end_gesture(self) -> None:
        """The gesture is over: the next push starts a new undo step."""
        self._open_gesture = None

    @property
    def can_undo(self) -> bool:
        return self._index > 0

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._steps) - 1

    @property
    def undo_label(self) -> str:
        """The name of the step undo would take back ("Move Clip"), or "" if none."""
        return self._steps[self._index].label if self.can_undo else ""

    @property
    def redo_label(self) -> str:
        return self._steps[self._index + 1].label if self.can_redo else ""

    def undo(self) -> Project:
        if self.can_undo:
            self._index -= 1
            self._edits_since_save += 1
        self._open_gesture = None
        return self.current

    def redo(self) -> Project:
        if self.can_redo:
            self._index += 1
            self._edits_since_save += 1
        self._open_gesture = None
        return self.current

    def mark_saved(self) -> None:
        self._saved_step = self._steps[self._index]
        self._edits_since_save = 0

    def mark_unsaved(self) -> None:
        """The current state is not what the project file holds (a song brought back from a
        backup): it counts as changed until it is saved."""
        self._saved_step = None

    @property
    def edits_since_save(self) -> int:
        """Edits, undos and redos since the last save (what an autosave says it holds)."""
        return self._edits_since_save if self.is_modified else 0

    def forget_past(self) -> None:
        """Make the current state the oldest: nothing before it can be undone, nothing after
        it redone. For steps that cannot be taken back (a clean-up that deleted files)."""
        current = self._steps[self._index]
        self._steps = [current]
        self._index = 0
        self._open_gesture = None

    @property
    def is_modified(self) -> bool:
        """True when the current state is not the one last saved."""
        return self._steps[self._index] is not self._saved_step
