"""The song as plain, immutable data, the edits that change it, and its file on disk.

Standard library only: the model can be loaded, edited and saved in a plain test.
"""

from daw.model.errors import EditError, ProjectFileError
from daw.model.project import (
    FADE_SHAPES,
    Clip,
    EffectSettings,
    Fade,
    Marker,
    MasterSettings,
    MediaRef,
    Project,
    Track,
)

__all__ = [
    "FADE_SHAPES",
    "Clip",
    "EditError",
    "EffectSettings",
    "Fade",
    "Marker",
    "MasterSettings",
    "MediaRef",
    "Project",
    "ProjectFileError",
    "Track",
]
