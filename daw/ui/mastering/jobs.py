"""The mastering dialogs' jobs (the master assistant, the mix report, an album master): the
shared worker runner of `daw.ui.jobs`, ending with the mastering engine's errors as messages.
"""

from __future__ import annotations

from daw.engine.export.bounce import BounceCancelled, BounceError
from daw.mastering.album import AlbumError
from daw.mastering.assistant import AssistantError
from daw.mastering.targets import TargetError
from daw.ui import jobs
from daw.ui.jobs import CANCELLED, EXPECTED, Cancelled, Job, Progress, Work

__all__ = ["CANCELLED", "Cancelled", "Job", "JobDialog", "Progress", "Work"]


class JobDialog(jobs.JobDialog):
    """A mastering dialog: its engine's errors are messages, a cancelled bounce a Cancel."""

    expected = (AlbumError, AssistantError, BounceError, TargetError, *EXPECTED)
    cancelled = (BounceCancelled,)
