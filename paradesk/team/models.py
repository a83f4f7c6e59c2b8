"""A staff member's in-app notifications.

The table was `schedules_notification` until notifications became their own area; migration
team/0001 takes it over with its rows (docs in the migration).
"""

from __future__ import annotations

import uuid

from django.db import models

from paradesk.people.models import DistrictOwned, Staff


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(DistrictOwned):
    """A message to one staff member in the app. The text is a key and its parameters, put in
    words (and translated) when shown, so the reader's language decides, not the writer's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"notification {self.id}"
