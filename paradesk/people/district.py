"""Joins that name the district (docs/architecture.md#the-district-as-distribution-key).

A filter on `relation__district_id` puts the district in the WHERE, which is right for an inner
join but turns a LEFT JOIN (a measure's goal, a student's snapshot, both optional) into an inner
one. `joined_in_district` puts it in the join's ON instead, so a missing row stays missing and
the join still runs on the district's node on Citus."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from django.db import models
from django.db.models import FilteredRelation, Q


def joined_in_district(relation: str, district_id: uuid.UUID) -> FilteredRelation:
    """`relation` (a path of foreign keys, `student__snapshot`) joined on its district as well: use
    with `.annotate(name=...)`, then read `name__field` or `select_related(name)`."""
    return FilteredRelation(relation, condition=Q(**{f"{relation}__district_id": district_id}))


def district_on(district: uuid.UUID | Collection[uuid.UUID] | None, *paths: str) -> Q:
    """The district (or any of several) named on the model itself and on each of these inner-joined
    relations (a `select_related("plan__student")` joins both `plan` and `plan__student`: pass them
    both). A relation named here becomes an inner join: name only relations that are never empty."""
    several = district is not None and not isinstance(district, uuid.UUID)
    column = "district_id__in" if several else "district_id"
    condition = Q(**{column: district})
    for path in paths:
        condition &= Q(**{f"{path}__{column}": district})
    return condition


def in_district[Rows: models.QuerySet[Any]](
    rows: Rows, district: uuid.UUID | Collection[uuid.UUID], *through: str
) -> Rows:
    """The rows of the district (or of any of several), with the same condition on each related
    table named in `through` (`"goal"`, `"plan__student"`)."""
    return rows.filter(district_on(district, *through))
