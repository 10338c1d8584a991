"""Forms of the intake queue (organisers/views/intake.py)."""

from django import forms
from django.conf import settings
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases.models import Submission, SubmissionQuerySet
from core.validators import reject_control_characters_multiline

OPEN = "open"
ALL = "all"


class QueueFilters(forms.Form):
    """What the queue shows: by default everything still open."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[(OPEN, _("Still open")), (ALL, _("All")), *Submission.State.choices],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Submission.Kind.choices])
    contact = forms.ChoiceField(
        label=_("Contact"),
        required=False,
        choices=[("", _("All")), ("yes", _("Gave a way to reach them")), ("no", _("Gave none"))],
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", _("All")), *settings.LANGUAGES])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def apply(self, submissions: SubmissionQuerySet) -> SubmissionQuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        state = data.get("state") or OPEN
        if state == OPEN:
            submissions = submissions.still_open()
        elif state != ALL:
            submissions = submissions.filter(state=state)
        if data.get("kind"):
            submissions = submissions.filter(kind=data["kind"])
        if data.get("contact") == "yes":
            submissions = submissions.with_contact()
        elif data.get("contact") == "no":
            submissions = submissions.without_contact()
        if data.get("language"):
            submissions = submissions.filter(language=data["language"])
        return submissions

    def querystring(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return urlencode({name: value for name, value in data.items() if value})


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is it closed?"), choices=[("", _("Choose one")), *Submission.CloseReason.choices]
    )
    note = forms.CharField(
        label=_("Note (for the audit log)"),
        max_length=2_000,
        required=False,
        validators=[reject_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkCloseForm(CloseForm):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].initial = Submission.CloseReason.JUNK
        # Any id may be posted; the service closes only open submissions among them.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()


class AskForm(forms.Form):
    message = forms.CharField(
        label=_("Your questions"),
        max_length=5_000,
        validators=[reject_control_characters_multiline],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Sent to the address they gave, in plain text. Write simply; the message is kept in the audit log."
        ),
    )


class DuplicateForm(forms.Form):
    reference = forms.SlugField(label=_("Public reference of the case"), max_length=80)
