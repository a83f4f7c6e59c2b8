"""Schedule pages: bell schedules and the calendar, each para's week (administrators), a para's own
week, a teacher's "who is in my room when", service minutes, qualifications and calendar feeds.

Administrators reach bell schedules, blocks and staff through their scope (403 for anyone else, 404
outside their schools). A student's name shows only to someone who may see that student; everyone
else reads "a student" (docs/architecture.md#need-to-know).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from paradesk.access import audit, scopes
from paradesk.access.helpers import (
    AdminScope,
    access_bell_schedule,
    access_block,
    access_calendar_day,
    access_day_type,
    access_own_link,
    access_staff,
    access_student,
    admin_scope,
    as_uuid,
)
from paradesk.access.policy import (
    Action,
    admin_school_ids,
    allowed,
    is_district_admin,
    provider_disciplines,
    visible_students,
)
from paradesk.access.requests import StaffRequest
from paradesk.people.models import School, Staff, Student, today
from paradesk.schedules import actions, forms
from paradesk.schedules.calendar_feed import feed_for
from paradesk.schedules.coverage.absences import absences_of
from paradesk.schedules.coverage.models import CoverageAssignment
from paradesk.schedules.minutes import minutes_report, providers_own_services
from paradesk.schedules.models import (
    BellSchedule,
    CalendarDay,
    CalendarFeed,
    DayType,
    ParaBlock,
    ParaBlockQuerySet,
    Qualification,
    StaffQualification,
    SupportNeed,
    SupportType,
    Weekday,
)
from paradesk.schedules.today import day_blocks

FORM_PAGE = "schedules/form_page.html"


def done(request: StaffRequest, to: str) -> HttpResponse:
    """After a successful write: a redirect the browser (or htmx) follows."""
    return HttpResponseClientRedirect(to) if request.htmx else redirect(to)


def form_page(request: StaffRequest, context: dict[str, Any], template: str = FORM_PAGE) -> HttpResponse:
    """The page around a form, or only the form when htmx asks for it."""
    return render(request, f"{template}#form" if request.htmx else template, context)


def block_schools(scope: AdminScope, para: Staff) -> QuerySet[School]:
    """Schools where the administrator may schedule this staff member: theirs, where the staff
    member holds a current role."""
    return scope.schools().filter(id__in=scopes.role_schools(para))


# Weeks of blocks, with students named only to those who may see them -----------------------------


@dataclass(frozen=True)
class BlockRow:
    block: ParaBlock
    students: list[str]  # names, or "a student"


@dataclass(frozen=True)
class WeekDay:
    weekday: int
    label: str
    rows: list[BlockRow]


def shown_blocks(blocks: QuerySet[ParaBlock]) -> QuerySet[ParaBlock]:
    return blocks.select_related("para", "school", "period__day_type", "teacher", "section").prefetch_related(
        "students"
    )


def week_of_blocks(viewer: Staff, blocks: Iterable[ParaBlock]) -> tuple[list[WeekDay], list[Student]]:
    """Blocks by weekday in time order, and the students whose names the page shows (to audit)."""
    visible = set(visible_students(viewer).values_list("id", flat=True))
    named: dict[uuid.UUID, Student] = {}
    by_day: dict[int, list[BlockRow]] = defaultdict(list)
    for block in sorted(blocks, key=lambda b: (b.weekday, b.usual_times or (), b.para_id)):
        names = []
        for student in sorted(block.students.all(), key=lambda s: (s.last_name, s.first_name)):
            if student.pk in visible:
                named[student.pk] = student
                names.append(student.display_name)
            else:
                names.append(_("a student"))
        by_day[block.weekday].append(BlockRow(block, names))
    days = [WeekDay(int(value), str(label), by_day[int(value)]) for value, label in Weekday.choices]
    return days, list(named.values())


@dataclass(frozen=True)
class InForce:
    """The date whose week a page shows (`?on=`, today by default) and the next date after it on
    which the shown blocks change (a rebuilt week taking effect, a block ending), if any."""

    on: datetime.date
    next_change: datetime.date | None

    def context(self) -> dict[str, Any]:
        return {"on": self.on, "next_change": self.next_change, "today": today()}


def in_force(request: StaffRequest, blocks: ParaBlockQuerySet) -> tuple[QuerySet[ParaBlock], InForce]:
    """The blocks in force on the page's date, and when they next change."""
    day = parse_date(request.GET.get("on"), today())
    start = blocks.filter(starts_on__gt=day).order_by("starts_on").values_list("starts_on", flat=True).first()
    end = blocks.filter(ends_on__gte=day).order_by("ends_on").values_list("ends_on", flat=True).first()
    changes = [d for d in (start, end + datetime.timedelta(days=1) if end else None) if d is not None]
    shown = ParaBlock.objects.filter(pk__in=blocks.in_force_on(day).values("pk"))
    return shown, InForce(day, min(changes) if changes else None)


# The para's own week, and a teacher's room --------------------------------------------------------


def my_schedule(request: StaffRequest) -> HttpResponse:
    """The signed-in person's week of blocks, and today's blocks as the day really runs."""
    staff = request.user
    blocks, shown = in_force(request, ParaBlock.objects.filter(para=staff))
    days, named = week_of_blocks(staff, shown_blocks(blocks))
    audit.record_list_views(staff, named)
    day = today()
    runs = [(run, SupportType(run.support_type).label) for run in day_blocks(staff, day)]
    context = {
        **shown.context(),
        "days": days,
        "today_blocks": runs,
        "has_blocks": any(d.rows for d in days),
        "absences": absences_of(staff, day),
    }
    return render(request, "schedules/my_schedule.html", context)


def room_schedule(request: StaffRequest) -> HttpResponse:
    """For a teacher: which para is in their room when (the blocks they direct), by weekday."""
    staff = request.user
    blocks, shown = in_force(request, ParaBlock.objects.filter(teacher=staff))
    days, named = week_of_blocks(staff, shown_blocks(blocks))
    audit.record_list_views(staff, named)
    context = {
        **shown.context(),
        "days": days,
        "has_blocks": any(d.rows for d in days),
        "room_today": room_today(staff, today()),
    }
    return render(request, "schedules/room_schedule.html", context)


def room_today(staff: Staff, day: datetime.date) -> list[CoverageAssignment]:
    """Today's blocks the teacher directs whose para is absent, with who covers each (or nobody)."""
    if staff.district_id is None:
        return []
    return list(
        CoverageAssignment.objects.filter(district_id=staff.district_id, date=day, block__teacher=staff)
        .select_related("absence__para", "covering_para")
        .order_by("start_time")
    )


# A para's week, edited by an administrator ---------------------------------------------------------


def para_schedule(request: StaffRequest, staff_id: object) -> HttpResponse:
    actor = request.user
    para, scope = access_staff(actor, staff_id)
    blocks, shown = in_force(
        request, ParaBlock.objects.filter(para=para, school_id__in=scope.schools().values("id"))
    )
    days, named = week_of_blocks(actor, shown_blocks(blocks))
    audit.record_list_views(actor, named)
    held = StaffQualification.objects.filter(staff=para).select_related("qualification")
    context = {
        **shown.context(),
        "para": para,
        "days": days,
        "qualifications": held,
        "can_add": block_schools(scope, para).exists(),
    }
    return render(request, "schedules/para_schedule.html", context)


def para_block_create(request: StaffRequest, staff_id: object) -> HttpResponse:
    actor = request.user
    para, scope = access_staff(actor, staff_id)
    form = forms.ParaBlockForm(request.POST or None, para=para, schools=block_schools(scope, para))
    return save_block_or_show(request, form, para, _("New block"))


def para_block_edit(request: StaffRequest, block_id: object) -> HttpResponse:
    actor = request.user
    block, scope = access_block(actor, block_id)
    if request.method == "GET":
        record_block_view(actor, block)
    form = forms.ParaBlockForm(
        request.POST or None, instance=block, para=block.para, schools=block_schools(scope, block.para)
    )
    return save_block_or_show(request, form, block.para, _("Change block"), block=block)


def record_block_view(actor: Staff, block: ParaBlock) -> None:
    for student_id in block.students.values_list("id", flat=True):
        audit.record_view(actor, block, student_id)


def save_block_or_show(
    request: StaffRequest, form: forms.ParaBlockForm, para: Staff, title: str, block: ParaBlock | None = None
) -> HttpResponse:
    back = reverse("para_schedule", args=[para.id])
    if request.method == "POST" and form.is_valid():
        try:
            warnings = actions.save_block(
                actor=request.user,
                block=form.save(commit=False),
                students=form.chosen_students,
                changed_fields=form.changed_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Block saved."))
            return done(request, back)
    for warning in form.warnings:
        messages.warning(request, warning)
    # The students field offers every active student of the para's schools, by name.
    audit.record_choices_seen(request.user, form.fields["students"].queryset)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "title": title,
        "action": request.path,
        "back": back,
        "para": para,
        "para_block": block,
    }
    return form_page(request, context, "schedules/block_form.html")


def add_errors(form: forms.forms.BaseForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_POST
def para_block_delete(request: StaffRequest, block_id: object) -> HttpResponse:
    actor = request.user
    block, _scope = access_block(actor, block_id)
    para_id = block.para_id
    actions.delete_block(actor=actor, block=block)
    messages.success(request, _("Block removed."))
    return redirect("para_schedule", staff_id=para_id)


# Bell schedules and the calendar ----------------------------------------------------------------------


def bell_schedules(request: StaffRequest) -> HttpResponse:
    """The administrator's schools with their bell schedules; a school without one can get one."""
    actor = request.user
    scope = admin_scope(actor)
    schools = scope.schools().select_related("bell_schedule").order_by("name")
    form = forms.BellScheduleCreateForm(request.POST or None, schools=scope.schools())
    if request.method == "POST" and form.is_valid():
        schedule = actions.create_bell_schedule(
            actor=actor, school=form.cleaned_data["school"], name=form.cleaned_data["name"]
        )
        messages.success(request, _("Bell schedule created. Add its day types and periods."))
        return redirect("bell_schedule_detail", schedule_id=schedule.id)
    para_roles = scopes.para_roles(scope.schools()).select_related("staff").order_by("staff__full_name")
    paras: dict[uuid.UUID, list[Staff]] = defaultdict(list)
    for role in para_roles:
        paras[role.school_id].append(role.staff)  # type: ignore[index]
    rows = [(school, paras[school.pk]) for school in schools]
    return render(request, "schedules/bell_schedules.html", {"rows": rows, "form": form})


def bell_schedule_detail(request: StaffRequest, schedule_id: object) -> HttpResponse:
    schedule, _scope = access_bell_schedule(request.user, schedule_id)
    day_types = DayType.objects.filter(bell_schedule=schedule).prefetch_related("periods")
    first = today() - datetime.timedelta(days=31)
    entries = CalendarDay.objects.filter(bell_schedule=schedule, date__gte=first).select_related("day_type")
    context = {"schedule": schedule, "day_types": day_types, "entries": entries}
    return render(request, "schedules/bell_schedule_detail.html", context)


def bell_schedule_edit(request: StaffRequest, schedule_id: object) -> HttpResponse:
    actor = request.user
    schedule, _scope = access_bell_schedule(actor, schedule_id)
    form = forms.BellScheduleForm(request.POST or None, instance=schedule)
    back = reverse("bell_schedule_detail", args=[schedule.id])
    if request.method == "POST" and form.is_valid():
        actions.save_bell_schedule(
            actor=actor, schedule=form.save(commit=False), changed_fields=form.changed_data
        )
        messages.success(request, _("Saved."))
        return done(request, back)
    title = _("Bell schedule of %(school)s") % {"school": schedule.school.name}
    return form_page(request, {"form": form, "title": title, "action": request.path, "back": back})


def day_type_create(request: StaffRequest, schedule_id: object) -> HttpResponse:
    schedule, _scope = access_bell_schedule(request.user, schedule_id)
    return day_type_page(request, DayType(bell_schedule=schedule), schedule, _("New day type"))


def day_type_edit(request: StaffRequest, day_type_id: object) -> HttpResponse:
    day_type = access_day_type(request.user, day_type_id)
    return day_type_page(request, day_type, day_type.bell_schedule, day_type.name)


def day_type_page(
    request: StaffRequest, day_type: DayType, schedule: BellSchedule, title: str
) -> HttpResponse:
    """A day type with its periods, saved together once the periods do not overlap."""
    data = request.POST or None
    form = forms.DayTypeForm(data, instance=day_type, bell_schedule=schedule)
    periods = cast(forms.BasePeriodFormSet, forms.PeriodFormSet(data, instance=day_type, prefix="periods"))
    back = reverse("bell_schedule_detail", args=[schedule.id])
    if request.method == "POST" and form.is_valid() and periods.is_valid():
        kept, removed = periods.kept_and_removed()
        actions.save_day_type(
            actor=request.user,
            day_type=form.save(commit=False),
            periods=kept,
            removed=removed,
            changed_fields=form.changed_data,
        )
        messages.success(request, _("Day type saved."))
        return done(request, back)
    context = {"form": form, "periods": periods, "title": title, "action": request.path, "back": back}
    return form_page(request, context, "schedules/day_type_form.html")


def calendar_days_set(request: StaffRequest, schedule_id: object) -> HttpResponse:
    actor = request.user
    schedule, _scope = access_bell_schedule(actor, schedule_id)
    form = forms.CalendarDaysForm(request.POST or None, bell_schedule=schedule)
    back = reverse("bell_schedule_detail", args=[schedule.id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = actions.set_calendar_days(
            actor=actor,
            schedule=schedule,
            start=data["start"],
            end=data["end"],
            day_type=form.day_type,
            closure_reason=data["closure_reason"],
            note=data["note"],
            weekdays_only=not data["include_weekends"],
        )
        messages.success(request, _("%(count)d dates marked.") % {"count": len(entries)})
        return done(request, back)
    title = _("Mark dates on the calendar")
    return form_page(request, {"form": form, "title": title, "action": request.path, "back": back})


@require_POST
def calendar_day_delete(request: StaffRequest, day_id: object) -> HttpResponse:
    actor = request.user
    entry = access_calendar_day(actor, day_id)
    schedule_id = entry.bell_schedule_id
    actions.delete_calendar_day(actor=actor, entry=entry)
    messages.success(request, _("The date follows the default day type again."))
    return redirect("bell_schedule_detail", schedule_id=schedule_id)


# Qualifications ------------------------------------------------------------------------------------


def qualifications(request: StaffRequest) -> HttpResponse:
    """The district's catalogue. Every administrator reads it; district administrators change it
    (it is the whole district's)."""
    actor = request.user
    scope = admin_scope(actor)
    can_edit = scope.whole_district
    editing = None
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("id"):
        editing = Qualification.objects.filter(
            id=as_uuid(request.POST["id"]), district_id=scope.district_id
        ).first()
        if editing is None:
            raise Http404
    form = forms.QualificationForm(request.POST or None, instance=editing, district_id=scope.district_id)
    if request.method == "POST" and form.is_valid():
        actions.save_qualification(
            actor=actor, qualification=form.save(commit=False), changed_fields=form.changed_data
        )
        messages.success(request, _("Saved."))
        return redirect("qualifications")
    catalogue = Qualification.objects.filter(district_id=scope.district_id)
    context = {"catalogue": catalogue, "form": form, "can_edit": can_edit}
    return render(request, "schedules/qualifications.html", context)


def staff_qualifications(request: StaffRequest, staff_id: object) -> HttpResponse:
    """What a staff member holds, with expiry dates; the administrator adds, renews and removes."""
    actor = request.user
    staff, scope = access_staff(actor, staff_id)
    form = forms.GrantQualificationForm(
        request.POST if request.method == "POST" and "remove" not in request.POST else None,
        district_id=scope.district_id,
    )
    if request.method == "POST" and "remove" in request.POST:
        held = StaffQualification.objects.filter(id=as_uuid(request.POST["remove"]), staff=staff).first()
        if held is None:
            raise Http404
        actions.remove_qualification(actor=actor, held=held)
        messages.success(request, _("Qualification removed."))
        return redirect("staff_qualifications", staff_id=staff.id)
    if request.method == "POST" and form.is_valid():
        actions.grant_qualification(
            actor=actor,
            staff=staff,
            qualification=form.cleaned_data["qualification"],
            expires_on=form.cleaned_data["expires_on"],
        )
        messages.success(request, _("Saved."))
        return redirect("staff_qualifications", staff_id=staff.id)
    held_rows = StaffQualification.objects.filter(staff=staff).select_related("qualification")
    context = {"staff": staff, "held": held_rows, "form": form, "today": today()}
    return render(request, "schedules/staff_qualifications.html", context)


def support_needs(request: StaffRequest, student_id: object) -> HttpResponse:
    """The qualifications whoever supports the student must hold."""
    actor = request.user
    student, standings = access_student(actor, student_id, Action.VIEW_RECORD)
    audit.record_view(actor, student, student.id)
    needs = SupportNeed.objects.filter(student=student).select_related("qualification")
    context = {"student": student, "needs": needs, "can_edit": allowed(standings, Action.EDIT_PLAN)}
    return render(request, "schedules/support_needs.html", context)


def support_needs_set(request: StaffRequest, student_id: object) -> HttpResponse:
    """The case manager sets the student's needs (they come from the plan the case manager owns)."""
    actor = request.user
    student, _standings = access_student(actor, student_id, Action.EDIT_PLAN)
    catalogue = list(Qualification.objects.filter(district_id=student.district_id, active=True))
    current: dict[object, str | None] = {
        need.qualification_id: need.applies_to for need in SupportNeed.objects.filter(student=student)
    }
    form = forms.SupportNeedsForm(request.POST or None, qualifications=catalogue, current=current)
    back = reverse("support_needs", args=[student.id])
    if request.method == "POST" and form.is_valid():
        actions.set_support_needs(actor=actor, student=student, needs=form.needs())
        messages.success(request, _("Support needs saved."))
        return done(request, back)
    if request.method == "GET":
        audit.record_view(actor, student, student.id)
    title = _("Support needs")
    context = {"form": form, "title": title, "action": request.path, "back": back, "student": student}
    return form_page(request, context)


# Service minutes ---------------------------------------------------------------------------------------


def parse_date(value: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def minutes_students(
    staff: Staff, school_id: str | None
) -> tuple[QuerySet[Student], list[School], School | None]:
    """Whose minutes the person sees: a school they administer (chosen, or the first), or else
    their caseload."""
    if staff.district_id is None:
        return Student.objects.none(), [], None
    schools = School.objects.filter(district_id=staff.district_id)
    if not is_district_admin(staff):
        schools = schools.filter(id__in=admin_school_ids(staff))
    school_list = list(schools.order_by("name"))
    chosen = next((s for s in school_list if str(s.pk) == school_id), None)
    if chosen is None and school_id != "caseload" and school_list:
        chosen = school_list[0]
    if chosen is not None:
        return Student.objects.active().filter(school=chosen), school_list, chosen
    return scopes.caseload(staff), school_list, None


def service_minutes(request: StaffRequest) -> HttpResponse:
    """Per student: required, scheduled and delivered minutes, compliance, gaps and overlaps."""
    staff = request.user
    day = today()
    start = parse_date(request.GET.get("start"), day - datetime.timedelta(days=27))
    end = parse_date(request.GET.get("end"), day)
    if end < start:
        start, end = end, start
    students, schools, chosen = minutes_students(staff, request.GET.get("school"))
    visible = visible_students(staff).values("id")
    rows = list(students.filter(id__in=visible).select_related("school").order_by("last_name", "first_name"))
    keep = providers_own_services(provider_disciplines(staff, rows)) if chosen is None else None
    report = minutes_report(rows, start, end, week_of=day, keep_service=keep)
    audit.record_list_views(staff, rows)
    context = {
        "report": report,
        "schools": schools,
        "chosen": chosen,
        "start": start,
        "end": end,
        "is_case_manager": scopes.caseload_assignments(staff).exists(),
    }
    template = "schedules/service_minutes.html"
    return render(request, f"{template}#report" if request.htmx else template, context)


# Calendar feeds --------------------------------------------------------------------------------------


def calendar_feeds(request: StaffRequest) -> HttpResponse:
    """The person's private calendar links; a new link is shown once."""
    actor = request.user
    raw = None
    if request.method == "POST":
        _feed, raw = actions.create_calendar_feed(actor=actor)
    feeds = CalendarFeed.objects.filter(staff=actor)
    link = request.build_absolute_uri(reverse("calendar_feed_ics", args=[raw])) if raw else None
    response = render(request, "schedules/calendar_feeds.html", {"feeds": feeds, "new_link": link})
    if raw is not None:
        response["Cache-Control"] = "no-store, private"
    return response


@require_POST
def calendar_feed_revoke(request: StaffRequest, feed_id: object) -> HttpResponse:
    """Revoke one of the person's own feed links; anyone else's is not found."""
    actor = request.user
    feed = access_own_link(actor, CalendarFeed, feed_id)
    actions.revoke_calendar_feed(actor=actor, feed=feed)
    messages.success(request, _("Link revoked. Calendars using it stop updating."))
    return redirect("calendar_feeds")


@login_not_required
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: public, but only at its unguessable link. It holds no student data (see
    paradesk/schedules/calendar_feed.py)."""
    feed = CalendarFeed.find(token)
    if feed is None or not feed.staff.is_active:
        raise Http404
    now = timezone.now()
    feed.note_use()
    text = feed_for(feed.staff, timezone.localdate(), now)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
