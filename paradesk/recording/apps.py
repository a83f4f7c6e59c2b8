from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "paradesk.recording"
    label = "recording"
    default_auto_field = "django.db.models.BigAutoField"
