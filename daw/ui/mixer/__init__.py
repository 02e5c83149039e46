"""The mixer: a channel strip per track and the master strip, and the level meter they use.

`MixerPanel` is what the main window docks below the timeline; `LevelMeter` is reusable
wherever a level is shown (the timeline's track headers).
"""

from daw.ui.mixer.meter import LevelMeter
from daw.ui.mixer.panel import MixerPanel

__all__ = ["LevelMeter", "MixerPanel"]
