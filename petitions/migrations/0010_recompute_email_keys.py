"""Recompute every email key with the normalisation of petitions.email_keys
(NFKC, IDNA, provider aliases). Two signatures that now key the same on one
petition are one mailbox signing twice: the earlier keeps the key; the later
keeps everything else (its state and whether it counts) and is flagged
"same mailbox" with a link to the earlier, for organisers to decide. Nothing
is dropped and no count changes.

It uses the live normalisation: a later change to the rules comes with its
own migration.
"""

from django.db import migrations

BATCH = 2000


def _new_key(email: str) -> str | None:
    from petitions.email_keys import email_key

    try:
        return email_key(email)
    except ValueError:
        return None  # refused now (a quoted part, a literal): keeps its old key


def recompute(apps, schema_editor):
    Signature = apps.get_model("petitions", "Signature")
    changed: dict[int, tuple[int, str]] = {}  # pk -> (petition_id, new key)
    rows = Signature.objects.exclude(email_key=None).exclude(email="").order_by("pk")
    for pk, petition_id, email, key in rows.values_list("pk", "petition_id", "email", "email_key").iterator(
        chunk_size=BATCH
    ):
        new = _new_key(email)
        if new is not None and new != key:
            changed[pk] = (petition_id, new)
    if not changed:
        return
    # Who holds each new key: the changed rows, and any row that already had it.
    groups: dict[tuple[int, str], set[int]] = {}
    for pk, target in changed.items():
        groups.setdefault(target, set()).add(pk)
    for petition_id, key in list(groups):
        holder = Signature.objects.filter(petition_id=petition_id, email_key=key).exclude(pk__in=changed)
        groups[(petition_id, key)].update(holder.values_list("pk", flat=True))
    ids = list(changed) + [pk for members in groups.values() for pk in members if pk not in changed]
    # Free every key involved first, so no intermediate state breaks the unique constraint.
    for start in range(0, len(ids), BATCH):
        Signature.objects.filter(pk__in=ids[start : start + BATCH]).update(email_key=None)
    for (_petition_id, key), members in groups.items():
        ordered = list(Signature.objects.filter(pk__in=members).order_by("created_at", "pk"))
        first, later = ordered[0], ordered[1:]
        Signature.objects.filter(pk=first.pk).update(email_key=key, email_domain=key.rpartition("@")[2])
        for duplicate in later:
            Signature.objects.filter(pk=duplicate.pk).update(
                email_domain=key.rpartition("@")[2], review_flag="same_mailbox", duplicate_of_id=first.pk
            )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0009_signature_review_flags_and_tombstones")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop, elidable=True)]
