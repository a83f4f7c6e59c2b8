"""Recorded data as a teacher reads it: the raw facts of each method in readable form, each record
with its correction history and void, gathered in a fixed number of queries however many rows
there are, and the same rows as CSV cells.

Reading only: who may read is decided by paradesk.access before anything here is called.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from paradesk.plans import figures, units
from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, AbcOption, Measure, Method
from paradesk.recording.actions import corrected_id
from paradesk.recording.models import (
    RECORD_MODELS,
    AbcIncident,
    AccommodationDelivery,
    CareLogEntry,
    CaseManagerNote,
    Observation,
    Record,
    ServiceLog,
)

ROWS_PER_PAGE = 50
# A device clock this far from the server's makes its times doubtful: shown, never corrected.
SKEW_FLAG_SECONDS = 5 * 60


# Readable raw facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One trial or interval: a symbol for the eye, a word under it, and a sentence for a screen
    reader (the symbol alone, or its color, never carries the meaning)."""

    symbol: str
    note: str
    spoken: str


@dataclass(frozen=True)
class ReadableFacts:
    marks: list[Mark] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def clock(seconds: object) -> str:
    """Seconds since the observation began, as m:ss."""
    whole = int(float(seconds))  # type: ignore[arg-type]
    return f"{whole // 60}:{whole % 60:02d}"


def hierarchy_of(measure: Measure) -> list[str]:
    return list(measure.prompt_hierarchy or DEFAULT_PROMPT_HIERARCHY)


def level_text(level: object) -> str:
    return str(level).replace("_", " ")


# The data sheet's marks: plus, a true minus sign (U+2212), NR for no response.
TRIAL_SYMBOLS = {"correct": "+", "incorrect": "\u2212", "no_response": "NR"}


def trial_marks(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    responses = {
        "correct": _("correct"),
        "incorrect": _("incorrect"),
        "no_response": _("no response"),
    }
    marks = []
    for number, trial in enumerate(facts["trials"], start=1):
        response, prompt = trial["response"], level_text(trial.get("prompt", ""))
        spoken = _("Trial %(number)s: %(response)s, %(prompt)s") % {
            "number": number,
            "response": responses.get(response, response),
            "prompt": prompt,
        }
        if trial.get("target"):
            spoken += f" ({trial['target']})"
        marks.append(Mark(TRIAL_SYMBOLS.get(response, "?"), prompt, spoken))
    return ReadableFacts(marks=marks)


def interval_marks(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    scored = [bool(value) for value in facts["intervals"]]
    marks = [
        Mark(
            "■" if value else "□",
            str(number),
            (_("Interval %(number)s: scored") if value else _("Interval %(number)s: not scored"))
            % {"number": number},
        )
        for number, value in enumerate(scored, start=1)
    ]
    summary = _("%(scored)s of %(total)s intervals scored") % {"scored": sum(scored), "total": len(scored)}
    return ReadableFacts(marks=marks, lines=[summary])


def event_times(times: Sequence[object]) -> str:
    return ", ".join(clock(t) for t in times) or "—"


def event_lines(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    events = facts["events"]
    lines = [
        ngettext("%(count)s event at %(times)s", "%(count)s events at %(times)s", len(events))
        % {"count": len(events), "times": event_times(events)}
    ]
    if "incorrect_events" in facts:
        incorrect = facts["incorrect_events"]
        lines.append(
            ngettext("%(count)s incorrect at %(times)s", "%(count)s incorrect at %(times)s", len(incorrect))
            % {"count": len(incorrect), "times": event_times(incorrect)}
        )
    return ReadableFacts(lines=lines)


def episode_lines(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    lines = [
        _("%(onset)s to %(offset)s (%(seconds)s s)")
        % {"onset": clock(onset), "offset": clock(offset), "seconds": round(float(offset) - float(onset))}
        for onset, offset in facts["episodes"]
    ]
    return ReadableFacts(lines=lines or [_("No episodes")])


def latency_lines(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    lines = []
    for cue, response in facts["trials"]:
        if response is None:
            lines.append(_("Cue %(cue)s, no response") % {"cue": clock(cue)})
        else:
            lines.append(
                _("Cue %(cue)s, response %(response)s (%(seconds)s s)")
                % {
                    "cue": clock(cue),
                    "response": clock(response),
                    "seconds": round(float(response) - float(cue), 1),
                }
            )
    return ReadableFacts(lines=lines)


def step_lines(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    steps = list(measure.task_steps or [])
    lines = []
    for number, level in enumerate(facts["steps"], start=1):
        name = steps[number - 1] if number <= len(steps) else ""
        result = _("not done") if level == "not_done" else level_text(level)
        lines.append(f"{number}. {name}: {result}" if name else f"{number}. {result}")
    return ReadableFacts(lines=lines)


def rating_lines(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    rating = facts["rating"]
    labels = measure.rating_labels or {}
    # Labels are keyed by the scale point as text ("4"); a device may send 4 or 4.0.
    label = labels.get(str(rating))
    if label is None and float(rating).is_integer():
        label = labels.get(str(int(rating)))
    text = _("Rating %(rating)s") % {"rating": rating}
    return ReadableFacts(lines=[f"{text} ({label})" if label else text])


def product_lines(measure: Measure, facts: Mapping[str, Any]) -> ReadableFacts:
    values = {"correct": facts["correct"], "attempted": facts["attempted"], "minutes": facts.get("minutes")}
    if values["minutes"] is None:
        return ReadableFacts(lines=[_("%(correct)s of %(attempted)s correct") % values])
    return ReadableFacts(lines=[_("%(correct)s of %(attempted)s correct in %(minutes)s minutes") % values])


FORMATTERS: dict[str, Callable[[Measure, Mapping[str, Any]], ReadableFacts]] = {
    Method.COUNT: event_lines,
    Method.RATE: event_lines,
    Method.INTER_RESPONSE_TIME: event_lines,
    Method.DURATION: episode_lines,
    Method.LATENCY: latency_lines,
    Method.PARTIAL_INTERVAL: interval_marks,
    Method.WHOLE_INTERVAL: interval_marks,
    Method.MOMENTARY_TIME_SAMPLING: interval_marks,
    Method.TRIALS: trial_marks,
    Method.TASK_ANALYSIS: step_lines,
    Method.RATING: rating_lines,
    Method.PERMANENT_PRODUCT: product_lines,
}


def readable_facts(measure: Measure, facts: object) -> ReadableFacts:
    """The raw facts of one observation as a person reads them; facts that do not fit the method
    (stored before a method changed, say) are shown as they are rather than hidden."""
    formatter = FORMATTERS.get(measure.method)
    if formatter is not None and isinstance(facts, Mapping):
        try:
            return formatter(measure, facts)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return ReadableFacts(lines=[facts_json(facts)])


def facts_json(facts: object) -> str:
    return json.dumps(facts, ensure_ascii=False, sort_keys=True)


# Records with their history ----------------------------------------------------------------------


def status_of(record: Record) -> str:
    """current, superseded (a correction of it is stored) or voided; a void outranks a correction."""
    if record.voided_at is not None:
        return "voided"
    if record.superseded_at is not None:
        return "superseded"
    return "current"


@dataclass
class Version:
    """One record as shown: the record, its facts in readable form (observations), and ABC labels."""

    record: Record
    facts: ReadableFacts | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)
    replaced_by: Record | None = None  # the correction that superseded it

    @property
    def status(self) -> str:
        return status_of(self.record)

    @property
    def skew_flagged(self) -> bool:
        skew = self.record.clock_skew_seconds
        return skew is not None and abs(skew) > SKEW_FLAG_SECONDS

    @property
    def value_text(self) -> str:
        """The session value in its measure's unit, as every page writes it (plans.figures)."""
        measure = getattr(self.record, "measure", None)
        value = getattr(self.record, "value", None)
        return figures.measure_value_text(measure, value) if measure is not None else "—"


@dataclass
class RecordRow:
    """A record that counts or was voided, with the records it corrected (newest first)."""

    kind: str
    current: Version
    history: list[Version]
    void_form: Any = None  # a VoidForm when the reader may void this record

    @property
    def record(self) -> Record:
        return self.current.record


def chain(head: Record, superseded: Mapping[uuid.UUID, Record]) -> list[Record]:
    """The records a head corrects, newest first, from records already fetched."""
    found: list[Record] = []
    previous = head
    while (earlier := corrected_id(previous)) is not None and earlier in superseded:
        previous = superseded[earlier]
        found.append(previous)
        if len(found) > len(superseded):  # a loop in stored data must not hang a page
            break
    return found


def versions(records: list[Record], labels: Mapping[str, str]) -> list[Version]:
    shown = []
    newer: Record | None = None
    for record in records:
        shown.append(Version(record, facts_of(record), abc_labels(record, labels), replaced_by=newer))
        newer = record
    return shown


def facts_of(record: Record) -> ReadableFacts | None:
    if isinstance(record, Observation):
        return readable_facts(record.measure, record.facts)
    return None


def rows_of(kind: str, heads: Iterable[Record], superseded: Mapping[uuid.UUID, Record]) -> list[RecordRow]:
    heads = list(heads)
    chains = [chain(head, superseded) for head in heads]
    labels = option_labels([*heads, *(r for c in chains for r in c)])
    rows = []
    for head, earlier in zip(heads, chains, strict=True):
        shown = versions([head, *earlier], labels)
        rows.append(RecordRow(kind=kind, current=shown[0], history=shown[1:]))
    return rows


def row_of(kind: str, history: list[Record]) -> RecordRow:
    """One record's row from its history (paradesk.recording.actions.record_history)."""
    shown = versions(history, option_labels(history))
    return RecordRow(kind=kind, current=shown[0], history=shown[1:])


# ABC incidents name the behavior plan's coded options by id --------------------------------------


ABC_CODE_FIELDS = ("antecedent_codes", "behavior_codes", "consequence_codes")


def option_ids(records: Iterable[Record]) -> set[uuid.UUID]:
    ids = set()
    for record in records:
        for name in ABC_CODE_FIELDS:
            for code in getattr(record, name, None) or []:
                try:
                    ids.add(uuid.UUID(str(code)))
                except ValueError:
                    continue
    return ids


def option_labels(records: Iterable[Record]) -> dict[str, str]:
    """Labels of every coded option the records name, in one query."""
    ids = option_ids(records)
    if not ids:
        return {}
    return {str(pk): label for pk, label in AbcOption.objects.filter(id__in=ids).values_list("id", "label")}


def abc_labels(record: Record, labels: Mapping[str, str]) -> dict[str, list[str]]:
    if not isinstance(record, AbcIncident):
        return {}
    return {
        name: [labels.get(str(code), _("(option no longer in the plan)")) for code in getattr(record, name)]
        for name in ABC_CODE_FIELDS
    }


# Queries ----------------------------------------------------------------------------------------------

RECORD_RELATED = ("recorded_by", "voided_by")


@dataclass(frozen=True)
class Kind:
    """How one kind of record is listed on the student's data page."""

    key: str
    title: Any
    model: type[Record]
    order: tuple[str, ...]
    related: tuple[str, ...] = ()

    def records(self, student_id: uuid.UUID) -> models.QuerySet[Record]:
        return (
            self.model._default_manager.filter(student_id=student_id)
            .select_related(*RECORD_RELATED, *self.related)
            .order_by(*self.order, "-recorded_at", "-id")
        )


STUDENT_KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "abc_incident",
            gettext_lazy("ABC incidents"),
            AbcIncident,
            ("-occurred_at",),
            ("target_behavior",),
        ),
        Kind(
            "accommodation_delivery",
            gettext_lazy("Accommodations delivered"),
            AccommodationDelivery,
            ("-date",),
            ("accommodation",),
        ),
        Kind("service_log", gettext_lazy("Service minutes"), ServiceLog, ("-date",), ("service",)),
        Kind("care_log", gettext_lazy("Personal care"), CareLogEntry, ("-occurred_at",)),
        Kind("note", gettext_lazy("Notes to the case manager"), CaseManagerNote, ()),
    )
}
assert set(STUDENT_KINDS) <= set(RECORD_MODELS)


@dataclass
class Listing:
    """One page of records of one kind, each with its history."""

    kind: str
    title: Any
    page: Page[Record]
    rows: list[RecordRow]


def listing(
    kind: str, title: Any, records: models.QuerySet[Record], page_number: str | int | None
) -> Listing:
    """Records that count or were voided, newest first, one page of them; the records they
    corrected come with them. Three queries, whatever the number of rows."""
    heads = records.filter(superseded_at__isnull=True)
    page = Paginator(heads, ROWS_PER_PAGE).get_page(page_number)
    superseded = {record.pk: record for record in records.filter(superseded_at__isnull=False)}
    return Listing(kind, title, page, rows_of(kind, page.object_list, superseded))


def measure_lineage(measure: Measure) -> list[Measure]:
    """The measure and those it was carried from in earlier plan versions, newest first (one query
    per plan version, never per record)."""
    lineage = [measure]
    while lineage[-1].carried_from_id is not None and len(lineage) < 100:
        lineage.append(Measure.objects.select_related("plan").get(pk=lineage[-1].carried_from_id))
    return lineage


def observations_of(measures: Sequence[Measure]) -> models.QuerySet[Observation]:
    return (
        Observation.objects.filter(measure__in=measures)
        .select_related(*RECORD_RELATED, "session", "plan", "measure")
        .order_by("-started_at", "-recorded_at", "-id")
    )


# CSV ------------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "record_id",
    "session_id",
    "plan_version",
    "measure_id",
    "started_at_utc",
    "started_at_local",
    "recorded_by",
    "device",
    "recorded_at_utc",
    "received_at_utc",
    "clock_skew_seconds",
    "value",
    "unit",
    "facts",
    "status",
    "corrects",
    "correction_reason",
    "voided_at_utc",
    "voided_by",
    "void_reason",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guarded(cell: object) -> object:
    """Text cells that a spreadsheet would run as a formula get a leading quote; numbers stay
    numbers."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def utc(moment: datetime.datetime | None) -> str:
    return moment.astimezone(datetime.UTC).isoformat() if moment is not None else ""


def csv_row(observation: Observation, tz: datetime.tzinfo) -> list[object]:
    o = observation
    cells: list[object] = [
        str(o.id),
        str(o.session_id),
        o.plan.version,
        str(o.measure_id),
        utc(o.started_at),
        o.started_at.astimezone(tz).isoformat(),
        o.recorded_by.full_name,
        o.device,
        utc(o.recorded_at),
        utc(o.received_at),
        "" if o.clock_skew_seconds is None else o.clock_skew_seconds,
        "" if o.value is None else o.value,
        units.unit_of(o.measure.method, o.measure.unit) or "",
        facts_json(o.facts),
        status_of(o),
        str(o.corrects_id or ""),
        o.correction_reason,
        utc(o.voided_at),
        o.voided_by.full_name if o.voided_by is not None else "",
        o.void_reason,
    ]
    return [guarded(cell) for cell in cells]


def csv_rows(observations: models.QuerySet[Observation], tz: datetime.tzinfo) -> Iterator[list[object]]:
    yield list(CSV_COLUMNS)
    for observation in observations.iterator(chunk_size=500):
        yield csv_row(observation, tz)
