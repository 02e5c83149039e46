"""The menu bar binds only what the main window offers publicly, so the window can be
reorganised inside without breaking its menus."""

from __future__ import annotations

import ast
import inspect

from daw.ui import menus
from daw.ui.main_window import MainWindow


def window_names() -> set[str]:
    """Every attribute the menus read or set on the window."""
    tree = ast.parse(inspect.getsource(menus))
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "window"}


def test_the_menus_use_no_private_member_of_the_window() -> None:
    names = window_names()
    assert "add_action" in names and "fill_recent" in names  # the walk sees the bindings
    assert sorted(n for n in names if n.startswith("_")) == []


def test_the_commands_the_menus_call_are_window_methods() -> None:
    for name in ("add_action", "fill_recent", "toggle_follow", "saved_audio_settings",
                 "update_actions"):
        assert callable(getattr(MainWindow, name)), name
