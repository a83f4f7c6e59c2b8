"""The units a measure's session value is declared in, and the one conversion from the methods'
working units to them (docs/measurement.md, "Units"). Pure Python: no Django import, so the
measurement methods (paradesk.recording.methods) use it too.

Each method works in one unit: times in seconds, rates per minute, shares in percent. A measure
declares the unit its value is read in (its goal is written in it: "5 minutes between requests",
"12 per hour"); the session value is stored in that unit, and every reader takes it from there.
"""

from __future__ import annotations

import enum
import math


class Unit(enum.StrEnum):
    COUNT = "count"
    PER_MINUTE = "per_minute"
    PER_HOUR = "per_hour"
    SECONDS = "seconds"
    MINUTES = "minutes"
    PERCENT = "percent"
    RATING = "rating"


# The units each method's value may be declared in; the first is the method's own (its default).
METHOD_UNITS: dict[str, tuple[Unit, ...]] = {
    "count": (Unit.COUNT,),
    "rate": (Unit.PER_MINUTE, Unit.PER_HOUR),
    "duration": (Unit.SECONDS, Unit.MINUTES),
    "latency": (Unit.SECONDS, Unit.MINUTES),
    "irt": (Unit.SECONDS, Unit.MINUTES),
    "partial_interval": (Unit.PERCENT,),
    "whole_interval": (Unit.PERCENT,),
    "momentary": (Unit.PERCENT,),
    "trials": (Unit.PERCENT,),
    "task_analysis": (Unit.PERCENT,),
    "rating": (Unit.RATING,),
    "permanent_product": (Unit.PERCENT,),
    "abc": (Unit.COUNT,),
}
# A value in the method's own unit times the factor is the value in this unit (1 second is 1/60
# minute; 1 per minute is 60 per hour).
FACTORS: dict[Unit, float] = {
    Unit.COUNT: 1.0,
    Unit.PER_MINUTE: 1.0,
    Unit.PER_HOUR: 60.0,
    Unit.SECONDS: 1.0,
    Unit.MINUTES: 1 / 60,
    Unit.PERCENT: 1.0,
    Unit.RATING: 1.0,
}
# Units that measure the same kind of thing and convert into each other.
KINDS: dict[Unit, str] = {
    Unit.COUNT: "count",
    Unit.PER_MINUTE: "rate",
    Unit.PER_HOUR: "rate",
    Unit.SECONDS: "time",
    Unit.MINUTES: "time",
    Unit.PERCENT: "percent",
    Unit.RATING: "rating",
}
# The widest value a declared baseline or target may take in each unit: a percent is at most 100,
# a time at most a school day, a rate at most what a person can do (10 a second).
SCHOOL_DAY_SECONDS = 12 * 60 * 60
LIMITS: dict[Unit, float] = {
    Unit.COUNT: 10_000,
    Unit.PER_MINUTE: 600,
    Unit.PER_HOUR: 36_000,
    Unit.SECONDS: SCHOOL_DAY_SECONDS,
    Unit.MINUTES: SCHOOL_DAY_SECONDS / 60,
    Unit.PERCENT: 100,
    Unit.RATING: 1_000,
}


def units_of(method: str) -> tuple[Unit, ...]:
    """The units a measure of this method may be declared in (none for an unknown method)."""
    return METHOD_UNITS.get(method, ())


def default_unit(method: str) -> Unit | None:
    allowed = units_of(method)
    return allowed[0] if allowed else None


def unit_of(method: str, declared: str) -> Unit | None:
    """The unit a measure's value is in: the declared one when the method allows it, else the
    method's own."""
    allowed = units_of(method)
    for unit in allowed:
        if unit == declared:
            return unit
    return allowed[0] if allowed else None


def in_unit(value: float | None, method: str, declared: str) -> float | None:
    """A value in the method's own unit (seconds, per minute, ...) expressed in the declared unit."""
    if value is None:
        return None
    unit = unit_of(method, declared)
    return value if unit is None else value * FACTORS[unit]


def convertible(source: str, target: str) -> bool:
    """Whether values in one unit can be read in the other (seconds and minutes, say)."""
    return source in KINDS and target in KINDS and KINDS[Unit(source)] == KINDS[Unit(target)]


def convert(value: float, source: str, target: str) -> float:
    """A value in one unit read in another of the same kind (an amended plan that declares its
    measure in minutes reads the seconds recorded under the version before). Units of different
    kinds do not convert: the value is returned as it is, and ``convertible`` says so first."""
    if source == target or not convertible(source, target):
        return value
    return value / FACTORS[Unit(source)] * FACTORS[Unit(target)]


def plausible(value: float, unit: str) -> bool:
    """Whether a declared baseline or target fits the unit (never negative, never past its limit)."""
    if not math.isfinite(value) or value < 0:
        return False
    limit = LIMITS.get(Unit(unit)) if unit in KINDS else None
    return limit is None or value <= limit
