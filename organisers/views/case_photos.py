"""Case editors' pages for the photos of a case: add one, set its consent,
source and texts, choose the portrait on the person's card, submit and
approve publication (two people), take down and delete (cases.photos);
and the photos' files, for case editors only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import two_factor
from cases import photos
from cases.models import Case, InvalidTransition, Photo
from cases.photo_views import photo_file_response
from core import body_limits
from core.body_limits import body_limit
from organisers.forms import ReasonForm
from organisers.photo_forms import PhotoForm, PhotoUploadForm
from organisers.views.case_reviews import case_editor_required

ADDED = gettext_lazy("The photo is added. Only case editors see it until a second one approves it for publication.")


def _case(reference: str) -> Case:
    return get_object_or_404(Case.objects.with_names(), reference=reference)


def _photo(case: Case, key: str) -> Photo:
    return get_object_or_404(Photo.objects.select_related("submitted_by", "approved_by"), case=case, key=key)


def _page(request, case: Case, form: PhotoUploadForm, *, status: int = 200) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "photos": case.photos.select_related("testimony", "submitted_by", "approved_by"),
        "reason_form": ReasonForm(),
    }
    return render(request, "organisers/case_photos.html", context, status=status)


@body_limit(body_limits.ONE_FILE)
@case_editor_required
@require_http_methods(["GET", "POST"])
def case_photos(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(reference)
    form = PhotoUploadForm(request.POST or None, request.FILES or None, case=case)
    if request.method == "GET":
        return _page(request, case, form)
    if form.is_valid():
        data = form.cleaned_data
        try:
            photo = photos.photo_add(
                case=case, image=data["image"], by=request.user, **{**form.changes, "testimony": data.get("testimony")}
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        except OSError:
            form.add_error(None, _("The photo could not be stored: try again."))
        else:
            messages.success(request, ADDED)
            return redirect(f"{request.path}#photo-{photo.key}")
    return _page(request, case, form, status=400)


@case_editor_required
@require_http_methods(["GET", "POST"])
def photo_edit(request: HttpRequest, reference: str, key: str) -> HttpResponse:
    case = _case(reference)
    photo = _photo(case, key)
    initial = {name: getattr(photo, name) for name in photos.EDITABLE_FIELDS}
    form = PhotoForm(request.POST or None, case=case, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            was_public = photo.visibility == "public"
            try:
                photo = photos.photo_update(photo=photo, by=request.user, changes=form.changes)
            except ValidationError as refusal:
                form.add_error(None, refusal.messages)
            else:
                if was_public and photo.visibility != "public":
                    messages.warning(
                        request,
                        _("Saved. The photo is hidden from the public until a second case editor approves the change."),
                    )
                else:
                    messages.success(request, _("Saved."))
                return redirect(f"{reverse_photos(case)}#photo-{photo.key}")
        status = 400
    return render(request, "organisers/photo_edit.html", {"case": case, "photo": photo, "form": form}, status=status)


def reverse_photos(case: Case) -> str:
    return reverse("organisers:case_photos", kwargs={"reference": case.reference})


# One row per action: the workflow and what the editor is told.
ACTIONS = {
    "submit": (photos.photo_submit, gettext_lazy("Submitted: a second case editor must approve the photo.")),
    "approve": (photos.photo_approve, gettext_lazy("Approved: the photo is public wherever its case is.")),
    "unpublish": (photos.photo_unpublish, gettext_lazy("Taken down: the photo is no longer public.")),
    "portrait": (photos.photo_choose_portrait, gettext_lazy("This photo is now the one on the person's card.")),
    "delete": (photos.photo_delete, gettext_lazy("The photo and its files are deleted.")),
}
WITH_REASON = {"unpublish", "delete"}


@case_editor_required
@require_POST
def photo_action(request: HttpRequest, reference: str, key: str, action: str) -> HttpResponse:
    case = _case(reference)
    photo = _photo(case, key)
    if action not in ACTIONS:
        messages.error(request, _("Unknown action. Nothing was changed."))
        return redirect(reverse_photos(case))
    if action == "approve" and not two_factor.is_fresh(request):
        return two_factor.ask_again(request)  # publishing a photo, like a case
    step, done = ACTIONS[action]
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note could not be saved: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect(reverse_photos(case))
    extra = {"reason": form.cleaned_data["note"]} if action in WITH_REASON else {}
    if action == "approve":
        extra["shown"] = request.POST.get("shown", "")
    try:
        step(photo=photo, by=request.user, **extra)
    except InvalidTransition as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, str(done))
    anchor = "" if action == "delete" else f"#photo-{photo.key}"
    return redirect(reverse_photos(case) + anchor)


@case_editor_required
def photo_file(request: HttpRequest, key: str, filename: str) -> FileResponse:
    """Any photo's file, from the private storage, for case editors only."""
    photo = get_object_or_404(Photo, key=key)
    return photo_file_response(photo, filename, storage=photos.private_storage(), public=False)
