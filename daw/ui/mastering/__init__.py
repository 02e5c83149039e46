"""Mastering in the window: the panel of live loudness meters, spectrum and correlation with
the target chooser, the master assistant and its loudness-matched before/after, the mix report,
the targets editor and the album dialog."""

from daw.ui.mastering.panel import MasteringDock, MasteringPanel

__all__ = ["MasteringDock", "MasteringPanel"]
