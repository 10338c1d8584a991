"""Running a petition: create, edit, translate, open, close, win, its
organisers and updates. Every petition is looked up through
organisers.access.petition_for, which applies the permissions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import invitations
from accounts.models import Invitation
from accounts.roles import MODERATING_ROLES, OWNING_ROLES, may_start_petitions
from accounts.two_factor import fresh_second_factor_required
from organisers.access import petition_for, role_on
from organisers.forms import (
    OrganiserInviteForm,
    PetitionForm,
    PetitionTextForm,
    ReasonForm,
    UpdateForm,
    VictoryForm,
)
from organisers.views.decorators import organiser_required
from petitions import services
from petitions.models import Organiser, Petition, PetitionText, PetitionUpdate, Signature


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
    now = timezone.now()
    context = {
        "petition": petition,
        "phase": petition.phase(now=now),
        "confirmations_end_at": petition.confirmations_end_at(now=now),
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
@fresh_second_factor_required
@require_http_methods(["GET", "POST"])
def organisers_manage(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for(request, slug, roles=OWNING_ROLES)
    form = OrganiserInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has an account: the
        # page must not tell an organiser who has one (accounts.invitations).
        invitations.invitation_create(by=request.user, subject=petition, **form.cleaned_data)
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
    invited = Invitation.objects.about(petition).filter(accepted_at__isnull=True).order_by("-created_at")[:50]
    context = {"petition": petition, "form": form, "organisers": organisers, "invited": invited}
    return render(request, "organisers/organisers_manage.html", context)


@login_required
@fresh_second_factor_required
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
