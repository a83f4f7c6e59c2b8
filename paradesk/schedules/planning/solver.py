"""Build a week's para schedule with OR-Tools CP-SAT: plain data in, plain data out, no Django import.

`solve_week(week)` answers a `Schedule`: the blocks (one para, one slot, one place), each requirement's
scheduled minutes, and, for every requirement that falls short, how many minutes and why
(`explain.explain_shortfalls`). The dataclasses live in `week.py`; this module re-exports them, the
greedy baseline (`greedy_schedule`) and coverage (`propose_coverage`), so callers import from here.

Model: one boolean per (para, requirement, slot) where the para works the slot, holds the
requirement's qualifications and the requirement may be served then; one boolean per (para, group,
slot) for groups sharing the para. Hard rules are those listed in `week.py`.

Objective, lexicographic, by successive solves (not weights): each level is minimized with the levels
before it fixed at the value found (== when proven optimal, <= when the time ran out), and the next
solve starts from the previous solution as a hint, so a level can never be traded for a later one:
1. uncovered required minutes, one level per priority rank (1:1 and safety, then services and
   push-ins, then groups; `Requirement.priority` may set other ranks), most important first; each
   of these solves also minimizes the less important ranks' uncovered minutes below its own, with a
   weight provably large enough (its rank's weight is their largest possible total + 1), so a
   rank's solve never drops lower-rank minutes it could keep when its time runs out;
2. continuity: distinct (para, student) pairs, each costing 3, or 2 when the para already knows the
   student (`SchoolWeek.familiar`), so the same para stays with a student across the week;
3. transitions: a para going straight from one place to another between consecutive periods;
4. balance: the spread (max - min) of paras' scheduled minutes.
Successive solves were chosen over weights because weights large enough to be lexicographic reach
about 10^12 on a 120-student school, which weakens CP-SAT's linear relaxation; each level here keeps
small coefficients. The time limit is shared between levels (earlier levels get more), and a level
that is not proven optimal reports its bound, so the caller sees the gap.

The most important rank is not solved on the full model: a model of that rank's requirements alone
(the 1:1 students: a seventh of the booleans) gives a lower bound valid for the whole week and a
schedule reaching it, which the greedy completes around (`_solve_top_rank`). On the 40-para benchmark
this proves the 1:1 level in 2-8 s where the full model found no bound in 60 s.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from paradesk.schedules.coverage.proposal import (
    CoverageProposal,
    Reassignment,
    UncoveredBlock,
    propose_coverage,
)
from paradesk.schedules.planning.explain import schedule_from_blocks
from paradesk.schedules.planning.greedy import greedy_blocks, greedy_schedule
from paradesk.schedules.planning.week import (
    GROUP,
    KIND_PRIORITY,
    SAFETY,
    SERVICE,
    Block,
    Duty,
    LevelResult,
    Para,
    Reason,
    Requirement,
    RequirementCoverage,
    RequirementKind,
    Schedule,
    ScheduleMeasures,
    SchoolWeek,
    Shortfall,
    Slot,
    WeekIndex,
    consecutive_pairs,
    coverage_of,
    measure,
    para_loads,
)

__all__ = [
    "GROUP",
    "KIND_PRIORITY",
    "SAFETY",
    "SERVICE",
    "Block",
    "CoverageProposal",
    "Duty",
    "LevelResult",
    "Para",
    "Reason",
    "Reassignment",
    "Requirement",
    "RequirementCoverage",
    "RequirementKind",
    "Schedule",
    "ScheduleMeasures",
    "SchoolWeek",
    "Shortfall",
    "Slot",
    "UncoveredBlock",
    "greedy_schedule",
    "propose_coverage",
    "solve_week",
]

NEW_PAIR_COST, FAMILIAR_PAIR_COST = 3, 2
# Share of the remaining time each kind of level gets (uncovered minutes matter most).
LEVEL_WEIGHT = {"uncovered": 4, "continuity": 2, "transitions": 2, "balance": 1}

Progress = Callable[[str, float, int], None]  # (level name, seconds since start, objective value)


@dataclass
class _Level:
    name: str
    objective: Callable[[], cp_model.LinearExprT]  # adds the level's variables when first asked
    weight: int
    # Uncovered minutes of the less important ranks, with their largest possible total: minimized
    # below the level's own objective (weight total + 1) so a level never gives them up for nothing.
    after: Callable[[], cp_model.LinearExprT] | None = None
    after_bound: int = 0


class WeekModel:
    """The CP-SAT model of one school week, with the expressions each objective level minimizes."""

    def __init__(self, index: WeekIndex) -> None:
        self.index = index
        self.model = cp_model.CpModel()
        self.x: dict[tuple[str, str, str], cp_model.IntVar] = {}  # (para, requirement, slot)
        self.y: dict[tuple[str, str, str], cp_model.IntVar] = {}  # (para, place, slot)
        self.busy: dict[tuple[str, str], cp_model.IntVar] = {}  # (para, slot)
        self.shortage: dict[str, cp_model.LinearExprT] = {}  # requirement -> uncovered minutes
        self.short: dict[str, cp_model.IntVar] = {}  # minutes requirements' shortage variables
        self.pairs: dict[tuple[str, str], cp_model.IntVar] = {}  # (para, student) ever together
        self.moves: dict[tuple[str, str], cp_model.IntVar] = {}  # (para, later slot) moved place
        self.spread: tuple[cp_model.IntVar, cp_model.IntVar] | None = None  # most, least load
        self._add_assignments()
        self._add_places()
        self._add_rules()
        self._add_shortages()
        self.earlier = {later.id: earlier.id for earlier, later in consecutive_pairs(index)}

    def _add_assignments(self) -> None:
        working = {p.id: {s.id for s in self.index.working_slots(p)} for p in self.index.week.paras}
        for requirement in self.index.week.requirements:
            paras = [p for p in self.index.week.paras if self.index.qualified(p, requirement)]
            for slot in self.index.eligible_slots(requirement):
                for para in paras:
                    if slot.id in working[para.id]:
                        key = (para.id, requirement.id, slot.id)
                        self.x[key] = self.model.new_bool_var(f"x{len(self.x)}")

    def _add_places(self) -> None:
        members: dict[tuple[str, str, str], list[cp_model.IntVar]] = defaultdict(list)
        for (para_id, requirement_id, slot_id), var in self.x.items():
            place = self.index.requirements[requirement_id].place
            members[(para_id, place, slot_id)].append(var)
        for key, assigned in members.items():
            if not key[1].startswith("group:"):
                self.y[key] = assigned[0]
                continue
            there = self.model.new_bool_var(f"y{len(self.y)}")
            self.model.add(sum(assigned) <= self.index.group_capacity(key[1]) * there)
            self.model.add(sum(assigned) >= there)
            self.y[key] = there

    def _add_rules(self) -> None:
        places: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for (para_id, _place, slot_id), var in self.y.items():
            places[(para_id, slot_id)].append(var)
        for key, at in places.items():
            self.busy[key] = self.model.new_bool_var(f"b{len(self.busy)}")
            self.model.add(sum(at) == self.busy[key])
        student_slot: dict[tuple[str, str], list[cp_model.IntVar]] = defaultdict(list)
        for (_para_id, requirement_id, slot_id), var in self.x.items():
            student_slot[(self.index.requirements[requirement_id].student_id, slot_id)].append(var)
        for together in student_slot.values():
            self.model.add_at_most_one(together)
        self._add_breaks_and_loads()

    def _add_breaks_and_loads(self) -> None:
        for para in self.index.week.paras:
            for day in self.index.days:
                window = self.index.break_needs_watching(para, day)
                busy = [self.busy[(para.id, s.id)] for s in window if (para.id, s.id) in self.busy]
                # A window slot with no possible work is a break that cannot be lost.
                if window and len(busy) == len(window):
                    self.model.add(sum(busy) <= len(window) - 1)
            if para.max_minutes is not None:
                self.model.add(self.load(para.id) <= para.max_minutes)

    def load(self, para_id: str) -> cp_model.LinearExprT:
        return sum(
            self.index.slots[slot_id].minutes * var for (p, slot_id), var in self.busy.items() if p == para_id
        )

    def _add_shortages(self) -> None:
        served: dict[str, list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        for (_para_id, requirement_id, slot_id), var in self.x.items():
            served[requirement_id].append((slot_id, var))
        for requirement in self.index.week.requirements:
            minutes = sum(self.index.slots[s].minutes * v for s, v in served[requirement.id])
            required = self.index.required_minutes(requirement)
            if requirement.is_fixed:
                self.shortage[requirement.id] = required - minutes
                continue
            self.model.add(minutes <= required + self.index.overshoot_cap(requirement))
            short = self.model.new_int_var(0, required, f"short_{requirement.id}")
            self.model.add(short >= required - minutes)
            self.shortage[requirement.id] = short
            self.short[requirement.id] = short

    def levels(self) -> list[_Level]:
        ranks = sorted({r.rank for r in self.index.week.requirements})
        levels = [
            _Level(
                f"uncovered_rank_{rank}",
                self._uncovered([rank]),
                LEVEL_WEIGHT["uncovered"],
                self._uncovered([r for r in ranks if r > rank]),
                sum(self.index.required_minutes(r) for r in self.index.week.requirements if r.rank > rank),
            )
            for rank in ranks
        ]
        levels.append(_Level("continuity", self._continuity, LEVEL_WEIGHT["continuity"]))
        levels.append(_Level("transitions", self._transitions, LEVEL_WEIGHT["transitions"]))
        levels.append(_Level("balance", self._balance, LEVEL_WEIGHT["balance"]))
        return levels

    def _uncovered(self, ranks: list[int]) -> Callable[[], cp_model.LinearExprT]:
        ids = [r.id for r in self.index.week.requirements if r.rank in ranks]
        return lambda: sum(self.shortage[i] for i in ids)

    def _continuity(self) -> cp_model.LinearExprT:
        together = self.pairs
        for (para_id, requirement_id, _slot_id), var in self.x.items():
            pair = (para_id, self.index.requirements[requirement_id].student_id)
            if pair not in together:
                together[pair] = self.model.new_bool_var(f"z{len(together)}")
            self.model.add_implication(var, together[pair])
        familiar = self.index.week.familiar
        return sum(
            (FAMILIAR_PAIR_COST if pair in familiar else NEW_PAIR_COST) * var
            for pair, var in together.items()
        )

    def _transitions(self) -> cp_model.LinearExprT:
        places_at: dict[tuple[str, str], list[tuple[str, cp_model.IntVar]]] = defaultdict(list)
        for (para_id, place, slot_id), var in self.y.items():
            places_at[(para_id, slot_id)].append((place, var))
        for para in self.index.week.paras:
            for earlier, later in consecutive_pairs(self.index):
                before = self.busy.get((para.id, earlier.id))
                if before is None or (para.id, later.id) not in self.busy:
                    continue
                move = self.model.new_bool_var(f"t{len(self.moves)}")
                for place, there in places_at[(para.id, later.id)]:
                    stayed = self.y.get((para.id, place, earlier.id), 0)
                    self.model.add(move >= there + before - stayed - 1)
                self.moves[(para.id, later.id)] = move
        return sum(self.moves.values())

    def _balance(self) -> cp_model.LinearExprT:
        total = sum(s.minutes for s in self.index.week.slots)
        loads = [self.load(p.id) for p in self.index.week.paras]
        most, least = self.model.new_int_var(0, total, "most"), self.model.new_int_var(0, total, "least")
        for load in loads:
            self.model.add(most >= load)
            self.model.add(least <= load)
        self.spread = (most, least)
        return most - least

    def blocks(self, value: Callable[[cp_model.IntVar], int]) -> tuple[Block, ...]:
        chosen: dict[tuple[str, str], list[str]] = defaultdict(list)
        for (para_id, requirement_id, slot_id), var in self.x.items():
            if value(var):
                chosen[(para_id, slot_id)].append(requirement_id)
        return tuple(Block(p, s, tuple(sorted(rs))) for (p, s), rs in sorted(chosen.items()))

    def hint_blocks(self, blocks: Sequence[Block]) -> None:
        """A complete hint (every variable made so far) from a schedule, so CP-SAT starts from it."""
        on = {(b.para_id, r, b.slot_id) for b in blocks for r in b.requirement_ids}
        values: dict[cp_model.IntVar, int] = {var: key in on for key, var in self.x.items()}
        at = {(b.para_id, b.slot_id): self.index.requirements[b.requirement_ids[0]].place for b in blocks}
        values |= {var: at.get((p, s)) == place for (p, place, s), var in self.y.items()}
        values |= {var: key in at for key, var in self.busy.items()}
        for item in coverage_of(self.index, blocks):
            if item.requirement_id in self.short:
                values[self.short[item.requirement_id]] = item.uncovered_minutes
        used = {(b.para_id, self.index.requirements[r].student_id) for b in blocks for r in b.requirement_ids}
        values |= {var: pair in used for pair, var in self.pairs.items()}
        values |= {var: self._moved(at, p, s) for (p, s), var in self.moves.items()}
        if self.spread is not None:
            loads = para_loads(self.index, blocks).values()
            values |= {self.spread[0]: max(loads), self.spread[1]: min(loads)}
        self.model.clear_hints()
        for var, value in values.items():
            self.model.add_hint(var, int(value))

    def _moved(self, at: dict[tuple[str, str], str], para_id: str, later_id: str) -> bool:
        earlier = self.earlier[later_id]
        return (
            (para_id, earlier) in at
            and (para_id, later_id) in at
            and at[(para_id, earlier)] != at[(para_id, later_id)]
        )


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, name: str, started: float, progress: Progress | None) -> None:
        super().__init__()
        self.name, self.started, self.progress = name, started, progress

    def on_solution_callback(self) -> None:
        if self.progress is not None:
            self.progress(self.name, time.perf_counter() - self.started, round(self.objective_value))


def solve_week(
    week: SchoolWeek,
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    start_from_greedy: bool = True,
    progress: Progress | None = None,
    seed: int = 0,
) -> Schedule:
    """The best schedule found within `time_limit` seconds (all levels together), with shortfalls."""
    started = time.perf_counter()
    index = WeekIndex(week)
    best = greedy_blocks(index) if start_from_greedy else ()
    results: list[LevelResult] = []
    if week.requirements:
        # The top rank's share of the time, as if it were solved like the other levels.
        budget = time_limit * LEVEL_WEIGHT["uncovered"] / _total_weight(index)
        best, first = _solve_top_rank(index, best, budget, seed)
        results.append(first)
        if progress is not None:
            progress(first.name, time.perf_counter() - started, first.value)
    week_model = WeekModel(index)
    levels = week_model.levels()
    if results:
        week_model.model.add(levels[0].objective() <= results[0].value)
        levels = levels[1:]
    for position, level in enumerate(levels):
        remaining = max(0.05, time_limit - (time.perf_counter() - started))
        budget = remaining * level.weight / sum(lv.weight for lv in levels[position:])
        watcher = _Watcher(level.name, started, progress)
        solved = _solve_level(week_model, level, best, budget, workers, seed, watcher)
        if solved is None:
            break
        blocks, result = solved
        # A level's solution fixes the levels before it but may undo later ones that the start
        # (e.g. the greedy) had better: keep whichever is lexicographically better on every level.
        if _rank_key(index, blocks) <= _rank_key(index, best):
            best = blocks
        results.append(result)
    # With no level solved in time the answer is the greedy start, and says so.
    method = "cp_sat" if results or not start_from_greedy else "greedy"
    return schedule_from_blocks(index, best, method, tuple(results), time.perf_counter() - started)


def _total_weight(index: WeekIndex) -> int:
    ranks = len({r.rank for r in index.week.requirements})
    return ranks * LEVEL_WEIGHT["uncovered"] + sum(
        w for name, w in LEVEL_WEIGHT.items() if name != "uncovered"
    )


def _solve_top_rank(
    index: WeekIndex, start: Sequence[Block], budget: float, seed: int
) -> tuple[tuple[Block, ...], LevelResult]:
    """The most important rank, solved on a model of that rank's requirements alone.

    Dropping the other ranks only removes competition, so that model's optimum is a lower bound on
    the whole week's, and its schedule, completed around by the greedy, reaches it: the level is
    settled without solving the full model. Measured on the 40-para benchmark: the 1:1 model alone
    (6,000 booleans) is proven optimal in about 2.5 s, where the full model (41,000) found no bound
    in 60 s. Then, with that rank's minutes kept, the same small model keeps each student with as
    few paras as it can (continuity), so the full model's later levels start from a good schedule.
    """
    top = min(r.rank for r in index.week.requirements)
    alone = WeekModel(WeekIndex(replace(index.week, requirements=_of_rank(index.week.requirements, top))))
    objective = alone.levels()[0].objective()
    alone.hint_blocks(_restricted(start, alone.index.requirements.keys()))
    alone.model.minimize(objective)
    level_started = time.perf_counter()
    solver = _solver(budget, 1, seed)
    # One worker with the full linear relaxation: proves the 1:1 level where two workers that share
    # the time without it did not (20 s, bound still negative).
    solver.parameters.linearization_level = 2
    status = solver.solve(alone.model)
    best, bound = tuple(start), 0
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = max(0, math.ceil(solver.best_objective_bound - 1e-6))
        # Continuity gets a third of what is left of the share: the full model needs the rest.
        left = (budget - (time.perf_counter() - level_started)) / 3
        found = _kept_together(alone, objective, solver, left, seed)
        completed = greedy_blocks(index, found, keep_pairs=True)
        if not best or _rank_key(index, completed) <= _rank_key(index, best):
            best = completed
    value = measure(index, best).uncovered_by_rank.get(top, 0)
    seconds = time.perf_counter() - level_started
    return best, LevelResult(f"uncovered_rank_{top}", value, min(bound, value), bound >= value, seconds)


def _kept_together(
    alone: WeekModel, objective: cp_model.LinearExprT, solved: cp_model.CpSolver, budget: float, seed: int
) -> tuple[Block, ...]:
    """The small model's schedule with its minutes kept and the fewest (para, student) pairs."""
    blocks = alone.blocks(solved.value)
    alone.model.add(objective <= solved.value(objective))
    alone.model.minimize(next(lv for lv in alone.levels() if lv.name == "continuity").objective())
    alone.hint_blocks(blocks)
    solver = _solver(max(0.1, budget), 1, seed)
    status = solver.solve(alone.model)
    return alone.blocks(solver.value) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else blocks


def _of_rank(requirements: Sequence[Requirement], rank: int) -> tuple[Requirement, ...]:
    return tuple(r for r in requirements if r.rank == rank)


def _restricted(blocks: Sequence[Block], kept: Collection[str]) -> tuple[Block, ...]:
    narrowed = (Block(b.para_id, b.slot_id, tuple(r for r in b.requirement_ids if r in kept)) for b in blocks)
    return tuple(b for b in narrowed if b.requirement_ids)


def _solver(budget: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = budget
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Measured on the 40-para benchmark: symmetry detection spent most of the budget before the
    # first solution (over 20 s versus 6 s without it) and never paid back.
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0  # probing too: 1.4 s per level, no gain seen
    return solver


def _rank_key(index: WeekIndex, blocks: Sequence[Block]) -> tuple[int, ...]:
    """The objective levels of a schedule in order, to compare two schedules lexicographically."""
    measures = measure(index, blocks)
    ranks = sorted({r.rank for r in index.week.requirements})
    cost = (
        NEW_PAIR_COST * measures.para_student_pairs
        - (NEW_PAIR_COST - FAMILIAR_PAIR_COST) * measures.familiar_pairs
    )
    uncovered = tuple(measures.uncovered_by_rank.get(rank, 0) for rank in ranks)
    return (*uncovered, cost, measures.transitions, measures.load_spread)


def _solve_level(
    week_model: WeekModel,
    level: _Level,
    best: Sequence[Block],
    budget: float,
    workers: int,
    seed: int,
    watcher: _Watcher,
) -> tuple[tuple[Block, ...], LevelResult] | None:
    model = week_model.model
    objective = level.objective()
    scale = level.after_bound + 1
    week_model.hint_blocks(best)
    after: cp_model.LinearExprT = level.after() if level.after is not None else 0
    model.minimize(cp_model.LinearExpr.weighted_sum([objective, after], [scale, 1]))
    solver = _solver(budget, workers, seed)
    level_started = time.perf_counter()
    status = solver.solve(model, watcher)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    value, proven = solver.value(objective), status == cp_model.OPTIMAL
    model.add(objective <= value)
    bound = max(0, math.floor(solver.best_objective_bound / scale))
    seconds = time.perf_counter() - level_started
    blocks = week_model.blocks(solver.value)
    return blocks, LevelResult(level.name, value, value if proven else bound, proven, seconds)
