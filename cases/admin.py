from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_case_editor
from cases.models import (
    Case,
    CaseLink,
    CaseName,
    CaseText,
    Event,
    InvalidTransition,
    Source,
    Statistic,
    TestifierContact,
    Testimony,
)
from cases.publication import case_approve, case_submit, case_unpublish


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


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
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
        return super().get_queryset(request).with_names()

    def _publication_step(self, request, queryset, step, done: str) -> None:
        if not is_case_editor(request.user):
            self.message_user(request, _("Only case editors can publish or unpublish cases."), messages.ERROR)
            return
        for case in queryset:
            try:
                step(case=case, by=request.user)
            except InvalidTransition as refusal:
                self.message_user(request, f"{case.display_name}: {refusal}", messages.ERROR)
            else:
                self.message_user(request, f"{case.display_name}: {done}", messages.SUCCESS)

    @admin.action(description=_("Submit for publication (a second case editor approves)"))
    def submit_for_publication(self, request, queryset):
        self._publication_step(request, queryset, case_submit, _("submitted; another case editor must approve it."))

    @admin.action(description=_("Approve and publish"))
    def approve_publication(self, request, queryset):
        self._publication_step(request, queryset, case_approve, _("approved and public."))

    @admin.action(description=_("Unpublish"))
    def unpublish(self, request, queryset):
        self._publication_step(request, queryset, case_unpublish, _("no longer public."))

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


@admin.register(Testimony)
class TestimonyAdmin(admin.ModelAdmin):
    list_display = ["testifier_label", "case", "relationship", "given_on", "collected_by", "consent"]
    list_filter = ["consent", "relationship", "collected_by"]
    list_select_related = ["case"]
    search_fields = ["testifier_name", "testifier_label", "case__reference", "case__names__text"]
    autocomplete_fields = ["case", "source"]
    inlines = [TestifierContactInline]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "kind"]
    list_filter = ["kind", "publisher"]
    search_fields = ["publisher", "title", "author", "url"]


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    list_display = ["label", "value", "out_of", "scope", "place", "as_of", "visibility"]
    list_filter = ["visibility", "scope"]
    list_select_related = ["source"]
    search_fields = ["label", "place", "stated_by"]
    autocomplete_fields = ["source"]
