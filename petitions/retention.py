"""Personal data is kept only as long as the campaign needs it."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from petitions.models import Petition, PetitionQuerySet, Signature, SignatureTombstone


@dataclass(frozen=True)
class WipeReport:
    petitions: int
    signatures_wiped: int
    unconfirmed_deleted: int
    fraud_signals_cleared: int = 0


def petitions_past_retention(*, now: datetime.datetime, days: int) -> PetitionQuerySet:
    """Petitions that stopped taking signatures more than `days` ago, in any
    finished state: closed, won, or open but past their closing date."""
    return Petition.objects.ended_by(now - datetime.timedelta(days=days))


def signer_data_wipe(*, now: datetime.datetime | None = None, days: int | None = None) -> WipeReport:
    """Erase the personal data of signatures (Signature.PERSONAL_FIELDS, as
    withdrawal does) on petitions that stopped `days` ago, delete the
    confirmations never made, and clear fraud signals past their window.

    Confirmed signatures stay, anonymous, so counts and public totals do not move.
    """
    now = now or timezone.now()
    days = settings.PLEA_SIGNER_DATA_RETENTION_DAYS if days is None else days
    petition_ids = list(petitions_past_retention(now=now, days=days).values_list("pk", flat=True))
    with transaction.atomic():
        signatures = Signature.objects.filter(petition_id__in=petition_ids)
        deleted, _ = signatures.filter(state=Signature.State.PENDING).delete()
        wiped = signatures.with_personal_data().update(**Signature.PERSONAL_FIELDS)
        # Hashes of invalidated signers' addresses guard only a petition still signing.
        SignatureTombstone.objects.filter(petition_id__in=petition_ids).delete()
        cleared = fraud_signals_clear(now=now)
    return WipeReport(
        petitions=len(petition_ids),
        signatures_wiped=wiped,
        unconfirmed_deleted=deleted,
        fraud_signals_cleared=cleared,
    )


def fraud_signals_clear(*, now: datetime.datetime | None = None) -> int:
    """Clear the network hash and email domain of every signature past the
    fraud-review window (PLEA_FRAUD_REVIEW_DAYS), on any petition: after it
    they serve no review, and a small organisation's domain names its people."""
    return Signature.objects.with_expired_fraud_signals(now=now).update(ip_hash="", email_domain="")


@task
def wipe_signer_data() -> dict:
    """For a scheduler: enqueue daily (the command does the same from cron)."""
    report = signer_data_wipe()
    return {
        "petitions": report.petitions,
        "wiped": report.signatures_wiped,
        "deleted": report.unconfirmed_deleted,
        "signals_cleared": report.fraud_signals_cleared,
    }
