"""Multi-factor sign-in: who must use it, where a signed-in person stands, and the writes (setting up
an authenticator app, recovery codes, checking a code, an administrator's reset), each audited.

Devices are django-otp's: a TOTP device per authenticator app and one static device holding the
person's recovery codes. A recovery code is stored only as a hash (django-otp keeps static tokens
as typed), so a copy of the database gives nobody a way in; django-otp still deletes the code it
matches, so each works once, and throttles wrong guesses.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from enum import StrEnum

import segno
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.models import District, Role, Staff

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"
APP_DEVICE_NAME = "Authenticator app"
# Audit entries of multi-factor sign-in name these object types (the actions are the existing
# sign-in, create and delete ones).
AUDIT_APP = "mfa.app"
AUDIT_CODE = "mfa.code"
AUDIT_RECOVERY_CODE = "mfa.recovery_code"
AUDIT_RECOVERY_CODES = "mfa.recovery_codes"
AUDIT_RESET = "mfa.reset"


class MfaState(StrEnum):
    """Where a signed-in person stands with the second step of signing in."""

    DONE = "done"  # verified with a device in this session, or has none and need not use one
    NEEDS_CODE = "needs_code"  # has an app (or recovery codes) and has not typed a code yet
    NEEDS_SETUP = "needs_setup"  # must use multi-factor sign-in and has no app yet


def must_use_mfa(staff: Staff) -> bool:
    """Whether the person's district requires multi-factor sign-in of one of their current roles."""
    if staff.district_id is None:
        return False
    required = District.objects.filter(pk=staff.district_id).values_list("mfa_role_kinds", flat=True).first()
    return holds_role_of(staff, required or [])


def holds_role_of(staff: Staff, kinds: list[str]) -> bool:
    """Whether the person holds a current role of one of these kinds in their own district."""
    if not kinds or staff.district_id is None:
        return False
    return Role.objects.current().filter(staff=staff, district_id=staff.district_id, kind__in=kinds).exists()


def is_verified(staff: Staff) -> bool:
    """Whether this request's session was verified with one of the person's devices (django-otp's
    middleware sets `otp_device`; a staff member loaded any other way has not been)."""
    return getattr(staff, "otp_device", None) is not None


def has_app(staff: Staff) -> bool:
    return TOTPDevice.objects.filter(user=staff, confirmed=True).exists()


def has_recovery_codes(staff: Staff) -> bool:
    return StaticToken.objects.filter(device__user=staff, device__confirmed=True).exists()


def state_of(staff: Staff) -> MfaState:
    """A person with an app or recovery codes always types a code; one without, only if required.

    Asked on every request, so in one query (and a second for the roles only when the district
    requires some): whether any device exists, and the district's setting."""
    if is_verified(staff):
        return MfaState.DONE
    apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    codes = StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
    found = (
        Staff.objects.filter(pk=staff.pk)
        .annotate(has_device=Exists(apps) | Exists(codes))
        .values_list("has_device", "district__mfa_role_kinds")
        .first()
    )
    if found is None:
        return MfaState.DONE  # the person no longer exists: nothing of theirs will be served anyway
    has_device, required = found
    if has_device:
        return MfaState.NEEDS_CODE
    if staff.district_id is not None and holds_role_of(staff, required or []):
        return MfaState.NEEDS_SETUP
    return MfaState.DONE


def mfa_pending(request: HttpRequest) -> bool:
    """Whether the signed-in person of this session still owes the second step."""
    user = request.user
    return isinstance(user, Staff) and state_of(user) != MfaState.DONE


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The session counts as verified from now on, under a new session key (a key seen before the
    second step is worth nothing after it)."""
    request.session.cycle_key()
    otp_login(request, device)


# --- the authenticator app --------------------------------------------------------------------------


def pending_app(staff: Staff) -> TOTPDevice:
    """The app being set up: the same secret on every reload until a code confirms it."""
    device = TOTPDevice.objects.filter(user=staff, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=staff, name=APP_DEVICE_NAME, confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed by hand: base32, in groups of four."""
    plain = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The app's setup link as an inline SVG QR code (no script, no inline style: it passes the CSP)."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff", border=4))


def confirm_app(*, request: HttpRequest, staff: Staff, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a new app with a code from it; on success the session counts as verified and the
    person gets a fresh set of recovery codes (returned, to be shown once). None: wrong code."""
    if not device.verify_token(normalized_app_code(code)):
        audit.record(actor=staff, action=AuditAction.SIGN_IN_FAILED, obj=staff, object_type=AUDIT_APP)
        return None
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = replace_recovery_codes(staff)
        audit.record(actor=staff, action=AuditAction.CREATE, obj=staff, object_type=AUDIT_APP)
    mark_verified(request, device)
    return codes


def remove_app(*, actor: Staff, device: TOTPDevice) -> None:
    """The person removes one of their own apps."""
    with transaction.atomic():
        device.delete()
        audit.record(actor=actor, action=AuditAction.DELETE, obj=actor, object_type=AUDIT_APP)


# --- recovery codes ---------------------------------------------------------------------------------


def hash_recovery_code(code: str) -> str:
    """A recovery code's stored form. The codes carry 50 random bits, so a plain SHA-256 cut to
    django-otp's 16-character token field cannot be reversed by guessing."""
    return hashlib.sha256(normalized_recovery_code(code).encode()).hexdigest()[:16]


def normalized_recovery_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def normalized_app_code(code: str) -> str:
    return "".join(code.split())


def new_recovery_code() -> str:
    raw = StaticToken.random_token()  # 8 base32 characters, 40 bits from os.urandom
    raw += StaticToken.random_token()[:2]
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(staff: Staff) -> list[str]:
    """A new set of recovery codes; the old ones stop working. Returns the codes to show once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=staff, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=hash_recovery_code(c)) for c in codes)
    return codes


def regenerate_recovery_codes(*, actor: Staff) -> list[str]:
    with transaction.atomic():
        codes = replace_recovery_codes(actor)
        audit.record(actor=actor, action=AuditAction.CREATE, obj=actor, object_type=AUDIT_RECOVERY_CODES)
    return codes


def recovery_codes_left(staff: Staff) -> int:
    return StaticToken.objects.filter(device__user=staff, device__confirmed=True).count()


# --- the second step of signing in ------------------------------------------------------------------


class CheckResult(StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    THROTTLED = "throttled"  # too many wrong codes just now: django-otp refuses to look for a while


def throttled(devices: list[Device]) -> bool:
    return bool(devices) and all(not device.verify_is_allowed()[0] for device in devices)


def check_app_code(*, request: HttpRequest, staff: Staff, code: str) -> CheckResult:
    """A code from one of the person's apps; each wrong one is audited and throttled."""
    devices: list[Device] = list(TOTPDevice.objects.filter(user=staff, confirmed=True))
    return check(request, staff, devices, normalized_app_code(code), AUDIT_CODE)


def check_recovery_code(*, request: HttpRequest, staff: Staff, code: str) -> CheckResult:
    """A recovery code, used up by the match."""
    devices: list[Device] = list(StaticDevice.objects.filter(user=staff, confirmed=True))
    return check(request, staff, devices, hash_recovery_code(code), AUDIT_RECOVERY_CODE)


def check(request: HttpRequest, staff: Staff, devices: list[Device], token: str, kind: str) -> CheckResult:
    if throttled(devices):
        audit.record(actor=staff, action=AuditAction.SIGN_IN_FAILED, obj=staff, object_type=kind)
        return CheckResult.THROTTLED
    for device in devices:
        if device.verify_token(token):
            mark_verified(request, device)
            audit.record(actor=staff, action=AuditAction.SIGN_IN, obj=staff, object_type=kind)
            return CheckResult.VERIFIED
    audit.record(actor=staff, action=AuditAction.SIGN_IN_FAILED, obj=staff, object_type=kind)
    return CheckResult.WRONG


# --- an administrator's reset -----------------------------------------------------------------------


def reset_mfa(*, actor: Staff, staff: Staff) -> None:
    """Remove every app and recovery code of a staff member (a lost phone); if they must use
    multi-factor sign-in, their next page takes them to set up a new app."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=staff).delete()
        StaticDevice.objects.filter(user=staff).delete()
        audit.record(actor=actor, action=AuditAction.DELETE, obj=staff, object_type=AUDIT_RESET)
