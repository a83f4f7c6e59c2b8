"""Writes to a person's own API tokens, each audited and atomic."""

from __future__ import annotations

from django.db import transaction

from paradesk.access import audit
from paradesk.access.models import DEFAULT_TOKEN_DAYS, ApiToken, AuditAction
from paradesk.people.models import Staff


@transaction.atomic
def issue_api_token(*, actor: Staff, name: str, days: int = DEFAULT_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new personal token valid for `days` days and its raw value, which the caller shows once and
    never keeps."""
    token, raw = ApiToken.issue(actor, name, days)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=token, changed_fields=["name", "expires_at"])
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: Staff, token: ApiToken) -> ApiToken:
    """Stop a token working; it stays listed as revoked. Revoking twice keeps the first time."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoke():
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=token, changed_fields=["revoked_at"])
    return token
