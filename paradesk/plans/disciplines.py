"""Which related-service discipline a plan's goal, measure or service belongs to (docs/access.md,
"What is a provider's own"), so a provider's pages lead with what is theirs.

- A service belongs to the discipline the case manager chose for it (`Service.discipline`); a
  teacher's or a para's service has none.
- A goal belongs to the discipline chosen to carry it out (`Goal.discipline`); none: the teacher's.
- A measure belongs to its goal's discipline; a measure of a target behavior belongs to the behavior
  analyst.

Plain functions of stored fields, no queries.
"""

from __future__ import annotations

from paradesk.people.models import Discipline
from paradesk.plans.models import Goal, Measure, Service


def service_discipline(service: Service) -> str | None:
    """The service's provider discipline, or None (a teacher's or para's service)."""
    return service.discipline or None


def goal_disciplines(goal: Goal) -> frozenset[str]:
    return frozenset({goal.discipline}) if goal.discipline else frozenset()


def measure_disciplines(measure: Measure) -> frozenset[str]:
    """The discipline of the measure's goal, or the behavior analyst's for a target behavior.
    Reads `measure.goal`: load it with the measure (select_related) to keep lists at one query."""
    discipline = measure.goal.discipline if measure.goal_id is not None and measure.goal is not None else None
    return disciplines_of_measure(discipline, has_target_behavior=measure.target_behavior_id is not None)


def disciplines_of_measure(goal_discipline: str | None, *, has_target_behavior: bool) -> frozenset[str]:
    """The same rule, from a measure's goal discipline (None: no goal) and whether it measures a
    target behavior (for pages that read measures as values)."""
    if goal_discipline is not None:
        return frozenset({goal_discipline}) if goal_discipline else frozenset()
    if has_target_behavior:
        return frozenset({Discipline.BCBA})
    return frozenset()
