"""Structured logs (structlog), phone numbers masked and access codes kept out.

The rule: access codes (gate, door, building, lockbox codes) are never passed to the logger.
Two nets catch mistakes: a value under a secret key (access_code, gate_code, door_code, code…)
is replaced by "[redacted]", so is `code=…` / `"gate_code": "…"` inside text (URLs with query
strings, form bodies, JSON), and a caller logging free text that may contain a code it knows
passes it in `redact=[...]` so every occurrence in the line is replaced:

    log.info("access instructions updated", note=text, redact=[delivery.access_code])

Phone numbers (E.164 and the usual US spellings) are masked in every value, including the
event text and tracebacks: +12015550123 -> +1201***0123.

Everything goes through one stdlib handler: structlog's own loggers and stdlib loggers
(uvicorn, SQLAlchemy, APScheduler) alike come out as one JSON object per line.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.settings import Settings
from data.phones import InvalidPhoneNumber, mask_phone, to_e164

REDACTED = "[redacted]"
SECRET_KEYS = frozenset(
    {
        "access_code",
        "gate_code",
        "door_code",
        "code",
        "lockbox_code",
        "building_code",
        "buzzer_code",
        "entry_code",
        "passcode",
    }
)

# E.164, or a NANP number: optional +1/1, area code and exchange starting 2-9, with the usual
# separators. Digits glued to letters or other digits (tracking numbers, ids, timestamps) don't
# match.
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    r"\+[1-9]\d{7,14}"
    r"|(?:\+?1[\s.\-]?)?\(?[2-9]\d{2}\)?[\s.\-]?[2-9]\d{2}[\s.\-]?\d{4}"
    r")(?!\w)"
)


# A secret key's value inside text: query strings (code=4471), form bodies, JSON ("code": "4471").
_SECRET_NAMES = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
_SECRET_IN_TEXT = re.compile(
    r"(?i)(?<![\w])([\"']?(?:" + _SECRET_NAMES + r")[\"']?\s*[=:]\s*[\"']?)([^&\s\"',;}]+)"
)


def mask_phones(text: str) -> str:
    """Every phone number in `text` masked like data.phones.mask_phone."""

    def _mask(match: re.Match[str]) -> str:
        raw = match.group(0)
        try:
            return mask_phone(to_e164(raw))
        except InvalidPhoneNumber:
            return "***"

    return _PHONE.sub(_mask, text)


def _clean(value: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        value = _SECRET_IN_TEXT.sub(lambda m: m.group(1) + REDACTED, value)
        return mask_phones(value)
    if isinstance(value, Mapping):
        return {k: REDACTED if _is_secret_key(k) else _clean(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v, secrets) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return _clean(str(value), secrets)


def _is_secret_key(key: Any) -> bool:
    return isinstance(key, str) and key.lower() in SECRET_KEYS


def scrub_sensitive(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: redact secret keys and marked codes, mask phone numbers."""
    marked = event_dict.pop("redact", None) or ()
    if isinstance(marked, str):
        marked = (marked,)
    # Longest first, so a code that contains another is replaced whole.
    secrets = tuple(sorted({str(s) for s in marked if s}, key=len, reverse=True))
    for key in list(event_dict):
        if _is_secret_key(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _clean(event_dict[key], secrets)
    return event_dict


_HANDLER_NAME = "doorstep"


def _drop_console_colors(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """uvicorn adds an ANSI-coloured copy of its message; the JSON line needs only one."""
    event_dict.pop("color_message", None)
    return event_dict


def configure_logging(settings: Settings, *, stream: TextIO | None = None) -> None:
    """JSON lines (or a console view with LOG_JSON=false) on stderr, for every logger."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _drop_console_colors,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            scrub_sensitive,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)

    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # The request middleware logs each request (masked); uvicorn's access line would repeat it
    # with the raw query string.
    logging.getLogger("uvicorn.access").handlers.clear()
    logging.getLogger("uvicorn.access").propagate = False

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


class RequestLogMiddleware:
    """Log and count every HTTP request: method, path, route, status, duration."""

    def __init__(self, app: ASGIApp, *, skip_paths: Iterable[str] = ("/metrics",)) -> None:
        self.app = app
        self.skip_paths = frozenset(skip_paths)
        self.log = structlog.get_logger("doorstep.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from bot.metrics import HTTP_REQUEST_SECONDS, WEBHOOK_REQUESTS

        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            WEBHOOK_REQUESTS.labels(route=template, status=str(status)).inc()
            HTTP_REQUEST_SECONDS.labels(route=template).observe(elapsed)
            if scope["path"] not in self.skip_paths:
                self.log.info(
                    "http request",
                    method=scope["method"],
                    path=scope["path"],
                    route=template,
                    status=status,
                    duration_ms=round(elapsed * 1000, 1),
                )
