from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "paradesk.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from paradesk.access import lockout, signals

        user_logged_in.connect(signals.record_sign_in, dispatch_uid="paradesk_audit_sign_in")
        user_logged_out.connect(signals.record_sign_out, dispatch_uid="paradesk_audit_sign_out")
        user_login_failed.connect(signals.record_failed_sign_in, dispatch_uid="paradesk_audit_sign_in_failed")
        user_locked_out.connect(lockout.record_lockout, dispatch_uid="paradesk_audit_locked_out")
