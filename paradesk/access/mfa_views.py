"""The second step of signing in (a code from an app, or a recovery code), setting up an app, the
person's own Security page, and an administrator's reset of someone's multi-factor sign-in.

The password step stays Django's sign-in page; MultiFactorRequiredMiddleware sends whoever still
owes the second step here, keeping where they were going in `next`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from paradesk.access import mfa
from paradesk.access.forms import AppCodeForm, RecoveryCodeForm
from paradesk.access.helpers import access_staff
from paradesk.access.requests import StaffRequest


def next_url(request: StaffRequest) -> str:
    """Where the person was going, if it is on this site; home otherwise."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def private(response: HttpResponse) -> HttpResponse:
    """Pages with a secret or recovery codes on them are never kept by a browser or proxy."""
    response["Cache-Control"] = "no-store, private"
    return response


def refused_message(result: mfa.CheckResult) -> str:
    if result == mfa.CheckResult.THROTTLED:
        return _("Too many wrong codes. Wait a few seconds, then try again.")
    return _("That code is not right. Check the time on your phone and try the newest code.")


def mfa_verify(request: StaffRequest) -> HttpResponse:
    """The second step: a 6-digit code from the person's authenticator app."""
    staff = request.user
    if mfa.state_of(staff) != mfa.MfaState.NEEDS_CODE:
        return redirect(next_url(request))
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = mfa.check_app_code(request=request, staff=staff, code=form.cleaned_data["code"])
        if result == mfa.CheckResult.VERIFIED:
            return redirect(next_url(request))
        form.add_error("code", refused_message(result))
    context = {"form": form, "next": next_url(request), "has_app": mfa.has_app(staff)}
    return render(request, "access/mfa_verify.html", context)


def mfa_recovery(request: StaffRequest) -> HttpResponse:
    """The second step with a recovery code instead, for a lost or forgotten phone; each code
    works once."""
    staff = request.user
    if mfa.state_of(staff) != mfa.MfaState.NEEDS_CODE:
        return redirect(next_url(request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = mfa.check_recovery_code(request=request, staff=staff, code=form.cleaned_data["code"])
        if result == mfa.CheckResult.VERIFIED:
            left = mfa.recovery_codes_left(staff)
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code; %(left)s are left. "
                    "Make new ones on your Security page if you are running low."
                )
                % {"left": left},
            )
            return redirect(next_url(request))
        form.add_error("code", refused_message(result))
    return render(request, "access/mfa_recovery.html", {"form": form, "next": next_url(request)})


def mfa_setup(request: StaffRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code or type the secret, then confirm with a code
    from the app; the recovery codes are shown once, in the answer to that confirmation."""
    staff = request.user
    if mfa.state_of(staff) == mfa.MfaState.NEEDS_CODE:
        # Someone with an app proves it is them before adding another.
        return redirect(f"{reverse('mfa_verify')}?{REDIRECT_FIELD_NAME}={reverse('mfa_setup')}")
    device = mfa.pending_app(staff)
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.confirm_app(request=request, staff=staff, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            context = {"codes": codes, "next": next_url(request), "first_time": True}
            return private(render(request, "access/mfa_recovery_codes.html", context))
        form.add_error("code", refused_message(mfa.CheckResult.WRONG))
    context = {
        "form": form,
        "next": next_url(request),
        "qr_svg": mfa.qr_svg(device),
        "secret": mfa.secret_for_typing(device),
        "required": mfa.must_use_mfa(staff),
    }
    return private(render(request, "access/mfa_setup.html", context))


def security(request: StaffRequest) -> HttpResponse:
    """The person's own multi-factor sign-in: their apps, how many recovery codes are left."""
    staff = request.user
    context = {
        "apps": TOTPDevice.objects.filter(user=staff, confirmed=True).order_by("created_at", "pk"),
        "codes_left": mfa.recovery_codes_left(staff),
        "required": mfa.must_use_mfa(staff),
    }
    return render(request, "access/security.html", context)


@require_POST
def mfa_app_remove(request: StaffRequest, device_id: object) -> HttpResponse:
    """Remove one of the person's own apps; anyone else's is not found."""
    staff = request.user
    device = TOTPDevice.objects.filter(user=staff, pk=as_int(device_id)).first()
    if device is None:
        raise Http404
    mfa.remove_app(actor=staff, device=device)
    messages.success(request, _("Authenticator app removed."))
    return redirect("security")


def as_int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


@require_POST
def recovery_codes_regenerate(request: StaffRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working at once."""
    staff = request.user
    codes = mfa.regenerate_recovery_codes(actor=staff)
    context = {"codes": codes, "next": reverse("security"), "first_time": False}
    return private(render(request, "access/mfa_recovery_codes.html", context))


@require_POST
def staff_mfa_reset(request: StaffRequest, staff_id: object) -> HttpResponse:
    """An administrator removes a staff member's apps and recovery codes (a lost phone), within
    their scope; the person sets up a new app at their next page if they must use one."""
    actor = request.user
    staff, _scope = access_staff(actor, staff_id)
    mfa.reset_mfa(actor=actor, staff=staff)
    messages.success(request, _("Multi-factor sign-in reset for %(name)s.") % {"name": staff.full_name})
    return redirect("staff_detail", staff_id=staff.id)
