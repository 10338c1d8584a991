#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database.
#
#   scripts/restore.sh DIR        (or: make restore FROM=DIR)
#
# DATABASE_URL names the new database (create it first: createdb NAME);
# uploaded files go back into MEDIA_ROOT and PLEA_PRIVATE_ROOT. Then run `manage.py migrate` (a
# backup from an older release gets its newer migrations) and
# `manage.py recount --check`, and start the site with the same secret keys
# as before (DJANGO_SECRET_KEY, PLEA_IP_HASH_KEY, PLEA_ENCRYPTION_KEYS): without
# them signed links and IP hashes do not match and encrypted contacts cannot be
# read. `manage.py rotate_encryption_keys --check` says whether they open.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-.venv/bin/python}"
PG_BIN="${PLEA_PG_BINDIR:+$PLEA_PG_BINDIR/}"

src="${1:?usage: scripts/restore.sh BACKUP_DIR}"
case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    *) echo "restore: DATABASE_URL must point at the (empty) PostgreSQL database to restore into" >&2; exit 2 ;;
esac

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
"${PG_BIN}pg_restore" --exit-on-error --no-owner --no-privileges --dbname="$DATABASE_URL" "$src/database.dump"

roots="$(DJANGO_SETTINGS_MODULE=config.settings "$PY" -c '
import django; django.setup()
from django.conf import settings
print(settings.MEDIA_ROOT); print(settings.PLEA_PRIVATE_ROOT)')"
{ read -r media_root; read -r private_root; } <<< "$roots"
for name in media private; do
    root="${name}_root"
    if [[ -f "$src/$name.tar.gz" ]]; then
        mkdir -p "${!root}"
        tar -C "${!root}" -xzf "$src/$name.tar.gz"
    fi
done
echo "restore: done; now run manage.py migrate, manage.py recount --check and manage.py rotate_encryption_keys --check"
