"""Delivering a petition and the answers that come back: deliveries (with
the counts of that day), official responses (mailed to the signers who
asked for updates), what marks a victory, and the printable delivery pack."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from accounts import audit
from petitions import audit_actions
from petitions.models import Delivery, InvalidTransition, OfficialResponse, Petition, PetitionUpdate, Signature
from petitions.paper import RecordRefused, check_day
from petitions.tasks import send_update_batch
from petitions.uploads import Document, attach

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def delivery_record(
    *,
    by: User,
    petition: Petition,
    addressee: str,
    institution: str,
    delivered_on: datetime.date,
    method: str,
    note: str = "",
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> Delivery:
    """Record a delivery with the online and paper counts as they stand now."""
    now = now or timezone.now()
    if method not in Delivery.Method.values:
        raise RecordRefused(_("Choose how the petition was delivered."))
    with transaction.atomic():
        # Locked, so the frozen counts are the ones of this moment.
        petition = Petition.objects.select_for_update().get(pk=petition.pk)
        check_day(petition=petition, day=delivered_on, now=now)
        delivery = Delivery(
            petition=petition,
            addressee=addressee,
            institution=institution,
            delivered_on=delivered_on,
            method=method,
            online_count=petition.signature_count,
            paper_count=petition.paper_signature_count,
            note=note,
            recorded_by=by,
            recorded_at=now,
        )
        attach(delivery, document)
        delivery.save()
        audit.record(
            by=by,
            action=audit_actions.DELIVERY_RECORD,
            subject=petition,
            target=delivery,
            details={
                "addressee": addressee,
                "institution": institution,
                "delivered_on": delivered_on.isoformat(),
                "method": method,
                "online": delivery.online_count,
                "paper": delivery.paper_count,
            },
        )
        petition.forget_cached_page()
    return delivery


def _announcement_body(response: OfficialResponse) -> str:
    parts = [response.summary]
    if response.comment:
        parts.append(_("Our comment: %(comment)s") % {"comment": response.comment})
    if response.link:
        parts.append(response.link)
    return "\n\n".join(parts)


def response_record(
    *,
    by: User,
    petition: Petition,
    responder: str,
    responded_on: datetime.date,
    summary: str,
    link: str = "",
    comment: str = "",
    document: Document | None = None,
    now: datetime.datetime | None = None,
) -> OfficialResponse:
    """Record a response; it is announced as an update on the petition, which
    mails it (in batches, on commit) to the signers who asked for updates."""
    now = now or timezone.now()
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=petition.pk)
        check_day(petition=petition, day=responded_on, now=now)
        response = OfficialResponse(
            petition=petition,
            responder=responder,
            responded_on=responded_on,
            summary=summary,
            link=link,
            comment=comment,
            recorded_by=by,
            recorded_at=now,
        )
        attach(response, document)
        response.announcement = PetitionUpdate.objects.create(
            petition=petition,
            title=_("Response from %(responder)s") % {"responder": responder},
            body=_announcement_body(response),
            posted_by=by,
            posted_at=now,
        )
        response.save()
        audit.record(
            by=by,
            action=audit_actions.RESPONSE_RECORD,
            subject=petition,
            target=response,
            details={"responder": responder, "responded_on": responded_on.isoformat()},
        )
        petition.forget_cached_page()
        update_id = response.announcement.pk
        transaction.on_commit(lambda: send_update_batch.enqueue(update_id=update_id))
    return response


def victory_link(
    *,
    by: User,
    petition: Petition,
    response: OfficialResponse | None = None,
    update: PetitionUpdate | None = None,
) -> None:
    """Say which response or update marks the win (or unlink it)."""
    with transaction.atomic():
        locked = Petition.objects.select_for_update().get(pk=petition.pk)
        try:
            locked.link_victory(response=response, update=update)
        except InvalidTransition as error:
            raise RecordRefused(str(error)) from error
        audit.record(
            by=by,
            action=audit_actions.VICTORY_LINK,
            subject=locked,
            target=locked,
            details={"response": response.pk if response else None, "update": update.pk if update else None},
        )
    petition.refresh_from_db()


# --- The delivery pack ---------------------------------------------------------


@dataclass(frozen=True)
class Pack:
    petition: Petition
    online: int
    paper: int
    by_country: list[tuple[str, int]]
    named_count: int
    unnamed_count: int
    deliveries: list[Delivery]
    printed_at: datetime.datetime

    @property
    def total(self) -> int:
        return self.online + self.paper

    def named(self) -> Iterator[dict]:
        """Signers who chose to be shown publicly, oldest first: name,
        country and reason only (the same rule as the public list)."""
        rows = (
            Signature.objects.filter(petition=self.petition)
            .public_signers()
            .exclude(public_name="")
            .order_by("confirmed_at", "pk")
            .iterator(chunk_size=2000)
        )
        for row in rows:
            country = countries.name(row["public_country"]) if row["public_country"] else ""
            yield {"name": row["public_name"], "country": country, "reason": row["public_reason"]}


def delivery_pack(*, by: User, petition: Petition, now: datetime.datetime | None = None) -> Pack:
    """What the pack shows; opening it is recorded in the audit log."""
    now = now or timezone.now()
    petition = Petition.objects.get(pk=petition.pk)
    counted = Signature.objects.filter(petition=petition).counted()
    by_country = [
        (str(countries.name(code)) if code else _("Country not given"), n)
        for code, n in counted.order_by().values_list("country").annotate(n=Count("pk")).order_by("-n", "country")
    ]
    named_count = Signature.objects.filter(petition=petition).public_signers().exclude(public_name="").count()
    online = sum(n for _code, n in by_country)
    with transaction.atomic():
        audit.record(
            by=by,
            action=audit_actions.DELIVERY_PACK,
            subject=petition,
            target=petition,
            details={"online": online, "paper": petition.paper_signature_count, "named": named_count},
        )
    return Pack(
        petition=petition,
        online=online,
        paper=petition.paper_signature_count,
        by_country=by_country,
        named_count=named_count,
        unnamed_count=online - named_count,
        deliveries=list(Delivery.objects.filter(petition=petition)),
        printed_at=now,
    )
