"""The passkey endpoints (accounts.passkeys), under the namespace the
library's template tags reverse ("otp_webauthn")."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from accounts import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path("registration/begin/", passkeys.RegistrationBegin.as_view(), name="credential-registration-begin"),
    path("registration/complete/", passkeys.RegistrationComplete.as_view(), name="credential-registration-complete"),
    path("authentication/begin/", passkeys.AuthenticationBegin.as_view(), name="credential-authentication-begin"),
    path(
        "authentication/complete/",
        passkeys.AuthenticationComplete.as_view(),
        name="credential-authentication-complete",
    ),
    # The messages of the library's scripts, in the page's language.
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]
