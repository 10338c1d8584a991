from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import sign_in, two_factor
from accounts.models import Invitation
from accounts.roles import MODERATOR, OWNER, PetitionRole, role_provider
from accounts.tasks import send_password_reset
from core.rate_limits import Throttle
from core.validators import reject_control_characters, reject_control_characters_multiline


def reset_mail_throttle() -> Throttle:
    return Throttle("reset_mail")


def _refusal(error: sign_in.SignInRefused) -> ValidationError:
    if error.which == sign_in.NETWORK:
        return ValidationError(
            _("Too many attempts from your network. Wait 15 minutes and try again."), code="throttled"
        )
    return ValidationError(
        _(
            "Too many failed attempts for this account. Reset your password by email: the link lets you in. "
            "If the account has two-factor sign-in, the right password still leads on to it."
        ),
        code="throttled",
    )


class ThrottledPasswordResetForm(PasswordResetForm):
    """Counts the request against the client's network (the sign-in throttle),
    mails at most a few reset links an hour to one address, and leaves the
    mailing to the task queue, so the page answers alike, and as fast,
    whether or not the address has an account."""

    def __init__(self, *args, request: HttpRequest | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        cleaned = super().clean()
        try:
            sign_in.attempt(self.request, username=None)
        except sign_in.SignInRefused as error:
            raise _refusal(error) from None
        return cleaned

    def save(self, **kwargs) -> None:  # type: ignore[override]  # the parent's mail options are not used: a task mails
        email = self.cleaned_data["email"]
        throttle = reset_mail_throttle()
        if throttle.hit(email.casefold()) > throttle.limit:
            return
        send_password_reset.enqueue(email=email, language=get_language() or settings.LANGUAGE_CODE)


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label, css_class="btn-primary"))
    return helper


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form behind the site's one sign-in throttle
    (accounts.sign_in): over a limit, the password is not even checked."""

    def clean(self):
        try:
            attempt = sign_in.attempt(self.request, username=self.data.get("username") or "")
        except sign_in.SignInRefused as error:
            if error.which != sign_in.ACCOUNT:
                raise _refusal(error) from None
            return self._over_account_limit(error)
        cleaned = super().clean()
        attempt.succeeded()
        return cleaned

    def _over_account_limit(self, error: sign_in.SignInRefused):
        """Someone, perhaps a stranger, failed too often on this account. On
        an account with a second factor the right password still leads on to
        the second step (guesses there are counted per network, and the
        phone is still needed); on any other the password is not checked at
        all. Both answer alike, in about the same time."""
        username = get_user_model().normalize_username(self.cleaned_data.get("username") or "")
        account = get_user_model()._default_manager.filter(username=username).first()
        if account is None or not two_factor.has_second_factor(account):
            make_password(self.cleaned_data.get("password") or "")  # as long as a real check
            raise _refusal(error)
        try:
            return super().clean()
        except ValidationError:
            raise _refusal(error) from None


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
        # Every petition, from the app that gives roles on them (accounts.roles).
        provider = role_provider()
        if provider is not None:
            self.fields["petition"].queryset = provider.subjects()
        self.helper = _helper(_("Send the invitation"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("petition") and cleaned.get("role") not in (OWNER, MODERATOR):
            self.add_error("role", _("Choose a role on the petition."))
        if not cleaned.get("petition") and not cleaned.get("organiser") and not cleaned.get("case_editor"):
            raise ValidationError(_("The invitation must give something: a petition, petitions or cases."))
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


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}),
    )


class AuthenticatorConfirmForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=20,
        help_text=_("The six digits the app shows for Plea now."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RecoveryCodesSavedForm(forms.Form):
    saved = forms.BooleanField(
        label=_("I have saved these codes where I can find them without my phone."),
        error_messages={"required": _("Save the codes first, then tick the box.")},
    )


class PasswordConfirmForm(forms.Form):
    """The account's password again, counted by the sign-in throttle."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        try:
            attempt = sign_in.attempt(self.request, username=user.get_username())
        except sign_in.SignInRefused as error:
            raise _refusal(error) from None
        if not user.check_password(password):
            raise ValidationError(_("That is not your password."), code="wrong_password")
        attempt.succeeded()
        return password


class TwoFactorResetForm(forms.Form):
    username = forms.CharField(label=_("Username of the account"), max_length=150)
    reason = forms.CharField(
        label=_("Why"),
        max_length=2_000,
        help_text=_("For the audit log, e.g. how you confirmed it is them who lost their phone."),
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[reject_control_characters_multiline],
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=get_user_model().normalize_username(username)).first()
        if user is None:
            raise ValidationError(_("There is no account with this username."))
        return user
