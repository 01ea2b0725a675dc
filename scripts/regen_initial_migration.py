"""Regenerate data/migrations/versions/0001_initial_schema.py from data/models.py.

Doorstep has no deployed databases yet, so the schema lives in one initial migration.
Run: .venv/bin/python scripts/regen_initial_migration.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from bot.settings import Settings
from data.migrate import MIGRATIONS_DIR, alembic_config

target = MIGRATIONS_DIR / "versions" / "0001_initial_schema.py"
target.unlink(missing_ok=True)
with tempfile.TemporaryDirectory() as tmp:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{Path(tmp) / 'gen.db'}")
    command.revision(
        alembic_config(settings), message="initial schema", autogenerate=True, rev_id="0001"
    )
subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(target)], check=True)
subprocess.run([sys.executable, "-m", "ruff", "check", "--fix", "-q", str(target)], check=False)
print(f"wrote {target}")
