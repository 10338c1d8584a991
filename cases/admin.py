"""Cases in Django's admin, for site staff to look things up: read-only
for everyone, staff included. Every change to a case and its parts is made
on the case desk (organisers), where a second case editor approves exactly
what they were shown (cases.revisions). The one thing edited here is a
testifier's contact, which no public page ever shows."""

from django import forms
from django.contrib import admin

from accounts.two_factor import fresh_second_factor_required
from cases.contacts import contact_changed, contact_read, may_read_contacts
from cases.models import (
    Case,
    CaseIdentifier,
    CaseLink,
    CaseName,
    CaseRevision,
    CaseText,
    Event,
    Source,
    Statistic,
    TestifierContact,
    Testimony,
)


class ReadOnly:
    """Viewing only, whoever asks."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseNameInline(ReadOnly, admin.TabularInline):
    model = CaseName
    fields = ["text", "script", "system", "preferred", "source"]


class EventInline(ReadOnly, admin.TabularInline):
    model = Event
    fields = ["position", "kind", "date", "date_precision", "place", "description", "sources"]


class TestimonyInline(ReadOnly, admin.TabularInline):
    model = Testimony
    fields = ["testifier_label", "relationship", "consent", "given_on", "source"]
    show_change_link = True


class CaseIdentifierInline(ReadOnly, admin.TabularInline):
    model = CaseIdentifier
    fields = ["database", "database_name", "number", "url"]


class CaseTextInline(ReadOnly, admin.TabularInline):
    model = CaseText
    fields = ["language", "summary"]


class CaseLinkInline(ReadOnly, admin.TabularInline):
    model = CaseLink
    fk_name = "case"
    fields = ["relationship", "relative", "source"]


@admin.register(Case)
class CaseAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["reference", "status", "visibility", "updated_at"]
    list_filter = ["visibility", "status", "ethnicity", "gender"]
    search_fields = [
        "reference", "names__text", "names__search_key", "unnamed_description", "hometown_county",
        "identifiers__number",
    ]  # fmt: skip
    inlines = [CaseNameInline, CaseIdentifierInline, CaseTextInline, EventInline, TestimonyInline, CaseLinkInline]


@admin.register(CaseRevision)
class CaseRevisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["case", "state", "origin", "proposed_by", "proposed_at", "reviewed_by", "reviewed_at"]
    list_filter = ["state", "origin"]
    list_select_related = ["case", "proposed_by", "reviewed_by"]


@admin.register(Source)
class SourceAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["publisher", "title", "published_on", "kind"]
    list_filter = ["kind"]
    search_fields = ["publisher", "title", "author", "url"]


@admin.register(Statistic)
class StatisticAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["label", "value", "scope", "place", "as_of", "visibility"]
    list_filter = ["visibility", "scope"]


class TestifierContactForm(forms.ModelForm):
    class Meta:
        model = TestifierContact
        fields = ["phone", "email", "messenger", "address", "notes"]
        widgets = {
            **{name: forms.TextInput(attrs={"autocomplete": "off"}) for name in TestifierContact.ONE_LINE},
            "address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class TestifierContactInline(admin.StackedInline):
    """Case editors only; every page that shows it is a reading, audited
    (TestimonyAdmin.change_view)."""

    model = TestifierContact
    form = TestifierContactForm
    can_delete = True
    extra = 0
    max_num = 1

    def has_view_permission(self, request, obj=None):
        return may_read_contacts(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return may_read_contacts(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_read_contacts(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_read_contacts(request.user) and super().has_delete_permission(request, obj)


@admin.register(Testimony)
class TestimonyAdmin(admin.ModelAdmin):
    """The testimony itself is read-only; its testifier's contact, never
    public, is kept here for case editors who may read contacts, each
    reading and change audited."""

    list_display = ["testifier_label", "case", "relationship", "given_on", "consent"]
    list_filter = ["consent", "relationship"]
    list_select_related = ["case"]
    search_fields = ["testifier_label", "case__reference"]
    inlines = [TestifierContactInline]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Testimony._meta.fields if field.name != "id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Only to reach the contact inline below.
        return may_read_contacts(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """The testimony's fields are all read-only: nothing of it is saved."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The testifier's contact is on this page: a fresh second factor first.
        return fresh_second_factor_required(self._change_view)(request, object_id, form_url, extra_context)

    def _change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page that shows the contact (the form, or the form again with an
        # error) is a reading of it; a successful save redirects instead.
        if getattr(response, "status_code", None) == 200 and may_read_contacts(request.user):
            contact = TestifierContact.objects.filter(testimony_id=object_id).select_related("testimony__case").first()
            if contact is not None:
                contact_read(by=request.user, contact=contact)
        return response

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is TestifierContact:
            for contact, fields in formset.changed_objects:
                contact_changed(by=request.user, contact=contact, fields=fields)
            for contact in formset.new_objects:
                contact_changed(by=request.user, contact=contact, fields=["created"])
