"""Writes to staff, roles and team assignments, each audited and atomic.

Views check the administrator's scope first (paradesk.access.helpers.admin_scope and access_*).
Nothing here deletes: ending a role or an assignment keeps it, so the record of who could see a
student, and when, stays complete (FERPA 99.32, IDEA 300.623).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from paradesk.access import audit
from paradesk.access.models import ApiToken, AuditAction
from paradesk.people.models import Assignment, District, Role, RoleKind, School, Staff, Student, today


@transaction.atomic
def create_staff(
    *,
    actor: Staff,
    district: District,
    full_name: str,
    email: str,
    password: str | None,
    kind: RoleKind,
    school: School | None,
    discipline: str = "",
) -> Staff:
    """A new staff member of the district with their first role. Without a password they cannot sign
    in until an administrator sets one."""
    staff = Staff.objects.create_user(email=email, password=password, full_name=full_name, district=district)
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=staff, changed_fields=["full_name", "email", "district"]
    )
    add_role(actor=actor, staff=staff, kind=kind, school=school, discipline=discipline)
    return staff


@transaction.atomic
def add_role(
    *, actor: Staff, staff: Staff, kind: RoleKind, school: School | None, discipline: str = ""
) -> Role:
    """Give a staff member a role; a role they held before and that was ended is taken up again
    (one row per staff, school and kind keeps the history in the audit log, not in duplicates)."""
    if staff.district_id is None:
        raise ValueError("A role belongs to a district; this staff member has none")
    discipline = discipline if kind == RoleKind.PROVIDER else ""
    earlier = (
        Role.objects.select_for_update()
        .filter(staff=staff, school=school, kind=kind, district_id=staff.district_id)
        .first()
    )
    if earlier is not None:
        earlier.active = True
        earlier.discipline = discipline
        earlier.save(update_fields=["active", "discipline"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=earlier, changed_fields=["active", "discipline"]
        )
        return earlier
    role = Role(district_id=staff.district_id, staff=staff, school=school, kind=kind, discipline=discipline)
    role.full_clean()
    role.save()
    audit.record(
        actor=actor, action=AuditAction.CREATE, obj=role, changed_fields=["kind", "school", "discipline"]
    )
    return role


@transaction.atomic
def end_role(*, actor: Staff, role: Role) -> Role:
    """End a role (it stays on record, inactive)."""
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.active:
        role.active = False
        role.save(update_fields=["active"])
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=role, changed_fields=["active"])
    return role


@transaction.atomic
def assign_staff(
    *,
    actor: Staff,
    staff: Staff,
    student: Student,
    team_role: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> Assignment:
    """Put a staff member on a student's team between two dates."""
    assignment = Assignment(
        district_id=student.district_id,
        staff=staff,
        student=student,
        team_role=team_role,
        start_date=start_date,
        end_date=end_date,
    )
    assignment.full_clean()
    assignment.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=assignment,
        student_id=student.id,
        changed_fields=["staff", "student", "team_role", "start_date", "end_date"],
    )
    return assignment


@transaction.atomic
def end_assignment(*, actor: Staff, assignment: Assignment) -> Assignment:
    """End an assignment now: its access ends at this moment, not at midnight. The end date
    becomes today (or its first day, for one that has not begun, since the database keeps end on or
    after start); one already ended stays as it was."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    day = today()
    if assignment.ended_at is not None or (assignment.end_date is not None and assignment.end_date < day):
        return assignment
    assignment.ended_at = timezone.now()
    assignment.end_date = max(day, assignment.start_date)
    assignment.save(update_fields=["ended_at", "end_date"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=assignment,
        student_id=assignment.student_id,
        changed_fields=["ended_at", "end_date"],
    )
    return assignment


# Accounts: an administrator sets a password, sends a sign-in link, or deactivates an account.


@transaction.atomic
def set_staff_password(*, actor: Staff, staff: Staff, password: str) -> Staff:
    """Give a staff member a password (their other sessions end: Django checks the password's hash
    on every request)."""
    staff.set_password(password)
    staff.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.PASSWORD, obj=staff, changed_fields=["password"])
    return staff


def send_sign_in_link(*, actor: Staff, staff: Staff, base_url: str) -> None:
    """Email the staff member a link to choose their own password (an invitation, or a reset the
    administrator starts). Django's reset form skips accounts without a usable password, which is
    exactly a new staff member's, so the link is made here with the same token generator."""
    context = {
        "user": staff,
        "uid": urlsafe_base64_encode(force_bytes(staff.pk)),
        "token": default_token_generator.make_token(staff),
        "link_base": base_url.rstrip("/"),
        "invited_by": actor.full_name,
    }
    subject = "".join(render_to_string("people/sign_in_link_subject.txt", context).splitlines())
    body = render_to_string("people/sign_in_link_email.txt", context)
    send_mail(subject, body, None, [staff.email])
    audit.record(actor=actor, action=AuditAction.INVITE, obj=staff)


def end_sessions_of(staff: Staff) -> int:
    """Delete every live session signed in as the staff member; the count deleted. Sessions are
    stored signed, not indexed by person, so each live one is read (deactivation is rare)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(staff.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def deactivate_staff(*, actor: Staff, staff: Staff) -> Staff:
    """Stop a staff member signing in: their sessions end and their API tokens are revoked at once.
    The account and everything they recorded stay (nothing recorded is lost)."""
    now = timezone.now()
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    revoked = ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).update(revoked_at=now)
    end_sessions_of(staff)
    changed = ["is_active", "api_tokens"] if revoked else ["is_active"]
    audit.record(actor=actor, action=AuditAction.DEACTIVATE, obj=staff, changed_fields=changed)
    return staff


@transaction.atomic
def reactivate_staff(*, actor: Staff, staff: Staff) -> Staff:
    """Let a deactivated staff member sign in again (with a password they set or are sent)."""
    staff.is_active = True
    staff.save(update_fields=["is_active"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=staff, changed_fields=["is_active"])
    return staff
