from django.urls import URLPattern, path

from paradesk.plans import views

urlpatterns: list[URLPattern] = [
    path("caseload/", views.caseload, name="caseload"),
    path("my-students/", views.my_students, name="my_students"),
    path("my-classes/", views.class_accommodations, name="class_accommodations"),
    path("students/<uuid:student_id>/", views.student_detail, name="student_detail"),
    path("students/<uuid:student_id>/snapshot/", views.snapshot_edit, name="snapshot_edit"),
    path("students/<uuid:student_id>/plans/new/", views.plan_create, name="plan_create"),
    path("plans/<uuid:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:plan_id>/amend/", views.plan_amend, name="plan_amend"),
    path("plans/<uuid:plan_id>/activate/", views.plan_activate, name="plan_activate"),
]

# One create and one edit URL for each part of a plan (goal_create, goal_edit, ...).
for part, spec in views.PLAN_PARTS.items():
    urlpatterns += [
        path(
            f"plans/<uuid:plan_id>/{spec.path}/new/", views.part_create, {"part": part}, name=f"{part}_create"
        ),
        path(f"{spec.path}/<uuid:item_id>/edit/", views.part_edit, {"part": part}, name=f"{part}_edit"),
    ]
