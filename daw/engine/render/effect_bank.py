"""The renderer's effect processors, kept by effect id across plan swaps, and the running of a
chain, with its automated parameters stepped every AUTOMATION_STEP frames.

Effect state (a reverb's tail, a filter's memory) belongs to the processor, and a processor
lives as long as its effect keeps its id, kind and channel count: a new plan with other
settings reaches it through `set_params`. The bank is used by one thread at a time (the
render thread, or a bounce's); a render process of a bounce has a bank of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from daw.dsp.effects import create_processor
from daw.dsp.processors import Processor
from daw.engine.render.automation_plan import EffectCurves, step_segments
from daw.engine.render.plan import RenderPlan
from daw.model.project import EffectSettings

Shape = tuple[str, int]
"""(kind, channels): what a processor was built for."""
Params = tuple[tuple[str, float], ...]


def plan_chains(plan: RenderPlan):
    """(effects, channels, automation) of every chain in the plan: tracks, buses, master."""
    for strip in (*plan.tracks, *plan.buses):
        yield strip.effects, strip.channels, strip.effect_automation
    yield plan.master_effects, 2, plan.master_automation


class EffectBank:
    """Every processor of a plan's chains, by effect id."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.processors: dict[str, Processor] = {}
        self._applied: dict[str, tuple[Shape, Params]] = {}
        """Per effect id: the shape its processor was built for and the parameters it has
        now (automation changes them between plans)."""

    def build(self, plan: RenderPlan) -> None:
        """Make the processors match the plan: keep those whose effect stays (passing them
        new settings), build the new ones, drop the rest."""
        self.sample_rate = plan.sample_rate
        processors: dict[str, Processor] = {}
        applied: dict[str, tuple[Shape, Params]] = {}
        for effects, channels, automation in plan_chains(plan):
            for effect in effects:
                shape = (effect.kind, channels)
                old = self.processors.get(effect.id)
                known = self._applied.get(effect.id)
                # Automated effects get their values when rendered: no setting them twice.
                if old is not None and known is not None and known[0] == shape and (
                        effect.id in automation or known[1] == effect.params
                        or old.set_params(dict(effect.params))):
                    processors[effect.id] = old  # the same instance: its state carries on
                    applied[effect.id] = known if effect.id in automation else (
                        shape, effect.params)
                    continue
                processors[effect.id] = create_processor(effect.kind, dict(effect.params),
                                                         channels, self.sample_rate)
                applied[effect.id] = (shape, effect.params)
        self.processors = processors
        self._applied = applied

    def reset(self, effects: tuple[EffectSettings, ...] | None = None) -> None:
        """Clear the state of these effects' processors (all when None), as after a locate."""
        ids = self.processors if effects is None else [e.id for e in effects]
        for effect_id in ids:
            self.processors[effect_id].reset()

    def run(self, effects: tuple[EffectSettings, ...], automation: Mapping[str, EffectCurves],
            block: np.ndarray, start: int, reductions: dict[str, float] | None) -> None:
        """Process `block` (timeline frames from `start`) through a chain, in place.

        With `reductions`, the deepest gain reduction of each dynamics processor is kept
        there, for the meters."""
        for effect in effects:
            curves = automation.get(effect.id)
            if curves is None:
                processor = self.processors[effect.id]
                processor.process(block)
                if reductions is not None:
                    _note_reduction(reductions, effect.id, processor)
                continue
            for a, b, values in step_segments(curves, start, block.shape[0]):
                processor = self._set_automated(effect, curves, values)
                processor.process(block[a:b])
                if reductions is not None:
                    _note_reduction(reductions, effect.id, processor)

    def _set_automated(self, effect: EffectSettings, curves: EffectCurves,
                       values: tuple[float, ...]) -> Processor:
        """The effect's processor, given the parameters of this automation step."""
        params = dict(effect.params)
        params.update((name, value) for (name, _), value in zip(curves, values, strict=True))
        wanted = tuple(params.items())
        processor = self.processors[effect.id]
        shape, current = self._applied[effect.id]
        if current != wanted and not processor.set_params(params):
            # A processor that cannot take new settings is built again (its state restarts).
            processor = create_processor(effect.kind, params, shape[1], self.sample_rate)
            self.processors[effect.id] = processor
        self._applied[effect.id] = (shape, wanted)
        return processor

    def snapshot(self) -> dict[str, tuple[Shape, object]]:
        """Every processor's state (not its parameters), by effect id."""
        taken = {}
        for effect_id, processor in self.processors.items():
            take = getattr(processor, "snapshot", None)
            if take is not None:
                taken[effect_id] = (self._applied[effect_id][0], take())
        return taken

    def exact_state(self) -> bool:
        """Whether every processor returns to a snapshot exactly (the same samples follow,
        bit for bit), rather than by replaying its recent input."""
        return all(getattr(p, "exact_state", False) and hasattr(p, "snapshot")
                   for p in self.processors.values())

    def restore(self, taken: Mapping[str, tuple[Shape, object]]) -> None:
        """Return every processor to its state in `taken`, under its present parameters (a
        knob turned since then carries on from that point). A processor built since is reset:
        it did not exist then."""
        for effect_id, processor in self.processors.items():
            if getattr(processor, "restore", None) is None:
                continue  # a processor that cannot go back keeps running on
            saved = taken.get(effect_id)
            if saved is not None and saved[0] == self._applied[effect_id][0]:
                processor.restore(saved[1])
            else:
                processor.reset()


def _note_reduction(reductions: dict[str, float], effect_id: str, processor: Processor) -> None:
    value = getattr(processor, "gain_reduction_db", None)
    if value is not None:
        reductions[effect_id] = max(reductions.get(effect_id, 0.0), float(value))


def chain_latency(chain: Sequence[EffectSettings], rate: int) -> int:
    """Frames the chain delays the signal by (its processors' latencies added)."""
    return sum(create_processor(e.kind, dict(e.params), 2, rate).latency_frames
               for e in chain if not e.bypassed)
