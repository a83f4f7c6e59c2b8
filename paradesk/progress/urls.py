from django.urls import URLPattern, path

from paradesk.progress import action_views, dashboard_views, report_views, views

urlpatterns: list[URLPattern] = [
    # Each area of progress adds its pages below its own comment.
    # Graphs and the measure's progress page (views.py)
    path("measures/<uuid:measure_id>/progress/", views.measure_progress, name="measure_progress"),
    # Team dashboard (dashboard_views.py)
    path("progress/", dashboard_views.dashboard, name="progress_dashboard"),
    # Teacher actions: mastery, phase changes, aimline, agreement, fidelity (action_views.py)
    path("measures/<uuid:measure_id>/mastery/", action_views.measure_mastery, name="measure_mastery"),
    path(
        "measures/<uuid:measure_id>/phase-changes/",
        action_views.measure_phase_changes,
        name="measure_phase_changes",
    ),
    path("measures/<uuid:measure_id>/aimline/", action_views.measure_aimline, name="measure_aimline"),
    path("measures/<uuid:measure_id>/agreement/", action_views.measure_agreement, name="measure_agreement"),
    path("students/<uuid:student_id>/fidelity/", action_views.student_fidelity, name="student_fidelity"),
    path("plans/<uuid:plan_id>/fidelity/new/", action_views.fidelity_add, name="fidelity_add"),
    # Progress reports and report batches (report_views.py)
    path(
        "plans/<uuid:plan_id>/periods/<uuid:period_id>/report/",
        report_views.progress_report,
        name="progress_report",
    ),
    path(
        "plans/<uuid:plan_id>/periods/<uuid:period_id>/report.pdf",
        report_views.progress_report_pdf,
        name="progress_report_pdf",
    ),
    path("reports/batches/", report_views.report_batches, name="report_batches"),
    path("reports/batches/<uuid:batch_id>/", report_views.report_batch, name="report_batch"),
    path(
        "reports/batches/<uuid:batch_id>/reports.pdf", report_views.report_batch_pdf, name="report_batch_pdf"
    ),
]
