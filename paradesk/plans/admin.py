from django.contrib import admin

from paradesk.access.admin_audit import AuditedAdmin
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    ParaDirection,
    Plan,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["id", "kind", "version", "status", "start_date", "end_date"]
    list_filter = ["kind", "status"]


admin.site.register(
    [
        Goal,
        Measure,
        Accommodation,
        Service,
        TargetBehavior,
        BehaviorStrategy,
        AbcOption,
        ReportingPeriod,
        Snapshot,
        ParaDirection,
    ],
    AuditedAdmin,  # every model here is a student's record: reads and writes are audited
)
