"""The school week the schedule solver works on: plain frozen dataclasses, no Django import.

The schedules app builds a `SchoolWeek` from its models; `solver.solve_week`, `greedy.greedy_schedule`
and `coverage.propose_coverage` read it and answer with `Block`s and plain results. Everything here is
shared by those modules (`solver.py` re-exports it all, so callers import from one place).

Rules every schedule keeps (checked by `blocks_problems`, enforced by the solver and the greedy):
- a para works only in their slots and not in a slot where they have a duty;
- a para is in one place per slot (a group of students sharing the para is one place);
- the para holds every qualification the requirement names;
- each day a para works, at least one slot inside their break window stays free (a slot they do not
  work counts as free; a duty does not);
- a para's scheduled minutes stay within their `max_minutes` for the week;
- a student is with one para, for one requirement, per slot;
- a minutes requirement gets at most `required + overshoot_cap` minutes (slots are indivisible, so a
  service of 100 minutes in 45-minute periods may get 135; never a whole slot more than needed).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class RequirementKind(StrEnum):
    ONE_TO_ONE = "one_to_one"
    SERVICE = "service"
    GROUP = "group"
    PUSH_IN = "push_in"


# Lower is more important: 1:1 and safety support first, then service minutes, then group support.
SAFETY, SERVICE, GROUP = 0, 1, 2
KIND_PRIORITY = {
    RequirementKind.ONE_TO_ONE: SAFETY,
    RequirementKind.SERVICE: SERVICE,
    RequirementKind.PUSH_IN: SERVICE,
    RequirementKind.GROUP: GROUP,
}


@dataclass(frozen=True)
class Slot:
    """One period of one day. Periods may differ per day (early release, block days)."""

    id: str
    day: int  # 0 = Monday .. 4 = Friday
    start_minute: int  # minutes since midnight, school time
    end_minute: int

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute


@dataclass(frozen=True)
class Para:
    """A para's week: the slots they work, their break window, what they are qualified for."""

    id: str
    slot_ids: frozenset[str]
    qualifications: frozenset[str] = frozenset()
    max_minutes: int | None = None  # most scheduled minutes in the week; None = no limit
    # Each day they work, at least one slot lying wholly inside [start, end) stays free.
    break_window: tuple[int, int] | None = None


@dataclass(frozen=True)
class Requirement:
    """Support one student needs each week.

    Fixed requirements (`fixed_slot_ids` set: a 1:1 student's every slot at school, a push-in at the
    teacher's periods) need an adult in each of those slots. Minutes requirements need
    `minutes_per_week` in any of `available_slot_ids` (None = any slot). Requirements with the same
    `group` may share one para in a slot, at most `group_size` students (the smallest size named by
    the group's members); a 1:1 requirement never shares.
    """

    id: str
    student_id: str
    kind: RequirementKind
    minutes_per_week: int = 0
    fixed_slot_ids: frozenset[str] = frozenset()
    available_slot_ids: frozenset[str] | None = None
    qualifications: frozenset[str] = frozenset()
    group: str = ""
    group_size: int = 1
    priority: int | None = None  # None = the kind's (KIND_PRIORITY); lower is more important

    @property
    def rank(self) -> int:
        return KIND_PRIORITY[self.kind] if self.priority is None else self.priority

    @property
    def is_fixed(self) -> bool:
        return bool(self.fixed_slot_ids)

    @property
    def place(self) -> str:
        """Where the para is: one place per slot. Sharing requirements share the group's place."""
        if self.group and self.kind != RequirementKind.ONE_TO_ONE:
            return f"group:{self.group}"
        return f"requirement:{self.id}"


@dataclass(frozen=True)
class Duty:
    """A non-student duty (arrival, bus, lunch, recess): the para is busy, and it is not a break."""

    para_id: str
    slot_id: str
    kind: str


@dataclass(frozen=True)
class SchoolWeek:
    slots: tuple[Slot, ...]
    paras: tuple[Para, ...]
    requirements: tuple[Requirement, ...]
    duties: tuple[Duty, ...] = ()
    # (para id, student id) pairs who already worked together: kept together when it costs nothing.
    familiar: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Block:
    """One para in one slot at one place: one requirement, or several sharing a group."""

    para_id: str
    slot_id: str
    requirement_ids: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    """Why support falls short, for the schedules app to translate. Codes and params:

    - `no_qualified_para`: {"qualifications": [...]} no para holds them all
    - `not_enough_qualified_time`: {"qualifications", "available_minutes", "required_minutes"}
      the qualified paras work only that many minutes in the requirement's slots
    - `breaks`: {"available_minutes", "required_minutes"} alone it would need paras' breaks; or
      {"para_ids": [...]} the qualified paras free then must keep that slot as their break
    - `no_available_para` (coverage only): {"para_ids": [...]} the qualified paras working then
      are all with students
    - `max_load`: {"para_ids": [...]} the qualified paras free then are at their weekly limit
    - `conflicts_with`: {"requirement_id", "para_id", "slot_ids"} the para is with that requirement
      in those slots (or, when para_id is the student's own, the student is)
    - `student_busy`: {"requirement_id", "slot_ids"} the student is with another requirement then
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Shortfall:
    requirement_id: str
    student_id: str
    minutes_short: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class RequirementCoverage:
    requirement_id: str
    required_minutes: int
    scheduled_minutes: int

    @property
    def uncovered_minutes(self) -> int:
        return max(0, self.required_minutes - self.scheduled_minutes)


@dataclass(frozen=True)
class ScheduleMeasures:
    """The four objective levels, measured on any set of blocks (solver's, greedy's, hand-made)."""

    uncovered_minutes: int
    uncovered_by_rank: Mapping[int, int]
    para_student_pairs: int  # distinct (para, student) pairs: fewer = more continuity
    familiar_pairs: int
    transitions: int
    load_spread: int  # max - min of paras' scheduled minutes


@dataclass(frozen=True)
class LevelResult:
    name: str
    value: int
    bound: int
    proven: bool
    seconds: float


@dataclass(frozen=True)
class Schedule:
    blocks: tuple[Block, ...]
    coverage: tuple[RequirementCoverage, ...]
    shortfalls: tuple[Shortfall, ...]
    measures: ScheduleMeasures
    method: str  # "cp_sat" or "greedy"
    levels: tuple[LevelResult, ...] = ()
    seconds: float = 0.0


class WeekIndex:
    """Lookups shared by the solver, the greedy, the explanations and coverage."""

    def __init__(self, week: SchoolWeek) -> None:
        self.week = week
        self.slots = {s.id: s for s in week.slots}
        self.paras = {p.id: p for p in week.paras}
        self.requirements = {r.id: r for r in week.requirements}
        self.duty_slots: dict[str, set[str]] = defaultdict(set)
        for duty in week.duties:
            self.duty_slots[duty.para_id].add(duty.slot_id)
        self.days = _slots_by_day(week.slots)

    def working_slots(self, para: Para) -> list[Slot]:
        """The slots the para may be scheduled in: worked, known, and not taken by a duty."""
        taken = self.duty_slots.get(para.id, set())
        ids = para.slot_ids - taken
        return [s for s in self.week.slots if s.id in ids]

    def eligible_slots(self, requirement: Requirement) -> list[Slot]:
        if requirement.is_fixed:
            ids: Collection[str] = requirement.fixed_slot_ids
        elif requirement.available_slot_ids is not None:
            ids = requirement.available_slot_ids
        else:
            return list(self.week.slots)
        return [s for s in self.week.slots if s.id in ids]

    def required_minutes(self, requirement: Requirement) -> int:
        if requirement.is_fixed:
            return sum(s.minutes for s in self.eligible_slots(requirement))
        return requirement.minutes_per_week

    def overshoot_cap(self, requirement: Requirement) -> int:
        """Minutes a minutes requirement may get past its need: less than one of its slots."""
        slots = self.eligible_slots(requirement)
        return 0 if requirement.is_fixed or not slots else max(s.minutes for s in slots) - 1

    def break_slots(self, para: Para, day: int) -> list[Slot]:
        if para.break_window is None:
            return []
        start, end = para.break_window
        return [s for s in self.days.get(day, []) if s.start_minute >= start and s.end_minute <= end]

    def break_needs_watching(self, para: Para, day: int) -> list[Slot]:
        """The window slots the para could lose to work; [] when the break cannot be lost that day.

        A day the para does not work needs no break, and a window slot they do not work is already a
        break. Duties in the window are busy too, so they are left out of what can stay free.
        """
        window = self.break_slots(para, day)
        if not window or not any(s.day == day for s in self.working_slots(para)):
            return []
        if any(s.id not in para.slot_ids for s in window):
            return []
        return [s for s in window if s.id not in self.duty_slots.get(para.id, set())]

    def qualified(self, para: Para, requirement: Requirement) -> bool:
        return requirement.qualifications <= para.qualifications

    def group_capacity(self, place: str) -> int:
        sizes = [r.group_size for r in self.week.requirements if r.place == place]
        return max(1, min(sizes)) if sizes else 1


def _slots_by_day(slots: Iterable[Slot]) -> dict[int, list[Slot]]:
    days: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[slot.day].append(slot)
    return {day: sorted(day_slots, key=lambda s: s.start_minute) for day, day_slots in days.items()}


def coverage_of(index: WeekIndex, blocks: Sequence[Block]) -> tuple[RequirementCoverage, ...]:
    scheduled: dict[str, int] = defaultdict(int)
    for block in blocks:
        for requirement_id in block.requirement_ids:
            scheduled[requirement_id] += index.slots[block.slot_id].minutes
    return tuple(
        RequirementCoverage(r.id, index.required_minutes(r), scheduled[r.id]) for r in index.week.requirements
    )


def measure(index: WeekIndex, blocks: Sequence[Block]) -> ScheduleMeasures:
    """The objective's four levels for these blocks (used to compare solver and greedy)."""
    by_rank: dict[int, int] = defaultdict(int)
    for item in coverage_of(index, blocks):
        by_rank[index.requirements[item.requirement_id].rank] += item.uncovered_minutes
    pairs = {(b.para_id, index.requirements[r].student_id) for b in blocks for r in b.requirement_ids}
    loads = para_loads(index, blocks)
    return ScheduleMeasures(
        uncovered_minutes=sum(by_rank.values()),
        uncovered_by_rank=dict(sorted(by_rank.items())),
        para_student_pairs=len(pairs),
        familiar_pairs=len(pairs & index.week.familiar),
        transitions=transitions(index, blocks),
        load_spread=(max(loads.values()) - min(loads.values())) if loads else 0,
    )


def para_loads(index: WeekIndex, blocks: Iterable[Block]) -> dict[str, int]:
    loads = {p.id: 0 for p in index.week.paras}
    for block in blocks:
        loads[block.para_id] += index.slots[block.slot_id].minutes
    return loads


def place_of(index: WeekIndex, block: Block) -> str:
    return index.requirements[block.requirement_ids[0]].place


def transitions(index: WeekIndex, blocks: Iterable[Block]) -> int:
    """Times a para goes straight from one place to another between consecutive periods of a day."""
    where = {(b.para_id, b.slot_id): place_of(index, b) for b in blocks}
    count = 0
    for para in index.week.paras:
        for earlier, later in consecutive_pairs(index):
            first, then = where.get((para.id, earlier.id)), where.get((para.id, later.id))
            count += first is not None and then is not None and first != then
    return count


def consecutive_pairs(index: WeekIndex) -> list[tuple[Slot, Slot]]:
    return [(a, b) for day in index.days.values() for a, b in itertools.pairwise(day)]
