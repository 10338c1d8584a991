"""Forms for paper signatures, deliveries and responses. Field rules live
here; rules that need the petition (dates, closing) live in petitions.paper
and petitions.delivery, whose refusals the views show on the form."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import reject_control_characters, reject_control_characters_multiline
from petitions.models import Delivery, PaperBatch
from petitions.uploads import read_document

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_HELP = _("Optional. A PDF or an image (JPEG, PNG, WebP, GIF), at most 20 MB.")


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label, css_class="btn-primary"))
    return helper


def _line(label, *, required: bool = True, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[reject_control_characters]
    )


def _text(label, *, required: bool = False, max_length: int = 5_000, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters_multiline],
    )


class DocumentField(forms.FileField):
    """A PDF or an image, checked by its content; cleans to a petitions.uploads.Document."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return read_document(upload)


class PaperBatchForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of signatures"),
        min_value=1,
        max_value=PaperBatch.MAX_COUNT,
        error_messages={
            "min_value": _("A batch holds at least one signature."),
            "max_value": _("A batch holds at most 10,000,000 signatures."),
        },
    )
    gathered_on = forms.DateField(label=_("Gathered on"), widget=DATE_WIDGET)
    place = _line(_("Where"))
    collected_by = _line(_("Collected by"))
    note = _text(_("Note (only organisers see it)"), max_length=2_000)
    document = DocumentField(label=_("Scan of the sheets"), required=False, help_text=FILE_HELP)

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit_label or _("Record the batch"))


class PaperBatchEditForm(PaperBatchForm):
    remove_document = forms.BooleanField(label=_("Remove the scan"), required=False)
    reason = _text(_("Why does it change? (for the audit log)"), required=True, max_length=2_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label=_("Save the changes"), **kwargs)
        self.fields["document"].label = _("Replace the scan")


class DeleteBatchForm(forms.Form):
    reason = _line(_("Why delete it? (for the audit log)"), max_length=2_000)


class DeliveryForm(forms.Form):
    addressee = _line(_("To whom"))
    institution = _line(_("Institution"), required=False)
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE_WIDGET)
    method = forms.ChoiceField(label=_("How"), choices=Delivery.Method.choices)
    note = _text(_("Public note"), help_text=_("Shown on the petition page. Markdown."))
    document = DocumentField(
        label=_("Photo or document"),
        required=False,
        help_text=_("Optional, and public: shown on the petition page. A PDF or an image, at most 20 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the delivery"))


class ResponseForm(forms.Form):
    responder = _line(_("Who responded"))
    responded_on = forms.DateField(label=_("Responded on"), widget=DATE_WIDGET)
    summary = _text(_("Summary in our words"), required=True, help_text=_("Shown on the petition page. Markdown."))
    link = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    comment = _text(_("The organisers' comment"), help_text=_("Shown on the petition page. Markdown."))
    document = DocumentField(
        label=_("Document"),
        required=False,
        help_text=_("Optional, and public: shown on the petition page. A PDF or an image, at most 20 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record the response and email it"))

    def clean_link(self):
        link = self.cleaned_data["link"]
        if link and not link.lower().startswith(("https://", "http://")):
            raise ValidationError(_("Enter a web address starting with https://."))
        return link


class VictoryLinkForm(forms.Form):
    marks = forms.ChoiceField(label=_("What marks the win?"), required=False)

    def __init__(self, *args, responses=(), updates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["marks"].choices = [
            ("", _("Nothing in particular")),
            *[(f"response-{r.pk}", _("Response: %(r)s") % {"r": r.responder}) for r in responses],
            *[(f"update-{u.pk}", _("Update: %(u)s") % {"u": u.title}) for u in updates],
        ]
