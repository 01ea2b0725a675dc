"""Schema migrations (Alembic), run from the CLI and from test fixtures."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.settings import Settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database to `revision`. Blocking: call it off the event loop."""
    if settings.is_sqlite:
        db_path = settings.database_url.split(":///", 1)[-1]
        if db_path and db_path != ":memory:":
            Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    _off_loop(command.upgrade, alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    _off_loop(command.downgrade, alembic_config(settings), revision)


def _off_loop(fn, *args) -> None:  # noqa: ANN001
    """Alembic's env starts its own event loop: run it on a thread of its own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(fn, *args).result()
