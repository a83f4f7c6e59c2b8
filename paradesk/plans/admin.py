from django.contrib import admin

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
class PlanAdmin(admin.ModelAdmin):
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
    ]
)
