"""The audit log and personal API tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from typing import Any, ClassVar, Self

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paradesk.people.models import District, Staff


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Removed")
    AMEND = "amend", _("Amended")
    ACTIVATE = "activate", _("Activated")
    EXPORT = "export", _("Exported")
    CORRECT = "correct", _("Corrected")
    VOID = "void", _("Voided")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out of sign-in")
    UNLOCK = "unlock", _("Unlocked sign-in")
    PASSWORD = "password", _("Changed the password")
    INVITE = "invite", _("Sent a sign-in link")
    DEACTIVATE = "deactivate", _("Deactivated the account")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_student(self, student_id: uuid.UUID) -> AuditEntryQuerySet:
        return self.filter(student_id=student_id)


class AuditEntry(models.Model):
    """Who did what to which record, when and from where. Never a student's name (FERPA 99.32)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    student_id = models.UUIDField(null=True, blank=True, db_index=True)
    changed_fields = models.JSONField(default=list, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=8, default="web")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"


# A token is a password a program keeps: it expires, by default after 90 days and never later than
# a year, so a forgotten one on an old Chromebook stops working by itself.
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 365


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class SecretLink(models.Model):
    """A secret a person hands to a program or a calendar: 32 random bytes shown once, of which only
    the hash (and the first characters, to tell links apart) is kept. Revoked, never deleted, so the
    list still shows it; `last_used_at` says whether it is still in use. API tokens and calendar
    feeds are such links (docs/access.md#accounts)."""

    # What begins every secret of the kind (the API's "pdk_", so a token reads as one in a config file).
    SECRET_PREFIX: ClassVar[str] = ""
    # Whether the kind has an `expires_at` after which it answers like a revoked one.
    EXPIRES: ClassVar[bool] = False

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @classmethod
    def issue_secret(cls, **fields: Any) -> tuple[Self, str]:
        """A new link with these fields and its raw secret, which the caller shows once and never keeps."""
        raw = cls.SECRET_PREFIX + secrets.token_urlsafe(32)
        start = len(cls.SECRET_PREFIX)
        link = cls._default_manager.create(
            prefix=raw[start : start + 8], token_hash=hash_token(raw), **fields
        )
        return link, raw

    @classmethod
    def live(cls) -> models.QuerySet[Self]:
        """Links that still work: not revoked and, for a kind that expires, not expired (a link of
        such a kind without an expiry works no longer)."""
        links = cls._default_manager.filter(revoked_at__isnull=True)
        return links.filter(expires_at__gt=timezone.now()) if cls.EXPIRES else links

    @classmethod
    def find(cls, raw: str) -> Self | None:
        """The live link with this secret, with its owner, or None (unknown, revoked and expired look
        the same)."""
        if not raw.startswith(cls.SECRET_PREFIX):
            return None
        return cls.live().filter(token_hash=hash_token(raw)).select_related("staff").first()

    def revoke(self) -> bool:
        """Stop the link working; whether this call revoked it (revoking twice keeps the first time)."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
        return True

    def note_use(self, resolution: datetime.timedelta = datetime.timedelta(0)) -> None:
        """Record when the link was last used, at most once per `resolution` (a write per request
        would turn every read into a write)."""
        now = timezone.now()
        if self.last_used_at is not None and now - self.last_used_at < resolution:
            return
        type(self)._default_manager.filter(pk=self.pk).update(last_used_at=now)
        self.last_used_at = now


class ApiToken(SecretLink):
    """A personal token for API clients other than the browser. Only its hash is stored."""

    SECRET_PREFIX = "pdk_"
    EXPIRES = True

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def issue(cls, staff: Staff, name: str, days: int = DEFAULT_TOKEN_DAYS) -> tuple[ApiToken, str]:
        """A new token valid for `days` days, and its raw value, which is shown once and never stored."""
        expires_at = timezone.now() + datetime.timedelta(days=min(days, MAX_TOKEN_DAYS))
        return cls.issue_secret(staff=staff, name=name, expires_at=expires_at)
