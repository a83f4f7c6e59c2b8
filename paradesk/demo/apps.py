from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed only so Django finds the `paradesk demo` command; the demo has no tables of its own."""

    name = "paradesk.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"
