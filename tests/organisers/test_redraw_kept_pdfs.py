"""PDFs kept in the clear before uploads were drawn as pictures: the command
draws their pages and seals them, and leaves nothing in the clear."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from cases.models import SubmissionFile
from core import encryption
from petitions.models import PaperBatch
from tests.cases.intake_factories import new_case_submission
from tests.core.upload_files import POLYGLOT, pdf_bytes
from tests.organisers.factories import open_petition

pytestmark = pytest.mark.django_db


def kept_in_the_clear(record, field: str, data: bytes) -> None:
    getattr(record, field).save("old.pdf", ContentFile(data), save=False)
    record.save()


def test_pdfs_kept_in_the_clear_are_drawn_and_sealed_once(capsys):
    submission = new_case_submission()
    letter = SubmissionFile(submission=submission, content_type="application/pdf", size=1)
    kept_in_the_clear(letter, "file", pdf_bytes(pages=2))
    polyglot = SubmissionFile(submission=submission, content_type="application/pdf", size=1)
    kept_in_the_clear(polyglot, "file", POLYGLOT)
    batch = PaperBatch(
        petition=open_petition(), count=3, gathered_on=timezone.localdate(), place="Vigil", collected_by="A",
        document_type="application/pdf",
    )  # fmt: skip
    kept_in_the_clear(batch, "document", pdf_bytes(pages=1))
    old_names = [letter.file.name, polyglot.file.name, batch.document.name]
    storage = letter.file.storage

    call_command("redraw_kept_pdfs")

    assert "2 PDFs drawn and sealed; 1 could not be drawn" in capsys.readouterr().out
    assert not any(storage.exists(name) for name in old_names)
    letter.refresh_from_db()
    polyglot.refresh_from_db()
    batch.refresh_from_db()
    assert len(letter.pages) == 2 and polyglot.pages == [] and len(batch.document_pages) == 1
    for name, original in ((letter.file.name, pdf_bytes(pages=2)), (polyglot.file.name, POLYGLOT)):
        with storage.open(name, "rb") as handle:
            sealed = handle.read()
        assert b"%PDF" not in sealed and encryption.unseal_bytes(sealed) == original

    call_command("redraw_kept_pdfs")
    assert "0 PDFs drawn and sealed; 0 could not be drawn" in capsys.readouterr().out
