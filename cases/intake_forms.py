"""The two forms strangers send about people: "Tell us about someone" and
"Request a correction or removal". Bounded fields, no control characters,
the public-form guard as on the sign form; files are checked by count
and size here and decoded by the view once the rate limit allows it."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from cases.intake import MAX_BYTES, MAX_FILES, TOO_MANY_FILES
from cases.models import CaseIdentifier, Submission, Testimony
from core.images import TOO_MANY_BYTES
from core.public_form import GuardedForm
from core.validators import reject_control_characters, reject_control_characters_multiline

EARLIEST_YEAR = 1990
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/gif,application/pdf"
MONTH_CHOICES = [("", _("Month (if known)")), *((str(number), name) for number, name in MONTHS.items())]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _text(label, *, max_length: int = 200, required: bool = False, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs={"dir": "auto", **attrs}),
    )


def _year(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=EARLIEST_YEAR,
        max_value=timezone.now().year + 1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": _("Year")}),
    )


def _month(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False)


class PublicForm(GuardedForm):
    """What both forms share: contact, and the public-form guard."""

    contact_name = _text(_("Your name"), max_length=200, autocomplete="name")
    contact_email = forms.EmailField(
        label=_("Your email"),
        required=False,
        max_length=254,
        validators=[reject_control_characters],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_other = _text(_("Phone or messaging account (WhatsApp, Telegram, Signal …)"), max_length=200)

    def __init__(self, *args, scope: str, **kwargs):
        super().__init__(*args, clock_scope=scope, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Protected by core.cross_origin: no token, no cookie for a family's browser.
        self.helper.disable_csrf = True

    def contact_fieldset(self, legend) -> Fieldset:
        return Fieldset(
            legend,
            HTML('{% include "cases/includes/contact_notice.html" %}'),
            "contact_name",
            "contact_email",
            "contact_other",
        )

    def clean_account(self) -> str:
        return self.cleaned_data["account"].replace("\r\n", "\n").replace("\r", "\n")


class SubmissionForm(PublicForm):
    """Tell us about someone."""

    name_latin = _text(_("Name in Latin letters"))
    name_arabic = _text(_("Name in Arabic script (as Uyghur is written)"), lang="ug")
    name_cyrillic = _text(_("Name in Cyrillic (as Kazakh or Russian is written)"), lang="kk")
    name_chinese = _text(_("Name in Chinese characters"), lang="zh-Hans")
    relationship = forms.ChoiceField(
        label=_("You are their"), choices=[("", _("Choose one")), *Testimony.Relationship.choices]
    )
    hometown = _text(_("Hometown (town or village, county, prefecture)"))
    identifier_database = forms.ChoiceField(
        label=_("Are they in another database?"),
        required=False,
        choices=[("", _("Not that I know of")), *CaseIdentifier.Database.choices],
    )
    identifier_database_name = _text(_("Name of the other database"))
    identifier_database_name.help_text = _("Only if you chose “Other”.")
    identifier = _text(_("Their entry number or web address there"), max_length=500)
    detained_year = _year(_("Year they were taken or went missing"))
    detained_month = _month(_("Month they were taken or went missing"))
    last_contact_year = _year(_("Year of your last contact with them"))
    last_contact_month = _month(_("Month of your last contact with them"))
    account = forms.CharField(
        label=_("What happened, and when?"),
        max_length=10_000,
        help_text=_("Approximate dates are fine (“spring 2018”). Write in any language."),
        validators=[reject_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )
    publication = forms.ChoiceField(
        label=_("What may we publish?"),
        choices=Submission.Publication.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Nothing is published before two of our case editors have checked it, and never more than you choose here."
        ),
    )
    files = MultipleFileField(
        label=_("Photos or documents (optional, up to five)"),
        required=False,
        help_text=_(
            "JPEG, PNG, WebP or GIF photos, or PDF documents, up to 20 MB each. "
            "We remove the location and camera details from photos. Files are never public unless an editor, "
            "with your agreement above, makes a photo part of the page."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, scope="intake", **kwargs)
        self.fields["contact_name"].help_text = _("How we should address you.")
        self.helper.layout = Layout(
            Fieldset(
                _("The person"),
                HTML('{% include "cases/includes/names_hint.html" %}'),
                "name_latin",
                "name_arabic",
                "name_cyrillic",
                "name_chinese",
                "hometown",
                "identifier_database",
                "identifier_database_name",
                "identifier",
                Div(Div("detained_year", css_class="col-6"), Div("detained_month", css_class="col-6"), css_class="row"),
                Div(
                    Div("last_contact_year", css_class="col-6"),
                    Div("last_contact_month", css_class="col-6"),
                    css_class="row",
                ),
            ),
            Fieldset(_("You and what happened"), "relationship", "account", "publication", "files"),
            self.contact_fieldset(_("How to reach you (optional)")),
            *self.guard_layout(),
            Submit("send", _("Send"), css_class="btn-primary btn-lg"),
        )  # fmt: skip

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(TOO_MANY_FILES)
        if any(upload.size > MAX_BYTES for upload in files):
            raise forms.ValidationError(TOO_MANY_BYTES)
        return files

    def clean(self) -> dict:
        data = super().clean()
        if not any(data.get(field) for field in Submission.NAME_FIELDS):
            self.add_error("name_latin", _("Give the person's name in at least one script."))
        database, identifier = data.get("identifier_database"), data.get("identifier")
        if identifier and not database:
            self.add_error("identifier_database", _("Choose the database this entry is in."))
        elif database and not identifier:
            self.add_error("identifier", _("Give the entry's number or web address, or choose “Not that I know of”."))
        elif database == CaseIdentifier.Database.OTHER and not data.get("identifier_database_name"):
            self.add_error("identifier_database_name", _("Name the database."))
        for year, month in (("detained_year", "detained_month"), ("last_contact_year", "last_contact_month")):
            if data.get(month) and not data.get(year):
                self.add_error(year, _("Give the year too, or leave the month empty."))
        return data

    def submission_fields(self) -> dict:
        data = self.cleaned_data
        names = [*Submission.NAME_FIELDS, "relationship", "hometown", "account", "publication"]
        names += ["identifier_database", "identifier_database_name", "identifier"]
        dates = ["detained_year", "detained_month", "last_contact_year", "last_contact_month"]
        contact = ["contact_name", "contact_email", "contact_other"]
        return {name: data[name] for name in [*names, *dates, *contact]}


class CaseRequestForm(PublicForm):
    """Request a correction or removal of a public case."""

    kind = forms.ChoiceField(
        label=_("What are you asking for?"),
        choices=[
            (Submission.Kind.CORRECTION, _("A correction: something on the page is wrong or missing")),
            (Submission.Kind.REMOVAL, _("Removal: the page should be taken down")),
        ],
        widget=forms.RadioSelect,
    )
    relationship = forms.ChoiceField(
        label=_("You are their"), choices=[("", _("Choose one")), *Testimony.Relationship.choices]
    )
    account = forms.CharField(
        label=_("What is wrong, or why should the page be removed?"),
        max_length=5_000,
        validators=[reject_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
    )

    def __init__(self, *args, reference: str, **kwargs):
        super().__init__(*args, scope=f"request:{reference}", **kwargs)
        self.fields["contact_name"].required = True
        self.fields["contact_name"].help_text = _("Who is asking. Only the case editors see it.")
        self.helper.layout = Layout(
            "kind",
            "contact_name",
            "relationship",
            "account",
            Fieldset(
                _("How to reach you (optional)"),
                HTML('{% include "cases/includes/contact_notice.html" %}'),
                "contact_email",
                "contact_other",
            ),
            *self.guard_layout(),
            Submit("send", _("Send the request"), css_class="btn-primary btn-lg"),
        )

    def submission_fields(self) -> dict:
        names = ["relationship", "account", "contact_name", "contact_email", "contact_other"]
        return {name: self.cleaned_data[name] for name in names}
