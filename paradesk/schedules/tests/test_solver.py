"""The schedule solver on small schools whose optimum is worked out by hand in each test's comment.

All slots are 45 minutes unless a test says otherwise; no para has a break window unless named.
"""

from __future__ import annotations

from paradesk.schedules.planning.solver import (
    Block,
    Duty,
    Para,
    Requirement,
    RequirementKind,
    SchoolWeek,
    Slot,
    greedy_schedule,
    propose_coverage,
    solve_week,
)

LIMIT = 2.0  # seconds: these models are solved and proven in milliseconds


def slots(*ids: str, day: int = 0) -> tuple[Slot, ...]:
    """Consecutive 45-minute periods from 8:00 (5 minutes between), one per id, on one day."""
    return tuple(Slot(i, day, 480 + n * 50, 525 + n * 50) for n, i in enumerate(ids))


def para(id: str, slot_ids: tuple[str, ...], *quals: str, **extra: object) -> Para:
    return Para(id, frozenset(slot_ids), frozenset(quals), **extra)  # type: ignore[arg-type]


def one_to_one(id: str, student: str, slot_ids: tuple[str, ...], *quals: str, **extra: object) -> Requirement:
    return Requirement(
        id,
        student,
        RequirementKind.ONE_TO_ONE,
        fixed_slot_ids=frozenset(slot_ids),
        qualifications=frozenset(quals),
        **extra,  # type: ignore[arg-type]
    )


def service(id: str, student: str, minutes: int, *quals: str, **extra: object) -> Requirement:
    return Requirement(
        id,
        student,
        RequirementKind.SERVICE,
        minutes,
        qualifications=frozenset(quals),
        **extra,  # type: ignore[arg-type]
    )


def at(blocks: tuple[Block, ...]) -> set[tuple[str, str, tuple[str, ...]]]:
    return {(b.para_id, b.slot_id, b.requirement_ids) for b in blocks}


def test_two_paras_two_slots_two_students_with_one_qualification() -> None:
    # X needs a lifting-qualified adult in s0 and s1 (90 min); only A is qualified, so A stays with X
    # both periods. Y needs 45 min of service: B, the only one left, in s0 or s1 (one slot: 90 would
    # pass 45 + the cap of 44). Nothing is uncovered.
    week = SchoolWeek(
        slots("s0", "s1"),
        (para("A", ("s0", "s1"), "lift"), para("B", ("s0", "s1"))),
        (one_to_one("x", "X", ("s0", "s1"), "lift"), service("y", "Y", 45)),
    )
    schedule = solve_week(week, time_limit=LIMIT)
    blocks = at(schedule.blocks)
    assert {("A", "s0", ("x",)), ("A", "s1", ("x",))} <= blocks
    assert len([b for b in blocks if b[0] == "B"]) == 1
    assert schedule.measures.uncovered_minutes == 0
    assert schedule.shortfalls == ()
    assert all(level.proven for level in schedule.levels)


def test_continuity_keeps_the_para_who_knows_the_student_when_minutes_tie() -> None:
    # Y needs 90 min; A or B can give any slot. Covering is 0 uncovered either way. Continuity comes
    # before balance: one para for both slots (1 pair) beats splitting (2 pairs) though splitting
    # would balance the loads, and B, who knows Y, costs 2 against A's 3. So B takes s0 and s1.
    week = SchoolWeek(
        slots("s0", "s1"),
        (para("A", ("s0", "s1")), para("B", ("s0", "s1"))),
        (service("y", "Y", 90),),
        familiar=frozenset({("B", "Y")}),
    )
    schedule = solve_week(week, time_limit=LIMIT)
    assert at(schedule.blocks) == {("B", "s0", ("y",)), ("B", "s1", ("y",))}
    assert schedule.measures.familiar_pairs == 1


def test_transitions_are_minimized() -> None:
    # One para, four consecutive periods, X and Y each need 90 min (two periods). All four periods are
    # needed. X X Y Y (or Y Y X X) moves once; any interleaving moves two or three times. Optimum 1.
    ids = ("s0", "s1", "s2", "s3")
    week = SchoolWeek(slots(*ids), (para("A", ids),), (service("x", "X", 90), service("y", "Y", 90)))
    schedule = solve_week(week, time_limit=LIMIT)
    assert schedule.measures.uncovered_minutes == 0
    assert schedule.measures.transitions == 1
    order = [b.requirement_ids[0] for b in sorted(schedule.blocks, key=lambda b: b.slot_id)]
    assert order in (["x", "x", "y", "y"], ["y", "y", "x", "x"])


def test_load_is_balanced() -> None:
    # Three paras work Monday and Tuesday first period (not consecutive: no transitions possible).
    # Four students need 45 min each: four of the six para-slots. Continuity is 4 pairs whatever the
    # choice. Loads 90/90/0 spread 90; 90/45/45 spread 45; 45/45/45 would cover only three. So 45.
    week_slots = (*slots("mon"), *slots("tue", day=1))
    paras = tuple(para(p, ("mon", "tue")) for p in "ABC")
    students = tuple(service(f"r{n}", f"S{n}", 45) for n in range(4))
    schedule = solve_week(SchoolWeek(week_slots, paras, students), time_limit=LIMIT)
    assert schedule.measures.uncovered_minutes == 0
    assert schedule.measures.load_spread == 45


def test_one_to_one_comes_before_a_service() -> None:
    # One para, one slot; a 1:1 student and a service both want it. Safety first: the 1:1.
    week = SchoolWeek(
        slots("s0"), (para("A", ("s0",)),), (service("svc", "Y", 45), one_to_one("one", "X", ("s0",)))
    )
    schedule = solve_week(week, time_limit=LIMIT)
    assert at(schedule.blocks) == {("A", "s0", ("one",))}
    assert [(s.requirement_id, s.minutes_short) for s in schedule.shortfalls] == [("svc", 45)]


def test_a_group_shares_one_para() -> None:
    # Three students of one reading group (size 3), 45 min each, one para, one slot: one block, all three.
    group = tuple(
        Requirement(f"g{n}", f"S{n}", RequirementKind.GROUP, 45, group="reading", group_size=3)
        for n in range(3)
    )
    schedule = solve_week(SchoolWeek(slots("s0"), (para("A", ("s0",)),), group), time_limit=LIMIT)
    assert at(schedule.blocks) == {("A", "s0", ("g0", "g1", "g2"))}


def test_breaks_are_kept() -> None:
    # A works s0-s2, all inside the break window, and is the only para: one slot must stay free, so
    # the 1:1 student (135 min) gets 90 and the shortfall says breaks: 90 possible of 135.
    ids = ("s0", "s1", "s2")
    week = SchoolWeek(slots(*ids), (para("A", ids, break_window=(480, 700)),), (one_to_one("x", "X", ids),))
    schedule = solve_week(week, time_limit=LIMIT)
    assert len(schedule.blocks) == 2
    (shortfall,) = schedule.shortfalls
    assert shortfall.minutes_short == 45
    assert [(r.code, r.params) for r in shortfall.reasons] == [
        ("breaks", {"available_minutes": 90, "required_minutes": 135})
    ]


def test_a_requirement_nobody_is_qualified_for_is_explained() -> None:
    week = SchoolWeek(
        slots("s0", "s1"), (para("A", ("s0", "s1"), "lift"),), (service("talker", "X", 45, "aac", "lift"),)
    )
    schedule = solve_week(week, time_limit=LIMIT)
    (shortfall,) = schedule.shortfalls
    assert (shortfall.requirement_id, shortfall.student_id, shortfall.minutes_short) == ("talker", "X", 45)
    assert [(r.code, r.params) for r in shortfall.reasons] == [
        ("no_qualified_para", {"qualifications": ["aac"]})
    ]


def test_not_enough_qualified_time_names_the_minutes() -> None:
    # X needs a lift-qualified adult in s0-s3 (180 min). Only A is qualified and works s0, s1 (90 min).
    # B works everything but is not qualified. Short 90: 90 available of 180.
    ids = ("s0", "s1", "s2", "s3")
    week = SchoolWeek(
        slots(*ids), (para("A", ("s0", "s1"), "lift"), para("B", ids)), (one_to_one("x", "X", ids, "lift"),)
    )
    schedule = solve_week(week, time_limit=LIMIT)
    (shortfall,) = schedule.shortfalls
    assert shortfall.minutes_short == 90
    assert [(r.code, r.params) for r in shortfall.reasons] == [
        (
            "not_enough_qualified_time",
            {"qualifications": ["lift"], "available_minutes": 90, "required_minutes": 180},
        )
    ]


def test_competing_requirements_are_named() -> None:
    # Two 1:1 students need the one lift-qualified para in s0. "first" has priority 0, "second" 1:
    # second is short 45, in conflict with first for A in s0.
    week = SchoolWeek(
        slots("s0"),
        (para("A", ("s0",), "lift"),),
        (
            one_to_one("first", "X", ("s0",), "lift", priority=0),
            one_to_one("second", "Y", ("s0",), "lift", priority=1),
        ),
    )
    schedule = solve_week(week, time_limit=LIMIT)
    (shortfall,) = schedule.shortfalls
    assert (shortfall.requirement_id, shortfall.minutes_short) == ("second", 45)
    assert [(r.code, r.params) for r in shortfall.reasons] == [
        ("conflicts_with", {"requirement_id": "first", "para_id": "A", "slot_ids": ["s0"]})
    ]


def test_greedy_takes_the_first_free_para_and_the_solver_does_better() -> None:
    # X (any adult) and Z (lifting) both need someone in s0. By hand, in order: X gets A (first free),
    # then Z has no lift-qualified para left: 45 unmet. The solver gives X to B and Z to A: 0 unmet.
    week = SchoolWeek(
        slots("s0"),
        (para("A", ("s0",), "lift"), para("B", ("s0",))),
        (one_to_one("x", "X", ("s0",)), one_to_one("z", "Z", ("s0",), "lift")),
    )
    assert greedy_schedule(week).measures.uncovered_minutes == 45
    solved = solve_week(week, time_limit=LIMIT, start_from_greedy=True)
    assert solved.measures.uncovered_minutes == 0
    assert at(solved.blocks) == {("B", "s0", ("x",)), ("A", "s0", ("z",))}


def coverage_week(familiar: frozenset[tuple[str, str]] = frozenset(), **c_extra: object) -> SchoolWeek:
    ids = ("s0", "s1")
    return SchoolWeek(
        slots(*ids),
        (para("A", ids, "lift"), para("B", ids, "lift"), para("C", ids, "lift", **c_extra), para("D", ids)),
        (one_to_one("x", "X", ids, "lift"),),
        duties=(Duty("B", "s1", "recess"),),
        familiar=familiar,
    )


def test_coverage_prefers_a_free_para_who_knows_the_student() -> None:
    # A, X's 1:1, is absent on day 0. B and C are free in s0 and qualified; D is not qualified.
    # C knows X: C takes s0. In s1 B is on recess duty and C is free: C again (no duty dropped).
    week = coverage_week(familiar=frozenset({("C", "X")}))
    blocks = (Block("A", "s0", ("x",)), Block("A", "s1", ("x",)))
    proposal = propose_coverage(week, blocks, "A", 0)
    assert [(r.slot_id, r.to_para_id, r.knows_student) for r in proposal.reassignments] == [
        ("s0", "C", True),
        ("s1", "C", True),
    ]
    assert proposal.uncovered_blocks == ()
    assert proposal.uncovered_duties == ()


def test_coverage_drops_a_duty_when_no_free_para_remains() -> None:
    # C's weekly limit is 0 minutes and D is not qualified, so B is the only para who can cover X.
    # B is free in s0; in s1 B is on recess duty, which is lower priority than a 1:1: B leaves recess
    # for X, and the recess duty is listed as uncovered.
    proposal = propose_coverage(
        coverage_week(max_minutes=0), (Block("A", "s0", ("x",)), Block("A", "s1", ("x",))), "A", 0
    )
    assert [(r.slot_id, r.to_para_id) for r in proposal.reassignments] == [("s0", "B"), ("s1", "B")]
    assert proposal.reassignments[1].dropped_duty == Duty("B", "s1", "recess")
    assert proposal.uncovered_duties == (Duty("B", "s1", "recess"),)


def test_coverage_lists_what_no_qualified_para_can_take() -> None:
    week = SchoolWeek(
        slots("s0"),
        (para("A", ("s0",), "aac"), para("B", ("s0",))),
        (service("talk", "X", 45, "aac"),),
    )
    proposal = propose_coverage(week, (Block("A", "s0", ("talk",)),), "A", 0)
    assert proposal.reassignments == ()
    (open_block,) = proposal.uncovered_blocks
    assert (open_block.slot_id, open_block.reason.code) == ("s0", "no_qualified_para")
    assert open_block.reason.params == {"qualifications": ["aac"]}


def test_coverage_ranks_one_to_one_before_group() -> None:
    # A had a group in s0 and a 1:1 in s1; both are covered by B; the 1:1 is listed first.
    ids = ("s0", "s1")
    week = SchoolWeek(
        slots(*ids),
        (para("A", ids), para("B", ids)),
        (
            Requirement("g", "G", RequirementKind.GROUP, 45, group="math", group_size=3),
            one_to_one("x", "X", ("s1",)),
        ),
    )
    blocks = (Block("A", "s0", ("g",)), Block("A", "s1", ("x",)))
    proposal = propose_coverage(week, blocks, "A", 0)
    assert [r.requirement_ids for r in proposal.reassignments] == [("x",), ("g",)]
