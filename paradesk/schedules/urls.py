from django.urls import URLPattern, path

from paradesk.schedules import views

urlpatterns: list[URLPattern] = [
    # A person's own schedule pages
    path("schedule/", views.my_schedule, name="my_schedule"),
    path("schedule/my-room/", views.room_schedule, name="room_schedule"),
    path("schedule/calendar-feed/", views.calendar_feeds, name="calendar_feeds"),
    path(
        "schedule/calendar-feed/<uuid:feed_id>/revoke/",
        views.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
    path("minutes/", views.service_minutes, name="service_minutes"),
    # Administrators: bell schedules and the calendar
    path("bell-schedules/", views.bell_schedules, name="bell_schedules"),
    path("bell-schedules/<uuid:schedule_id>/", views.bell_schedule_detail, name="bell_schedule_detail"),
    path("bell-schedules/<uuid:schedule_id>/edit/", views.bell_schedule_edit, name="bell_schedule_edit"),
    path("bell-schedules/<uuid:schedule_id>/day-types/new/", views.day_type_create, name="day_type_create"),
    path("day-types/<uuid:day_type_id>/", views.day_type_edit, name="day_type_edit"),
    path("bell-schedules/<uuid:schedule_id>/calendar/", views.calendar_days_set, name="calendar_days_set"),
    path("calendar-days/<uuid:day_id>/remove/", views.calendar_day_delete, name="calendar_day_delete"),
    # Administrators: para schedules and qualifications
    path("staff/<uuid:staff_id>/schedule/", views.para_schedule, name="para_schedule"),
    path("staff/<uuid:staff_id>/schedule/new/", views.para_block_create, name="para_block_create"),
    path("blocks/<uuid:block_id>/", views.para_block_edit, name="para_block_edit"),
    path("blocks/<uuid:block_id>/remove/", views.para_block_delete, name="para_block_delete"),
    path("qualifications/", views.qualifications, name="qualifications"),
    path("staff/<uuid:staff_id>/qualifications/", views.staff_qualifications, name="staff_qualifications"),
    # A student's support needs
    path("students/<uuid:student_id>/support-needs/", views.support_needs, name="support_needs"),
    path("students/<uuid:student_id>/support-needs/set/", views.support_needs_set, name="support_needs_set"),
]
