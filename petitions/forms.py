from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField, LazyTypedChoiceField

from core.public_form import GuardedForm
from core.validators import reject_control_characters, reject_control_characters_multiline
from petitions.abuse import STARTED_PLACEHOLDER, is_disposable
from petitions.email_keys import UnsupportedAddress, email_key


class CountryChoiceField(LazyTypedChoiceField):
    def valid_value(self, value) -> bool:
        # Django would build and walk all ~250 translated, sorted choices on
        # every signature; a lookup by code gives the same answer.
        return value in countries


class SignForm(GuardedForm):
    """Bound to its petition by slug (the form clock's scope); shown unbound in
    the shared page, whose every response stamps its own start time."""

    too_fast_message = _("That was quicker than a person usually is. Please check your details and sign again.")
    expired_message = _("This form had expired. Please check your details and sign again.")
    too_many_message = _(
        "Too many signatures have come from your network in the last few minutes. "
        "Please wait a few minutes and sign again; your details are kept below."
    )

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We send a link to confirm your signature. Your email is never shown publicly."),
        validators=[reject_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    country = CountryField(blank_label=_("Choose your country")).formfield(
        label=_("Country"), choices_form_class=CountryChoiceField
    )
    reason = forms.CharField(
        label=_("Why are you signing? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters_multiline],
    )
    show_publicly = forms.BooleanField(label=_("Show my name, country and reason publicly"), required=False)
    wants_updates = forms.BooleanField(label=_("Email me updates about this petition"), required=False)

    def __init__(self, *args, slug: str | None = None, **kwargs):
        super().__init__(*args, clock_scope=slug, **kwargs)
        if not self.is_bound:
            # Each response stamps a fresh time here (petitions.abuse.stamp_form_clock).
            self.initial["started"] = STARTED_PLACEHOLDER

    @cached_property
    def helper(self) -> FormHelper:
        """How crispy-forms lays the form out: built when it is rendered, not
        for every signature that validates and redirects."""
        helper = FormHelper()
        helper.form_tag = False
        # The sign view needs no token (core/cross_origin.py), and a token
        # would be one visitor's, kept in the shared page for all.
        helper.disable_csrf = True
        helper.layout = Layout(
            "full_name",
            "email",
            "country",
            "reason",
            "show_publicly",
            "wants_updates",
            *self.guard_layout(),
            HTML('{% include "petitions/includes/privacy_notice.html" %}'),
            Submit("sign", _("Sign this petition"), css_class="btn-primary btn-lg w-100"),
        )
        return helper

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        try:
            key = email_key(email)
        except UnsupportedAddress:
            raise forms.ValidationError(
                _(
                    "Addresses with quotation marks or an IP address in square brackets cannot sign. "
                    "Please use your usual address, such as name@example.org."
                ),
                code="unsupported",
            ) from None
        except ValueError:
            raise forms.ValidationError(_("Enter a valid email address."), code="invalid") from None
        if is_disposable(key):
            raise forms.ValidationError(
                _("Please use a permanent email address: disposable addresses cannot confirm a signature."),
                code="disposable",
            )
        return email

    def clean_reason(self) -> str:
        # One line ending everywhere: pages, CSV exports and emails stay tidy.
        return self.cleaned_data["reason"].replace("\r\n", "\n").replace("\r", "\n")
