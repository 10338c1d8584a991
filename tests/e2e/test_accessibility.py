"""axe-core on every public and organiser page, left-to-right and right-to-left,
with a screenshot of each at desktop and phone sizes."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cases.models import Case, CaseRevision
from cases.revisions import revision_propose, snapshot
from petitions.models import Signature
from petitions.tokens import Purpose, make_token
from tests.organisers.factories import case_editor

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "free-uyghur-wives-of-gilgit-baltistan-traders"


@pytest.fixture
def demo(transactional_db, tmp_path, monkeypatch):
    from petitions.management.commands import load_demo

    monkeypatch.setattr(load_demo, "PASSWORD_FILE", tmp_path / "demo-password")
    call_command("load_demo", verbosity=0)
    staff = get_user_model().objects.get(username="demo-organiser")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    pending = Signature.objects.filter(petition__slug=SLUG, state=Signature.State.PENDING).first()
    case = Case.objects.public().first()
    return {
        "staff": staff,
        "case": case,
        "revision": proposed_change(case),
        "confirm": make_token(signature_id=pending.pk, purpose=Purpose.CONFIRM),
        "withdraw": make_token(signature_id=pending.pk, purpose=Purpose.WITHDRAW),
        "unsubscribe": make_token(signature_id=pending.pk, purpose=Purpose.UNSUBSCRIBE),
        "ip_hash": Signature.objects.exclude(ip_hash="").values_list("ip_hash", flat=True).first(),
    }


def proposed_change(case: Case) -> CaseRevision:
    """A change waiting for review, touching a field, a name and a testimony's consent."""
    content = snapshot(case)
    content["case"]["summary"] += "\n\nSentenced in 2019."
    content["names"].append(
        {
            "id": None,
            "text": "Қали",
            "script": "cyrillic",
            "system": "kazakh_cyrillic",
            "preferred": False,
            "source": None,
        }
    )
    for testimony in content["testimonies"]:
        testimony["consent"] = "internal"
    return revision_propose(case=case, content=content, by=case_editor("proposer"), note="A new report")


PUBLIC = {
    "home": lambda d: "/",
    "petition": lambda d: f"/petitions/{SLUG}/",
    "signed": lambda d: f"/petitions/{SLUG}/signed/",
    "share": lambda d: f"/petitions/{SLUG}/share/",
    "embed": lambda d: f"/petitions/{SLUG}/embed/",
    "poster": lambda d: f"/petitions/{SLUG}/poster/",
    "confirm": lambda d: f"/signatures/confirm/{d['confirm']}/",
    "withdraw": lambda d: f"/signatures/withdraw/{d['withdraw']}/",
    "broken-link": lambda d: "/signatures/confirm/broken/",
    "unsubscribe": lambda d: f"/signatures/unsubscribe/{d['unsubscribe']}/",
    "cases": lambda d: "/cases/?q=a",
    "case": lambda d: f"/cases/{d['case'].reference}/",
    "statistics": lambda d: "/cases/statistics/",
    "login": lambda d: "/accounts/login/",
    "password-reset": lambda d: "/accounts/password/reset/",
    "not-found": lambda d: "/no-such-page/",
    "sign-up-sheet": lambda d: f"/petitions/{SLUG}/sign-up-sheet/",
    "log": lambda d: f"/petitions/{SLUG}/log/",
    "log-verify": lambda d: f"/petitions/{SLUG}/log/verify/",
}
ORGANISER = {
    "dashboard": lambda d: "/organisers/",
    "petition-manage": lambda d: f"/organisers/petitions/{SLUG}/",
    "signatures": lambda d: f"/organisers/petitions/{SLUG}/signatures/",
    "rule-preview": lambda d: (
        f"/organisers/petitions/{SLUG}/signatures/rule/?kind=domain&domain=example.org&action=hide"
    ),
    "fraud-signals": lambda d: f"/organisers/petitions/{SLUG}/signals/",
    "update": lambda d: f"/organisers/petitions/{SLUG}/updates/new/",
    "edit": lambda d: f"/organisers/petitions/{SLUG}/edit/",
    "translations": lambda d: f"/organisers/petitions/{SLUG}/translations/?language=ur",
    "organisers": lambda d: f"/organisers/petitions/{SLUG}/organisers/",
    "audit": lambda d: f"/organisers/petitions/{SLUG}/audit/",
    "preview": lambda d: f"/organisers/petitions/{SLUG}/preview/",
    "new-petition": lambda d: "/organisers/petitions/new/",
    "invite": lambda d: "/organisers/invitations/new/",
    "password-change": lambda d: "/accounts/password/change/",
    "two-factor": lambda d: "/accounts/two-factor/",
    "two-factor-enrol": lambda d: "/accounts/two-factor/authenticator/",
    "two-factor-reset": lambda d: "/accounts/two-factor/reset/",
    "paper": lambda d: f"/organisers/petitions/{SLUG}/paper/",
    "deliveries": lambda d: f"/organisers/petitions/{SLUG}/deliveries/",
    "delivery-pack": lambda d: f"/organisers/petitions/{SLUG}/delivery-pack/",
    "case-reviews": lambda d: "/organisers/cases/reviews/",
    "case-revision": lambda d: f"/organisers/cases/revisions/{d['revision'].pk}/",
    "case-first-version": lambda d: f"/organisers/cases/revisions/{d['revision'].base_id}/",
    "case-versions": lambda d: f"/organisers/cases/{d['case'].reference}/versions/",
}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def visit(page, live_server, language: str, path: str) -> None:
    page.goto(f"{live_server.url}/{language}{path}" if path != "/" else f"{live_server.url}/{language}/")


def open_on_a_phone(page, live_server, language: str, path: str):
    """The same page loaded afresh in a 360 px phone, with the same cookies:
    narrowing a page already laid out at desktop width can hide what a phone
    meets (images and frames sized at load)."""
    phone = page.context.browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    phone.add_cookies(page.context.cookies())
    phone_page = phone.new_page()
    visit(phone_page, live_server, language, path)
    return phone_page


def assert_fits(phone_page) -> None:
    wide = phone_page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => { const r = e.getBoundingClientRect(); return r.width && (r.right > 361 || r.left < -1); })
            .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    phone_page.context.close()
    assert width <= 360, f"sideways scrolling on a phone ({width} px): {wide}"


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_pages_have_no_accessibility_violations(
    page, live_server, demo, assert_accessible, screenshot, name, language
):
    visit(page, live_server, language, PUBLIC[name](demo))
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ur" else "ltr")
    screenshot(page, f"{name}-desktop-{language}")
    assert_accessible(page)
    phone = open_on_a_phone(page, live_server, language, PUBLIC[name](demo))
    screenshot(phone, f"{name}-phone-{language}")
    assert_fits(phone)


@pytest.mark.parametrize("language", ["en", "ur"])
@pytest.mark.parametrize("name", list(ORGANISER))
def test_organiser_pages_have_no_accessibility_violations(
    page, live_server, demo, assert_accessible, screenshot, name, language
):
    log_in(page, live_server, demo["staff"])
    visit(page, live_server, language, ORGANISER[name](demo))
    assert "/accounts/login/" not in page.url
    screenshot(page, f"organiser-{name}-desktop-{language}")
    assert_accessible(page)
    phone = open_on_a_phone(page, live_server, language, ORGANISER[name](demo))
    screenshot(phone, f"organiser-{name}-phone-{language}")
    assert_fits(phone)
