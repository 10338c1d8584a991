"""Roles on petitions, asked by accounts of the provider petitions registers
(accounts.roles): accounts reaches no petitions model by name or relation."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import audit, roles
from accounts.two_factor import requires_second_factor
from petitions import audit_actions
from petitions.organiser_roles import PetitionRoles
from tests.organisers import factories as f

pytestmark = pytest.mark.django_db


def test_petitions_registers_the_role_provider():
    assert isinstance(roles.role_provider(), PetitionRoles)
    assert roles.role_provider().subject_type == "petitions.petition"


@pytest.mark.parametrize(
    ("make", "organiser", "owner"),
    [
        (lambda petition: f.owner_of(petition), True, True),
        (lambda petition: f.moderator_of(petition), True, False),
        (lambda petition: f.user(), False, False),
    ],
)
def test_roles_on_a_petition_decide_the_dashboard_and_the_second_factor(settings, make, organiser, owner):
    settings.PLEA_REQUIRE_2FA = True
    account = make(f.open_petition())

    assert roles.is_organiser(account) is organiser
    assert roles.holds_role(account, roles=roles.OWNING_ROLES) is owner
    assert requires_second_factor(account) is owner


def test_a_second_provider_of_another_kind_is_refused():
    class Other:
        subject_type = "elsewhere.thing"

    with pytest.raises(ImproperlyConfigured):
        roles.register_role_provider(Other())
    assert isinstance(roles.role_provider(), PetitionRoles)


def test_a_petition_with_a_history_cannot_be_deleted_in_the_admin(client):
    kept, fresh = f.open_petition(), f.open_petition()
    audit.record(by=f.user(), action=audit_actions.PETITION_OPEN, subject=kept)
    client.force_login(f.user(staff=True))

    assert client.get(f"/en/admin/petitions/petition/{kept.pk}/delete/").status_code == 403
    assert client.get(f"/en/admin/petitions/petition/{fresh.pk}/delete/").status_code == 200
    listing = client.get("/en/admin/petitions/petition/")
    assert b'value="delete_selected"' not in listing.content
