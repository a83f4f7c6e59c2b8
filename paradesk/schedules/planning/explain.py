"""Why a requirement falls short: a capacity analysis per requirement, then the schedule's conflicts.

For each requirement with uncovered minutes, in this order (the first that applies decides):
1. `no_qualified_para`: no para holds all its qualifications;
2. `not_enough_qualified_time`: the qualified paras work fewer minutes in its slots than it needs,
   even with nobody else to serve;
3. `breaks`: alone it would fit, but only by taking paras' breaks (a small CP-SAT check);
4. otherwise the schedule's own competition, per slot it is short in: `conflicts_with` (the
   qualified para is with another requirement), `student_busy` (the student is with another of
   their requirements), `breaks`, `max_load` (a free qualified para would lose their break or pass
   their weekly limit).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from paradesk.schedules.planning.week import (
    Block,
    LevelResult,
    Para,
    Reason,
    Requirement,
    Schedule,
    Shortfall,
    Slot,
    WeekIndex,
    coverage_of,
    measure,
)

MOST_CONFLICTS = 5  # named per requirement; the rest add nothing a person can act on


def schedule_from_blocks(
    index: WeekIndex, blocks: Sequence[Block], method: str, levels: tuple[LevelResult, ...], seconds: float
) -> Schedule:
    return Schedule(
        blocks=tuple(blocks),
        coverage=coverage_of(index, blocks),
        shortfalls=explain_shortfalls(index, blocks),
        measures=measure(index, blocks),
        method=method,
        levels=levels,
        seconds=seconds,
    )


def explain_shortfalls(index: WeekIndex, blocks: Sequence[Block]) -> tuple[Shortfall, ...]:
    shortfalls = []
    for item in coverage_of(index, blocks):
        if item.uncovered_minutes:
            requirement = index.requirements[item.requirement_id]
            reasons = _reasons(index, blocks, requirement)
            shortfalls.append(
                Shortfall(requirement.id, requirement.student_id, item.uncovered_minutes, reasons)
            )
    return tuple(shortfalls)


def _reasons(index: WeekIndex, blocks: Sequence[Block], requirement: Requirement) -> tuple[Reason, ...]:
    qualified = [p for p in index.week.paras if index.qualified(p, requirement)]
    if not qualified:
        return (_no_qualified_para(index, requirement),)
    required = index.required_minutes(requirement)
    slots = index.eligible_slots(requirement)
    available = _qualified_minutes(index, qualified, slots)
    if available < required:
        params = {
            "qualifications": sorted(requirement.qualifications),
            "available_minutes": available,
            "required_minutes": required,
        }
        return (Reason("not_enough_qualified_time", params),)
    with_breaks = _alone_with_breaks(index, qualified, requirement, slots)
    if with_breaks < required:
        params = {"available_minutes": with_breaks, "required_minutes": required}
        return (Reason("breaks", params),)
    return _competition(index, blocks, requirement, qualified)


def _no_qualified_para(index: WeekIndex, requirement: Requirement) -> Reason:
    held = set().union(*(p.qualifications for p in index.week.paras))
    missing = requirement.qualifications - held
    # When each is held by someone but nobody holds them all, name them all.
    return Reason("no_qualified_para", {"qualifications": sorted(missing or requirement.qualifications)})


def _qualified_minutes(index: WeekIndex, qualified: list[Para], slots: list[Slot]) -> int:
    worked = {s.id for p in qualified for s in index.working_slots(p)}
    return sum(s.minutes for s in slots if s.id in worked)


def _alone_with_breaks(
    index: WeekIndex, qualified: list[Para], requirement: Requirement, slots: list[Slot]
) -> int:
    """Most minutes the requirement could get with every qualified para free but keeping breaks."""
    model = cp_model.CpModel()
    wanted = {s.id for s in slots}
    take: dict[tuple[str, str], cp_model.IntVar] = {}
    for para in qualified:
        for slot in index.working_slots(para):
            if slot.id in wanted:
                take[(para.id, slot.id)] = model.new_bool_var(f"{para.id}@{slot.id}")
    for slot in slots:
        model.add_at_most_one(v for (_p, s), v in take.items() if s == slot.id)
    for para in qualified:
        for day in index.days:
            window = index.break_needs_watching(para, day)
            used = [take[(para.id, s.id)] for s in window if (para.id, s.id) in take]
            if window and len(used) == len(window):
                model.add(sum(used) <= len(window) - 1)
    required = index.required_minutes(requirement)
    got = model.new_int_var(0, required, "got")
    model.add(got <= sum(index.slots[s].minutes * v for (_p, s), v in take.items()))
    model.maximize(got)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 1.0
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    # Without a proof within the second, assume breaks are not the reason (the caller then looks
    # at the schedule's competition, which still names what is in the way).
    return round(solver.best_objective_bound) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else required


def _competition(
    index: WeekIndex, blocks: Sequence[Block], requirement: Requirement, qualified: list[Para]
) -> tuple[Reason, ...]:
    at = {(b.para_id, b.slot_id): b for b in blocks}
    student_at = {(index.requirements[r].student_id, b.slot_id): r for b in blocks for r in b.requirement_ids}
    served = {b.slot_id for b in blocks if requirement.id in b.requirement_ids}
    conflicts: dict[tuple[str, str], list[str]] = defaultdict(list)
    student_busy: dict[str, list[str]] = defaultdict(list)
    kept_break: set[str] = set()
    at_limit: set[str] = set()
    loads: dict[str, int] = defaultdict(int)
    for block in blocks:
        loads[block.para_id] += index.slots[block.slot_id].minutes
    for slot in index.eligible_slots(requirement):
        if slot.id in served:
            continue
        other = student_at.get((requirement.student_id, slot.id))
        if other is not None:
            student_busy[other].append(slot.id)
            continue
        for para in qualified:
            if slot not in index.working_slots(para):
                continue
            busy_with = at.get((para.id, slot.id))
            if busy_with is not None:
                conflicts[(busy_with.requirement_ids[0], para.id)].append(slot.id)
            elif para.max_minutes is not None and loads[para.id] + slot.minutes > para.max_minutes:
                at_limit.add(para.id)
            else:
                kept_break.add(para.id)
    return _competition_reasons(conflicts, student_busy, kept_break, at_limit)


def _competition_reasons(
    conflicts: dict[tuple[str, str], list[str]],
    student_busy: dict[str, list[str]],
    kept_break: set[str],
    at_limit: set[str],
) -> tuple[Reason, ...]:
    reasons = [
        Reason("student_busy", {"requirement_id": other, "slot_ids": slots})
        for other, slots in sorted(student_busy.items())
    ]
    biggest = sorted(conflicts.items(), key=lambda item: (-len(item[1]), item[0]))[:MOST_CONFLICTS]
    reasons += [
        Reason("conflicts_with", {"requirement_id": other, "para_id": para_id, "slot_ids": slots})
        for (other, para_id), slots in biggest
    ]
    if kept_break:
        reasons.append(Reason("breaks", {"para_ids": sorted(kept_break)}))
    if at_limit:
        reasons.append(Reason("max_load", {"para_ids": sorted(at_limit)}))
    return tuple(reasons)
