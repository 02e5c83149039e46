"""The timeline of the window: track headers, the ruler and the clip lanes, edited with the
mouse and the keyboard through the session (every edit one undo step)."""

from daw.ui.timeline.view import TimelineView

__all__ = ["TimelineView"]
