#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and attachments folder, then check counts.
#
#   createdb livechat_restored
#   DATABASE_URL=postgresql://…/livechat_restored ATTACHMENTS_DIR=/srv/livechat/instance/attachments \
#     deploy/restore.sh /var/backups/livechat/livechat-20260101T000000Z
#
# Stop the web and worker processes first when restoring over a live deployment (see docs/operations.md).
# Exits non-zero if any table's row count differs from the backup's counts.txt.
set -euo pipefail

backup=${1:?usage: deploy/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
attachments=${ATTACHMENTS_DIR:-instance/attachments}
url=${DATABASE_URL/postgresql+psycopg:/postgresql:}
url=${url/postgres:/postgresql:}

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$backup/database.dump"
mkdir -p "$attachments"
tar -C "$attachments" -xzf "$backup/attachments.tar.gz"

status=0
while read -r table expected; do
  actual=$(psql "$url" -At -c "SELECT count(*) FROM \"$table\"")
  if [ "$actual" != "$expected" ]; then
    echo "MISMATCH $table: backup had $expected rows, restored $actual" >&2
    status=1
  fi
done <"$backup/counts.txt"
[ "$status" = 0 ] && echo "restored $(wc -l <"$backup/counts.txt") tables; row counts match the backup"
exit "$status"
