from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_case_editor
from accounts.two_factor import ask_again, fresh_second_factor_required, is_fresh
from cases.models import (
    Case,
    CaseLink,
    CaseName,
    CaseRevision,
    CaseText,
    Event,
    InvalidTransition,
    Source,
    Statistic,
    TestifierContact,
    Testimony,
    Visibility,
)
from cases.publication import (
    case_approve,
    case_submit,
    case_unpublish,
    statistic_approve,
    statistic_submit,
    statistic_unpublish,
)
from cases.revisions import current_version, revision_propose, snapshot
from core.validators import reject_control_characters_multiline


class CaseNameInline(admin.TabularInline):
    model = CaseName
    extra = 1
    fields = ["text", "script", "system", "preferred", "source"]
    autocomplete_fields = ["source"]


class TestimonyInline(admin.StackedInline):
    """Contacts are edited on the testimony's own page, one click away."""

    model = Testimony
    extra = 0
    show_change_link = True
    fields = [
        ("testifier_label", "testifier_name", "relationship"),
        ("given_at", "given_on", "date_precision"),
        ("collected_by", "source", "consent"),
        "summary",
        "internal_notes",
    ]
    autocomplete_fields = ["source"]


class EventInline(admin.TabularInline):
    model = Event
    extra = 1
    fields = ["position", "kind", "date", "date_precision", "place", "description", "sources"]
    autocomplete_fields = ["sources"]


class CaseLinkInline(admin.TabularInline):
    model = CaseLink
    fk_name = "case"
    extra = 0
    verbose_name = _("family member documented here")
    verbose_name_plural = _("family members documented here")
    fields = ["relationship", "relative", "source"]
    autocomplete_fields = ["relative", "source"]


class CaseTextInline(admin.StackedInline):
    model = CaseText
    extra = 0
    verbose_name_plural = _("Summary in other languages")


class CaseForm(forms.ModelForm):
    change_note = forms.CharField(
        label=_("What changes and why"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[reject_control_characters_multiline],
        help_text=_("For the case editor who reviews this change."),
    )


def _publication_step(model_admin, request, queryset, step, done: str) -> None:
    """Runs a publication workflow on each selected row, saying how it went."""
    if not is_case_editor(request.user):
        model_admin.message_user(request, _("Only case editors can publish or unpublish."), messages.ERROR)
        return
    keyword = queryset.model._meta.model_name
    for thing in queryset:
        try:
            step(**{keyword: thing}, by=request.user)
        except InvalidTransition as refusal:
            model_admin.message_user(request, f"{thing}: {refusal}", messages.ERROR)
        else:
            model_admin.message_user(request, f"{thing}: {done}", messages.SUCCESS)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """A public case's changes are saved as a proposal for a second case
    editor (cases.revisions): the form is saved inside a savepoint, the
    result taken as the proposed version, and the savepoint rolled back."""

    form = CaseForm
    list_display = [
        "reference",
        "name_column",
        "status",
        "status_as_of",
        "ethnicity",
        "hometown_prefecture",
        "family_country",
        "visibility",
        "awaiting_approval_column",
        "changes_waiting_column",
        "updated_at",
    ]
    list_filter = ["visibility", "status", "ethnicity", "gender", "family_country", "hometown_prefecture"]
    search_fields = ["reference", "names__text", "names__search_key", "unnamed_description", "hometown_county"]
    autocomplete_fields = ["sources"]
    date_hierarchy = "updated_at"
    # Visibility changes only through the actions below: public needs a
    # second person's approval.
    readonly_fields = [
        "visibility", "submitted_by", "submitted_at", "approved_by", "approved_at", "created_at", "updated_at",
    ]  # fmt: skip
    actions = ["submit_for_publication", "approve_publication", "unpublish"]
    inlines = [CaseNameInline, CaseTextInline, EventInline, TestimonyInline, CaseLinkInline]
    fieldsets = [
        (None, {"fields": ["reference", ("name_unknown", "unnamed_description")]}),
        (
            _("Publication"),
            {"fields": ["visibility", ("submitted_by", "submitted_at"), ("approved_by", "approved_at")]},
        ),
        (_("Status"), {"fields": [("status", "status_as_of")]}),
        (
            _("Person"),
            {"fields": [("gender", "ethnicity"), ("age_reported", "age_reported_on", "birth_year")]},
        ),
        (
            _("Hometown and family"),
            {"fields": [("hometown_prefecture", "hometown_county", "hometown_place"), "family_country"]},
        ),
        (_("Story"), {"fields": ["summary", "language", "sources"]}),
        (_("Organisers only"), {"fields": ["internal_notes", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        waiting = Count("revisions", filter=Q(revisions__state=CaseRevision.State.PROPOSED))
        return super().get_queryset(request).with_names().annotate(changes_waiting=waiting)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.visibility != Visibility.PUBLIC:
            return fieldsets
        versions = reverse("organisers:case_versions", kwargs={"reference": obj.reference})
        description = format_html(
            '{} <a href="{}">{}</a>',
            gettext(
                "This case is public. Your changes will not be shown when you save: they wait for a second"
                " case editor's approval, and the public page keeps showing the approved version until then."
            ),
            versions,
            gettext("Versions and changes waiting for review"),
        )
        return [(_("Review"), {"fields": ["change_note"], "description": description}), *fieldsets]

    def save_model(self, request, obj, form, change):
        if change and Case.objects.filter(pk=obj.pk, visibility=Visibility.PUBLIC).exists():
            current_version(obj)  # kept: the history starts before the savepoint
            request.plea_proposal = (snapshot(obj), transaction.savepoint_create())
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        proposal = getattr(request, "plea_proposal", None)
        if proposal is None:
            return
        before, savepoint = proposal
        proposed = snapshot(form.instance, new_after=before)
        transaction.savepoint_rollback(savepoint)
        request.plea_revision = revision_propose(
            case=form.instance, content=proposed, by=request.user, note=form.cleaned_data.get("change_note", "")
        )

    def log_change(self, request, obj, message):
        if hasattr(request, "plea_proposal"):
            revision = getattr(request, "plea_revision", None)
            message = (
                gettext("Proposed change #%(pk)s for review.") % {"pk": revision.pk}
                if revision
                else gettext("No change.")
            )
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not hasattr(request, "plea_proposal"):
            return super().response_change(request, obj)
        revision = getattr(request, "plea_revision", None)
        if revision is None:
            self.message_user(request, _("Nothing changed."), messages.INFO)
            return HttpResponseRedirect(request.path)
        self.message_user(
            request,
            _("Your change waits for a second case editor's approval; the public page shows the approved version."),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("organisers:case_revision", kwargs={"pk": revision.pk}))

    @admin.action(description=_("Submit for publication (a second case editor approves)"))
    def submit_for_publication(self, request, queryset):
        _publication_step(self, request, queryset, case_submit, _("submitted; another case editor must approve it."))

    @admin.action(description=_("Approve and publish"))
    def approve_publication(self, request, queryset):
        if not is_fresh(request):
            return ask_again(request)
        _publication_step(self, request, queryset, case_approve, _("approved and public."))
        return None

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        _publication_step(self, request, queryset, case_unpublish, _("no longer public."))

    @admin.display(description=_("changes waiting for review"), ordering="changes_waiting")
    def changes_waiting_column(self, case: Case) -> int:
        return case.changes_waiting

    @admin.display(description=_("waiting for approval"), boolean=True)
    def awaiting_approval_column(self, case: Case) -> bool:
        return case.awaiting_approval

    @admin.display(description=_("name"))
    def name_column(self, case: Case) -> str:
        return case.display_name


class TestifierContactInline(admin.StackedInline):
    model = TestifierContact
    can_delete = True
    extra = 0
    max_num = 1


class TestimonyForm(forms.ModelForm):
    def clean_case(self):
        case = self.cleaned_data["case"]
        if case.visibility == Visibility.PUBLIC and (self.instance.pk is None or self.instance.case_id != case.pk):
            raise forms.ValidationError(
                _("This case is public: add the testimony on the case's page, where a second case editor reviews it.")
            )
        return case


@admin.register(Testimony)
class TestimonyAdmin(admin.ModelAdmin):
    """A public case's testimonies change only through the case's page, where
    a second case editor reviews them (consent above all); their contacts,
    never public, stay editable here."""

    form = TestimonyForm
    list_display = ["testifier_label", "case", "relationship", "given_on", "collected_by", "consent"]
    list_filter = ["consent", "relationship", "collected_by"]
    list_select_related = ["case"]
    search_fields = ["testifier_name", "testifier_label", "case__reference", "case__names__text"]
    autocomplete_fields = ["case", "source"]
    inlines = [TestifierContactInline]

    def _public(self, obj) -> bool:
        return obj is not None and obj.case.visibility == Visibility.PUBLIC

    def get_readonly_fields(self, request, obj=None):
        if self._public(obj):
            return [field.name for field in Testimony._meta.fields if field.name != "id"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._public(obj) and super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The testifier's contact is on this page: a fresh second factor first.
        return fresh_second_factor_required(super().change_view)(request, object_id, form_url, extra_context)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "kind"]
    list_filter = ["kind", "publisher"]
    search_fields = ["publisher", "title", "author", "url"]

    def get_readonly_fields(self, request, obj=None):
        # What public pages cite changes only with a second person: cite a
        # corrected source from the case instead, through its review.
        if obj is not None and Source.objects.filter(pk=obj.pk).cited_publicly().exists():
            return ["publisher", "title", "author", "url", "published_on", "kind"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Source.objects.filter(pk=obj.pk).cited_publicly().exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    """A figure goes public only when a second case editor approves it; while
    public it cannot be edited (unpublish, correct, submit again)."""

    list_display = ["label", "value", "out_of", "scope", "place", "as_of", "visibility", "awaiting_approval_column"]
    list_filter = ["visibility", "scope"]
    list_select_related = ["source"]
    search_fields = ["label", "place", "stated_by"]
    autocomplete_fields = ["source"]
    actions = ["submit_for_publication", "approve_publication", "unpublish"]
    PUBLICATION = ["visibility", "submitted_by", "submitted_at", "approved_by", "approved_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.visibility == Visibility.PUBLIC:
            return [field.name for field in Statistic._meta.fields if field.name not in ("id", "internal_notes")]
        return self.PUBLICATION

    @admin.action(description=_("Submit for publication (a second case editor approves)"))
    def submit_for_publication(self, request, queryset):
        _publication_step(
            self, request, queryset, statistic_submit, _("submitted; another case editor must approve it.")
        )

    @admin.action(description=_("Approve and publish"))
    def approve_publication(self, request, queryset):
        if not is_fresh(request):
            return ask_again(request)
        _publication_step(self, request, queryset, statistic_approve, _("approved and public."))
        return None

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        _publication_step(self, request, queryset, statistic_unpublish, _("no longer public."))

    @admin.display(description=_("waiting for approval"), boolean=True)
    def awaiting_approval_column(self, statistic: Statistic) -> bool:
        return statistic.awaiting_approval
