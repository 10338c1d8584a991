"""The account page: where the account is signed in, signing those sessions
out, and the password change that ends them all but this one."""

import datetime
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts import sessions
from accounts.models import SignedInSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    current = sessions.current_token(request)
    rows = list(
        SignedInSession.objects.filter(user=cast("User", request.user)).active(now).order_by("-last_seen_at", "-pk")
    )
    # This device first, then the others, most recently used first.
    rows.sort(key=lambda row: row.token != current)
    context = {
        "rows": [(row, row.token == current) for row in rows],
        "others": sum(row.token != current for row in rows),
        "recent": now - datetime.timedelta(seconds=2 * sessions.SEEN_RESOLUTION),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the account's own sessions: anyone else's is a 404, like a missing one.
    row = get_object_or_404(SignedInSession.objects.filter(user=cast("User", request.user)), pk=pk)
    if row.token == sessions.current_token(request):
        logout(request)
        return redirect("login")
    sessions.signed_in_session_end(by=request.user, signed_in_session=row)
    messages.success(request, _("That session is signed out."))
    return redirect("account")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = sessions.signed_in_sessions_end_others(by=request.user, keep_session_key=request.session.session_key)
    messages.success(
        request,
        ngettext("Signed out of %(count)d other session.", "Signed out of %(count)d other sessions.", ended)
        % {"count": ended},
    )
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        # Django keeps this session and ends the others through the session
        # hash; their rows go from the account page's list as well.
        response = super().form_valid(form)
        sessions.end_other_sessions(user=form.user, keep_session_key=self.request.session.session_key)
        return response
