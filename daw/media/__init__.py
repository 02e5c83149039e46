"""Audio files: import and decode, resample to the project rate, and block reads for rendering.

Only this package and the export code touch soundfile; the rest of MiniDAW sees numpy blocks.
"""

from daw.media.errors import MediaError
from daw.media.importer import AudioInfo, Imported, import_audio, import_file, probe
from daw.media.peaks import PeakReader, Peaks, load_or_build
from daw.media.pool import MediaPool

__all__ = [
    "AudioInfo",
    "Imported",
    "MediaError",
    "MediaPool",
    "PeakReader",
    "Peaks",
    "import_audio",
    "import_file",
    "load_or_build",
    "probe",
]
