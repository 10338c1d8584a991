"""The account page, and Django's own account views in our look, behind the
site's one sign-in throttle (accounts.sign_in)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import account_page, passkeys, sign_in, two_factor_views

urlpatterns = [
    path("", account_page.account, name="account"),
    path("sessions/<int:pk>/sign-out/", account_page.session_end, name="session_end"),
    path("sessions/sign-out-others/", account_page.sessions_end_others, name="sessions_end_others"),
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", account_page.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", sign_in.ResetRequestView.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", sign_in.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("two-factor/", two_factor_views.manage, name="two_factor_manage"),
    path("two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("two-factor/authenticator/", two_factor_views.enrol, name="two_factor_enrol"),
    path(
        "two-factor/authenticator/<int:pk>/remove/",
        two_factor_views.authenticator_remove,
        name="two_factor_authenticator_remove",
    ),
    path("two-factor/recovery-codes/", two_factor_views.recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/recovery-codes/new/", two_factor_views.recovery_codes_new, name="two_factor_recovery_codes_new"),
    path("two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("two-factor/reset/", two_factor_views.reset, name="two_factor_reset"),
    path("two-factor/passkeys/added/", passkeys.passkey_added, name="passkey_added"),
    path("two-factor/passkeys/<int:pk>/remove/", passkeys.passkey_remove, name="passkey_remove"),
    path("passkeys/", include("accounts.passkey_urls")),
]
