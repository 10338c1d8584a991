#!/usr/bin/env bash
# Back up Plea: the PostgreSQL database and the uploaded files.
#
#   scripts/backup.sh [DEST]      (or: make backup DEST=...)
#
# Writes DEST (default backups/<UTC time>) with database.dump (pg_dump's
# custom format, restorable into any database with scripts/restore.sh),
# media.tar.gz and private.tar.gz (MEDIA_ROOT and PLEA_PRIVATE_ROOT, when files
# are stored on local disk) and
# SHA256SUMS. Needs DATABASE_URL (PostgreSQL) and the same environment as the
# site, so that MEDIA_ROOT and PLEA_PRIVATE_ROOT are the site's.
#
# The secrets are NOT in the backup, on purpose: DJANGO_SECRET_KEY (signed
# links), PLEA_IP_HASH_KEY (IP hashes), PLEA_EMAIL_KEY (signers' keyed
# addresses) and PLEA_ENCRYPTION_KEYS (testifiers' and families' contacts,
# the addresses of signers who want updates, encrypted at rest) live in the server's environment,
# never in the database. Keep a copy of them somewhere else than the backups
# (a password manager, a sealed envelope): a stolen backup then gives no way
# to read what is encrypted, and a restore without PLEA_ENCRYPTION_KEYS cannot
# read the contacts either: they are lost for good.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-.venv/bin/python}"
PG_BIN="${PLEA_PG_BINDIR:+$PLEA_PG_BINDIR/}"

case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "backup: DATABASE_URL must point at the PostgreSQL database to back up" >&2; exit 2 ;;
esac

dest="${1:-backups/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$dest"
chmod 700 "$dest"  # signers' personal data: nobody else on the machine reads it

# One consistent snapshot, whatever is being signed meanwhile; no owners or
# grants, so it restores into a database owned by anyone.
"${PG_BIN}pg_dump" --format=custom --no-owner --no-privileges --file="$dest/database.dump" "$DATABASE_URL"

# Uploaded files: the public ones (MEDIA_ROOT) and the private ones (scans of
# paper sheets, delivery photos, letters: PLEA_PRIVATE_ROOT), each when on local disk.
roots="$(DJANGO_SETTINGS_MODULE=config.settings "$PY" -c '
import django; django.setup()
from django.conf import settings
print(settings.MEDIA_ROOT); print(settings.PLEA_PRIVATE_ROOT)')"
{ read -r media_root; read -r private_root; } <<< "$roots"
for name in media private; do
    root="${name}_root"
    if [[ -d "${!root}" ]]; then
        tar -C "${!root}" -czf "$dest/$name.tar.gz" .
    else
        echo "backup: no $name files at ${!root} (object storage is backed up with the provider's tools)" >&2
    fi
done

(cd "$dest" && sha256sum -- * > SHA256SUMS)
echo "backup: written to $dest"
echo "backup: the secret keys are not in it; keep DJANGO_SECRET_KEY, PLEA_IP_HASH_KEY, PLEA_EMAIL_KEY and PLEA_ENCRYPTION_KEYS separately (see SECURITY.md)"
