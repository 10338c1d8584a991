"""People uploaded from a CSV file, kept until their uploader confirms them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CaseImportQuerySet(models.QuerySet):
    def expired(self, *, now: datetime.datetime | None = None) -> CaseImportQuerySet:
        return self.filter(
            state=CaseImport.State.WAITING, uploaded_at__lt=(now or timezone.now()) - CaseImport.KEPT_FOR
        )

    def waiting_for(self, user, *, now: datetime.datetime | None = None) -> CaseImportQuerySet:
        """The uploads `user` may still confirm: their own, unexpired, not yet done."""
        return self.filter(
            uploaded_by=user,
            state=CaseImport.State.WAITING,
            uploaded_at__gte=(now or timezone.now()) - CaseImport.KEPT_FOR,
        )


class CaseImport(models.Model):
    """An uploaded CSV file of people, parsed and checked (cases.csv_import),
    kept on the server until its uploader confirms it or it expires: what
    the preview showed is exactly what is created. Rows hold the checked
    values; nothing else of the file is kept."""

    KEPT_FOR = datetime.timedelta(hours=2)

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State, default=State.WAITING)
    # [{"line": 2, "values": {...}, "errors": [...], "lookalikes": [case ids], "same_as_line": 3 | None}]
    rows = models.JSONField(_("rows"), default=list)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = CaseImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name or gettext("Import #%(pk)s") % {"pk": self.pk}
