"""The signature list, moderation (one, a selection, by rule) and fraud signals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import MODERATING_ROLES, OWNING_ROLES
from accounts.two_factor import ask_again, is_fresh
from core.capped_pagination import CappedPaginator
from organisers.access import petition_for, role_on
from organisers.forms import (
    STATE_FILTERS,
    ReasonForm,
    RuleConfirmForm,
    RuleForm,
    SelectionForm,
    SignatureFilterForm,
)
from petitions import exports, fraud
from petitions.models import Signature
from petitions.moderation import (
    RULE_ACTIONS,
    Action,
    ModerationRefused,
    Rule,
    rule_preview,
    signature_moderate,
    signatures_moderate_by_rule,
    signatures_moderate_selected,
)

SIGNATURES_PER_PAGE = 50
# Counted exactly up to here; past it the list says "more than" and asks for a filter.
SIGNATURES_COUNTED = 10_000
# A name search counts less far: each match the trigram index finds is a
# row to read and recheck, where the other filters count from an index.
NAME_MATCHES_COUNTED = 1_000


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _read_once(signatures: QuerySet, *, cap: int) -> tuple[QuerySet, int]:
    """A search the index answers slowly (a name) is run once for its
    matches, up to `cap` + 1: that is the count, and when it is within the
    cap the page reads those rows by key instead of searching again."""
    found = list(signatures.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(found) > cap:
        return signatures, len(found)
    return Signature.objects.filter(pk__in=found), len(found)


@login_required
def signature_list(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    # Moderators see masked addresses; an owner may open the full ones, and
    # every page of them is audited like an export. Searching for an exact
    # address tells whether that person signed: owners only, with a fresh
    # second factor, a few times an hour, each search audited.
    may_see_emails = role_on(request.user, petition) in OWNING_ROLES
    full_emails = may_see_emails and request.GET.get("emails") == "full"
    looking_up = bool(request.GET.get("email", "").strip())
    if looking_up and not may_see_emails:
        raise PermissionDenied(_("Only the petition's owners may search for an email address."))
    if (full_emails or looking_up) and not is_fresh(request):
        return ask_again(request)
    form = SignatureFilterForm(request.GET or None, may_look_up_address=may_see_emails)
    signatures = Signature.objects.filter(petition=petition)
    cap, counted, status = SIGNATURES_COUNTED, None, 200
    if form.is_valid():
        looking_up = bool(form.cleaned_data.get("email"))
        if looking_up:
            try:
                exports.address_lookup_start(by=request.user)
            except exports.TooManyLookups:
                form.add_error("email", _("Too many searches for addresses. Wait an hour and try again."))
                status = 429
    if form.is_valid():
        signatures = form.filter(signatures)
        if form.cleaned_data.get("name"):
            cap = NAME_MATCHES_COUNTED
            signatures, counted = _read_once(signatures, cap=cap)
    elif form.is_bound:
        signatures = signatures.none()
    signatures = signatures.order_by("-created_at", "-pk")
    paginator = CappedPaginator(signatures, SIGNATURES_PER_PAGE, cap=cap, counted=counted)
    page = paginator.get_page(request.GET.get("page"))
    if status == 200 and form.is_valid() and looking_up:
        exports.address_lookup_record(by=request.user, petition=petition, found=paginator.count)
    if full_emails:
        exports.email_page_record(
            by=request.user, petition=petition, page_number=page.number, count=len(page.object_list)
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "petition": petition,
        "form": form,
        "page": page,
        "may_see_emails": may_see_emails,
        "full_emails": full_emails,
        "query": query.urlencode(),
        "state_filters": STATE_FILTERS,
        "current_state": request.GET.get("state", ""),
        "actions": list(Action),
        "count_final": petition.count_is_final(),
    }
    return render(request, "organisers/signature_list.html", context, status=status)


@login_required
@require_POST
def signature_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    fallback = reverse("organisers:signatures", kwargs={"slug": petition.slug})
    try:
        chosen = Action(action)
    except ValueError:
        messages.error(request, _("Unknown action."))
        return _back(request, fallback)
    signature = Signature.objects.filter(pk=pk, petition=petition).first()
    if signature is None:
        messages.error(request, _("That signature does not belong to this petition. Nothing was changed."))
        return _back(request, fallback)
    form = ReasonForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        signature_moderate(by=request.user, petition=petition, signature=signature, action=chosen, note=note)
    except ModerationRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(action)s (signature #%(id)d).") % {"action": chosen.label, "id": pk})
    return _back(request, fallback)


@login_required
@require_POST
def signatures_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    fallback = reverse("organisers:signatures", kwargs={"slug": petition.slug})
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action and select at least one signature."))
        return _back(request, fallback)
    try:
        result = signatures_moderate_selected(
            by=request.user,
            petition=petition,
            ids=form.cleaned_data["ids"],
            action=Action(form.cleaned_data["action"]),
            note=form.cleaned_data["note"],
        )
    except ModerationRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(count)d signature(s) changed.") % {"count": result.changed})
    return _back(request, fallback)


def _rule(cleaned: dict) -> Rule:
    return Rule(
        domain=cleaned["domain"], ip_hash=cleaned["ip_hash"], since=cleaned.get("since"), until=cleaned.get("until")
    )


@login_required
def signatures_rule(request: HttpRequest, slug: str) -> HttpResponse:
    """Step one of moderating by rule: say what the rule would touch."""
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    form = RuleForm(request.GET or None)
    context = {"petition": petition, "form": form}
    if form.is_valid():
        rule, action = _rule(form.cleaned_data), Action(form.cleaned_data["action"])
        preview = rule_preview(petition=petition, rule=rule, action=action)
        context.update(
            rule=rule,
            action=action,
            preview=preview,
            confirm_form=RuleConfirmForm(
                auto_id=False,  # hidden copies of the fields above: no duplicate ids
                initial={
                    **form.cleaned_data,
                    "max_id": preview.max_id,
                    "expected_touched": preview.touched,
                    "expected_counted": preview.counted,
                },
            ),
        )
    return render(request, "organisers/signature_rule.html", context)


@login_required
@require_POST
def signatures_rule_apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Step two: apply it, if it still touches what the preview showed."""
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    form = RuleConfirmForm(request.POST)
    if not form.is_valid() or Action(form.cleaned_data["action"]) not in RULE_ACTIONS:
        messages.error(request, _("This rule is incomplete. Start again from the preview."))
        return redirect("organisers:signatures_rule", slug=petition.slug)
    data = form.cleaned_data
    try:
        result = signatures_moderate_by_rule(
            by=request.user,
            petition=petition,
            rule=_rule(data),
            action=Action(data["action"]),
            max_id=data["max_id"],
            expected_touched=data["expected_touched"],
            expected_counted=data["expected_counted"],
            note=data["note"],
        )
    except ModerationRefused as error:
        messages.error(request, str(error))
        query = request.POST.copy()
        for name in ("csrfmiddlewaretoken", "max_id", "expected_touched", "expected_counted", "note"):
            query.pop(name, None)
        return redirect(f"{reverse('organisers:signatures_rule', kwargs={'slug': petition.slug})}?{query.urlencode()}")
    messages.success(request, _("%(count)d signature(s) changed.") % {"count": result.changed})
    return redirect("organisers:signatures", slug=petition.slug)


@login_required
def fraud_signals(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    return render(
        request,
        "organisers/fraud_signals.html",
        {"petition": petition, "signals": fraud.fraud_signals(petition=petition)},
    )
