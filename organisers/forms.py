import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.validators import reject_control_characters, reject_control_characters_multiline
from petitions.email_keys import email_hash
from petitions.models import Organiser, Petition
from petitions.moderation import RULE_ACTIONS, Action


def _helper(label, *, css_class: str = "btn-primary") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label, css_class=css_class))
    return helper


class PetitionForm(forms.ModelForm):
    class Meta:
        model = Petition
        fields = ["title", "summary", "addressed_to", "organiser_name", "story", "language", "goal", "closes_at"]
        widgets = {
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "story": forms.Textarea(attrs={"rows": 12}),
        }

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "summary", "addressed_to", "organiser_name"):
            self.fields[name].validators.append(reject_control_characters)
        self.fields["story"].validators.append(reject_control_characters_multiline)
        self.fields["closes_at"].help_text = _("Optional. In UTC. Signing stops by itself at this time.")
        self.helper = _helper(submit_label or _("Save"))

    def clean_closes_at(self):
        closes_at = self.cleaned_data.get("closes_at")
        if closes_at and closes_at <= timezone.now() and "closes_at" in self.changed_data:
            raise forms.ValidationError(_("The closing date must be in the future."))
        return closes_at


class VictoryForm(forms.Form):
    note = forms.CharField(
        label=_("What was won?"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the petition page. Markdown."),
        validators=[reject_control_characters_multiline],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Declare a victory"), css_class="btn-success")


class ReasonForm(forms.Form):
    """Why, for the audit log: optional on most actions."""

    note = forms.CharField(
        label=_("Why? (for the audit log)"),
        max_length=2_000,
        required=False,
        validators=[reject_control_characters_multiline],
    )


class OrganiserInviteForm(forms.Form):
    email = forms.EmailField(label=_("Their email address"), max_length=254, validators=[reject_control_characters])
    role = forms.ChoiceField(label=_("Role"), choices=Organiser.Role.choices, initial=Organiser.Role.MODERATOR)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Invite"))


class UpdateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[reject_control_characters])
    body = forms.CharField(
        label=_("Text"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Shown on the petition page and emailed to signers who asked for updates."),
        validators=[reject_control_characters_multiline],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Post and email the update"))


class Select(forms.Select):
    """A select that renders what Django's select.html would, without a
    template per option: the filter form's country list has some 250, and
    rendering them was a third of the signature list's time. Named as
    Django's so crispy forms gives it the same CSS class ("select")."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _html_attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n', str(o["value"]), _html_attrs(o["attrs"]), o["label"]
                )
                for o in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every piece is escaped by format_html


def _html_attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html: True as a bare name, False left out.
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


STATE_FILTERS = {
    "": _("All"),
    "to_review": _("To review"),
    "pending": _("Pending"),
    "confirmed": _("Confirmed"),
    "hidden": _("Hidden"),
    "invalidated": _("Invalidated"),
    "withdrawn": _("Withdrawn"),
    "flagged": _("Flagged"),
}


class SignatureFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=list(STATE_FILTERS.items()), required=False, widget=Select)
    name = forms.CharField(label=_("Name contains"), max_length=120, required=False)
    email = forms.CharField(label=_("Email address"), max_length=254, required=False)
    domain = forms.CharField(label=_("Email domain"), max_length=254, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, widget=Select)
    since = forms.DateField(label=_("Signed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Signed until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, may_look_up_address: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]
        if not may_look_up_address:
            # Whether a given person signed is for owners to ask (see the view).
            del self.fields["email"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if not email:
            return ""
        try:
            return email_hash(email)
        except ValueError:
            raise forms.ValidationError(_("Enter a whole email address, or search by domain instead.")) from None

    def clean_domain(self) -> str:
        return self.cleaned_data["domain"].strip().lower().lstrip("@")

    def filter(self, queryset):
        data = self.cleaned_data
        state = data.get("state")
        if state == "to_review":
            queryset = queryset.to_review()
        elif state == "hidden":
            queryset = queryset.filter(hidden=True)
        elif state == "flagged":
            queryset = queryset.exclude(review_flag="")
        elif state:
            queryset = queryset.filter(state=state)
        if data.get("name"):
            queryset = queryset.filter(full_name__icontains=data["name"])
        if data.get("email"):
            queryset = queryset.filter(email_key=data["email"])
        if data.get("domain"):
            queryset = queryset.filter(email_domain=data["domain"])
        if data.get("country"):
            queryset = queryset.filter(country=data["country"])
        if data.get("since"):
            queryset = queryset.filter(created_at__gte=_start_of(data["since"]))
        if data.get("until"):
            queryset = queryset.filter(created_at__lt=_start_of(data["until"] + datetime.timedelta(days=1)))
        return queryset


def _start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


ACTION_CHOICES = [(str(action), action.label) for action in Action]


class SelectionForm(ReasonForm):
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)  # choices checked by the service
    action = forms.ChoiceField(label=_("With the selected"), choices=ACTION_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()


class RuleForm(forms.Form):
    KIND_CHOICES = [("domain", _("An email domain")), ("ip", _("One IP hash, within a time window"))]
    kind = forms.ChoiceField(label=_("Match"), choices=KIND_CHOICES, initial="domain")
    domain = forms.CharField(label=_("Email domain"), max_length=254, required=False)
    ip_hash = forms.CharField(label=_("IP hash"), max_length=64, required=False)
    since = forms.DateTimeField(
        label=_("From (UTC)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    until = forms.DateTimeField(
        label=_("Until (UTC)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    action = forms.ChoiceField(label=_("Action"), choices=[(str(a), a.label) for a in RULE_ACTIONS])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == "domain":
            domain = (cleaned.get("domain") or "").strip().lower().lstrip("@")
            if not domain or "." not in domain:
                self.add_error("domain", _("Enter a domain, like example.org."))
            cleaned["domain"], cleaned["ip_hash"] = domain, ""
        else:
            ip_hash = (cleaned.get("ip_hash") or "").strip().lower()
            if len(ip_hash) != 64 or any(c not in "0123456789abcdef" for c in ip_hash):
                self.add_error("ip_hash", _("Use the “same IP” link on a signature to fill this in."))
            if not cleaned.get("since") or not cleaned.get("until"):
                raise forms.ValidationError(_("A rule by IP hash needs both ends of a time window."))
            cleaned["ip_hash"], cleaned["domain"] = ip_hash, ""
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since >= until:
            self.add_error("until", _("The end of the window must come after its start."))
        return cleaned


class RuleConfirmForm(RuleForm, ReasonForm):
    max_id = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    expected_touched = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    expected_counted = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class PetitionTextForm(forms.Form):
    """The petition in one more language. Leave title and story empty to remove it."""

    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title"), max_length=200, required=False, validators=[reject_control_characters])
    summary = forms.CharField(
        label=_("Summary"), max_length=300, required=False, validators=[reject_control_characters]
    )
    story = forms.CharField(
        label=_("Story"),
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown. Leave the title and story empty to remove this translation."),
        validators=[reject_control_characters_multiline],
    )

    def __init__(self, *args, original_language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != original_language
        ]
        self.helper = _helper(_("Save the translation"))

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("title")) != bool(cleaned.get("story")):
            raise forms.ValidationError(_("A translation needs both a title and a story (or neither, to remove it)."))
        return cleaned
