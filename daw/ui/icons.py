"""Icons from the resources folder (an installed package, a bundle or the checkout): the
application icon in every size shipped, and the toolbar's SVG icons drawn for the dark theme."""

from __future__ import annotations

import functools

from PySide6.QtGui import QIcon

from daw.resources import resource_dir

APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


@functools.cache
def app_icon() -> QIcon:
    """MiniDAW's icon: the PNGs for small sizes (drawn sharp), the SVG for any other."""
    folder = resource_dir() / "icons"
    icon = QIcon()
    for size in APP_ICON_SIZES:
        path = folder / f"minidaw-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    svg = folder / "minidaw.svg"
    if svg.is_file():
        icon.addFile(str(svg))
    return icon


@functools.cache
def icon(name: str) -> QIcon:
    """A toolbar icon by name (`play`, `record`, ...); an empty icon if the file is missing,
    so a damaged install shows the buttons' text instead."""
    path = resource_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()
