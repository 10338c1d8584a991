from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.ip_hash import ip_hash
from accounts.models import Invitation
from accounts.roles import MODERATOR, OWNER, PetitionRole
from core.client_ip import client_ip
from core.rate_limits import Throttle
from core.validators import reject_control_characters


def login_throttle() -> Throttle:
    from django.conf import settings

    return Throttle("login-failure", settings.PLEA_LOGIN_FAILURE_LIMIT, settings.PLEA_LOGIN_FAILURE_WINDOW)


def reset_mail_throttle() -> Throttle:
    return Throttle("password-reset-mail", 3, 60 * 60)


class ThrottledPasswordResetForm(PasswordResetForm):
    """Mails at most a few reset links an hour to one address, so nobody can
    flood an organiser's inbox (or bury a real alert) by asking for resets.
    The page says the same either way."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        throttle = reset_mail_throttle()
        if throttle.blocked(to_email.lower()):
            return
        throttle.hit(to_email.lower())
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label, css_class="btn-primary"))
    return helper


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing after too many failures for the same
    username or from the same address, whether or not the password is then right."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait 15 minutes and try again, or reset your password by email."),
    }

    def _subjects(self) -> list[str]:
        username = (self.data.get("username") or "").strip().lower()
        subjects = [f"user:{username}"]
        address = client_ip(self.request) if self.request else None
        if address:
            subjects.append(f"ip:{ip_hash(address)}")
        return subjects

    def clean(self):
        throttle = login_throttle()
        subjects = self._subjects()
        if any(throttle.blocked(subject) for subject in subjects):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            for subject in subjects:
                throttle.hit(subject)
            raise
        # Only the username's count: resetting the address's count would let
        # a guesser with an account of their own interleave good logins.
        throttle.reset(subjects[0])
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"), validators=[reject_control_characters])
    petition = forms.ModelChoiceField(
        label=_("Petition (optional)"), queryset=Invitation.objects.none(), required=False
    )
    role = forms.ChoiceField(
        label=_("Role on that petition"), choices=PetitionRole.choices, initial=MODERATOR, required=False
    )
    organiser = forms.BooleanField(label=_("May start petitions"), required=False, initial=True)
    case_editor = forms.BooleanField(label=_("Curates cases"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every petition, reached through the invitation's relation so that
        # this app imports no other.
        petitions = Invitation._meta.get_field("petition").related_model
        self.fields["petition"].queryset = petitions.objects.order_by("title")
        self.helper = _helper(_("Send the invitation"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("petition") and cleaned.get("role") not in (OWNER, MODERATOR):
            self.add_error("role", _("Choose a role on the petition."))
        if not cleaned.get("petition") and not cleaned.get("organiser") and not cleaned.get("case_editor"):
            raise ValidationError(_("The invitation must give something: a petition, petitions or cases."))
        email = cleaned.get("email")
        if email and get_user_model().objects.filter(email__iexact=email).exists():
            self.add_error(
                "email",
                _("Someone with this email already has an account. Add them to a petition from its organisers page."),
            )
        return cleaned


class InvitationAcceptForm(forms.Form):
    username = UsernameField(
        label=_("Username"),
        max_length=150,
        help_text=_("What you type to log in. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.helper = _helper(_("Create my account"))

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        field = get_user_model()._meta.get_field("username")
        for validator in field.validators:
            validator(username)
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken. Choose another."))
        return username

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords differ."))
        elif one:
            user = get_user_model()(username=cleaned.get("username", ""), email=self.email)
            try:
                password_validation.validate_password(one, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
