"""Forms for the photos of a case (organisers.views.case_photos). The image
is re-encoded while the form is cleaned, so a refused file is an error on
its field, shown with everything else the editor typed."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Photo
from core.uploads import UploadLimits, read_image
from core.validators import reject_control_characters

PHOTO_HELP = _(
    "A JPEG, PNG, WebP or GIF picture, at most 20 MB and 40 megapixels. It is drawn again without its metadata"
    " (where and when it was taken, the phone): only that copy is kept."
)


class ReencodedImageField(forms.FileField):
    """Cleans to a core.uploads.ReencodedImage, or says why the file is refused."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return read_image(upload, limits=UploadLimits.organiser()) if upload else None


class PhotoForm(forms.Form):
    consent = forms.ChoiceField(
        label=_("Consent"),
        choices=Photo.Consent.choices,
        initial=Photo.Consent.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_("What the family or the photo's owner allows. Public photos still need a second case editor."),
    )
    testimony = forms.ModelChoiceField(
        label=_("Photo of"),
        queryset=None,
        required=False,
        empty_label=_("The person"),
        help_text=_("Or of one of the testimonies: shown with it where both are public."),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        validators=[reject_control_characters],
        help_text=Photo._meta.get_field("source").help_text,
    )
    alt = forms.CharField(
        label=_("Alt text"),
        max_length=300,
        required=False,
        validators=[reject_control_characters],
        help_text=Photo._meta.get_field("alt").help_text,
    )
    caption = forms.CharField(
        label=_("Caption"),
        max_length=300,
        required=False,
        validators=[reject_control_characters],
        help_text=Photo._meta.get_field("caption").help_text,
    )

    def __init__(self, *args, case: Case, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        testimonies = case.testimonies.all()
        self.fields["testimony"].queryset = testimonies
        self.fields["testimony"].label_from_instance = lambda testimony: testimony.testifier_label
        if not testimonies.exists():
            del self.fields["testimony"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", submit_label or _("Save the changes"), css_class="btn-primary"))

    @property
    def changes(self) -> dict:
        fields = ("consent", "testimony", "source", "alt", "caption")
        return {name: self.cleaned_data.get(name) for name in fields if name in self.fields}


class PhotoUploadForm(PhotoForm):
    image = ReencodedImageField(label=_("Photo"), help_text=PHOTO_HELP)

    field_order = ["image", "consent", "testimony", "source", "alt", "caption"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label=_("Add the photo"), **kwargs)
        self.fields["image"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
