"""PDFs kept before uploads were drawn as pictures: draw their pages and
seal their originals, so none stays in the clear. Safe to run again: a
sealed file is left as it is."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.models import SubmissionFile
from core import encryption
from core.uploads import PDF, UploadLimits, is_sealed, read_upload, save_pages
from petitions.models import Delivery, OfficialResponse, PaperBatch

# (model, file field, pages field, type field)
KEPT_PDFS = [
    (SubmissionFile, "file", "pages", "content_type"),
    (PaperBatch, "document", "document_pages", "document_type"),
    (Delivery, "document", "document_pages", "document_type"),
    (OfficialResponse, "document", "document_pages", "document_type"),
]


class Command(BaseCommand):
    help = "Draw the pages of PDFs kept in the clear and seal their originals."

    def handle(self, **options) -> None:
        drawn = undrawable = 0
        for model, file_field, pages_field, type_field in KEPT_PDFS:
            for record in model.objects.filter(**{type_field: PDF}).exclude(**{file_field: ""}).iterator():
                kept = getattr(record, file_field)
                if is_sealed(kept.name):
                    continue
                storage, old_name = kept.storage, kept.name
                with storage.open(old_name, "rb") as handle:
                    data = handle.read()
                try:
                    pages = read_upload(ContentFile(data), limits=UploadLimits.organiser()).pages
                    drawn += 1
                except ValidationError:
                    # Kept sealed all the same, with no pages: only its original can be opened.
                    pages = ()
                    undrawable += 1
                stem = old_name.rsplit(".", 1)[0]
                new_name = storage.save(f"{stem}.pdf.sealed", ContentFile(encryption.seal_bytes(data)))
                page_list = save_pages(storage, beside=new_name, pages=pages)
                with transaction.atomic():
                    model.objects.filter(pk=record.pk).update(**{file_field: new_name, pages_field: page_list})
                storage.delete(old_name)
        self.stdout.write(
            f"{drawn} PDFs drawn and sealed; {undrawable} could not be drawn and were sealed as they are."
        )
