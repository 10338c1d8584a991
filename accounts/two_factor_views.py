"""The second-factor pages: the second step of signing in, setting up an
authenticator app and recovery codes, managing them, and staff resetting
someone's second factors (accounts.two_factor holds the rules)."""

import time
from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from accounts.forms import (
    AuthenticatorConfirmForm,
    PasswordConfirmForm,
    RecoveryCodesSavedForm,
    SecondFactorForm,
    TwoFactorResetForm,
)
from accounts.roles import is_site_staff

# Until when (seconds since the epoch) the recovery-codes page may show the
# codes just made: long enough to copy them, not for good.
SHOW_CODES_UNTIL = "plea_show_recovery_codes_until"
SHOW_CODES_SECONDS = 10 * 60


def _next(request: HttpRequest) -> str:
    return two_factor.safe_next(request, request.POST.get("next") or request.GET.get("next"))


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, and the fresh check before sensitive actions."""
    target = _next(request)
    if not two_factor.has_second_factor(request.user):
        return two_factor.redirect_with_next("two_factor_enrol", target)
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            attempt = two_factor.code_attempt(request)
        except two_factor.TooManyCodes:
            form.add_error("code", _("Too many wrong codes. Wait 15 minutes and try again."))
            status = 429
        else:
            device = two_factor.match_code(request.user, form.cleaned_data["code"])
            if device is None:
                form.add_error("code", _("That code does not work. Check the app's entry for Plea and try again."))
            else:
                attempt.succeeded()
                two_factor.note_verified(request, device=device)
                return redirect(target)
    return render(request, "accounts/two_factor/verify.html", {"form": form, "next": target}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan (or type the secret), then type its code."""
    target = _next(request)
    if two_factor.has_second_factor(request.user) and not two_factor.is_fresh(request):
        return two_factor.ask_again(request)
    device = two_factor.authenticator_start(user=request.user)
    form = AuthenticatorConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            attempt = two_factor.code_attempt(request)
        except two_factor.TooManyCodes:
            form.add_error("code", _("Too many wrong codes. Wait 15 minutes and try again."))
            status = 429
        else:
            if two_factor.authenticator_confirm(request, device=device, code=form.cleaned_data["code"]):
                attempt.succeeded()
                messages.success(request, _("The authenticator app is set up. Signing in now asks for its code."))
                if two_factor.recovery_codes_left(request.user) == 0:
                    return _show_new_codes(request, target)
                return redirect(target)
            form.add_error(
                "code", _("That code does not work. Check the phone's clock and type the code the app shows now.")
            )
    uri = device.config_url
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": target,
        "qr": segno.make(uri, micro=False).svg_data_uri(scale=4, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor.requires_second_factor(request.user),
    }
    return render(request, "accounts/two_factor/enrol.html", context, status=status)


def _show_new_codes(request: HttpRequest, target: str) -> HttpResponse:
    two_factor.recovery_codes_new(user=request.user)
    request.session[SHOW_CODES_UNTIL] = int(time.time()) + SHOW_CODES_SECONDS
    return two_factor.redirect_with_next("two_factor_recovery_codes", target)


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The codes just made, until the person says they saved them."""
    target = _next(request)
    if (request.session.get(SHOW_CODES_UNTIL) or 0) < time.time() or not two_factor.is_verified(request):
        messages.info(request, _("Recovery codes are shown once. Make new ones if you did not save them."))
        return redirect("two_factor_manage")
    form = RecoveryCodesSavedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.pop(SHOW_CODES_UNTIL, None)
        return redirect(target)
    context = {"form": form, "next": target, "codes": two_factor.recovery_codes(request.user)}
    return render(request, "accounts/two_factor/recovery_codes.html", context)


@require_POST
@login_required
@two_factor.fresh_second_factor_required
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if not two_factor.has_second_factor(request.user):
        return redirect("two_factor_manage")
    return _show_new_codes(request, reverse("two_factor_manage"))


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    if two_factor.needs_second_step(request):
        return two_factor.redirect_with_next("two_factor_verify", request.get_full_path())
    context = {
        "has_second_factor": two_factor.has_second_factor(user),
        "required": two_factor.requires_second_factor(user),
        "authenticators": two_factor.authenticators(user),
        "codes_left": two_factor.recovery_codes_left(user),
        "remove_form": PasswordConfirmForm(request=request),
    }
    return render(request, "accounts/two_factor/manage.html", context)


def _password_confirmed(request: HttpRequest) -> bool:
    form = PasswordConfirmForm(request.POST, request=request)
    if form.is_valid():
        return True
    messages.error(request, " ".join(form.errors.get("password", [])))  # type: ignore[arg-type]  # an ErrorList iterates its messages as str
    return False


@require_POST
@login_required
@two_factor.fresh_second_factor_required
def authenticator_remove(request: HttpRequest, pk: int) -> HttpResponse:
    device = get_object_or_404(two_factor.authenticators(request.user), pk=pk)
    if _password_confirmed(request):
        two_factor.authenticator_remove(request, device=device)
        messages.success(request, _("The authenticator app was removed."))
    return redirect("two_factor_manage")


@require_POST
@login_required
@two_factor.fresh_second_factor_required
def remove(request: HttpRequest) -> HttpResponse:
    if _password_confirmed(request):
        two_factor.two_factor_remove(request)
        messages.success(request, _("Two-factor sign-in is off. Signing in now asks for the password only."))
    return redirect("two_factor_manage")


@login_required
@two_factor.fresh_second_factor_required
@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    """For staff: someone lost their phone and their recovery codes."""
    if not is_site_staff(request.user):
        raise PermissionDenied
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        two_factor.two_factor_reset(user=user, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("Two-factor sign-in for %(username)s is off; they set it up again when they next sign in.")
            % {"username": user.get_username()},
        )
        return redirect("two_factor_reset")
    return render(request, "accounts/two_factor/reset.html", {"form": form})
