from django.urls import path

from paradesk.people import views

urlpatterns = [
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<uuid:staff_id>/", views.staff_detail, name="staff_detail"),
    path("staff/<uuid:staff_id>/unlock/", views.staff_unlock, name="staff_unlock"),
    path("staff/<uuid:staff_id>/password/", views.staff_set_password, name="staff_set_password"),
    path("staff/<uuid:staff_id>/invite/", views.staff_invite, name="staff_invite"),
    path("staff/<uuid:staff_id>/deactivate/", views.staff_deactivate, name="staff_deactivate"),
    path("staff/<uuid:staff_id>/roles/new/", views.role_create, name="role_create"),
    path("roles/<uuid:role_id>/end/", views.role_end, name="role_end"),
    path("staff/<uuid:staff_id>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<uuid:assignment_id>/end/", views.assignment_end, name="assignment_end"),
]
