"""Helpers for tests that are not fixtures (importable as `support` from any test module)."""

from __future__ import annotations

import os

from bot.settings import Settings


def base_settings(**overrides) -> Settings:  # noqa: ANN003
    """Settings for tests: never reads the developer's .env."""
    values = {
        "redis_url": None,
        "log_json": False,
        "rasa_url": os.environ.get("DOORSTEP_TEST_RASA_URL", "http://127.0.0.1:5005"),
        "public_base_url": "https://doorstep.test",
        "run_worker_in_app": False,  # tests that want the relay/scheduler start a Worker
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)
