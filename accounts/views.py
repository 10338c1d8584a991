"""The invitation pages: staff invite, the invitee sets up an account.
(Served under /organisers/invitations/, where the emailed links point.)"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import invitations
from accounts.forms import InvitationAcceptForm, InvitationForm
from accounts.roles import is_site_staff
from accounts.two_factor import fresh_second_factor_required


@login_required
@fresh_second_factor_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest) -> HttpResponse:
    if not is_site_staff(request.user):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, initial={"petition": request.GET.get("petition")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        invitations.invitation_create(by=request.user, subject=data.pop("petition"), **data)
        messages.success(
            request,
            _("Invitation sent to %(email)s. An existing account is asked to accept it by signing in.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("accounts:invitation_create")
    return render(request, "accounts/invitation_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.invitation_from_token(token)
    except (invitations.InvitationInvalid, invitations.InvitationExpired, invitations.InvitationUsed) as error:
        message = {
            invitations.InvitationExpired: _(
                "This invitation has expired. Ask the person who invited you for a new one."
            ),
            invitations.InvitationUsed: _("This invitation has already been used. Log in, or reset your password."),
        }.get(type(error), _("This link does not work. Copy the whole link from the email and try again."))
        return _refused(request, message)
    if invitations.account_for(invitation) is not None:
        return _accept_with_account(request, invitation)
    if not invitations.may_create_account(invitation):
        return _refused(request, _("This link does not work. Copy the whole link from the email and try again."))
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                invitation=invitation, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except invitations.InvitationUsed:
            messages.error(request, _("This invitation has already been used. Log in, or reset your password."))
            return redirect("login")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect("organisers:dashboard")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": _("This invitation does not work"), "message": message}, status=410)


def _accept_with_account(request: HttpRequest, invitation) -> HttpResponse:
    """An address with an account accepts by signing in to it and saying yes."""
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to the invited account to accept the invitation."))
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            invitations.invitation_accept_signed_in(invitation=invitation, by=request.user)
        except invitations.InvitationUsed:
            return _refused(request, _("This invitation has already been used."))
        except invitations.InvitationForSomeoneElse:
            pass
        else:
            messages.success(request, _("Invitation accepted."))
            if invitation.subject is not None:
                return redirect("organisers:petition", slug=invitation.subject.slug)
            return redirect("organisers:dashboard")
    mine = request.user.email.casefold() == invitation.email.casefold()
    return render(
        request,
        "accounts/invitation_confirm.html",
        {"invitation": invitation, "mine": mine},
        status=200 if mine else 403,
    )
