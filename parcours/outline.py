"""A parcours seen by one person at one depth: statuses, percentage, time left, where to resume.

Pure functions over the steps (already fetched) and the person's states: no query in here, so a page
costs the same whatever the number of steps.
"""

from dataclasses import dataclass, field

from core.addresses import remembered_reverse
from parcours.models import Depth
from parcours.tracking import NOT_STARTED


def depth_includes(depth, step):
    """Depths are cumulative: « approfondissement » holds the « découverte » steps too."""
    if not depth or not step.depth:
        return True
    return Depth.rank(step.depth) <= Depth.rank(depth)


def available_depths(steps):
    """The levels a parcours actually uses, in order; empty for a parcours without levels."""
    used = {step.depth for step in steps if step.depth}
    return [level for level in Depth.levels() if level.value in used]


def resolve_depth(steps, requested=None, chosen=None):
    """The depth to show: the one asked for in the address, else the person's, else the first level.

    Returns None when ``requested`` is not a level of this parcours (the view answers 400).
    """
    levels = [level.value for level in available_depths(steps)]
    if not levels:
        return "" if requested in (None, "") else None
    if requested is not None:
        return requested if requested in levels else None
    return chosen if chosen in levels else levels[0]


@dataclass
class OutlineStep:
    step: object
    number: int
    state: object
    in_depth: bool

    @property
    def status(self):
        return self.state.status


@dataclass
class Outline:
    parcours: object
    depth: str
    steps: list
    depth_steps: list = field(init=False)

    def __post_init__(self):
        self.depth_steps = [item for item in self.steps if item.in_depth]
        self.chosen = False  # whether the person picked a level (set by selectors.outlines_for)

    @property
    def state_key(self):
        """Everything of this person's that the outline shows: the level, and each step's status, whether it is in
        the level and whether it has a note (a started parcours says how long is left). With the content version,
        the key of the rendered progress bar and stepper ({% remembered %})."""
        return (self.parcours.pk, self.depth,
                tuple((item.step.pk, item.status, item.in_depth, bool(item.state.note)) for item in self.steps))

    @property
    def levels(self):
        return available_depths([item.step for item in self.steps])

    @property
    def depth_label(self):
        return Depth(self.depth).label if self.depth else ""

    @property
    def total(self):
        return len(self.depth_steps)

    @property
    def done(self):
        return sum(item.state.is_done for item in self.depth_steps)

    @property
    def percent(self):
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def total_minutes(self):
        return sum(item.step.minutes for item in self.depth_steps)

    @property
    def remaining_minutes(self):
        return sum(item.step.minutes for item in self.depth_steps if not item.state.is_done)

    @property
    def is_started(self):
        return any(item.state.is_started for item in self.steps)

    @property
    def is_finished(self):
        return self.total > 0 and self.done == self.total

    @property
    def attestation_url(self):
        name, args = ("parcours:attestation_depth", [self.depth]) if self.depth else ("parcours:attestation", [])
        return remembered_reverse(name, args=[self.parcours.slug, *args])

    @property
    def resume(self):
        """The first step of the depth neither terminée nor non concernée; None once all are."""
        return next((item for item in self.depth_steps if not item.state.is_done), None)

    @property
    def next_level(self):
        """(level, total minutes) of the level that follows this one, or None at the deepest level: what to
        propose once this one is finished."""
        levels = available_depths([item.step for item in self.steps])
        values = [level.value for level in levels]
        if self.depth not in values or values.index(self.depth) + 1 == len(values):
            return None
        level = levels[values.index(self.depth) + 1]
        return level, sum(item.step.minutes for item in self.steps if depth_includes(level.value, item.step))

    def next_open(self, step):
        """After closing ``step``: the next step of its sequence still to do (neither terminée nor non concernée),
        else the first one left anywhere before it; None once every step of the sequence is closed."""
        sequence = self.depth_steps if any(item.step.pk == step.pk for item in self.depth_steps) else self.steps
        index = next(i for i, item in enumerate(sequence) if item.step.pk == step.pk)
        later = [item for item in sequence[index + 1:] if not item.state.is_done]
        earlier = [item for item in sequence[:index] if not item.state.is_done]
        return (later or earlier or [None])[0]

    def neighbours(self, step):
        """(previous, next) steps of ``step`` within the depth, or within all steps when it lies beyond."""
        sequence = self.depth_steps if any(item.step.pk == step.pk for item in self.depth_steps) else self.steps
        index = next(i for i, item in enumerate(sequence) if item.step.pk == step.pk)
        previous = sequence[index - 1] if index > 0 else None
        following = sequence[index + 1] if index + 1 < len(sequence) else None
        return previous, following


def build_outline(parcours, steps, states, depth):
    """``steps`` in order; ``states`` {step id: StepState}; a step without state is « à faire »."""
    items = [
        OutlineStep(step=step, number=number, state=states.get(step.pk, NOT_STARTED), in_depth=depth_includes(depth, step))
        for number, step in enumerate(steps, start=1)
    ]
    return Outline(parcours=parcours, depth=depth, steps=items)


def depth_durations(steps):
    """[(level, minutes)] for each level of the parcours: what « 2 h / 4 h / 12 h » is computed from."""
    return [(level, sum(s.minutes for s in steps if depth_includes(level.value, s))) for level in available_depths(steps)]
