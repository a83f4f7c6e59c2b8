"""Cover an absent para's blocks for one day: who takes which block, and what stays uncovered.

`propose_coverage` takes the schedule in force (the week's blocks; a day's blocks also work, then a
para's weekly limit is checked against that day only), the absent para, the day and the absent slots.
A block can go to a para who works that slot and is free, or who is on a duty then (the duty is then
listed as uncovered); never to a para already with students, never to an unqualified para, and never
so that a para loses their break or passes their weekly limit. A group block moves whole.

The choice is one small CP-SAT model (a day has at most a few blocks and 40 paras), minimizing, in
this order, with weights provably large enough (each level's weight exceeds the largest possible
total of all later levels, computed from their upper bounds):
1. uncovered minutes per priority rank, most important first (1:1 and safety, services, groups);
2. duties dropped to cover a block;
3. blocks given to a para who does not know the block's students (`SchoolWeek.familiar`);
4. distinct covering paras per student (the same para across the day);
5. fairness: the heaviest week load among covering paras, coverage included.
If the solver returns nothing within its time limit a greedy pass (blocks by priority, best candidate
by the same order) answers instead; `CoverageProposal.method` says which.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from paradesk.schedules.planning.week import (
    Block,
    Duty,
    Para,
    Reason,
    SchoolWeek,
    Slot,
    WeekIndex,
    para_loads,
)


@dataclass(frozen=True)
class Reassignment:
    slot_id: str
    requirement_ids: tuple[str, ...]
    student_ids: tuple[str, ...]
    rank: int
    from_para_id: str
    to_para_id: str
    knows_student: bool
    dropped_duty: Duty | None  # the covering para's duty in that slot, now uncovered


@dataclass(frozen=True)
class UncoveredBlock:
    slot_id: str
    requirement_ids: tuple[str, ...]
    student_ids: tuple[str, ...]
    rank: int
    reason: Reason  # no_qualified_para | no_available_para | breaks | max_load


@dataclass(frozen=True)
class CoverageProposal:
    reassignments: tuple[Reassignment, ...]  # most important first, then by time
    uncovered_blocks: tuple[UncoveredBlock, ...]
    uncovered_duties: tuple[Duty, ...]  # the absent para's duties, and those dropped to cover
    method: str  # "cp_sat" or "greedy"
    seconds: float


@dataclass(frozen=True)
class _Open:
    block: Block
    slot: Slot
    rank: int
    students: tuple[str, ...]


@dataclass(frozen=True)
class _Option:
    open: _Open
    para: Para
    duty: Duty | None
    knows: bool


class _Situation:
    """The day as it stands without the absent para: who is free, on duty, their loads and breaks."""

    def __init__(self, index: WeekIndex, blocks: Sequence[Block], absent_para_id: str) -> None:
        self.index = index
        self.taken = {(b.para_id, b.slot_id) for b in blocks if b.para_id != absent_para_id}
        self.duty_at = {(d.para_id, d.slot_id): d for d in index.week.duties}
        self.loads = para_loads(index, (b for b in blocks if b.para_id != absent_para_id))
        self.absent_para_id = absent_para_id

    def options(self, open_block: _Open) -> list[_Option]:
        requirements = [self.index.requirements[r] for r in open_block.block.requirement_ids]
        found = []
        for para in self.index.week.paras:
            if para.id == self.absent_para_id or open_block.slot.id not in para.slot_ids:
                continue
            if (para.id, open_block.slot.id) in self.taken:
                continue
            if not all(self.index.qualified(para, r) for r in requirements):
                continue
            knows = any((para.id, s) in self.index.week.familiar for s in open_block.students)
            found.append(_Option(open_block, para, self.duty_at.get((para.id, open_block.slot.id)), knows))
        return found

    def free_window(self, para: Para, day: int) -> list[Slot] | None:
        """Window slots still free for the para that day; None when their break cannot be lost."""
        window = self.index.break_slots(para, day)
        if not window or any(s.id not in para.slot_ids for s in window):
            return None
        return [
            s for s in window if (para.id, s.id) not in self.taken and (para.id, s.id) not in self.duty_at
        ]


def propose_coverage(
    week: SchoolWeek,
    blocks: Sequence[Block],
    absent_para_id: str,
    day: int,
    absent_slot_ids: Collection[str] | None = None,
    *,
    time_limit: float = 0.5,
    workers: int = 2,
    use_solver: bool = True,
) -> CoverageProposal:
    """Reassignments of the absent para's blocks that day, most important first, and what stays open."""
    started = time.perf_counter()
    index = WeekIndex(week)
    absent = index.paras[absent_para_id]
    slot_ids = set(absent_slot_ids) if absent_slot_ids is not None else set(absent.slot_ids)
    day_slots = {s.id for s in index.days.get(day, []) if s.id in slot_ids}
    opens = _open_blocks(index, blocks, absent_para_id, day_slots)
    situation = _Situation(index, blocks, absent_para_id)
    options = [option for open_block in opens for option in situation.options(open_block)]
    chosen = _solve(situation, opens, options, day, time_limit, workers) if use_solver else None
    method = "cp_sat"
    if chosen is None:
        chosen, method = _greedy(situation, opens, options, day), "greedy"
    absent_duties = [d for d in week.duties if d.para_id == absent_para_id and d.slot_id in day_slots]
    return _proposal(situation, opens, options, chosen, absent_duties, method, time.perf_counter() - started)


def _open_blocks(index: WeekIndex, blocks: Sequence[Block], para_id: str, slot_ids: set[str]) -> list[_Open]:
    opens = []
    for block in blocks:
        if block.para_id == para_id and block.slot_id in slot_ids:
            requirements = [index.requirements[r] for r in block.requirement_ids]
            students = tuple(sorted({r.student_id for r in requirements}))
            rank = min(r.rank for r in requirements)
            opens.append(_Open(block, index.slots[block.slot_id], rank, students))
    return sorted(opens, key=lambda o: (o.rank, o.slot.start_minute))


def _lexicographic(bounds: list[int]) -> list[int]:
    """Weights, most important level first, each larger than all later levels can ever add up to."""
    weights = [0] * len(bounds)
    total_after = 0
    for position in range(len(bounds) - 1, -1, -1):
        weights[position] = total_after + 1
        total_after += weights[position] * bounds[position]
    return weights


def _solve(
    situation: _Situation, opens: list[_Open], options: list[_Option], day: int, limit: float, workers: int
) -> list[_Option] | None:
    if not opens:
        return []
    model = cp_model.CpModel()
    use = [model.new_bool_var(f"use{i}") for i in range(len(options))]
    covered = _add_rules(situation, model, options, use, opens, day)
    objective = _objective(situation, model, opens, options, use, covered)
    model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = workers
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [option for option, var in zip(options, use, strict=True) if solver.value(var)]


def _add_rules(
    situation: _Situation,
    model: cp_model.CpModel,
    options: list[_Option],
    use: list[cp_model.IntVar],
    opens: list[_Open],
    day: int,
) -> dict[_Open, cp_model.LinearExprT]:
    by_block: dict[_Open, list[cp_model.IntVar]] = defaultdict(list)
    by_para_slot: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
    by_para: dict[str, list[tuple[_Option, cp_model.IntVar]]] = defaultdict(list)
    for option, var in zip(options, use, strict=True):
        by_block[option.open].append(var)
        by_para_slot[(option.para.id, option.open.slot.id)].append(var)
        by_para[option.para.id].append((option, var))
    for together in [*by_block.values(), *by_para_slot.values()]:
        model.add_at_most_one(together)
    for para_id, chosen in by_para.items():
        para = situation.index.paras[para_id]
        extra = sum(o.open.slot.minutes * v for o, v in chosen)
        if para.max_minutes is not None:
            model.add(situation.loads[para_id] + extra <= para.max_minutes)
        free = situation.free_window(para, day)
        if free is not None:
            taking = [v for o, v in chosen if o.open.slot in free]
            if free and taking:
                model.add(sum(taking) <= len(free) - 1)
    return {o: sum(by_block[o]) for o in opens}


def _objective(
    situation: _Situation,
    model: cp_model.CpModel,
    opens: list[_Open],
    options: list[_Option],
    use: list[cp_model.IntVar],
    covered: dict[_Open, cp_model.LinearExprT],
) -> cp_model.LinearExprT:
    ranks = sorted({o.rank for o in opens})
    terms: list[tuple[cp_model.LinearExprT, int]] = []
    for rank in ranks:
        in_rank = [o for o in opens if o.rank == rank]
        terms.append(
            (sum(o.slot.minutes * (1 - covered[o]) for o in in_rank), sum(o.slot.minutes for o in in_rank))
        )
    terms.append((sum(v for o, v in zip(options, use, strict=True) if o.duty), len(opens)))
    terms.append((sum(v for o, v in zip(options, use, strict=True) if not o.knows), len(opens)))
    terms.append(_distinct_paras(model, options, use, opens))
    terms.append(_heaviest_load(situation, model, options, use))
    weights = _lexicographic([bound for _term, bound in terms])
    return sum(weight * term for weight, (term, _bound) in zip(weights, terms, strict=True))


def _distinct_paras(
    model: cp_model.CpModel, options: list[_Option], use: list[cp_model.IntVar], opens: list[_Open]
) -> tuple[cp_model.LinearExprT, int]:
    pairs: dict[tuple[str, str], cp_model.IntVar] = {}
    for option, var in zip(options, use, strict=True):
        for student in option.open.students:
            key = (option.para.id, student)
            if key not in pairs:
                pairs[key] = model.new_bool_var(f"pair{len(pairs)}")
            model.add_implication(var, pairs[key])
    return sum(pairs.values()), sum(len(o.students) for o in opens)


def _heaviest_load(
    situation: _Situation, model: cp_model.CpModel, options: list[_Option], use: list[cp_model.IntVar]
) -> tuple[cp_model.LinearExprT, int]:
    bound = max(situation.loads.values(), default=0) + sum(s.minutes for s in situation.index.week.slots)
    heaviest = model.new_int_var(0, bound, "heaviest")
    by_para: dict[str, list[tuple[_Option, cp_model.IntVar]]] = defaultdict(list)
    for option, var in zip(options, use, strict=True):
        by_para[option.para.id].append((option, var))
    for para_id, chosen in by_para.items():
        extra = sum(o.open.slot.minutes * v for o, v in chosen)
        for _option, var in chosen:
            model.add(heaviest >= situation.loads[para_id] * var + extra)
    return heaviest, bound


def _greedy(situation: _Situation, opens: list[_Open], options: list[_Option], day: int) -> list[_Option]:
    chosen: list[_Option] = []
    extra: dict[str, int] = defaultdict(int)
    for open_block in opens:
        fitting = [
            o for o in options if o.open == open_block and _still_fits(situation, o, chosen, extra, day)
        ]
        if fitting:
            best = min(fitting, key=lambda o: (o.duty is not None, not o.knows, situation.loads[o.para.id]))
            chosen.append(best)
            extra[best.para.id] += open_block.slot.minutes
    return chosen


def _still_fits(
    situation: _Situation, option: _Option, chosen: list[_Option], extra: dict[str, int], day: int
) -> bool:
    para = option.para
    if any(c.para.id == para.id and c.open.slot == option.open.slot for c in chosen):
        return False
    load = situation.loads[para.id] + extra[para.id] + option.open.slot.minutes
    if para.max_minutes is not None and load > para.max_minutes:
        return False
    free = situation.free_window(para, day)
    if free is None or option.open.slot not in free:
        return True
    taken = {c.open.slot.id for c in chosen if c.para.id == para.id} | {option.open.slot.id}
    return any(s.id not in taken for s in free)


def _proposal(
    situation: _Situation,
    opens: list[_Open],
    options: list[_Option],
    chosen: list[_Option],
    absent_duties: list[Duty],
    method: str,
    seconds: float,
) -> CoverageProposal:
    by_open = {c.open: c for c in chosen}
    reassignments = tuple(
        Reassignment(
            o.slot.id,
            o.block.requirement_ids,
            o.students,
            o.rank,
            o.block.para_id,
            by_open[o].para.id,
            by_open[o].knows,
            by_open[o].duty,
        )
        for o in opens
        if o in by_open
    )
    uncovered = tuple(
        UncoveredBlock(
            o.slot.id, o.block.requirement_ids, o.students, o.rank, _why_uncovered(situation, o, options)
        )
        for o in opens
        if o not in by_open
    )
    dropped = [c.duty for c in chosen if c.duty is not None]
    return CoverageProposal(reassignments, uncovered, (*absent_duties, *dropped), method, seconds)


def _why_uncovered(situation: _Situation, open_block: _Open, options: list[_Option]) -> Reason:
    index = situation.index
    requirements = [index.requirements[r] for r in open_block.block.requirement_ids]
    qualified = [p for p in index.week.paras if all(index.qualified(p, r) for r in requirements)]
    qualified = [p for p in qualified if p.id != situation.absent_para_id]
    if not qualified:
        needed = sorted(set().union(*(r.qualifications for r in requirements)))
        return Reason("no_qualified_para", {"qualifications": needed})
    mine = [o for o in options if o.open == open_block]
    if not mine:
        working = [p.id for p in qualified if open_block.slot.id in p.slot_ids]
        return Reason("no_available_para", {"para_ids": working})
    at_limit = [o.para.id for o in mine if _over_limit(situation, o)]
    if at_limit and len(at_limit) == len(mine):
        return Reason("max_load", {"para_ids": sorted(at_limit)})
    return Reason("breaks", {"para_ids": sorted(o.para.id for o in mine)})


def _over_limit(situation: _Situation, option: _Option) -> bool:
    limit = option.para.max_minutes
    return limit is not None and situation.loads[option.para.id] + option.open.slot.minutes > limit
