"""Where the bundled resources are: inside an installed package, or the source checkout's
`resources/` folder when running from a checkout (an editable install)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir() -> Path:
    """The folder holding icons, themes, click sounds and the demo song."""
    packaged = resources.files("daw") / "_resources"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "resources"


def demo_project() -> Path:
    """The bundled demo song's project folder (read-only: render it, or save a copy)."""
    return resource_dir() / "demo" / "Demo.minidaw"
