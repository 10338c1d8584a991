"""Organisers' pages. Every petition is looked up through
organisers.access.petition_for, which applies the permissions."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import invitations
from accounts.models import AuditEntry, Invitation
from accounts.roles import MODERATING_ROLES, OWNING_ROLES, is_organiser, is_site_staff, may_start_petitions
from core.capped_pagination import CappedPaginator
from organisers import exports, fraud, services
from organisers.access import petition_for, role_on
from organisers.forms import (
    STATE_FILTERS,
    OrganiserInviteForm,
    PetitionForm,
    PetitionTextForm,
    ReasonForm,
    RuleConfirmForm,
    RuleForm,
    SelectionForm,
    SignatureFilterForm,
    UpdateForm,
    VictoryForm,
)
from organisers.moderation import (
    RULE_ACTIONS,
    Action,
    ModerationRefused,
    Rule,
    rule_preview,
    signature_moderate,
    signatures_moderate_by_rule,
    signatures_moderate_selected,
)
from petitions.models import Organiser, Petition, PetitionText, PetitionUpdate, Signature

SIGNATURES_PER_PAGE = 50
# Counted exactly up to here; past it the list says "more than" and asks for a filter.
SIGNATURES_COUNTED = 10_000
AUDIT_PER_PAGE = 50


def organiser_required(view):
    """Logged in (else to the login page) and an organiser (else 403)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not is_organiser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


# --- Dashboard and petitions ----------------------------------------------


@organiser_required
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    petitions = list(Petition.objects.organised_by(request.user).order_by("status", "-created_at"))
    State = Signature.State
    stats = {
        row["petition"]: row
        for row in Signature.objects.filter(petition__in=[p.pk for p in petitions])
        .values("petition")
        .annotate(
            pending=Count("pk", filter=Q(state=State.PENDING)),
            last_day=Count("pk", filter=Q(created_at__gte=now - datetime.timedelta(hours=24))),
            to_review=Count(
                "pk",
                filter=Q(state=State.CONFIRMED, show_publicly=True, hidden=False, reviewed_at__isnull=True)
                & ~Q(reason=""),
            ),
        )
        .order_by()
    }
    flagged = fraud.flagged_bursts(petition_ids=[p.pk for p in petitions], now=now)
    rows = [(petition, {**stats.get(petition.pk, {}), "flagged": flagged[petition.pk]}) for petition in petitions]
    context = {"rows": rows, "may_start_petitions": may_start_petitions(request.user)}
    return render(request, "organisers/dashboard.html", context)


@organiser_required
@require_http_methods(["GET", "POST"])
def petition_create(request: HttpRequest) -> HttpResponse:
    if not may_start_petitions(request.user):
        raise PermissionDenied(_("Starting petitions is granted by the site's staff."))
    form = PetitionForm(request.POST or None, submit_label=_("Save as a draft"))
    if request.method == "POST" and form.is_valid():
        petition = services.petition_create(by=request.user, fields=form.cleaned_data)
        messages.success(request, _("Your draft is saved. Preview it, then open it when it is ready."))
        return redirect("organisers:petition", slug=petition.slug)
    return render(request, "organisers/petition_form.html", {"form": form, "creating": True})


@login_required
def petition_manage(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug)
    context = {
        "petition": petition,
        "role": role_on(request.user, petition),
        "is_owner": role_on(request.user, petition) in OWNING_ROLES,
        "updates": PetitionUpdate.objects.filter(petition=petition).newest()[:5],
        "undelivered_confirmations": Signature.objects.filter(petition=petition).confirmation_undelivered().count(),
        "victory_form": VictoryForm(),
    }
    return render(request, "organisers/petition_manage.html", context)


@login_required
def petition_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page as it will look, for drafts nobody else can see."""
    petition = petition_for(request, slug)
    context = {
        "petition": petition,
        "signers": Signature.objects.filter(petition=petition).public_signers()[:10],
        "accepting": False,
        "preview": True,
    }
    return render(request, "organisers/petition_preview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def petition_edit(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    if petition.status not in Petition.EDITABLE_STATES:
        messages.error(request, _("A closed petition's text is part of the record and cannot be changed."))
        return redirect("organisers:petition", slug=petition.slug)
    form = PetitionForm(request.POST or None, instance=Petition.objects.get(pk=petition.pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.petition_edit(by=request.user, petition=petition, fields=form.cleaned_data)
        except services.ActionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
        return redirect("organisers:petition", slug=petition.slug)
    return render(request, "organisers/petition_form.html", {"form": form, "petition": petition})


def _lifecycle(request: HttpRequest, slug: str, change, success: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    try:
        change(petition)
    except services.ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("organisers:petition", slug=petition.slug)


@login_required
@require_POST
def petition_open(request: HttpRequest, slug: str) -> HttpResponse:
    return _lifecycle(
        request,
        slug,
        lambda p: services.petition_open(by=request.user, petition=p),
        _("The petition is open: anyone with the link can sign it now."),
    )


@login_required
@require_POST
def petition_close(request: HttpRequest, slug: str) -> HttpResponse:
    form = ReasonForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _lifecycle(
        request,
        slug,
        lambda p: services.petition_close(by=request.user, petition=p, reason=note),
        _("The petition is closed. Its signatures are kept and its count is final."),
    )


@login_required
@require_POST
def petition_victory(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    form = VictoryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say in a few words what was won."))
        return redirect("organisers:petition", slug=petition.slug)
    return _lifecycle(
        request,
        slug,
        lambda p: services.petition_declare_victory(by=request.user, petition=p, note=form.cleaned_data["note"]),
        _("Congratulations! The petition page now shows your victory."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisers_manage(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    form = OrganiserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account: the
        # page must not tell an organiser who has one (accounts.invitations).
        invitations.invitation_create(by=request.user, petition=petition, **form.cleaned_data)
        messages.success(
            request,
            _(
                "Invitation recorded for %(email)s. If this address has a Plea account, it gets an email and "
                "becomes an organiser when it accepts. If not, ask the site's staff to invite this person."
            )
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("organisers:organisers", slug=petition.slug)
    organisers = Organiser.objects.filter(petition=petition).select_related("user").order_by("role", "added_at")
    invited = Invitation.objects.filter(petition=petition, accepted_at__isnull=True).order_by("-created_at")[:50]
    context = {"petition": petition, "form": form, "organisers": organisers, "invited": invited}
    return render(request, "organisers/organisers_manage.html", context)


@login_required
@require_POST
def organiser_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    organiser = get_object_or_404(Organiser.objects.select_related("user"), pk=pk, petition=petition)
    try:
        services.organiser_remove(by=request.user, petition=petition, organiser=organiser)
    except services.ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Removed."))
    return redirect("organisers:organisers", slug=petition.slug)


@login_required
@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_post(by=request.user, petition=petition, **form.cleaned_data)
        except services.ActionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Update posted. Signers who asked for updates will get it by email."))
            return redirect("organisers:petition", slug=petition.slug)
    return render(request, "organisers/update_form.html", {"petition": petition, "form": form})


# --- Signatures and moderation ----------------------------------------------


@login_required
def signature_list(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    form = SignatureFilterForm(request.GET or None)
    signatures = Signature.objects.filter(petition=petition)
    if form.is_valid():
        signatures = form.filter(signatures)
    elif form.is_bound:
        signatures = signatures.none()
    signatures = signatures.order_by("-created_at", "-pk")
    paginator = CappedPaginator(signatures, SIGNATURES_PER_PAGE, cap=SIGNATURES_COUNTED)
    page = paginator.get_page(request.GET.get("page"))
    # Moderators see masked addresses; an owner may open the full ones, and
    # every page of them is audited like an export.
    may_see_emails = role_on(request.user, petition) in OWNING_ROLES
    full_emails = may_see_emails and request.GET.get("emails") == "full"
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
        "closed": petition.is_closed(),
    }
    return render(request, "organisers/signature_list.html", context)


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


# --- Exports and the audit log ---------------------------------------------


def _csv_response(lines, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_signatures(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    exports.export_record(by=request.user, petition=petition, emails=False)
    header = [_("Name"), _("Country"), _("Date"), _("Reason")]
    return _csv_response(exports.csv_lines(header, exports.delivery_rows(petition)), f"{petition.slug}-signatures.csv")


@login_required
def export_emails(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    exports.export_record(by=request.user, petition=petition, emails=True)
    header = [_("Name"), _("Email"), _("Country"), _("Language"), _("Date")]
    return _csv_response(
        exports.csv_lines(header, exports.update_email_rows(petition)), f"{petition.slug}-update-emails.csv"
    )


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    entries = AuditEntry.objects.visible_to(request.user).filter(petition=petition).newest()
    page = Paginator(entries, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisers/audit_log.html", {"petition": petition, "page": page})


@login_required
def audit_log_all(request: HttpRequest) -> HttpResponse:
    if not is_site_staff(request.user):
        raise PermissionDenied
    page = Paginator(AuditEntry.objects.newest(), AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "organisers/audit_log.html", {"page": page})


@login_required
def fraud_signals(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=MODERATING_ROLES)
    return render(
        request,
        "organisers/fraud_signals.html",
        {"petition": petition, "signals": fraud.fraud_signals(petition=petition)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def petition_translations(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    texts = {text.language: text for text in PetitionText.objects.filter(petition=petition)}
    if request.method == "POST":
        form = PetitionTextForm(request.POST, original_language=petition.language)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.petition_text_save(
                    by=request.user,
                    petition=petition,
                    language=data["language"],
                    fields={name: data[name] for name in ("title", "summary", "story")},
                )
            except services.ActionRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Translation saved.") if saved else _("Translation removed."))
            return redirect("organisers:petition_translations", slug=petition.slug)
    else:
        language = request.GET.get("language", "")
        existing = texts.get(language)
        initial = {"language": language}
        if existing is not None:
            initial.update(title=existing.title, summary=existing.summary, story=existing.story)
        form = PetitionTextForm(initial=initial, original_language=petition.language)
    languages = [(code, name, texts.get(code)) for code, name in settings.LANGUAGES if code != petition.language]
    return render(
        request,
        "organisers/petition_translations.html",
        {"petition": petition, "form": form, "languages": languages},
    )
