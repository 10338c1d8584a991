"""The signature list's fast renderers draw what Django's templates would."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation
from django_countries import countries

from organisers.forms import Select as QuickSelect
from organisers.forms import SignatureFilterForm
from tests.organisers import factories as f

CHOICES = [("", "Any country"), *countries, ('a"<b', "x & <y>")]
GROUPED = [("Group <1>", [("1", "one"), ("2", "two")]), ("3", "three")]


@pytest.mark.parametrize("value", ["", "KZ", None, 'a"<b', "unknown"])
@pytest.mark.parametrize(
    "attrs", [None, {"class": "form-select", "id": "id_country", "required": True, "hidden": False}]
)
def test_quick_select_renders_as_djangos_select(value, attrs):
    assert QuickSelect(choices=CHOICES).render("country", value, attrs) == forms.Select(choices=CHOICES).render(
        "country", value, attrs
    )


def test_quick_select_renders_groups_as_djangos_select():
    assert QuickSelect(choices=GROUPED).render("n", "2") == forms.Select(choices=GROUPED).render("n", "2")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_filter_form_fields_render_as_with_djangos_select(language):
    form = SignatureFilterForm({"state": "pending", "country": "KZ"})
    slow = SignatureFilterForm({"state": "pending", "country": "KZ"})
    for name in ("state", "country"):
        slow.fields[name].widget = forms.Select(choices=slow.fields[name].choices)
    with translation.override(language):
        for name in ("state", "country"):
            assert str(form[name]) == str(slow[name])


@pytest.mark.django_db
def test_signature_list_shows_the_chosen_country(client):
    petition = f.open_petition()
    client.force_login(f.owner_of(petition))
    response = client.get(reverse("organisers:signatures", kwargs={"slug": petition.slug}), {"country": "KZ"})
    assert response.status_code == 200
    assert '<select name="country" class="select form-select" id="id_country">' in response.text
    assert '<option value="KZ" selected>Kazakhstan</option>' in response.text
    assert '<option value="pending">Pending</option>' in response.text
