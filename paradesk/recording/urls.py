from django.urls import URLPattern, path

from paradesk.recording import views

urlpatterns: list[URLPattern] = [
    # Raw data, corrections and voids (the teacher's view)
    path("measures/<uuid:measure_id>/data/", views.measure_data, name="measure_data"),
    path("measures/<uuid:measure_id>/data.csv", views.measure_data_csv, name="measure_data_csv"),
    path("students/<uuid:student_id>/data/", views.student_data, name="student_data"),
    path("records/<uuid:record_id>/void/", views.record_void, name="record_void"),
    # The para's Today page and the service worker that keeps it for offline use
    path("today/", views.today_page, name="today"),
    path("sw.js", views.service_worker, name="service_worker"),
]
