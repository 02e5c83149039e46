"""Strips whose effects produced NaN or infinite samples: muted, so the rest of the mix lives.

One NaN out of an effect (an EQ at an extreme setting, a plugin's bug) reaches the master
sum, every filter memory after it turns NaN, and the rest of the song is silence. So the
renderer checks each chain's output once per block (into a preallocated array of flags, see
`daw.media.finite`); a strip whose chain went bad has its processors reset and is muted from
that block on, and says so (`Fault`). The master's chain is bypassed instead: the song plays
on unmastered rather than not at all (its faulty block is silent).

A strip comes back when its chain is edited (any change to an effect's settings, one added,
removed or re-enabled, which is what a person does to fix it): then it is the chain that
produced the NaN no more. Faults are not part of a renderer snapshot: a strip stays muted
however far playback goes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from daw.engine.render.effect_bank import EffectBank
from daw.engine.render.plan import RenderPlan
from daw.media.finite import all_finite
from daw.model.project import EffectSettings

MASTER = "master"
"""The master's id among faults (as among levels)."""


@dataclass(frozen=True)
class Fault:
    """A strip muted because its chain produced NaN or infinite samples."""

    strip_id: str
    name: str
    frame: int
    """The first timeline frame of the block where it happened."""

    def describe(self, sample_rate: int) -> str:
        """One line for the person: which strip, when, what became of it, what brings it back."""
        at = self.frame / sample_rate
        if self.strip_id == MASTER:
            return (f"master: its effects produced NaN or infinite samples at {at:.3f} s; "
                    "they were reset and bypassed from there on (edit the master chain to "
                    "bring them back)")
        return (f"{self.name}: its effects produced NaN or infinite samples at {at:.3f} s; "
                "the strip was muted from there on and its effects reset (edit its chain "
                "to bring it back)")

    def as_dict(self, sample_rate: int) -> dict[str, object]:
        return {"strip_id": self.strip_id, "name": self.name, "frame": self.frame,
                "seconds": self.frame / sample_rate}


class StripFaults:
    """The faulted strips of one renderer, with the chain each had when it failed."""

    def __init__(self) -> None:
        self._chains: dict[str, tuple[EffectSettings, ...]] = {}
        self._faults: dict[str, Fault] = {}
        self.ids: frozenset[str] = frozenset()
        """The faulted strips now (a new frozenset at each change: safe to hand to the UI)."""

    def __bool__(self) -> bool:
        return bool(self._faults)

    @property
    def faults(self) -> list[Fault]:
        """Every fault since the renderer started (or since its strip's chain last changed)."""
        return list(self._faults.values())

    def add(self, fault: Fault, chain: tuple[EffectSettings, ...]) -> None:
        """Mark a strip as faulted with the chain that produced the bad samples."""
        if fault.strip_id in self._faults:
            return
        self._faults[fault.strip_id] = fault
        self._chains[fault.strip_id] = chain
        self.ids = frozenset(self._faults)

    def add_all(self, faults: Iterable[Fault], plan: RenderPlan) -> None:
        """Faults found elsewhere (a render process) on strips of `plan`."""
        chains = _chains(plan)
        for fault in faults:
            self.add(fault, chains.get(fault.strip_id, ()))

    def forget_changed(self, plan: RenderPlan) -> None:
        """Bring back every faulted strip whose chain in `plan` differs from the one that
        failed (or that is gone)."""
        if not self._faults:
            return
        chains = _chains(plan)
        for strip_id in list(self._faults):
            if chains.get(strip_id) != self._chains[strip_id]:
                del self._faults[strip_id]
                del self._chains[strip_id]
        self.ids = frozenset(self._faults)


def _chains(plan: RenderPlan) -> dict[str, tuple[EffectSettings, ...]]:
    chains = {strip.track_id: strip.effects for strip in (*plan.tracks, *plan.buses)}
    chains[MASTER] = plan.master_effects
    return chains


def contained(bank: EffectBank, faults: StripFaults, strip_id: str, name: str,
              chain: tuple[EffectSettings, ...], block: np.ndarray, start: int,
              scratch: np.ndarray) -> bool:
    """Whether a chain's output `block` is finite (checked in `scratch`, a flat bool array
    as large as the biggest block); if not, its processors are reset (their memories hold
    NaN now) and the strip is marked faulted from frame `start`."""
    if all_finite(block, scratch):
        return True
    bank.reset(chain)
    faults.add(Fault(strip_id, name, start), chain)
    return False
