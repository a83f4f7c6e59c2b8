"""The schedule a person would build by hand: the baseline the solver is measured against.

Requirements in priority order (1:1 and safety, services, groups); for each slot the requirement can
use, in week order, the first qualified para who is free, keeps their break and stays within their
weekly limit (or a para already running that requirement's group with room). Minutes requirements
stop once their minutes are met. Keeps every hard rule of `week.py`; it only lacks foresight.

`greedy_blocks(index, placed)` can also complete a partial schedule (the solver's optimal 1:1 blocks):
the placed blocks stay, and the requirements get only what they still lack.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

from paradesk.schedules.planning.explain import schedule_from_blocks
from paradesk.schedules.planning.week import Block, Para, Requirement, Schedule, SchoolWeek, Slot, WeekIndex


class _Board:
    """Who is where so far."""

    def __init__(self, index: WeekIndex, keep_pairs: bool = False) -> None:
        self.index = index
        self.keep_pairs = keep_pairs
        self.pairs: set[tuple[str, str]] = set(index.week.familiar)
        self.at: dict[tuple[str, str], list[str]] = defaultdict(list)  # (para, slot) -> requirements
        self.student_busy: set[tuple[str, str]] = set()
        self.load: dict[str, int] = defaultdict(int)
        self.working = {p.id: {s.id for s in index.working_slots(p)} for p in index.week.paras}

    def can_take(self, para: Para, requirement: Requirement, slot: Slot) -> bool:
        if slot.id not in self.working[para.id] or not self.index.qualified(para, requirement):
            return False
        here = self.at.get((para.id, slot.id))
        if here:
            same_place = self.index.requirements[here[0]].place == requirement.place
            return same_place and len(here) < self.index.group_capacity(requirement.place)
        within_load = para.max_minutes is None or self.load[para.id] + slot.minutes <= para.max_minutes
        return within_load and self._break_kept(para, slot)

    def _break_kept(self, para: Para, slot: Slot) -> bool:
        window = self.index.break_needs_watching(para, slot.day)
        if not window or slot not in window:
            return True
        free = [s for s in window if s.id != slot.id and (para.id, s.id) not in self.at]
        return bool(free)

    def place(self, para: Para, requirement: Requirement, slot: Slot) -> None:
        if (para.id, slot.id) not in self.at:
            self.load[para.id] += slot.minutes
        self.at[(para.id, slot.id)].append(requirement.id)
        self.student_busy.add((requirement.student_id, slot.id))
        self.pairs.add((para.id, requirement.student_id))

    def first_para(self, requirement: Requirement, slot: Slot) -> Para | None:
        paras = self.index.week.paras
        joining = [p for p in paras if self.at.get((p.id, slot.id)) and self.can_take(p, requirement, slot)]
        if joining:
            return joining[0]
        free = [p for p in paras if self.can_take(p, requirement, slot)]
        if self.keep_pairs:
            free.sort(key=lambda p: (p.id, requirement.student_id) not in self.pairs)
        return free[0] if free else None


def greedy_blocks(
    index: WeekIndex, placed: Sequence[Block] = (), keep_pairs: bool = False
) -> tuple[Block, ...]:
    """`keep_pairs` (the solver's completion, not the by-hand baseline) prefers a free para who
    already knows the student or is already with them this week."""
    board = _Board(index, keep_pairs)
    got: dict[str, int] = defaultdict(int)
    for block in placed:
        for requirement_id in block.requirement_ids:
            board.place(
                index.paras[block.para_id], index.requirements[requirement_id], index.slots[block.slot_id]
            )
            got[requirement_id] += index.slots[block.slot_id].minutes
    ordered = sorted(index.week.requirements, key=lambda r: (r.rank, not r.is_fixed, r.id))
    for requirement in ordered:
        needed = index.required_minutes(requirement) - got[requirement.id]
        for slot in index.eligible_slots(requirement):
            if needed <= 0 and not requirement.is_fixed:
                break
            if (requirement.student_id, slot.id) in board.student_busy:
                continue
            para = board.first_para(requirement, slot)
            if para is not None:
                board.place(para, requirement, slot)
                needed -= slot.minutes
    return tuple(Block(p, s, tuple(sorted(rs))) for (p, s), rs in sorted(board.at.items()))


def greedy_schedule(week: SchoolWeek) -> Schedule:
    started = time.perf_counter()
    index = WeekIndex(week)
    blocks = greedy_blocks(index)
    return schedule_from_blocks(index, blocks, "greedy", (), time.perf_counter() - started)
