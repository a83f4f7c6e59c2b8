"""Districts, schools, staff and their roles, students, team assignments and class sections."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def today() -> datetime.date:
    return timezone.localdate()


def default_mfa_role_kinds() -> list[str]:
    """Who must use multi-factor sign-in unless the district decides otherwise: administrators and
    case managers (special-education teachers), who reach the most students' records."""
    return ["school_admin", "district_admin", "sped_teacher"]


class LocalDays:
    """A district's or school's own clock: its zone (from `time_zone`, an IANA name) and its days.
    Dates of observations, absences and blocks are the place's dates, not the server's.

    The zone is read once per instance: change `time_zone` on a fresh instance."""

    time_zone: str

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        """The local date of an aware moment."""
        return moment.astimezone(self.zone).date()

    def at(self, day: datetime.date, clock: datetime.time) -> datetime.datetime:
        """The moment a local clock time of a local date."""
        return datetime.datetime.combine(day, clock, self.zone)

    def day_start(self, day: datetime.date) -> datetime.datetime:
        return self.at(day, datetime.time.min)

    def day_end(self, day: datetime.date) -> datetime.datetime:
        """The start of the next local day: a day is [day_start, day_end), 23 or 25 hours when the
        clocks change."""
        return self.day_start(day + datetime.timedelta(days=1))


class District(LocalDays, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Chicago")
    # Role kinds (RoleKind values) whose holders must use multi-factor sign-in; everyone else may.
    mfa_role_kinds = models.JSONField(
        _("roles that must use multi-factor sign-in"), default=default_mfa_role_kinds, blank=True
    )

    def __str__(self) -> str:
        return self.name

    def requires_mfa_for(self, kinds: set[str]) -> bool:
        """Whether someone holding roles of these kinds must use multi-factor sign-in here."""
        return bool(kinds & set(self.mfa_role_kinds))


class DistrictOwned(models.Model):
    """A table whose rows belong to one district: the rule for every table of student data.

    The district is on every row, and every query names it, even where a join would already say
    which district a row is in: districts never see each other and a leaving district takes its
    rows with it by one filter, and on distributed PostgreSQL (Citus) the district is the
    distribution key, so a query that names it runs on one node
    (docs/architecture.md#the-district-as-distribution-key). A foreign key is indexed."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class School(LocalDays, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Chicago")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffManager(BaseUserManager["Staff"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> Staff:
        if not email:
            raise ValueError("Staff need an email address")
        staff = self.model(email=self.normalize_email(email).lower(), **fields)
        staff.set_password(password)
        staff.save(using=self._db)
        return staff

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> Staff:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("full_name", "Administrator")
        return self.create_user(email, password, **fields)


class Staff(AbstractBaseUser, PermissionsMixin):
    """A person who works with students and signs in with an email address."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="staff", null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Django admin access, for superusers only (see paradesk/urls.py).
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # "Sign out everywhere": every session that began before this moment is over
    # (paradesk/access/sessions.py).
    sessions_ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = StaffManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return self.full_name or self.email


class RoleKind(models.TextChoices):
    PARA = "para", _("Paraprofessional")
    SPED_TEACHER = "sped_teacher", _("Special-education teacher")
    GEN_ED_TEACHER = "gen_ed_teacher", _("General-education teacher")
    PROVIDER = "provider", _("Related-service provider")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    DISTRICT_ADMIN = "district_admin", _("District administrator")


class Discipline(models.TextChoices):
    SLP = "slp", _("Speech-language pathologist")
    OT = "ot", _("Occupational therapist")
    PT = "pt", _("Physical therapist")
    BCBA = "bcba", _("Behavior analyst (BCBA)")
    PSYCHOLOGIST = "psychologist", _("School psychologist")
    NURSE = "nurse", _("School nurse")
    SOCIAL_WORKER = "social_worker", _("School social worker")
    OTHER = "other", _("Other")


class RoleQuerySet(models.QuerySet["Role"]):
    def current(self) -> RoleQuerySet:
        return self.filter(active=True)


class Role(DistrictOwned):
    """A staff member's role at one school, or across the district for a district administrator."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roles")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="roles", null=True, blank=True)
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "school", "kind"], name="role_once_per_school"),
            models.CheckConstraint(
                condition=Q(kind="district_admin", school__isnull=True)
                | (~Q(kind="district_admin") & Q(school__isnull=False)),
                name="role_school_unless_district_admin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}"


class StudentQuerySet(models.QuerySet["Student"]):
    def active(self) -> StudentQuerySet:
        return self.filter(active=True)


class Student(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="students")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="students")
    local_id = models.CharField(_("local student id"), max_length=64)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=4)
    birth_date = models.DateField(_("birth date"))
    home_language = models.CharField(_("home language"), max_length=64, default="English")
    active = models.BooleanField(_("active"), default=True)

    objects = StudentQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "local_id"], name="student_local_id_unique")
        ]

    def __str__(self) -> str:
        # Deliberately not the name: str() ends up in logs and admin history (FERPA).
        return f"student {self.id}"

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"


class TeamRole(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    PARA_ONE_TO_ONE = "para_1to1", _("1:1 paraprofessional")
    PARA_SMALL_GROUP = "para_group", _("Small-group paraprofessional")
    PROVIDER = "provider", _("Related-service provider")
    GEN_ED_TEACHER = "gen_ed_teacher", _("General-education teacher")


class AssignmentStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    CURRENT = "current", _("Current")
    ENDED = "ended", _("Ended")


PARA_TEAM_ROLES = frozenset({TeamRole.PARA_ONE_TO_ONE, TeamRole.PARA_SMALL_GROUP})

# Scope of practice (docs/access.md): a team role is held only by someone who holds the matching
# staff role at the student's school. A general-education teacher's team role reads the summary only
# and needs none.
STAFF_ROLE_FOR_TEAM_ROLE: dict[str, RoleKind] = {
    TeamRole.CASE_MANAGER: RoleKind.SPED_TEACHER,
    TeamRole.PROVIDER: RoleKind.PROVIDER,
    TeamRole.PARA_ONE_TO_ONE: RoleKind.PARA,
    TeamRole.PARA_SMALL_GROUP: RoleKind.PARA,
}


def matching_staff_role(team_role: str) -> Q:
    """The current staff roles that let someone hold the team role at a school; a provider role
    counts only with its discipline."""
    needed = Q(active=True, kind=STAFF_ROLE_FOR_TEAM_ROLE[team_role])
    if team_role == TeamRole.PROVIDER:
        needed &= ~Q(discipline="")
    return needed


def holds_matching_role() -> Q:
    """An assignment whose staff member holds the staff role its team role needs at the student's
    school (the assignment's district carried into the subquery, for Citus)."""
    condition = Q(team_role=TeamRole.GEN_ED_TEACHER)
    for team_role in STAFF_ROLE_FOR_TEAM_ROLE:
        roles = Role.objects.filter(
            matching_staff_role(team_role),
            district_id=OuterRef("district_id"),
            staff_id=OuterRef("staff_id"),
            school_id=OuterRef("student__school_id"),
        )
        condition |= Q(Exists(roles), team_role=team_role)
    return condition


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(
        self, on: datetime.date | None = None, *, district_id: uuid.UUID | None = None
    ) -> AssignmentQuerySet:
        """Assignments in force on a day (today by default): between their dates, not ended before
        the day, and held by someone with the staff role the team role needs (an old row that does
        not match grants nothing). With `district_id`, of that district only (paradesk.access
        always passes it)."""
        found = self.dated(on).filter(holds_matching_role())
        return found if district_id is None else found.in_district(district_id)

    def in_district(self, district_id: uuid.UUID) -> AssignmentQuerySet:
        """Assignments of one district, the district named on the student too: the role check joins
        the student, and on Citus every joined student-data table carries the district."""
        return self.filter(district_id=district_id, student__district_id=district_id)

    def dated(self, on: datetime.date | None = None) -> AssignmentQuerySet:
        """Assignments whose dates cover a day and that were not ended on or before it."""
        day = on or today()
        return (
            self.filter(start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .filter(Q(ended_at__isnull=True) | Q(ended_at__date__gt=day))
        )

    def open(self) -> AssignmentQuerySet:
        """Assignments nobody has ended."""
        return self.filter(ended_at__isnull=True)


class Assignment(DistrictOwned):
    """A staff member on a student's team, in a team role, between two dates; ending it
    (`ended_at`) ends its access at that moment, whatever its end date says."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="assignments")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="assignments")
    team_role = models.CharField(_("role on the team"), max_length=20, choices=TeamRole.choices)
    start_date = models.DateField(_("start date"), default=today)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        indexes = [models.Index(fields=["staff", "team_role"]), models.Index(fields=["student"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_ends_after_start",
            ),
            # One open-ended row per person, student and team role; dated rows that overlap are
            # refused by clean() (a constraint cannot compare date ranges on SQLite).
            models.UniqueConstraint(
                fields=["district", "staff", "student", "team_role"],
                condition=Q(end_date__isnull=True, ended_at__isnull=True),
                name="assignment_open_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_team_role_display()} assignment {self.id}"

    def status_on(self, day: datetime.date) -> AssignmentStatus:
        """Upcoming, current or ended on a day; the same dates `AssignmentQuerySet.dated` reads."""
        if self.ended_at is not None and timezone.localdate(self.ended_at) <= day:
            return AssignmentStatus.ENDED
        if self.start_date > day:
            return AssignmentStatus.UPCOMING
        if self.end_date is not None and self.end_date < day:
            return AssignmentStatus.ENDED
        return AssignmentStatus.CURRENT

    def clean(self) -> None:
        """The staff member holds the staff role the team role needs at the student's school, and
        holds no other open assignment in the same team role to the student over the same days."""
        super().clean()
        if not self.team_role or self.staff_id is None or self.student_id is None:
            return
        if not self.has_matching_role():
            raise ValidationError({"team_role": self.role_mismatch_message()})
        if self.overlapping().exists():
            raise ValidationError(
                {"team_role": _("This person already has this role on the student's team for these dates.")}
            )

    def has_matching_role(self) -> bool:
        if self.team_role not in STAFF_ROLE_FOR_TEAM_ROLE:
            return True
        return Role.objects.filter(
            matching_staff_role(self.team_role),
            district_id=self.student.district_id,
            staff_id=self.staff_id,
            school_id=self.student.school_id,
        ).exists()

    def role_mismatch_message(self) -> str:
        needed = STAFF_ROLE_FOR_TEAM_ROLE[TeamRole(self.team_role)]
        if needed == RoleKind.PROVIDER:
            return _(
                "Only a related-service provider with a discipline at %(school)s can be a provider on "
                "this student's team. Give the person that role first."
            ) % {"school": self.student.school.name}
        return _(
            "Only a %(role)s at %(school)s can be the %(team_role)s on this student's team. "
            "Give the person that role first."
        ) % {
            "role": needed.label.lower(),
            "school": self.student.school.name,
            "team_role": TeamRole(self.team_role).label.lower(),
        }

    def overlapping(self) -> AssignmentQuerySet:
        """Other open assignments of the same person, student and team role whose dates meet this
        one's."""
        others = Assignment.objects.open().filter(
            district_id=self.student.district_id,
            staff_id=self.staff_id,
            student_id=self.student_id,
            team_role=self.team_role,
        )
        others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
        if self.end_date is not None:
            others = others.filter(start_date__lte=self.end_date)
        return others.exclude(pk=self.pk)


class ClassSection(DistrictOwned):
    """A class a general-education teacher teaches; its enrollments show which students they teach."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(_("class name"), max_length=200)
    teacher = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="sections")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Enrollment(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    section = models.ForeignKey(ClassSection, on_delete=models.CASCADE, related_name="enrollments")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrollments")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["section", "student"], name="enrollment_once")]

    def __str__(self) -> str:
        return f"enrollment {self.id}"
