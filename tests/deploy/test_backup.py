"""deploy/backup.sh and deploy/restore.sh round-trip a seeded deployment into a fresh database."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg

from tests.faults.stack import PG_BIN, Load, Stack

ROOT = Path(__file__).resolve().parents[2]
TABLES = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [row[0] for row in conn.execute(TABLES)]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def test_backup_restores_into_a_fresh_database_with_the_same_counts_and_files(tmp_path):
    stack = Stack(tmp_path)
    try:
        web = stack.add_web("web1")
        stack.add_worker()
        web.wait_ready()
        seeded = stack.project(web.url)
        Load(stack, [web.url], seeded["project"], [seeded["token"]], visitors=3, rate=0).finish()
        attachments = tmp_path / "instance" / "attachments"
        (attachments / "1").mkdir(parents=True, exist_ok=True)
        (attachments / "1" / "receipt.pdf").write_bytes(b"%PDF-1.4 pretend receipt")
        env = dict(os.environ) | {"PATH": f"{PG_BIN}:{os.environ['PATH']}"}

        backup = subprocess.run(
            [str(ROOT / "deploy" / "backup.sh"), str(tmp_path / "backups")], capture_output=True, text=True,
            env=env | {"DATABASE_URL": stack.database_url, "ATTACHMENTS_DIR": str(attachments)}, timeout=120)
        assert backup.returncode == 0, backup.stderr
        backup_dir = backup.stdout.strip().splitlines()[-1]

        fresh = stack.postgres.create_database()
        restored_files = tmp_path / "restored-attachments"
        restore = subprocess.run(
            [str(ROOT / "deploy" / "restore.sh"), backup_dir], capture_output=True, text=True,
            env=env | {"DATABASE_URL": fresh, "ATTACHMENTS_DIR": str(restored_files)}, timeout=120)
        assert restore.returncode == 0, restore.stderr
        assert "row counts match" in restore.stdout

        original, restored = _counts(stack.database_url), _counts(fresh)
        assert restored == original
        assert original["messages"] >= 3 and original["projects"] == 1 and original["users"] == 1
        assert (restored_files / "1" / "receipt.pdf").read_bytes() == b"%PDF-1.4 pretend receipt"
    finally:
        stack.close()
