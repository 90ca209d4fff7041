#!/usr/bin/env bash
# Back up a production deployment: the PostgreSQL database (pg_dump, custom format) and the attachments folder.
#
#   DATABASE_URL=postgresql://… ATTACHMENTS_DIR=/srv/livechat/instance/attachments deploy/backup.sh /var/backups/livechat
#
# Writes /var/backups/livechat/livechat-<UTC time>/ with database.dump, attachments.tar.gz and counts.txt
# (rows per table, to compare after a restore). Safe while the service runs: pg_dump reads one consistent
# snapshot. The database is dumped before the files are archived, so every attachment row of the dump has its
# file in the archive (a file uploaded in between restores as an unreferenced file, harmless).
# Counts are taken after the dump: on a live service they can be a little higher than the dump's.
set -euo pipefail

out_root=${1:?usage: deploy/backup.sh OUTPUT_DIR}
: "${DATABASE_URL:?DATABASE_URL is not set}"
attachments=${ATTACHMENTS_DIR:-instance/attachments}
url=${DATABASE_URL/postgresql+psycopg:/postgresql:}
url=${url/postgres:/postgresql:}

target="$out_root/livechat-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$url"
if [ -d "$attachments" ]; then
  tar -C "$attachments" -czf "$target/attachments.tar.gz" .
else
  tar -czf "$target/attachments.tar.gz" -T /dev/null
fi
psql "$url" -At -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1" |
  while read -r table; do
    echo "$table $(psql "$url" -At -c "SELECT count(*) FROM \"$table\"")"
  done >"$target/counts.txt"
echo "$target"
