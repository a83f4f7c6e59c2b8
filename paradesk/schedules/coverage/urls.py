from django.urls import URLPattern, path

from paradesk.schedules.coverage import views

urlpatterns: list[URLPattern] = [
    # Administrators: absences and who covers them
    path("absences/", views.absence_list, name="absence_list"),
    path("absences/new/", views.absence_create, name="absence_create"),
    path("absences/<uuid:absence_id>/", views.absence_coverage, name="absence_coverage"),
    path("absences/<uuid:absence_id>/cover/", views.coverage_set, name="coverage_set"),
    path("absences/<uuid:absence_id>/accept/", views.coverage_accept, name="coverage_accept"),
    path("absences/<uuid:absence_id>/propose/", views.coverage_propose, name="coverage_propose"),
    path("absences/<uuid:absence_id>/remove/", views.absence_delete, name="absence_delete"),
    # Administrators: build a school's week with the solver
    path("schedule-builder/", views.schedule_builder, name="schedule_builder"),
    path("schedule-builder/accept/", views.schedule_builder_accept, name="schedule_builder_accept"),
]
