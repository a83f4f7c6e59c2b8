from django.urls import path

from paradesk.access import mfa_views, password_views, sessions, views

urlpatterns = [
    path("students/<uuid:student_id>/access-log/", views.student_access_log, name="student_access_log"),
    path(
        "students/<uuid:student_id>/record-export/", views.student_record_export, name="student_record_export"
    ),
    path(
        "students/<uuid:student_id>/record-export.pdf",
        views.student_record_export_pdf,
        name="student_record_export_pdf",
    ),
    path("account/password/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/changed/",
        password_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password-reset/", password_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        password_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("accounts/session/", sessions.session_page, name="session"),
    path("accounts/sign-out-everywhere/", sessions.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    # Multi-factor sign-in: the second step, setting up an app, the Security page, a reset.
    path("accounts/login/code/", mfa_views.mfa_verify, name="mfa_verify"),
    path("accounts/login/recovery-code/", mfa_views.mfa_recovery, name="mfa_recovery"),
    path("accounts/login/setup/", mfa_views.mfa_setup, name="mfa_setup"),
    path("account/security/", mfa_views.security, name="security"),
    path("account/security/apps/<int:device_id>/remove/", mfa_views.mfa_app_remove, name="mfa_app_remove"),
    path(
        "account/security/recovery-codes/",
        mfa_views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("staff/<uuid:staff_id>/mfa/reset/", mfa_views.staff_mfa_reset, name="staff_mfa_reset"),
]
