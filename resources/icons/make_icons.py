"""Render the application icon (minidaw.svg) to the PNG sizes desktops ask for:
`python resources/icons/make_icons.py` writes minidaw-16.png … minidaw-512.png beside it.

The PNGs are kept in the repository, so neither the app nor a bundle build needs this script;
run it again after changing the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
HERE = Path(__file__).resolve().parent


def render(svg: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for size in SIZES:
        out = HERE / f"minidaw-{size}.png"
        if not render(HERE / "minidaw.svg", size).save(str(out)):
            raise SystemExit(f"{out}: could not write")
        print(out)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
