from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "paradesk.schedules"
    label = "schedules"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Absences and coverage change a para's day: the hook today.day_blocks left for them.
        from paradesk.schedules import absences, today

        today.apply_coverage = absences.apply_coverage
