"""Over random small schools, the solver's schedule and the coverage proposal keep every hard rule.

Checked here independently of the solver's own code: no unqualified para, no para in two places,
no para outside their slots or on a duty, every break kept, weekly limits kept, and no requirement
given more than its required minutes plus less than one slot.
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paradesk.schedules.planning.solver import (
    Block,
    Duty,
    Para,
    Requirement,
    RequirementKind,
    SchoolWeek,
    Slot,
    propose_coverage,
    solve_week,
)

SLOTS = tuple(Slot(f"d{d}p{p}", d, 480 + p * 50, 525 + p * 50) for d in range(2) for p in range(3))
IDS = [s.id for s in SLOTS]
QUALS = ["lift", "aac"]


@st.composite
def schools(draw: st.DrawFn) -> SchoolWeek:
    paras = tuple(
        Para(
            f"P{n}",
            frozenset(draw(st.sets(st.sampled_from(IDS), min_size=1))),
            frozenset(draw(st.sets(st.sampled_from(QUALS)))),
            draw(st.sampled_from([None, 90, 180])),
            draw(st.sampled_from([None, (530, 630), (480, 630)])),
        )
        for n in range(draw(st.integers(2, 4)))
    )
    requirements = []
    for n in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(list(RequirementKind)))
        quals = frozenset(draw(st.sets(st.sampled_from(QUALS), max_size=1)))
        fixed = kind in (RequirementKind.ONE_TO_ONE, RequirementKind.PUSH_IN)
        requirements.append(
            Requirement(
                f"r{n}",
                f"S{draw(st.integers(0, 3))}",
                kind,
                0 if fixed else draw(st.sampled_from([30, 45, 90, 100])),
                frozenset(draw(st.sets(st.sampled_from(IDS), min_size=1))) if fixed else frozenset(),
                None,
                quals,
                "" if kind == RequirementKind.ONE_TO_ONE else draw(st.sampled_from(["", "g"])),
                draw(st.integers(1, 3)),
            )
        )
    duties = tuple(Duty(p.id, draw(st.sampled_from(IDS)), "recess") for p in paras if draw(st.booleans()))
    return SchoolWeek(SLOTS, paras, tuple(requirements), duties)


def rule_breaks(week: SchoolWeek, blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    paras = {p.id: p for p in week.paras}
    requirements = {r.id: r for r in week.requirements}
    slots = {s.id: s for s in week.slots}
    duty = {(d.para_id, d.slot_id) for d in week.duties}
    problems = []
    seen: set[tuple[str, str]] = set()
    student_seen: set[tuple[str, str]] = set()
    minutes: dict[str, int] = defaultdict(int)
    load: dict[str, int] = defaultdict(int)
    for block in blocks:
        para = paras[block.para_id]
        if (para.id, block.slot_id) in seen:
            problems.append(f"{para.id} twice in {block.slot_id}")
        seen.add((para.id, block.slot_id))
        if block.slot_id not in para.slot_ids or (para.id, block.slot_id) in duty:
            problems.append(f"{para.id} not free to work {block.slot_id}")
        places = {requirements[r].place for r in block.requirement_ids}
        room = min(requirements[r].group_size for r in block.requirement_ids)
        if len(places) != 1 or len(block.requirement_ids) > max(1, room):
            problems.append(f"{block} is not one place")
        load[para.id] += slots[block.slot_id].minutes
        for r in block.requirement_ids:
            requirement = requirements[r]
            if not requirement.qualifications <= para.qualifications:
                problems.append(f"{para.id} unqualified for {r}")
            if (requirement.student_id, block.slot_id) in student_seen:
                problems.append(f"{requirement.student_id} in two places in {block.slot_id}")
            student_seen.add((requirement.student_id, block.slot_id))
            minutes[r] += slots[block.slot_id].minutes
    for para in week.paras:
        if para.max_minutes is not None and load[para.id] > para.max_minutes:
            problems.append(f"{para.id} over their limit")
        problems += break_problems(week, para, seen, duty)
    for requirement in week.requirements:
        allowed = requirement.fixed_slot_ids or frozenset(IDS)
        if requirement.fixed_slot_ids:
            cap = sum(slots[s].minutes for s in requirement.fixed_slot_ids)
        else:
            cap = requirement.minutes_per_week + max(slots[s].minutes for s in allowed) - 1
        if minutes[requirement.id] > cap:
            problems.append(f"{requirement.id} over its minutes")
    return problems


def break_problems(
    week: SchoolWeek, para: Para, busy: set[tuple[str, str]], duty: set[tuple[str, str]]
) -> list[str]:
    if para.break_window is None:
        return []
    start, end = para.break_window
    problems = []
    for day in {s.day for s in week.slots if s.id in para.slot_ids}:
        window = [s for s in week.slots if s.day == day and s.start_minute >= start and s.end_minute <= end]
        free = [
            s
            for s in window
            if s.id not in para.slot_ids or ((para.id, s.id) not in busy and (para.id, s.id) not in duty)
        ]
        all_duty = all((para.id, s.id) in duty for s in window if s.id in para.slot_ids)
        if window and not free and not all_duty:
            problems.append(f"{para.id} lost their break on day {day}")
    return problems


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(week=schools(), absent_index=st.integers(0, 3), day=st.integers(0, 1))
def test_schedule_and_coverage_keep_every_rule(week: SchoolWeek, absent_index: int, day: int) -> None:
    schedule = solve_week(week, time_limit=1.0, workers=1)
    assert rule_breaks(week, schedule.blocks) == []
    for item in schedule.coverage:
        short = [s for s in schedule.shortfalls if s.requirement_id == item.requirement_id]
        assert bool(short) == (item.uncovered_minutes > 0)
    absent = week.paras[absent_index % len(week.paras)]
    proposal = propose_coverage(week, schedule.blocks, absent.id, day, time_limit=0.5, workers=1)
    moved = {(absent.id, r.slot_id) for r in proposal.reassignments}
    covered = [b for b in schedule.blocks if (b.para_id, b.slot_id) not in moved]
    covered += [Block(r.to_para_id, r.slot_id, r.requirement_ids) for r in proposal.reassignments]
    # Duties a covering para left are no longer theirs; the week without them must keep every rule.
    dropped = {(d.para_id, d.slot_id) for d in proposal.uncovered_duties}
    after = SchoolWeek(
        week.slots,
        week.paras,
        week.requirements,
        tuple(d for d in week.duties if (d.para_id, d.slot_id) not in dropped),
    )
    assert rule_breaks(after, covered) == []
    assert all(r.to_para_id != absent.id for r in proposal.reassignments)
    open_count = len(
        [b for b in schedule.blocks if b.para_id == absent.id and b.slot_id.startswith(f"d{day}")]
    )
    assert len(proposal.reassignments) + len(proposal.uncovered_blocks) == open_count
