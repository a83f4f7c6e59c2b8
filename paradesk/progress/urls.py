from django.urls import URLPattern, path

from paradesk.progress.views import actions, dashboard, measures, reports

urlpatterns: list[URLPattern] = [
    # Each area of progress adds its pages below its own comment.
    # Graphs and the measure's progress page (views/measures.py)
    path("measures/<uuid:measure_id>/progress/", measures.measure_progress, name="measure_progress"),
    # Team dashboard (views/dashboard.py)
    path("progress/", dashboard.dashboard, name="progress_dashboard"),
    # Teacher actions: mastery, phase changes, aimline, agreement, fidelity (views/actions.py)
    path("measures/<uuid:measure_id>/mastery/", actions.measure_mastery, name="measure_mastery"),
    path(
        "measures/<uuid:measure_id>/phase-changes/",
        actions.measure_phase_changes,
        name="measure_phase_changes",
    ),
    path("measures/<uuid:measure_id>/aimline/", actions.measure_aimline, name="measure_aimline"),
    path("measures/<uuid:measure_id>/agreement/", actions.measure_agreement, name="measure_agreement"),
    path("students/<uuid:student_id>/fidelity/", actions.student_fidelity, name="student_fidelity"),
    path("plans/<uuid:plan_id>/fidelity/new/", actions.fidelity_add, name="fidelity_add"),
    # Progress reports and report batches (views/reports.py)
    path(
        "plans/<uuid:plan_id>/periods/<uuid:period_id>/report/",
        reports.progress_report,
        name="progress_report",
    ),
    path(
        "plans/<uuid:plan_id>/periods/<uuid:period_id>/report.pdf",
        reports.progress_report_pdf,
        name="progress_report_pdf",
    ),
    path("reports/batches/", reports.report_batches, name="report_batches"),
    path("reports/batches/<uuid:batch_id>/", reports.report_batch, name="report_batch"),
    path("reports/batches/<uuid:batch_id>/reports.pdf", reports.report_batch_pdf, name="report_batch_pdf"),
]
