"""Joins that name the district (docs/architecture.md#the-district-as-distribution-key).

A filter on `relation__district_id` puts the district in the WHERE, which is right for an inner
join but turns a LEFT JOIN (a measure's goal, a student's snapshot, both optional) into an inner
one. `joined_in_district` puts it in the join's ON instead, so a missing row stays missing and
the join still runs on the district's node on Citus."""

from __future__ import annotations

import uuid

from django.db.models import FilteredRelation, Q


def joined_in_district(relation: str, district_id: uuid.UUID) -> FilteredRelation:
    """`relation` (a path of foreign keys, `student__snapshot`) joined on its district as well: use
    with `.annotate(name=...)`, then read `name__field` or `select_related(name)`."""
    return FilteredRelation(relation, condition=Q(**{f"{relation}__district_id": district_id}))


def district_on(district_id: uuid.UUID | None, *paths: str) -> Q:
    """The district named on the model itself and on each of these inner-joined relations (a
    `select_related("plan__student")` joins both `plan` and `plan__student`: pass them both)."""
    condition = Q(district_id=district_id)
    for path in paths:
        condition &= Q(**{f"{path}__district_id": district_id})
    return condition
