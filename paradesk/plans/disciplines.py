"""Which related-service discipline a plan's goal, measure or service belongs to (docs/access.md,
"What is a provider's own"), so a provider's pages lead with what is theirs.

- A service belongs to the discipline its "provided by" names: the discipline's name ("Speech-language
  pathologist"), code ("slp") or a common short name ("speech therapist", "OT"), in any case.
- A goal belongs to the disciplines whose goal areas include its area ("Communication" is the
  speech-language pathologist's, "Fine motor" the occupational therapist's); an area may belong to
  several disciplines or to none (reading and math belong to the teacher).
- A measure belongs to its goal's disciplines; a measure of a target behavior belongs to the
  behavior analyst.

Plain functions of the stored text, no queries.
"""

from __future__ import annotations

import re

from paradesk.people.models import Discipline
from paradesk.plans.models import Goal, Measure, Service

SERVICE_NAMES: dict[str, frozenset[str]] = {
    Discipline.SLP: frozenset(
        {"speech-language pathologist", "speech language pathologist", "speech therapist", "speech"}
    ),
    Discipline.OT: frozenset({"occupational therapist", "occupational therapy", "ot"}),
    Discipline.PT: frozenset({"physical therapist", "physical therapy", "pt"}),
    Discipline.BCBA: frozenset({"behavior analyst (bcba)", "behavior analyst", "behaviour analyst"}),
    Discipline.PSYCHOLOGIST: frozenset({"school psychologist", "psychologist"}),
    Discipline.NURSE: frozenset({"school nurse", "nurse"}),
    Discipline.SOCIAL_WORKER: frozenset({"school social worker", "social worker"}),
}

GOAL_AREAS: dict[str, frozenset[str]] = {
    Discipline.SLP: frozenset(
        {
            "communication",
            "speech",
            "language",
            "articulation",
            "expressive language",
            "receptive language",
            "pragmatic language",
            "social communication",
            "augmentative communication",
            "voice",
        }
    ),
    Discipline.OT: frozenset(
        {
            "fine motor",
            "handwriting",
            "sensory",
            "sensory processing",
            "visual motor",
            "daily living",
            "self-care",
        }
    ),
    Discipline.PT: frozenset({"gross motor", "mobility", "balance", "motor"}),
    Discipline.BCBA: frozenset({"behavior", "self-regulation", "replacement behavior"}),
    Discipline.PSYCHOLOGIST: frozenset({"social-emotional", "self-regulation", "coping"}),
    Discipline.NURSE: frozenset({"health", "personal care"}),
    Discipline.SOCIAL_WORKER: frozenset({"social skills", "social-emotional"}),
}


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def service_discipline(service: Service) -> str | None:
    """The discipline the service's "provided by" names, or None (a teacher's or para's service)."""
    name = normalized(service.provider_role)
    for discipline, names in SERVICE_NAMES.items():
        if name == discipline or name in names:
            return discipline
    return None


def area_disciplines(area: str) -> frozenset[str]:
    name = normalized(area)
    return frozenset(discipline for discipline, areas in GOAL_AREAS.items() if name in areas)


def goal_disciplines(goal: Goal) -> frozenset[str]:
    return area_disciplines(goal.area)


def measure_disciplines(measure: Measure) -> frozenset[str]:
    """The disciplines of the measure's goal, or the behavior analyst's for a target behavior.
    Reads `measure.goal`: load it with the measure (select_related) to keep lists at one query."""
    area = measure.goal.area if measure.goal_id is not None and measure.goal is not None else None
    return disciplines_of_measure(area, has_target_behavior=measure.target_behavior_id is not None)


def disciplines_of_measure(goal_area: str | None, *, has_target_behavior: bool) -> frozenset[str]:
    """The same rule, from a measure's goal area and whether it measures a target behavior (for
    pages that read measures as values)."""
    if goal_area is not None:
        return area_disciplines(goal_area)
    if has_target_behavior:
        return frozenset({Discipline.BCBA})
    return frozenset()
