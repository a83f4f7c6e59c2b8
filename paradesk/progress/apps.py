from typing import Any

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "paradesk.progress"
    label = "progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from paradesk.recording.sync import observations_stored

        observations_stored.connect(refresh_after_sync, dispatch_uid="progress-summaries")


def refresh_after_sync(sender: Any, *, measure_ids: set[Any], **_kwargs: Any) -> None:
    """Data arrived: the worker brings those measures' dashboard summaries up to date."""
    from paradesk.progress.summaries import refresh_soon

    refresh_soon(measure_ids)
