"""The timeline: ruler, track headers, clip lanes and scroll bars in one widget, with the
keyboard commands and the public methods the window's menus call.

Keys are handled in `keyPressEvent` rather than as shortcuts, so a menu of the window that
binds the same key (its shortcut wins) never makes an ambiguous shortcut.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPainter, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QGridLayout, QMenu, QScrollBar, QWidget

from daw.model.clip_edits import ClipCopy
from daw.ui.session import Session
from daw.ui.shortcuts import KEYS
from daw.ui.timeline import style
from daw.ui.timeline.clip_tools import NUDGE_MS, ClipTools
from daw.ui.timeline.edit_commands import EditCommands
from daw.ui.timeline.geometry import LaneLayout
from daw.ui.timeline.headers import HeaderColumn
from daw.ui.timeline.lanes import Lanes
from daw.ui.timeline.peak_cache import PeakCache
from daw.ui.timeline.ruler import Ruler

ZOOM_STEP = 1.25
"""Zoom factor of one wheel notch; the keys zoom by two notches' worth."""
KEY_ZOOM = 2.0
TRACK_HEIGHT_STEP = 8
_C = Qt.KeyboardModifier.ControlModifier
_A = Qt.KeyboardModifier.AltModifier
_S = Qt.KeyboardModifier.ShiftModifier
_NONE = Qt.KeyboardModifier.NoModifier
K = Qt.Key


class _Corner(QWidget):
    """Above the headers, beside the ruler: names the ruler's rows."""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.RULER)
        painter.setPen(style.RULER_TICK)
        rows = ((0, style.MARKER_ROW, "Markers"),
                (style.MARKER_ROW, style.BARS_ROW, "Bars"),
                (style.MARKER_ROW + style.BARS_ROW,
                 style.RULER_HEIGHT - style.MARKER_ROW - style.BARS_ROW, "Time"))
        for top, height, text in rows:
            painter.drawText(0, top, self.width() - 6, height,
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
        painter.end()


class TimelineView(EditCommands, QWidget):
    """Tracks as lanes of clips under a ruler; edits every change through the session."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.view = session.view
        self.layout_ = LaneLayout(self.view, lambda: session.project)
        self.cache = PeakCache(self)
        self.ruler = Ruler(session, self)
        self.lanes = Lanes(session, self.layout_, self.cache, self)
        self.clip_tools = ClipTools(session, self.lanes, self)
        self.take_actions = self.lanes.takes.actions
        self.headers = HeaderColumn(session, self.layout_, self, self.take_actions)
        self.hbar = QScrollBar(Qt.Orientation.Horizontal, self)
        self.vbar = QScrollBar(Qt.Orientation.Vertical, self)
        corner = _Corner(self)
        corner.setFixedSize(style.HEADER_WIDTH, style.RULER_HEIGHT)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        grid.addWidget(corner, 0, 0)
        grid.addWidget(self.ruler, 0, 1)
        grid.addWidget(self.headers, 1, 0)
        grid.addWidget(self.lanes, 1, 1)
        grid.addWidget(self.vbar, 1, 2)
        grid.addWidget(self.hbar, 2, 1)
        self.clipboard: tuple[ClipCopy, ...] = ()
        """Descriptions of the copied clips (`copy`), pasted at the playhead by `paste`."""
        self._syncing = False
        self._loop = session.engine_state.loop
        self._position = session.engine_state.position_frame
        """Where the playhead was last seen: a stopped transport that moved it jumped."""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        session.projectChanged.connect(self._project_changed)
        session.selectionChanged.connect(self._selection_changed)
        session.engineStateChanged.connect(self._engine_state_changed)
        session.folderChanged.connect(self._folder_changed)
        self.view.changed.connect(self._view_changed)
        self.cache.ready.connect(self.lanes.invalidate)
        self.cache.failed.connect(session.errorRaised.emit)
        self.hbar.valueChanged.connect(self._hbar_moved)
        self.vbar.valueChanged.connect(self._vbar_moved)
        self.lanes.wheelTurned.connect(lambda e: self._wheel(e, vertical_scroll=True))
        self.ruler.wheelTurned.connect(lambda e: self._wheel(e, vertical_scroll=False))
        self.headers.wheelTurned.connect(lambda e: self._wheel(e, vertical_scroll=True,
                                                               zoom=False))
        self.lanes.contextMenuWanted.connect(self._context_menu)
        self._sync_scrollbars()

    # --- keeping up with the session ------------------------------------------------------

    def _project_changed(self) -> None:
        self.headers.sync()
        self.lanes.invalidate()
        self.ruler.update()
        self._sync_scrollbars()

    def _selection_changed(self) -> None:
        self.lanes.invalidate()
        for header in self.headers.headers.values():
            header.update()

    def _folder_changed(self) -> None:
        self.cache.clear()
        self.lanes.clips.bodies.clear()
        self.lanes.invalidate()

    def _view_changed(self) -> None:
        self.headers.place()
        self.lanes.invalidate()
        self.ruler.update()
        self._sync_scrollbars()

    def _engine_state_changed(self) -> None:
        state = self.session.engine_state
        self.headers.update_meters()
        jumped = not state.playing and state.position_frame != self._position
        self._position = state.position_frame
        following = self.view.follow_playhead and state.playing
        if self.lanes.drag is None and (jumped or following):
            self._reveal_playhead(state.position_frame, ahead=not state.playing)
        if state.loop != self._loop:
            self._loop = state.loop
            self.lanes.invalidate()
            self.ruler.update()
        self.lanes.playhead_moved()
        self.ruler.playhead_moved()

    def _reveal_playhead(self, frame: int, ahead: bool) -> None:
        """Scroll to a playhead out of view: while playing (following it), and whenever the
        stopped transport jumps (End, Home, a stop that returns to where play started), as
        the playhead would otherwise move where no one sees it. Played, or jumped back, it
        goes near the left edge, with what comes next in view; jumped ahead (End), near the
        right edge, with what leads to it in view."""
        width = self.lanes.width()
        x = self.view.frame_to_x(frame)
        if 0 <= x <= width - 8:
            return
        at = 0.8 if ahead and x > width - 8 else 0.02
        self.view.scroll_to(max(0.0, frame - at * width * self.view.frames_per_pixel))

    # --- scrolling and zoom ---------------------------------------------------------------

    def _sync_scrollbars(self) -> None:
        project, view = self.session.project, self.view
        visible = self.lanes.width() * view.frames_per_pixel
        furthest = max([project.end_frame, self.session.engine_state.position_frame,
                        *(m.frame for m in project.markers)])
        end = max(furthest + visible / 2, view.scroll_frame + visible)
        self._syncing = True
        self.hbar.setRange(0, int(min(max(end - visible, 0), 2**31 - 1)))
        self.hbar.setPageStep(int(min(max(visible, 1), 2**31 - 1)))
        self.hbar.setSingleStep(max(1, int(visible / 20)))
        self.hbar.setValue(int(min(view.scroll_frame, 2**31 - 1)))
        content = self.layout_.content_height(view.row_count(project))
        most = max(0, content - self.lanes.height())
        if self.layout_.y_offset > most:
            self.layout_.y_offset = most
            self.headers.place()
            self.lanes.invalidate()
        self.vbar.setRange(0, most)
        self.vbar.setPageStep(max(1, self.lanes.height()))
        self.vbar.setSingleStep(max(1, self.layout_.lane_height // 3))
        self.vbar.setValue(self.layout_.y_offset)
        self._syncing = False

    def _hbar_moved(self, value: int) -> None:
        if not self._syncing:
            self.view.scroll_to(value)

    def _vbar_moved(self, value: int) -> None:
        if self._syncing:
            return
        self.layout_.y_offset = value
        self.headers.place()
        self.lanes.invalidate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._sync_scrollbars()

    def _wheel(self, event: QWheelEvent, vertical_scroll: bool, zoom: bool = True) -> None:
        """Ctrl: zoom around the mouse; Alt: track height; Shift or a sideways wheel:
        scroll in time; otherwise scroll the tracks (in time if they all fit)."""
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120
        if not steps:
            return
        modifiers = event.modifiers()
        if modifiers & _C:
            if zoom:
                self.view.zoom_by(ZOOM_STEP ** steps, event.position().x())
        elif modifiers & _A:
            self.set_track_height(self.view.track_height + round(TRACK_HEIGHT_STEP * steps))
        elif (modifiers & _S or delta.x() or not vertical_scroll
              or self.vbar.maximum() == 0):
            step = self.lanes.width() * self.view.frames_per_pixel / 8
            self.view.scroll_to(self.view.scroll_frame - steps * step)
        else:
            self.vbar.setValue(self.vbar.value() - round(steps * self.vbar.singleStep()))

    def _playhead_anchor(self) -> float:
        x = self.view.frame_to_x(self.session.engine_state.position_frame)
        return min(max(x, 0.0), float(self.lanes.width()))

    def zoom_in(self) -> None:
        """Zoom in around the playhead."""
        self.view.zoom_by(KEY_ZOOM, self._playhead_anchor())

    def zoom_out(self) -> None:
        self.view.zoom_by(1 / KEY_ZOOM, self._playhead_anchor())

    def zoom_to_song(self) -> None:
        """Fit the whole song (at least ten seconds) in the width of the lanes."""
        project = self.session.project
        length = max([project.end_frame, 10 * project.sample_rate,
                      *(m.frame for m in project.markers)])
        self.view.set_zoom(length / max(self.lanes.width() - 20, 50), 0.0)
        self.view.scroll_to(0)

    def set_track_height(self, pixels: int) -> None:
        self.view.set_track_height(pixels)

    def toggle_takes(self) -> None:
        """Show the selected track's takes as lanes under it, or hide them."""
        track_id = self.session.selected_track
        if track_id is None:
            return
        if not self.session.project.track(track_id).takes:
            self.session.errorRaised.emit(
                f"{self.session.project.track(track_id).name!r} has no takes: record on it "
                "to make some")
            return
        self.view.show_takes(track_id, track_id not in self.view.takes_shown)

    # --- keys and menus -------------------------------------------------------------------

    def _key_table(self) -> dict[tuple[int, object], Callable[[], None]]:
        end = self.session.project.end_frame
        return {
            (K.Key_E, _C): self.split_at_playhead,
            (K.Key_Delete, _NONE): self.delete_selected,
            (K.Key_Backspace, _NONE): self.delete_selected,
            (K.Key_D, _C): self.duplicate_selected,
            (K.Key_C, _C): self.copy,
            (K.Key_X, _C): self.cut,
            (K.Key_V, _C): self.paste,
            (K.Key_A, _C): self.select_all,
            (K.Key_M, _S): self.add_marker_at_playhead,
            (K.Key_Left, _A): lambda: self.nudge(-1),
            (K.Key_Right, _A): lambda: self.nudge(1),
            (K.Key_Left, _C | _A): lambda: self.nudge(-1, fine=True),
            (K.Key_Right, _C | _A): lambda: self.nudge(1, fine=True),
            (K.Key_Left, _A | _S): lambda: self.clip_tools.nudge_ms(-NUDGE_MS),
            (K.Key_Right, _A | _S): lambda: self.clip_tools.nudge_ms(NUDGE_MS),
            (K.Key_Left, _C): self.previous_marker,
            (K.Key_Right, _C): self.next_marker,
            (K.Key_Equal, _NONE): self.zoom_in,
            (K.Key_Plus, _NONE): self.zoom_in,
            (K.Key_Plus, _S): self.zoom_in,
            (K.Key_Equal, _C): self.zoom_in,
            (K.Key_Plus, _C | _S): self.zoom_in,
            (K.Key_Minus, _NONE): self.zoom_out,
            (K.Key_Minus, _C): self.zoom_out,
            (K.Key_0, _C): self.zoom_to_song,
            (K.Key_Up, _NONE): lambda: self._select_track_step(-1),
            (K.Key_Down, _NONE): lambda: self._select_track_step(1),
            (K.Key_Home, _NONE): lambda: self.session.locate(0),
            (K.Key_End, _NONE): lambda: self.session.locate(end),
            (K.Key_Escape, _NONE): lambda: self.session.select_clips(()),
        }

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        action = self._key_table().get((event.key(), modifiers))
        if action is None:
            super().keyPressEvent(event)
            return
        event.accept()
        action()

    def _context_menu(self, where: QPoint, clip_id: str | None) -> None:
        menu = QMenu(self)
        if clip_id is not None:
            menu.addAction(f"Split at Playhead\t{KEYS['split']}", self.split_at_playhead)
            menu.addAction("Duplicate\tCtrl+D", self.duplicate_selected)
            menu.addAction("Copy\tCtrl+C", self.copy)
            menu.addAction("Cut\tCtrl+X", self.cut)
            menu.addAction("Delete\tDel", self.delete_selected)
            menu.addSeparator()
            menu.addAction("Clip Gain…", self.clip_gain_dialog)
            menu.addAction("Mute/Unmute Clip", self.toggle_clip_mute)
            self.clip_tools.add_to_menu(menu)
        else:
            paste = menu.addAction("Paste at Playhead\tCtrl+V", self.paste)
            paste.setEnabled(bool(self.clipboard))
            menu.addAction(f"Add Marker at Playhead\t{KEYS['marker']}",
                           self.add_marker_at_playhead)
        menu.exec(where)

    def waveforms_ready(self) -> bool:
        """Whether the peaks of every clip's media are loaded (or known to be unreadable);
        asking starts the builds that have not started."""
        project, folder = self.session.project, self.session.folder
        used = {c.media_id for t in project.tracks for c in t.clips}
        used |= self.lanes.takes.media_shown()
        return all(self.cache.settled(folder, project.media_ref(m)) for m in used)

    def shutdown(self) -> None:
        """Stop the waveform builds and a split's analysis and wait for them; call before the
        window goes away."""
        self.clip_tools.shutdown()
        self.cache.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
