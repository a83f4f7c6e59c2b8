from django.contrib import admin
from django.http import HttpRequest

from paradesk.access.models import ApiToken, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log is read-only, even for superusers: nothing recorded is changed or removed."""

    list_display = ["at", "actor", "action", "object_type", "object_id", "student_id", "via"]
    list_filter = ["action", "via", "object_type"]
    search_fields = ["object_id", "student_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "staff", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "token_hash"]
