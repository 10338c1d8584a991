"""Every change to a public case is reviewed by a second case editor.

A version of a case (CaseRevision.content) is a snapshot of everything its
page can show, taken from the database by `snapshot`; `compare` lists what
one version changes in another, field by field, for the reviewer; `apply`
writes an approved version back to the case and its rows. The workflows
below (`revision_propose`, `revision_approve`, `revision_reject`,
`revision_restore`) are the only writers of revisions, each audited in the
transaction of its change.

The desk's edit pages (organisers) build the next version from the latest
one and hand it to `case_change`; nothing else writes a case's content."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.audit import record
from cases import audit_actions
from cases.models import (
    Case,
    CaseIdentifier,
    CaseLink,
    CaseName,
    CaseRevision,
    CaseText,
    Event,
    InvalidTransition,
    RetiredCaseAddress,
    Source,
    Testimony,
    Visibility,
)
from cases.models.publication import refuse_own_review

Content = dict[str, Any]

CASE_FIELDS = [
    "reference", "name_unknown", "unnamed_description", "gender", "ethnicity", "age_reported", "age_reported_on",
    "birth_year", "hometown_prefecture", "hometown_county", "hometown_place", "family_country", "status",
    "status_as_of", "summary", "language", "internal_notes",
]  # fmt: skip


@dataclass(frozen=True)
class Section:
    """One kind of row a case owns, as versions store and compare it."""

    key: str
    title: Any
    model: type[models.Model]
    related_name: str
    fields: list[str]
    many: list[str] = field(default_factory=list)  # many-to-many fields, stored as sorted ids

    def rows(self, case: Case) -> models.QuerySet:
        return getattr(case, self.related_name).order_by("pk")

    def owner(self, row: models.Model, case: Case) -> None:
        row.case = case  # type: ignore[attr-defined]  # every section's model has a `case` foreign key


SECTIONS = [
    Section("names", _("Names"), CaseName, "names", ["text", "script", "system", "preferred", "source"]),
    Section(
        "identifiers",
        _("Entries in other databases"),
        CaseIdentifier,
        "identifiers",
        ["database", "database_name", "number", "url"],
    ),
    Section("texts", _("Summary in other languages"), CaseText, "texts", ["language", "summary"]),
    Section(
        "events",
        _("Timeline"),
        Event,
        "events",
        ["position", "kind", "date", "date_precision", "place", "description"],
        many=["sources"],
    ),
    Section(
        "testimonies",
        _("Testimonies"),
        Testimony,
        "testimonies",
        [
            "testifier_label",
            "testifier_name",
            "relationship",
            "consent",
            "given_at",
            "given_on",
            "date_precision",
            "collected_by",
            "source",
            "summary",
            "internal_notes",
        ],
    ),
    Section(
        "links", _("Family members documented here"), CaseLink, "links_from", ["relationship", "relative", "source"]
    ),
]


# --- Versions as data ---------------------------------------------------------


def _model_field(model: type[models.Model] | models.Model, name: str) -> models.Field:
    """A field a version stores: always a concrete one, never a reverse relation."""
    return cast(models.Field, model._meta.get_field(name))


def _stored(instance: models.Model, name: str) -> Any:
    model_field = _model_field(instance, name)
    value = getattr(instance, model_field.attname)
    if isinstance(model_field, CountryField):
        return str(value or "")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _restored(model: type[models.Model], name: str, value: Any) -> Any:
    model_field = _model_field(model, name)
    if value is None or isinstance(model_field, models.ForeignKey):
        return value
    return model_field.to_python(value)


def stored_row(model: type[models.Model], values: dict, fields: list[str], *, many: Sequence[str] = ()) -> dict:
    """A form's cleaned values as a version stores them: ids for rows,
    ISO dates, sorted ids for many-to-many fields."""
    row: dict[str, Any] = {}
    for name in fields:
        value = values.get(name)
        model_field = _model_field(model, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(model_field, CountryField):
            value = str(value or "")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif value is None and not model_field.null:
            value = model_field.get_default()
        row[name] = value
    for name in many:
        row[name] = sorted(item.pk for item in values.get(name) or [])
    return row


def restored_row(model: type[models.Model], row: dict, fields: list[str]) -> dict:
    """A stored row's values by attribute name, to build an unsaved instance."""
    return {_model_field(model, name).attname: _restored(model, name, row.get(name)) for name in fields}


def snapshot(case: Case, *, new_after: Content | None = None) -> Content:
    """Everything the case's page can show (and its internal notes), as the
    database holds it now. Rows that are not in `new_after` are marked new
    (id None): their ids were only borrowed inside a rolled-back savepoint."""
    case = Case.objects.get(pk=case.pk)
    content: Content = {"case": {name: _stored(case, name) for name in CASE_FIELDS}}
    content["case"]["sources"] = sorted(case.sources.values_list("pk", flat=True))
    for section in SECTIONS:
        known = {row["id"] for row in new_after[section.key]} if new_after is not None else None
        rows = []
        for instance in section.rows(case).prefetch_related(*section.many):
            row = {"id": instance.pk if known is None or instance.pk in known else None}
            row.update((name, _stored(instance, name)) for name in section.fields)
            row.update((name, sorted(item.pk for item in getattr(instance, name).all())) for name in section.many)
            rows.append(row)
        content[section.key] = rows
    return content


@dataclass
class Part:
    text: str
    changed: bool


# Changes a reviewer must not miss: who may be named or shown, and where.
CALLED_OUT = {"consent", "testifier_name", "reference", "name_unknown"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    name: str = ""

    @property
    def called_out(self) -> bool:
        return self.name in CALLED_OUT

    def _parts(self) -> tuple[list[Part], list[Part]]:
        """Both sides cut into runs of words, each marked when it differs
        from the other side, so a reviewer sees which words of a long text
        change."""
        old, new = ([token for token in re.split(r"(\s+)", text) if token] for text in (self.before, self.after))
        before, after = [], []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if i2 > i1:
                before.append(Part("".join(old[i1:i2]), tag != "equal"))
            if j2 > j1:
                after.append(Part("".join(new[j1:j2]), tag != "equal"))
        return before, after

    @property
    def before_parts(self) -> list[Part]:
        return self._parts()[0]

    @property
    def after_parts(self) -> list[Part]:
        return self._parts()[1]


@dataclass
class RowChange:
    section: str
    label: str
    kind: str  # "added", "removed" or "changed"
    fields: list[FieldChange]

    @property
    def kind_display(self) -> str:
        return {"added": gettext("added"), "removed": gettext("removed"), "changed": gettext("changed")}[self.kind]


class _Labels:
    """Turns stored values into what an editor reads: choice labels, source
    titles, people's names. Looks each referenced row up once."""

    def __init__(self, *contents: Content) -> None:
        source_ids, case_ids = set(), set()
        for content in contents:
            source_ids.update(content["case"].get("sources", []))
            for section in SECTIONS:
                for row in content.get(section.key, []):
                    source_ids.update(row.get("sources", []))
                    if row.get("source"):
                        source_ids.add(row["source"])
                    if row.get("relative"):
                        case_ids.add(row["relative"])
        self.sources = {source.pk: str(source) for source in Source.objects.filter(pk__in=source_ids)}
        self.cases = {case.pk: case.display_name for case in Case.objects.filter(pk__in=case_ids).with_names()}

    def value(self, model: type[models.Model], name: str, value: Any) -> str:
        if name == "sources":
            return "; ".join(self.sources.get(pk, f"#{pk}") for pk in value or [])
        model_field = _model_field(model, name)
        if value is None or value == "":
            return ""
        if name == "source":
            return self.sources.get(value, f"#{value}")
        if name == "relative":
            return self.cases.get(value, f"#{value}")
        if isinstance(model_field, models.BooleanField):
            return gettext("yes") if value else gettext("no")
        if isinstance(model_field, CountryField):
            return str(dict(model_field.choices).get(value, value))  # type: ignore[arg-type]  # a CountryField's choices are the countries
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return str(value)

    def label(self, model: type[models.Model], name: str) -> str:
        return str(_model_field(model, name).verbose_name)


def _row_label(section: Section, row: dict, labels: _Labels) -> str:
    if section.key == "names":
        return f"{row['text']} ({labels.value(CaseName, 'script', row['script'])})"
    if section.key == "texts":
        return labels.value(CaseText, "language", row["language"])
    if section.key == "events":
        return labels.value(Event, "kind", row["kind"]) + (f" ({row['date']})" if row["date"] else "")
    if section.key == "testimonies":
        return row["testifier_label"]
    if section.key == "identifiers":
        database = row["database_name"] or labels.value(CaseIdentifier, "database", row["database"])
        return f"{database}: {row['number'] or row['url']}"
    relationship = labels.value(CaseLink, "relationship", row["relationship"])
    return f"{relationship}: {labels.value(CaseLink, 'relative', row['relative'])}"


def compare(before: Content | None, after: Content) -> list[RowChange]:
    """What `after` changes in `before`, field by field, in the order of the
    case form; every field of an added or removed row."""
    before = before or {"case": {}, **{section.key: [] for section in SECTIONS}}
    labels = _Labels(before, after)
    changes = []
    case_fields = [*CASE_FIELDS, "sources"]
    fields = [
        FieldChange(
            labels.label(Case, name),
            labels.value(Case, name, before["case"].get(name)),
            labels.value(Case, name, after["case"].get(name)),
            name,
        )
        for name in case_fields
        if before["case"].get(name) != after["case"].get(name)
    ]
    if fields:
        changes.append(RowChange(str(_("The case")), after["case"]["reference"], "changed", fields))
    for section in SECTIONS:
        names = [*section.fields, *section.many]
        old = {row["id"]: row for row in before.get(section.key, []) if row["id"] is not None}
        new_ids = {row["id"] for row in after.get(section.key, []) if row["id"] is not None}
        for row in after.get(section.key, []):
            previous = old.get(row["id"]) if row["id"] is not None else None
            kind = "changed" if previous is not None else "added"
            fields = [
                FieldChange(
                    labels.label(section.model, name),
                    labels.value(section.model, name, previous.get(name)) if previous else "",
                    labels.value(section.model, name, row.get(name)),
                    name,
                )
                for name in names
                if previous is None or previous.get(name) != row.get(name)
            ]
            if kind == "added":
                fields = [change for change in fields if change.after]
            if fields:
                changes.append(RowChange(str(section.title), _row_label(section, row, labels), kind, fields))
        for row_id, row in old.items():
            if row_id not in new_ids:
                fields = [
                    FieldChange(
                        labels.label(section.model, name), labels.value(section.model, name, row.get(name)), "", name
                    )
                    for name in names
                    if row.get(name) not in (None, "", [])
                ]
                changes.append(RowChange(str(section.title), _row_label(section, row, labels), "removed", fields))
    return changes


def apply(case: Case, content: Content) -> None:
    """Make the case and its rows what `content` says. Rows are matched by
    id among the case's own; a row gone since (or new) is created afresh, and
    references to sources or people that no longer exist are dropped."""
    source_ids = set(Source.objects.values_list("pk", flat=True).filter(pk__in=_referenced_sources(content)))
    case_ids = {row["relative"] for row in content["links"]}
    people = set(Case.objects.filter(pk__in=case_ids).exclude(pk=case.pk).values_list("pk", flat=True))
    old_reference = case.reference
    for name in CASE_FIELDS:
        setattr(case, _model_field(Case, name).attname, _restored(Case, name, content["case"][name]))
    case.save(update_fields=[*CASE_FIELDS, "updated_at"])
    if case.reference != old_reference and case.visibility == Visibility.PUBLIC:
        # Old shares of the old address explain themselves, and never lead
        # to the new one (a reference changes when it put someone at risk).
        RetiredCaseAddress.objects.retire(old_reference)
    case.sources.set([pk for pk in content["case"]["sources"] if pk in source_ids])
    for section in SECTIONS:
        if section.key not in content:
            continue  # a version from before such rows were kept leaves them as they are
        existing = {row.pk: row for row in section.rows(case)}
        wanted = {row["id"] for row in content[section.key]} & set(existing)
        for pk, row in existing.items():
            if pk not in wanted:
                row.delete()
        if section.key == "names":
            # One preferred spelling per person: cleared first, set below.
            case.names.update(preferred=False)
        for row in content[section.key]:
            if section.key == "links" and row["relative"] not in people:
                continue
            instance = existing[row["id"]] if row["id"] in wanted else section.model()
            section.owner(instance, case)
            for name in section.fields:
                value = _restored(section.model, name, row[name])
                if name == "source" and value not in source_ids:
                    value = None
                setattr(instance, _model_field(section.model, name).attname, value)
            instance.save()
            for name in section.many:
                getattr(instance, name).set([pk for pk in row[name] if pk in source_ids])


def _referenced_sources(content: Content) -> set[int]:
    found = set(content["case"]["sources"])
    for section in SECTIONS:
        for row in content.get(section.key, []):
            found.update(row.get("sources", []))
            if row.get("source"):
                found.add(row["source"])
    return found


# --- Workflows ----------------------------------------------------------------


def current_version(case: Case) -> CaseRevision | None:
    """The approved version the public sees. A case published before
    versions were kept gets its first one now, from what it shows."""
    version = case.revisions.approved().last()
    if version is None and case.visibility == Visibility.PUBLIC:
        version = CaseRevision.objects.create(
            case=case, content=snapshot(case), state=CaseRevision.State.APPROVED,
            origin=CaseRevision.Origin.PUBLICATION, proposed_by=case.submitted_by, proposed_at=case.submitted_at
            or case.approved_at or timezone.now(), reviewed_by=case.approved_by, reviewed_at=case.approved_at
            or timezone.now(),
        )  # fmt: skip
    return version


def latest_content(case: Case) -> Content:
    """Where an editor's next change starts: the change still waiting for
    review if there is one (a later change supersedes it, so it carries it
    on), else the case as it is."""
    waiting = case.revisions.proposed().exclude(origin=CaseRevision.Origin.PUBLICATION).first()
    return waiting.content if waiting is not None else snapshot(case)


def publication_proposal(case: Case) -> CaseRevision | None:
    """The version a submitted case would publish. A case submitted before
    submissions kept their content gets it now, from what the case holds:
    the reviewer sees exactly that and approves only that."""
    proposal = case.revisions.proposed().filter(origin=CaseRevision.Origin.PUBLICATION).first()
    if proposal is None and case.awaiting_approval:
        proposal = CaseRevision.objects.create(
            case=case, content=snapshot(case), origin=CaseRevision.Origin.PUBLICATION,
            proposed_by=case.submitted_by, proposed_at=case.submitted_at,  # type: ignore[misc]  # awaiting approval: submitted_at is set
        )  # fmt: skip
    return proposal


def _audit(revision: CaseRevision, *, by, action: str, reason: str = "") -> None:
    record(
        by=by, action=action, target=revision.case, target_type="case", reason=reason,
        details={"revision": revision.pk, "case": revision.case.reference},
    )  # fmt: skip


def _supersede_waiting(case: Case, *, origins: list[str]) -> None:
    case.revisions.proposed().filter(origin__in=origins).update(state=CaseRevision.State.SUPERSEDED)


def case_change(
    *, case: Case, content: Content, by, note: str = "", public_reason: str = "", now: datetime.datetime | None = None
):
    """Every edit of a case and its parts made on the desk. A case the
    public does not see takes the change at once, kept as a saved version;
    a submission waiting for approval is withdrawn, because the reviewer
    would otherwise approve what they never saw. A public case gets a
    proposal for a second case editor (revision_propose). None when nothing
    changes."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.visibility == Visibility.PUBLIC:
            return revision_propose(case=case, content=content, by=by, note=note, public_reason=public_reason, now=now)
        if not compare(snapshot(case), content):
            return None
        try:
            with transaction.atomic():
                apply(case, content)
        except IntegrityError as clash:
            raise InvalidTransition(gettext("Another case already has this reference.")) from clash
        if case.awaiting_approval:
            _supersede_waiting(case, origins=[CaseRevision.Origin.PUBLICATION])
            case.submitted_by = case.submitted_at = None
            case.save(update_fields=["submitted_by", "submitted_at", "updated_at"])
        return CaseRevision.objects.create(
            case=case, content=snapshot(case), state=CaseRevision.State.SAVED, note=note, proposed_by=by,
            proposed_at=now or timezone.now(),
        )  # fmt: skip


def case_submit_content(*, case: Case, by, now: datetime.datetime | None = None) -> CaseRevision:
    """The submission of a case for publication keeps what it submits."""
    return CaseRevision.objects.create(
        case=case, content=snapshot(case), origin=CaseRevision.Origin.PUBLICATION, proposed_by=by,
        proposed_at=now or timezone.now(),
    )  # fmt: skip


def revision_propose(
    *,
    case: Case,
    content: Content,
    by,
    note: str = "",
    origin: str = CaseRevision.Origin.EDIT,
    restores: CaseRevision | None = None,
    public_reason: str = "",
    now: datetime.datetime | None = None,
) -> CaseRevision | None:
    """A change to a public case, waiting for a second case editor; any
    change still waiting is superseded (the edit started from it). None when
    it changes nothing."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.visibility != Visibility.PUBLIC:
            raise InvalidTransition(gettext("Only changes to a public case are reviewed: edit this one directly."))
        base = current_version(case)
        if base is None:  # a public case always has an approved version (made above if missing)
            raise InvalidTransition(gettext("Only changes to a public case are reviewed: edit this one directly."))
        if not compare(base.content, content):
            return None
        _supersede_waiting(case, origins=[CaseRevision.Origin.EDIT, CaseRevision.Origin.RESTORE])
        revision = CaseRevision.objects.create(
            case=case, content=content, base=base, restores=restores, note=note, origin=origin, proposed_by=by,
            proposed_at=now or timezone.now(), public_reason=public_reason,
        )  # fmt: skip
        action = audit_actions.CASE_REVISION_RESTORE if restores else audit_actions.CASE_REVISION_PROPOSE
        _audit(revision, by=by, action=action, reason=note)
    return revision


def _locked_proposal(revision: CaseRevision) -> CaseRevision:
    Case.objects.select_for_update().filter(pk=revision.case_id).first()
    revision = CaseRevision.objects.select_for_update().select_related("case").get(pk=revision.pk)
    if revision.state == CaseRevision.State.SUPERSEDED:
        raise InvalidTransition(gettext("A later change to this case replaced this one: review that one instead."))
    if revision.state != CaseRevision.State.PROPOSED:
        raise InvalidTransition(gettext("This change has already been reviewed."))
    return revision


def is_out_of_date(revision: CaseRevision) -> bool:
    """Another change was approved since this one was proposed."""
    if revision.origin == CaseRevision.Origin.PUBLICATION:
        return False
    latest = revision.case.revisions.approved().last()
    return revision.state == CaseRevision.State.PROPOSED and latest is not None and latest.pk != revision.base_id


FIELD_PARTS = {"status": "status", "status_as_of": "status", "summary": "summary", "sources": "sources"}
SECTION_PARTS = {
    "names": "names",
    "identifiers": "identifiers",
    "texts": "translations",
    "events": "timeline",
    "testimonies": "testimonies",
    "links": "links",
}


def changed_parts(before: Content | None, after: Content) -> list[str]:
    """What kinds of thing `after` changes, as the public correction log names them."""
    before = before or {"case": {}}
    parts = set()
    for name in [*CASE_FIELDS, "sources"]:
        if name == "internal_notes" or before["case"].get(name) == after["case"].get(name):
            continue
        parts.add(
            name if name in ("status", "summary", "sources") else "status" if name == "status_as_of" else "details"
        )
    for section in SECTIONS:
        old = before.get(section.key, [])
        new = after.get(section.key, [])
        public = [name for name in section.fields if name != "internal_notes"]
        if [{k: row.get(k) for k in public} for row in old] != [{k: row.get(k) for k in public} for row in new]:
            parts.add(SECTION_PARTS[section.key])
        if {row["id"] for row in old} - {row["id"] for row in new}:
            parts.add("removal")
    return sorted(parts)


def refuse_unwritten_testimony(content: Content) -> None:
    """A testimony the family lets us publish needs the public text an
    editor wrote: the family's own words are a source, never the copy."""
    for row in content.get("testimonies", []):
        if row["consent"] in Testimony.PUBLIC_CONSENTS and not (row.get("summary") or "").strip():
            raise InvalidTransition(
                gettext("Write the public text of every testimony that may be published before approving it.")
            )


def revision_approve(
    *, revision: CaseRevision, by, shown: str, note: str = "", now: datetime.datetime | None = None
) -> CaseRevision:
    """The change goes live, if it is exactly what the reviewer was shown
    (`shown`, the fingerprint the review page sent)."""
    with transaction.atomic():
        revision = _locked_proposal(revision)
        refuse_own_review(author_id=revision.proposed_by_id, by=by)
        if shown != revision.content_hash:
            raise InvalidTransition(gettext("This change is not the one you were shown: review it again."))
        refuse_unwritten_testimony(revision.content)
        if revision.origin == CaseRevision.Origin.PUBLICATION:
            _approve_publication(revision, by=by, now=now)
        else:
            _approve_change(revision, by=by)
        revision.state, revision.reviewed_by, revision.reviewed_at = (
            CaseRevision.State.APPROVED,
            by,
            now or timezone.now(),
        )
        revision.review_note = note
        revision.save(update_fields=["content", "state", "reviewed_by", "reviewed_at", "review_note", "changed_parts"])
        if revision.origin != CaseRevision.Origin.PUBLICATION:
            _audit(revision, by=by, action=audit_actions.CASE_REVISION_APPROVE, reason=note)
    return revision


def _approve_publication(revision: CaseRevision, *, by, now: datetime.datetime | None) -> None:
    case = revision.case
    if case.visibility == Visibility.PUBLIC:
        raise InvalidTransition(Case.REFUSALS["public"])
    submitter = case.submitted_by.get_username() if case.submitted_by else ""
    # The case as it is now must still be what was submitted and shown.
    case.approve_publication(by=by, shown=revision.content_hash, now=now)
    record(
        by=by, action=audit_actions.CASE_APPROVE, target=case, target_type="case",
        details={"submitted_by": submitter, "revision": revision.pk},
    )  # fmt: skip
    record(by=by, action=audit_actions.CASE_PUBLISH, target=case, target_type="case")


def _approve_change(revision: CaseRevision, *, by) -> None:
    if revision.case.visibility != Visibility.PUBLIC:
        raise InvalidTransition(gettext("This case is no longer public: edit it directly."))
    if is_out_of_date(revision):
        raise InvalidTransition(
            gettext("Another change to this case was approved since: propose this one again from the current version.")
        )
    try:
        with transaction.atomic():
            apply(revision.case, revision.content)
    except IntegrityError as clash:
        raise InvalidTransition(
            gettext("This version no longer fits the case (a name or reference is now taken): propose it again.")
        ) from clash
    revision.changed_parts = changed_parts(revision.base.content if revision.base else None, revision.content)
    # As the database now holds it: rows the proposal added have their ids.
    revision.content = snapshot(revision.case)


def revision_reject(*, revision: CaseRevision, by, note: str, now: datetime.datetime | None = None) -> CaseRevision:
    """The change is dropped and the case stays as it is; the author reads
    why (`note`, required) among their rejected changes."""
    if not note.strip():
        raise InvalidTransition(gettext("Say why the change is rejected: its author reads it."))
    with transaction.atomic():
        revision = _locked_proposal(revision)
        refuse_own_review(author_id=revision.proposed_by_id, by=by)
        revision.state, revision.reviewed_by, revision.reviewed_at = (
            CaseRevision.State.REJECTED,
            by,
            now or timezone.now(),
        )
        revision.review_note = note
        revision.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        if revision.origin == CaseRevision.Origin.PUBLICATION:
            case = revision.case
            case.submitted_by = case.submitted_at = None
            case.save(update_fields=["submitted_by", "submitted_at", "updated_at"])
        _audit(revision, by=by, action=audit_actions.CASE_REVISION_REJECT, reason=note)
    return revision


def revision_restore(*, revision: CaseRevision, by, note: str = "") -> CaseRevision | None:
    """Propose an earlier approved version again, for a second editor to review."""
    if revision.state != CaseRevision.State.APPROVED:
        raise InvalidTransition(gettext("Only an approved version can be restored."))
    return revision_propose(
        case=revision.case, content=revision.content, by=by, note=note, origin=CaseRevision.Origin.RESTORE,
        restores=revision,
    )  # fmt: skip


def case_create(*, by, fields: dict, name: str = "", script: str = CaseName.Script.LATIN) -> Case:
    """A draft case, started on the desk: its first version is saved with it."""
    with transaction.atomic():
        case = Case.objects.create(**fields)
        if name:
            CaseName.objects.create(case=case, text=name, script=script, preferred=True)
        CaseRevision.objects.create(
            case=case, content=snapshot(case), state=CaseRevision.State.SAVED, proposed_by=by, note=gettext("Started")
        )
    return case
