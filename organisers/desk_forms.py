"""The case desk's forms: a case's own fields, and one formset per kind of
row it owns (names, entries in other databases, translations, timeline,
testimonies). Each starts from a version's content (cases.revisions) and
gives back the next one; nothing here saves a row."""

from django import forms
from django.forms import formset_factory, modelform_factory
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseName, Source, Statistic
from cases.revisions import CASE_FIELDS, SECTIONS, Content, Section, restored_row, stored_row
from core.validators import reject_control_characters_multiline

# Sections edited on the desk. Family links pick another case out of every
# case there is, which a plain select cannot offer at this size: they keep
# what the version holds.
EDITABLE_SECTIONS = {section.key: section for section in SECTIONS if section.key != "links"}


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


def _widgets(names: list[str], model) -> dict:
    widgets = {}
    for name in names:
        model_field = model._meta.get_field(name)
        if model_field.get_internal_type() == "DateField":
            widgets[name] = DateInput()
        elif model_field.get_internal_type() == "TextField":
            widgets[name] = forms.Textarea(attrs={"rows": 4})
    return widgets


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What changes and why"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[reject_control_characters_multiline],
        help_text=_("For the case editor who reviews this change."),
    )
    public_reason = forms.CharField(
        label=_("Public reason (for a public case)"),
        required=False,
        max_length=300,
        validators=[reject_control_characters_multiline],
        help_text=_(
            "One short sentence for the case's public correction log, e.g. “Date of detention corrected from a"
            " new report.” Never name a source who must stay unnamed."
        ),
    )


class CaseFieldsForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [*CASE_FIELDS, "sources"]
        widgets = {**_widgets(CASE_FIELDS, Case), "sources": forms.CheckboxSelectMultiple}

    def __init__(self, *args, content: Content, case: Case | None, **kwargs):
        values = restored_row(Case, content["case"], CASE_FIELDS) if content else {}
        instance = Case(pk=case.pk if case else None, **values)
        # The case itself, as the version holds it: its own reference is no clash.
        instance._state.adding = case is None
        initial = {**{name: content["case"].get(name) for name in CASE_FIELDS}, "sources": content["case"]["sources"]}
        super().__init__(*args, instance=instance, initial=initial if content else None, **kwargs)
        self.fields["sources"].queryset = Source.objects.order_by("publisher", "title")

    def updated(self, content: Content) -> Content:
        """`content` with the case's fields as the form gives them."""
        row = stored_row(Case, self.cleaned_data, CASE_FIELDS, many=["sources"])
        return {**content, "case": row}


class NewCaseForm(forms.ModelForm):
    """A draft: where it starts, before any part of it is public."""

    name = forms.CharField(label=_("Name as the source writes it"), max_length=200, required=False)
    script = forms.ChoiceField(label=_("Script"), choices=CaseName.Script.choices, initial=CaseName.Script.LATIN)

    class Meta:
        model = Case
        fields = ["reference", "name_unknown", "unnamed_description", "status", "summary", "language"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and not cleaned.get("name_unknown"):
            self.add_error("name", _("Give a name, or tick that the sources do not name this person."))
        return cleaned


class NewSourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["publisher", "title", "author", "url", "published_on", "kind", "internal_notes"]
        widgets = {"published_on": DateInput(), "internal_notes": forms.Textarea(attrs={"rows": 2})}


class RowFormSet(forms.BaseFormSet):
    section: Section

    def clean(self):
        super().clean()
        if any(self.errors) or self.section.key != "names":
            return
        kept = [form.cleaned_data for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        if sum(1 for row in kept if row.get("preferred")) > 1:
            raise forms.ValidationError(_("Only one spelling can be the preferred one."))
        texts = [row["text"] for row in kept]
        if len(texts) != len(set(texts)):
            raise forms.ValidationError(_("Each spelling once: the same name is given twice."))

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or (not form.has_changed() and data.get("row_id") is None):
                continue
            # The model's clean() has normalised the instance (an entry's
            # number read from its address, spaces collapsed): keep that.
            values = {**data, **{name: getattr(form.instance, name) for name in self.section.fields}}
            row = {"id": data.get("row_id")}
            row.update(stored_row(self.section.model, values, self.section.fields, many=self.section.many))
            rows.append(row)
        return rows


def section_formset(section: Section, content: Content, data=None) -> RowFormSet:
    names = [*section.fields, *section.many]
    base = modelform_factory(
        section.model,
        fields=names,
        widgets={
            **_widgets(section.fields, section.model),
            **dict.fromkeys(section.many, forms.CheckboxSelectMultiple),
        },
    )
    form = type(
        f"{section.model.__name__}RowForm",
        (base,),
        {"row_id": forms.IntegerField(required=False, widget=forms.HiddenInput)},
    )
    formset = formset_factory(form, formset=RowFormSet, extra=1, can_delete=True, max_num=200)
    formset.section = section
    initial = [{"row_id": row["id"], **{name: row.get(name) for name in names}} for row in content[section.key]]
    return formset(data=data, initial=initial, prefix=section.key)


class FigureForm(forms.ModelForm):
    class Meta:
        model = Statistic
        fields = ["label", "value", "qualifier", "out_of", "scope", "place", "stated_by", "as_of", "source",
                  "internal_notes"]  # fmt: skip
        widgets = {"as_of": DateInput(), "internal_notes": forms.Textarea(attrs={"rows": 2})}
