from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEntry
from core import signed_note
from core.read_only_admin import ReadOnlyAdmin
from petitions.models import Organiser, Petition, PetitionText, Signature, Witness


class OrganiserInline(admin.TabularInline):
    model = Organiser
    extra = 0
    autocomplete_fields = ["user"]


class PetitionTextInline(admin.StackedInline):
    model = PetitionText
    extra = 0
    verbose_name_plural = _("The text in other languages")


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "signature_count", "opened_at", "closes_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "organiser_name", "addressed_to"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["signature_count", "created_at", "opened_at", "closed_at"]
    inlines = [PetitionTextInline, OrganiserInline]

    # A petition with a history is closed, never deleted: its audit entries
    # name it (accounts.models.AuditEntry.subject), and no database key
    # holds it back any more. Each one is checked, so no bulk delete.
    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is None or AuditEntry.objects.about(obj).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    """Read-only: signatures change state only through their transitions,
    which keep the public count exact."""

    list_display = ["pk", "petition", "state", "country", "created_at", "confirmed_at"]
    list_filter = ["state", "petition"]
    list_select_related = ["petition"]
    search_fields = ["full_name", "email_key"]
    show_full_result_count = False


class WitnessForm(forms.ModelForm):
    class Meta:
        model = Witness
        fields = ["name", "vkey", "url", "active"]

    def clean_vkey(self) -> str:
        vkey = self.cleaned_data["vkey"].strip()
        try:
            verifier = signed_note.Verifier.from_vkey(vkey)
        except signed_note.NoteError as error:
            raise forms.ValidationError(str(error)) from error
        if verifier.algorithm != signed_note.COSIGNATURE_V1:
            raise forms.ValidationError(_("A witness key is a cosignature key (type 0x04)."))
        return vkey


@admin.register(Witness)
class WitnessAdmin(admin.ModelAdmin):
    """The partners whose cosignatures the logs accept and publish (their
    program: scripts/witness_log.py)."""

    form = WitnessForm
    list_display = ["name", "vkey", "active"]
    list_filter = ["active"]
