"""Multi-factor sign-in: the district's setting, the whole flow through the test client, recovery
codes that work once, throttling, the administrator's reset, and the middleware failing closed on
every page and API operation for someone who still owes the second step."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from paradesk.access import mfa
from paradesk.access.models import ApiToken, AuditAction, AuditEntry
from paradesk.access.routes import ROUTES
from paradesk.access.tests import walk
from paradesk.api import API_ROUTES, api
from paradesk.people.models import District, RoleKind, Staff, default_mfa_role_kinds
from paradesk.testing import PASSWORD, Personas

pytestmark = pytest.mark.django_db

# RFC 6238's SHA-1 test key ("12345678901234567890") and its 6-digit codes at fixed times.
RFC_KEY = "3132333435363738393031323334353637383930"


def require_default_mfa(district: District) -> None:
    district.mfa_role_kinds = default_mfa_role_kinds()
    district.save(update_fields=["mfa_role_kinds"])


def password_sign_in(client: Client, staff: Staff, next_url: str = "") -> Any:
    data = {"username": staff.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def app_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the person's app shows now (or at a given time), from the stored secret."""
    moment = time.time() if at is None else at
    # django_otp.oath.totp reads the clock itself; the code at a fixed time is the code under a
    # clock stopped there.
    with mock.patch("django_otp.oath.time", lambda: moment):
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def confirmed_app(staff: Staff) -> TOTPDevice:
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


# --- known answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("at", "code"), [(59, "287082"), (1111111109, "081804"), (1234567890, "005924")])
def test_app_code_is_rfc_6238s_known_answer(personas: Personas, at: int, code: str) -> None:
    device = TOTPDevice.objects.create(user=personas.case_manager, key=RFC_KEY, confirmed=True)
    assert app_code(device, at) == code


def test_secret_for_typing_is_the_devices_key_in_base32(personas: Personas) -> None:
    device = TOTPDevice.objects.create(user=personas.case_manager, key=RFC_KEY, confirmed=False)
    assert mfa.secret_for_typing(device) == "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"


# --- the district's setting -------------------------------------------------------------------------


def test_a_new_district_requires_administrators_and_case_managers() -> None:
    district = District.objects.create(name="Fresh district")
    assert district.mfa_role_kinds == [RoleKind.SCHOOL_ADMIN, RoleKind.DISTRICT_ADMIN, RoleKind.SPED_TEACHER]


def test_who_must_use_mfa_follows_the_district_setting(personas: Personas) -> None:
    require_default_mfa(personas.district)
    must = {name for name, staff in personas.all().items() if mfa.must_use_mfa(staff)}
    # other_district_admin's district is a test district that asks nobody.
    assert must == {"case_manager", "school_admin", "other_school_admin", "district_admin"}
    personas.district.mfa_role_kinds = [RoleKind.PARA]
    personas.district.save()
    must = {name for name, staff in personas.all().items() if mfa.must_use_mfa(staff)}
    assert must == {"assigned_para", "unassigned_para"}


def test_an_ended_role_no_longer_requires_mfa(personas: Personas) -> None:
    require_default_mfa(personas.district)
    personas.case_manager.roles.update(active=False)
    assert not mfa.must_use_mfa(personas.case_manager)


# --- the whole flow ---------------------------------------------------------------------------------


def test_administrator_sets_up_an_app_before_any_page(client: Client, personas: Personas) -> None:
    admin = personas.school_admin
    require_default_mfa(personas.district)
    response = password_sign_in(client, admin, "/staff/")
    assert response.status_code == 302
    assert client.get("/staff/")["Location"].startswith(reverse("mfa_setup"))
    assert client.get(reverse("mfa_verify")).status_code == 302  # nothing to verify with yet

    page = client.get(reverse("mfa_setup"), {"next": "/staff/"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    html = page.content.decode()
    assert "<svg" in html and 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert mfa.secret_for_typing(device) in html
    assert client.get(reverse("mfa_setup")).context["secret"] == mfa.secret_for_typing(device)

    wrong = client.post(
        reverse("mfa_setup"), {"code": "000000" if app_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors
    device.refresh_from_db()
    device.throttle_reset()

    done = client.post(reverse("mfa_setup"), {"code": app_code(device), "next": "/staff/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == mfa.RECOVERY_CODE_COUNT == len(set(codes))
    assert done["Cache-Control"] == "no-store, private"
    stored = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert stored == {mfa.hash_recovery_code(code) for code in codes}
    assert not stored & {mfa.normalized_recovery_code(code) for code in codes}
    assert client.get("/staff/").status_code == 200
    assert AuditEntry.objects.filter(
        actor=admin, action=AuditAction.CREATE, object_type=mfa.AUDIT_APP
    ).exists()

    # Next sign-in: password, then a code from the app.
    client.post(reverse("logout"))
    password_sign_in(client, admin)
    assert client.get("/staff/")["Location"].startswith(reverse("mfa_verify"))
    device.refresh_from_db()
    # The next window's code (the app's next one; django-otp accepts one step of drift): the code
    # just used for setup would be refused a second time.
    later = client.post(reverse("mfa_verify"), {"code": app_code(device, time.time() + device.step)})
    assert later.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_verify_with_the_current_code_reaches_the_page(client: Client, personas: Personas) -> None:
    manager = personas.case_manager
    require_default_mfa(personas.district)
    device = confirmed_app(manager)
    password_sign_in(client, manager)
    response = client.post(reverse("mfa_verify"), {"code": app_code(device), "next": "/caseload/"})
    assert response.status_code == 302 and response["Location"] == "/caseload/"
    assert client.get("/caseload/").status_code == 200
    assert AuditEntry.objects.filter(
        actor=manager, action=AuditAction.SIGN_IN, object_type=mfa.AUDIT_CODE
    ).exists()


def test_next_elsewhere_is_ignored(client: Client, personas: Personas) -> None:
    device = confirmed_app(personas.case_manager)
    password_sign_in(client, personas.case_manager)
    response = client.post(reverse("mfa_verify"), {"code": app_code(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_para_signs_in_with_a_password_alone_and_may_add_an_app(client: Client, personas: Personas) -> None:
    para = personas.assigned_para
    require_default_mfa(personas.district)
    password_sign_in(client, para)
    assert client.get(reverse("my_students")).status_code == 200
    assert client.get(reverse("security")).status_code == 200

    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=para, confirmed=False)
    codes = client.post(reverse("mfa_setup"), {"code": app_code(device)}).context["codes"]
    assert len(codes) == 10

    # Optional, but once she has an app she types its code each time.
    client.post(reverse("logout"))
    password_sign_in(client, para)
    assert client.get(reverse("my_students"))["Location"].startswith(reverse("mfa_verify"))
    assert client.post(reverse("mfa_recovery"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("my_students")).status_code == 200

    # She removes her app from the Security page: the password alone is enough again.
    removed = client.post(reverse("mfa_app_remove", args=[device.pk]))
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=para).exists()


def test_removing_someone_elses_app_is_not_found(client: Client, personas: Personas) -> None:
    theirs = confirmed_app(personas.case_manager)
    client.force_login(personas.assigned_para)
    assert client.post(reverse("mfa_app_remove", args=[theirs.pk])).status_code == 404
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


# --- recovery codes ---------------------------------------------------------------------------------


def test_a_recovery_code_works_once(personas: Personas) -> None:
    manager = personas.case_manager
    confirmed_app(manager)
    codes = mfa.replace_recovery_codes(manager)

    first = Client()
    password_sign_in(first, manager)
    assert (
        first.post(reverse("mfa_recovery"), {"code": codes[3].upper().replace("-", " ")}).status_code == 302
    )
    assert first.get(reverse("caseload")).status_code == 200
    assert mfa.recovery_codes_left(manager) == 9
    assert AuditEntry.objects.filter(
        actor=manager, action=AuditAction.SIGN_IN, object_type=mfa.AUDIT_RECOVERY_CODE
    ).exists()

    second = Client()
    password_sign_in(second, manager)
    again = second.post(reverse("mfa_recovery"), {"code": codes[3]})
    assert again.status_code == 200 and again.context["form"].errors
    assert second.get(reverse("caseload"))["Location"].startswith(reverse("mfa_verify"))


def test_new_recovery_codes_replace_the_old(client: Client, personas: Personas) -> None:
    manager = personas.case_manager
    old = mfa.replace_recovery_codes(manager)
    client.force_login(manager)
    # Recovery codes alone count as a second step: verify with one before regenerating.
    client.post(reverse("mfa_recovery"), {"code": old[0]})
    response = client.post(reverse("recovery_codes_regenerate"))
    new = response.context["codes"]
    assert response["Cache-Control"] == "no-store, private"
    assert mfa.recovery_codes_left(manager) == 10
    device = StaticDevice.objects.get(user=manager)
    assert not any(device.verify_token(mfa.hash_recovery_code(code)) for code in old[1:2])
    device.throttle_reset()
    assert device.verify_token(mfa.hash_recovery_code(new[0]))


# --- throttling and audit of wrong codes ------------------------------------------------------------


def test_wrong_codes_are_throttled_and_audited(client: Client, personas: Personas) -> None:
    manager = personas.case_manager
    device = confirmed_app(manager)
    password_sign_in(client, manager)
    right = app_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    first = client.post(reverse("mfa_verify"), {"code": wrong})
    assert "not right" in str(first.context["form"].errors)
    # The next try comes within django-otp's wait: refused even with the right code.
    second = client.post(reverse("mfa_verify"), {"code": right})
    assert second.status_code == 200 and "Too many wrong codes" in str(second.context["form"].errors)
    assert client.get(reverse("caseload"))["Location"].startswith(reverse("mfa_verify"))
    failed = AuditEntry.objects.filter(
        actor=manager, action=AuditAction.SIGN_IN_FAILED, object_type=mfa.AUDIT_CODE
    )
    assert failed.count() == 2
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# --- an administrator's reset -----------------------------------------------------------------------


def test_administrator_resets_mfa_in_scope_audited(client: Client, personas: Personas) -> None:
    para = personas.assigned_para
    confirmed_app(para)
    mfa.replace_recovery_codes(para)
    client.force_login(personas.school_admin)
    response = client.post(reverse("staff_mfa_reset", args=[para.id]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=para).exists()
    assert not mfa.has_recovery_codes(para)
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, object_type=mfa.AUDIT_RESET)
    assert entry.actor == personas.school_admin and entry.object_id == str(para.id)


def test_reset_outside_scope_is_not_found_and_non_admins_forbidden(
    client: Client, personas: Personas
) -> None:
    confirmed_app(personas.assigned_para)
    url = reverse("staff_mfa_reset", args=[personas.assigned_para.id])
    client.force_login(personas.other_school_admin)
    assert client.post(url).status_code == 404
    client.force_login(personas.case_manager)
    assert client.post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=personas.assigned_para).exists()


def test_after_a_reset_a_required_person_sets_up_again(client: Client, personas: Personas) -> None:
    manager = personas.case_manager
    require_default_mfa(personas.district)
    device = confirmed_app(manager)
    password_sign_in(client, manager)
    client.post(reverse("mfa_verify"), {"code": app_code(device)})
    assert client.get(reverse("caseload")).status_code == 200
    mfa.reset_mfa(actor=personas.district_admin, staff=manager)
    assert client.get(reverse("caseload"))["Location"].startswith(reverse("mfa_setup"))


# --- the middleware fails closed --------------------------------------------------------------------

MFA_STEPS = {"mfa_verify", "mfa_recovery", "mfa_setup", "logout"}


def unverified(personas: Personas, *, with_app: bool) -> Client:
    """The case manager after the password step only, with an app (owes a code) or without (owes
    setting one up), in a district that requires it."""
    require_default_mfa(personas.district)
    if with_app:
        confirmed_app(personas.case_manager)
    client = Client(raise_request_exception=False)
    client.force_login(personas.case_manager)
    return client


@pytest.mark.parametrize("with_app", [True, False], ids=["owes_a_code", "owes_setup"])
def test_no_page_is_served_before_the_second_step(personas: Personas, with_app: bool) -> None:
    client = unverified(personas, with_app=with_app)
    step = reverse("mfa_verify" if with_app else "mfa_setup")
    requests = []
    for name, page in walk.named_pages().items():
        if name in MFA_STEPS:
            continue
        route = ROUTES[name]
        requests.append(
            (route.method, walk.page_url(page, route, personas, personas.plan, personas.case_manager))
        )
    served = []
    for method, url in requests:
        response = walk.rolled_back(partial(walk.send, client, method, url))
        if response.status_code != 302 or not response["Location"].startswith(step):
            served.append(f"{method} {url}: {walk.describe(response)}")
    assert len(requests) == len(ROUTES) - len(MFA_STEPS)
    assert not served, "\n".join(served)


def test_the_steps_themselves_and_sign_out_answer(personas: Personas) -> None:
    client = unverified(personas, with_app=True)
    assert client.get(reverse("mfa_verify")).status_code == 200
    assert client.get(reverse("mfa_recovery")).status_code == 200
    assert client.get(reverse("mfa_setup"))["Location"].startswith(reverse("mfa_verify"))
    assert client.post(reverse("logout"))["Location"].startswith(reverse("login"))


def test_django_admin_waits_for_the_second_step_too(personas: Personas) -> None:
    personas.case_manager.is_superuser = True
    personas.case_manager.is_staff = True
    personas.case_manager.save()
    client = unverified(personas, with_app=True)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_verify"))


def test_api_refuses_the_session_before_the_second_step(personas: Personas) -> None:
    client = unverified(personas, with_app=True)
    answered = []
    for operation in walk.api_operations(api.get_openapi_schema()):
        route = API_ROUTES[operation.operation_id]
        url = walk.api_url(operation, route, personas, personas.plan, personas.case_manager)
        response = walk.rolled_back(partial(walk.send, client, operation.method, url, {}, api=True))
        if response.status_code != 401:
            answered.append(f"{operation.method} {url}: {response.status_code}")
    assert not answered, "\n".join(answered)


def test_personal_api_tokens_keep_working_without_the_second_step(personas: Personas) -> None:
    require_default_mfa(personas.district)
    confirmed_app(personas.case_manager)
    _token, raw = ApiToken.issue(personas.case_manager, "script")
    response = Client().get("/api/v1/students", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_api_answers_the_session_once_verified(client: Client, personas: Personas) -> None:
    require_default_mfa(personas.district)
    device = confirmed_app(personas.case_manager)
    password_sign_in(client, personas.case_manager)
    assert client.get("/api/v1/students").status_code == 401
    client.post(reverse("mfa_verify"), {"code": app_code(device)})
    assert client.get("/api/v1/students").status_code == 200


def test_security_page_lists_own_apps_and_codes_left(client: Client, personas: Personas) -> None:
    para = personas.assigned_para
    confirmed_app(para)
    theirs = confirmed_app(personas.case_manager)
    mfa.replace_recovery_codes(para)
    password_sign_in(client, para)
    client.post(reverse("mfa_recovery"), {"code": "wrong-codes"})
    page = client.get(reverse("security"))
    assert page["Location"].startswith(reverse("mfa_verify"))  # not before the second step
    codes = mfa.replace_recovery_codes(para)
    StaticDevice.objects.filter(user=para).update(throttling_failure_count=0)
    client.post(reverse("mfa_recovery"), {"code": codes[0]})
    page = client.get(reverse("security"))
    assert page.status_code == 200
    assert list(page.context["apps"]) == list(TOTPDevice.objects.filter(user=para))
    assert theirs not in page.context["apps"]
    assert "You have 9 unused recovery codes." in page.content.decode()


def test_removing_an_app_is_audited(client: Client, personas: Personas) -> None:
    para = personas.assigned_para
    client.force_login(para)
    device = TOTPDevice.objects.create(user=para, name="phone", confirmed=False)
    client.post(reverse("mfa_app_remove", args=[device.pk]))
    assert AuditEntry.objects.filter(
        actor=para, action=AuditAction.DELETE, object_type=mfa.AUDIT_APP
    ).exists()


DOC = Path(settings.BASE_DIR).parent / "docs" / "access.md"


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("mfa_verify", {}),
        ("mfa_recovery", {}),
        ("mfa_setup", {}),
        ("security", {}),
        ("staff_mfa_reset", {"staff_id": "<staff>"}),
    ],
)
def test_docs_name_each_multi_factor_page(name: str, kwargs: dict[str, str]) -> None:
    """docs/access.md says who reaches each page of multi-factor sign-in, by its path."""
    path = reverse(name, kwargs={key: "00000000-0000-0000-0000-000000000000" for key in kwargs})
    for shown in kwargs.values():
        path = path.replace("00000000-0000-0000-0000-000000000000", shown)
    assert f"`{path}" in DOC.read_text(encoding="utf-8"), f"docs/access.md does not name {path}"


def test_the_second_step_page_offers_only_signing_out(personas: Personas) -> None:
    client = unverified(personas, with_app=True)
    html = client.get(reverse("mfa_verify")).content.decode()
    assert reverse("logout") in html
    assert f'href="{reverse("caseload")}"' not in html and f'href="{reverse("security")}"' not in html
    device = TOTPDevice.objects.get(user=personas.case_manager)
    client.post(reverse("mfa_verify"), {"code": app_code(device)})
    html = client.get(reverse("security")).content.decode()
    assert f'href="{reverse("caseload")}"' in html and f'href="{reverse("security")}"' in html
