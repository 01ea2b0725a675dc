"""Settings from environment variables and a .env file (see .env.example)."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def async_database_url(url: str) -> str:
    """Map a plain database URL to the asyncio driver SQLAlchemy needs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("postgresql+psycopg://") or url.startswith("postgresql+psycopg2://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


class Settings(BaseSettings):
    """Everything Doorstep reads from its environment. Unset means the embedded default."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # --- store -----------------------------------------------------------------------------
    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'doorstep.db'}",
        description="SQLAlchemy URL. Unset: SQLite in var/. postgresql://… uses asyncpg.",
    )
    redis_url: str | None = Field(
        default=None, description="Redis URL. Unset: an in-process Redis (fakeredis)."
    )
    database_echo: bool = False

    # --- web app ---------------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The URL Twilio and Slack call, as they see it (scheme, host, port).",
    )
    log_level: str = "INFO"
    log_json: bool = True
    run_worker_in_app: bool = Field(
        default=True,
        description="Run the outbox relay and scheduler inside `doorstep serve` (one process). "
        "False when `doorstep worker` runs separately.",
    )

    # --- NLU (Rasa server) -----------------------------------------------------------------
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = "doorstep-dev-token"
    rasa_timeout_seconds: float = Field(
        default=0.5, description="Per-request timeout for /model/parse; fail fast, never hang."
    )
    nlu_confidence_threshold: float = Field(
        default=0.3,
        description="Below this, an intent counts as not understood (nlu_fallback). Chosen on the "
        "held-out set: the pipeline's confidences spread over 27 intents, so 0.3 keeps correct "
        "answers that a higher bar would throw away (see nlu/EVALUATION.md).",
    )

    # --- Twilio ----------------------------------------------------------------------------
    twilio_account_sid: str = "AC00000000000000000000000000000000"
    twilio_auth_token: str = "doorstep-dev-twilio-token"
    twilio_from_number: str = "+15005550006"
    twilio_messaging_service_sid: str | None = None
    twilio_api_base_url: str | None = Field(
        default=None, description="Override api.twilio.com (tests use a local fake API)."
    )
    sms_sender: str = Field(
        default="console", description="'console' (log the SMS) or 'twilio' (really send)."
    )

    # --- Slack -----------------------------------------------------------------------------
    slack_bot_token: str | None = None
    slack_signing_secret: str = "doorstep-dev-slack-secret"
    slack_api_base_url: str | None = None
    slack_dispatch_channel: str = "#dispatch"

    # --- delivery systems (webhook secrets) --------------------------------------------------
    dms_webhook_secret: str = "doorstep-dev-dms-secret"
    onfleet_webhook_secret: str = "doorstep-dev-onfleet-secret"
    easypost_webhook_secret: str = "doorstep-dev-easypost-secret"
    aftership_webhook_secret: str = "doorstep-dev-aftership-secret"

    # --- the operator ----------------------------------------------------------------------
    brand_name: str = "Doorstep Deliveries"
    support_contact: str = "support@doorstep.example or 1-800-555-0199"
    operator_timezone: str = "America/New_York"
    operator_tracking_pattern: str = Field(
        default=r"DS\d{8}", description="The operator's own tracking number format (regex)."
    )
    depot_address: str = "1200 Commerce Way, Newark, NJ 07114"
    depot_hours: str = "Mon-Sat 8am-8pm"
    operating_days: list[int] = Field(
        default=[0, 1, 2, 3, 4, 5], description="Weekdays with deliveries (0=Monday)."
    )
    operating_start: time = time(8, 0)
    operating_end: time = time(20, 0)
    delivery_window_hours: int = 2
    shortest_window_minutes: int = Field(
        default=60,
        description="A day whose receiving hours fit no standard window gets one clipped to them "
        "when they last at least this long (set it to the window's length to never clip).",
    )
    daily_capacity: int = Field(
        default=400, description="Deliveries per day the operator can serve (rebook capacity)."
    )
    window_capacity: int = Field(default=60, description="Deliveries per rebook window.")
    max_auto_rebooks: int = Field(
        default=3,
        description="Failed attempts after which a person decides, not the bot: the customer "
        "rebooks the first and second misses; after the third, dispatch decides.",
    )
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(8, 0)
    verification_max_failures: int = 3
    verification_lockout_minutes: int = 30
    conversation_ttl_seconds: int = 60 * 60 * 24
    # --- customer SMS assistant ------------------------------------------------------------
    sms_reply_deadline_seconds: float = Field(
        default=8.0, description="Answer Twilio within this; past it a person takes the message."
    )
    human_response_hours: int = Field(
        default=2, description="When customers handed to a person can expect an answer."
    )
    claim_response_business_days: int = Field(
        default=2,
        ge=1,
        description="Business days (Monday to Friday) within which the claims team contacts a "
        "customer about a claim they opened; said in every claim reply.",
    )
    allow_clock_override: bool = Field(
        default=False, description="Dev/test only: honour X-Doorstep-Now on the SMS webhook."
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return async_database_url(value)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own Settings instead)."""
    return Settings()
