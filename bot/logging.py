"""Structured JSON logs (structlog)."""

from __future__ import annotations

import logging

import structlog

from bot.settings import Settings


def configure_logging(settings: Settings) -> None:
    """JSON lines on stderr. (The platform issue adds phone masking and code redaction.)"""
    logging.basicConfig(level=settings.log_level, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(settings.log_level)
        ),
    )
