"""Every name someone typed is isolated from the text around it (<bdi>, or an
element with `dir`), so an Urdu or Uyghur name does not pull the words,
numbers and brackets next to it out of order, and a name cannot reorder the
page after it. Pages are rendered over data whose every name holds a
marker; each place the marker appears as text must be inside an isolate.
Text in <title>, <option> and form fields cannot hold markup: the browser
lays those out on their own."""

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from cases.publication import case_approve, case_submit
from cases.revisions import revision_propose
from cases.revisions import snapshot as case_snapshot
from core.bidi import isolated
from petitions.delivery import delivery_record, response_record
from petitions.paper import paper_batch_record
from petitions.uploads import read_document
from tests.cases.factories import draft_case, shown_for_publication
from tests.cases.intake_factories import PDF_BYTES, new_case_submission
from tests.organisers import factories as f
from tests.petitions import factories as pf

pytestmark = pytest.mark.django_db

MARKER = "zqmark"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NO_MARKUP_INSIDE = {"title", "option", "textarea", "script", "style"}


class IsolationCheck(HTMLParser):
    def __init__(self):
        super().__init__()
        self.open: list[tuple[str, bool]] = []  # (tag, isolates its content)
        self.bare: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            # <html dir> sets the page's direction; it isolates nothing inside it.
            isolates = tag == "bdi" or (tag != "html" and any(name == "dir" for name, _ in attrs))
            self.open.append((tag, isolates))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        if MARKER not in data.lower():
            return
        if any(isolates or tag in NO_MARKUP_INSIDE for tag, isolates in self.open):
            return
        self.bare.append(" ".join(data.split())[:80])


def bare_names(html: str) -> list[str]:
    check = IsolationCheck()
    check.feed(html)
    return check.bare


def marked_world():
    """A petition and a case whose every typed name carries the marker."""
    petition = pf.open_petition(organiser_name="Zqmark Organisers")
    pf.public_signature(petition, full_name="Zqmark Signer")
    pf.hidden_signature(petition, full_name="Zqmark Hidden")
    owner = f.owner_of(petition, "zqmarkowner")
    f.moderator_of(petition, "zqmarkmoderator")
    today = timezone.localdate()
    paper_batch_record(
        by=owner, petition=petition, count=5, gathered_on=today, place="Vigil", collected_by="Zqmark Collector",
        document=read_document(SimpleUploadedFile("s.pdf", PDF_BYTES)),
    )  # fmt: skip
    delivery_record(
        by=owner, petition=petition, addressee="Zqmark Consul", institution="Zqmark Consulate", delivered_on=today,
        method="post",
    )  # fmt: skip
    response_record(by=owner, petition=petition, responder="Zqmark Ministry", responded_on=today, summary="No.")
    proposer, approver = f.case_editor("zqmarkproposer"), f.case_editor("zqmarkapprover")
    case = draft_case(name="Zqmark Person")
    case_submit(case=case, by=proposer)
    case_approve(case=case, by=approver, shown=shown_for_publication(case))
    content = case_snapshot(case)
    content["case"]["summary"] = "Proposed"
    revision = revision_propose(case=case, content=content, by=proposer)
    submission = new_case_submission(name_latin="Zqmark Missing", contact_name="Zqmark Sister")
    return petition, case, revision, submission


def test_every_typed_name_on_organiser_and_public_pages_is_isolated(client):
    petition, case, revision, submission = marked_world()
    client.force_login(f.user("zqmarkstaff", staff=True))
    slug = {"slug": petition.slug}
    pages = [
        reverse("organisers:dashboard"),
        reverse("organisers:petition", kwargs=slug),
        reverse("organisers:signatures", kwargs=slug),
        reverse("organisers:signatures", kwargs=slug) + "?state=hidden",
        reverse("organisers:organisers", kwargs=slug),
        reverse("organisers:paper", kwargs=slug),
        reverse("organisers:deliveries", kwargs=slug),
        reverse("organisers:delivery_pack", kwargs=slug),
        reverse("organisers:audit", kwargs=slug),
        reverse("organisers:audit_all"),
        reverse("organisers:case_reviews"),
        reverse("organisers:case_versions", kwargs={"reference": case.reference}),
        reverse("organisers:case_revision", kwargs={"pk": revision.pk}),
        reverse("organisers:intake_queue"),
        reverse("organisers:intake_detail", kwargs={"pk": submission.pk}),
        reverse("organisers:intake_contact", kwargs={"pk": submission.pk}),
        petition.get_absolute_url(),
        reverse("petitions:list"),
        case.get_absolute_url(),
        reverse("cases:list"),
        reverse("account"),
    ]
    seen, bare = 0, {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        seen += MARKER in html.lower()
        if found := bare_names(html):
            bare[url] = found
    assert bare == {}, "\n".join(f"{url}: {found}" for url, found in bare.items())
    assert seen >= len(pages) - 2  # the marker is really on (nearly) every page


def test_the_check_sees_a_bare_name():
    assert bare_names("<p>Signed by Zqmark Signer (Kazakhstan)</p>") == ["Signed by Zqmark Signer (Kazakhstan)"]
    assert bare_names('<p>Signed by <bdi>Zqmark</bdi>, <span dir="auto">Zqmark</span></p>') == []


def test_a_name_inside_a_translated_sentence_is_isolated_too():
    html = Template(
        "{% load i18n plea %}<p>{% blocktranslate with name=name|bdi %}Versions of {{ name }}"
        "{% endblocktranslate %}</p>"
    )
    rendered = html.render(Context({"name": "Zqmark <b>x</b>"}))
    assert rendered == "<p>Versions of <bdi>Zqmark &lt;b&gt;x&lt;/b&gt;</bdi></p>"


def test_names_in_mail_sentences_are_isolated_in_plain_text(client, mailoutbox, settings):
    """Mail has no <bdi>: a name inside a sentence gets Unicode's isolates,
    which do the same in text. (A username a person is meant to copy, as in
    the password reset mail, is left bare: the isolates would be copied too.)"""
    from accounts.tasks import send_two_factor_notice

    account = f.user("زۇلپىيە", password=True)
    send_two_factor_notice.call(
        user_id=account.pk, event="added", at=timezone.now().isoformat(), language="en", left=None
    )
    (message,) = mailoutbox
    assert isolated("زۇلپىيە") in message.body


def test_no_page_title_carries_markup():
    """A browser shows a <title> as text: <bdi> there would be read out as
    "<bdi>" in the tab; titles isolate names with |isolated instead."""
    from pathlib import Path

    from django.conf import settings

    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if "{% block title %}" in line and "|bdi" in line.split("{% endblock %}")[0]
    ]
    assert offenders == []
