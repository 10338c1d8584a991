import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Case, Source, Statistic
from cases.models import Testimony as CaseTestimony
from tests.cases.factories import add_testimony, public_case, source


@pytest.fixture
def organiser_client(client, db):
    user = get_user_model().objects.create_superuser("admin", "admin@example.org", "a-long-password-123")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [Case, CaseTestimony, Source, Statistic])
def test_admin_lists_and_forms_render(organiser_client, model):
    case = public_case(name="Kali Maolai")
    add_testimony(case, source=source())
    meta = model._meta
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert organiser_client.get(changelist, {"q": "kali"}).status_code == 200
    # Read-only for everyone: the case desk is the one way to change cases.
    assert organiser_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
    obj = model.objects.first()
    if obj is not None:
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert organiser_client.get(change).status_code == 200
