"""The owner's age public key for exports of signers' addresses."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from petitions.export_keys import validate_age_recipient


class ExportKeyForm(forms.Form):
    export_recipient = forms.CharField(
        label=_("age public key"),
        max_length=100,
        required=False,
        validators=[validate_age_recipient],
        help_text=_("Starts with age1. Leave empty to export plain CSV again."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"}),
    )

    def clean_export_recipient(self) -> str:
        return self.cleaned_data["export_recipient"].strip()

    @property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.add_input(Submit("submit", _("Save"), css_class="btn-primary"))
        return helper
