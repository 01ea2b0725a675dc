"""Delivery-system webhooks: Doorstep's canonical events, Onfleet, EasyPost and AfterShip.

Each handler checks the signature over the raw body before anything else, translates the
payload into canonical events (data.ingest.adapters), and hands them to ingest_events in one
transaction. Unsigned -> 401, forged -> 403, malformed -> 400/422, nothing written in any of
those; an event type we do not act on -> 202 with the reason. See docs/ingest.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from actions.consent import mirror_dms_opt_out
from bot.metrics import DELIVERY_EVENTS
from bot.services import Services
from data.db import transaction
from data.ingest.adapters import aftership, easypost, onfleet
from data.ingest.adapters.common import AdapterError, Translation
from data.ingest.apply import IngestResult, UnknownCarrier, ingest_events
from data.ingest.events import InvalidEvents, parse_events
from data.ingest.signatures import (
    DOORSTEP_SIGNATURE,
    DOORSTEP_TIMESTAMP,
    SignatureError,
    verify_aftership,
    verify_doorstep,
    verify_easypost,
    verify_onfleet,
)

router = APIRouter(prefix="/dms", tags=["delivery systems"])
log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 5 * 1024 * 1024


def services_of(request: Request) -> Services:
    # bot.app.services_of, read directly: bot.app imports this module.
    return request.app.state.services


def _error(status: int, reason: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": reason, **extra}, status_code=status)


async def _raw_body(request: Request) -> bytes | JSONResponse:
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _error(413, f"body over {MAX_BODY_BYTES} bytes; send smaller batches")
    return body


def _json(body: bytes) -> Any | JSONResponse:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _error(400, f"body is not JSON: {exc}")


async def _record_opt_outs(request: Request, translation: Translation, *, source: str) -> Response:
    """Opt-outs a delivery system reports go to the consent ledger (source '<system>_opt_out')."""
    recorded = 0
    async with transaction(services_of(request).sessions) as session:
        for opt_out in translation.opt_outs:
            recorded += await mirror_dms_opt_out(
                session,
                opt_out.phone,
                source=f"{source}_opt_out",
                keyword=opt_out.keyword,
                at=opt_out.at,
            )
    DELIVERY_EVENTS.labels(source=source, result="opt_out").inc(len(translation.opt_outs))
    log.info("dms opt-outs recorded", source=source, recorded=recorded)
    return JSONResponse({"status": "ok", "opted_out": recorded}, status_code=200)


async def _ingest(request: Request, translation: Translation, *, source: str) -> Response:
    if translation.opt_outs:
        return await _record_opt_outs(request, translation, source=source)
    if not translation.events:
        log.info("dms event ignored", source=source, reason=translation.ignored)
        DELIVERY_EVENTS.labels(source=source, result="ignored").inc()
        return JSONResponse(
            {"status": "ignored", "reason": translation.ignored or "nothing to record"},
            status_code=202,
        )
    services = services_of(request)
    settings = services.settings
    try:
        result: IngestResult = await ingest_events(
            services.sessions,
            translation.events,
            source=source,
            max_customer_rebooks=settings.max_auto_rebooks,
            operator_pattern=settings.operator_tracking_pattern,
            operator_timezone=settings.operator_timezone,
        )
    except UnknownCarrier as exc:
        return _error(422, "carrier unknown", details=exc.errors)
    for outcome, count in (
        ("applied", result.applied),
        ("duplicate", result.duplicates),
        ("rejected", len(result.rejected)),
    ):
        if count:
            DELIVERY_EVENTS.labels(source=source, result=outcome).inc(count)
    log.info(
        "dms events ingested",
        source=source,
        received=result.received,
        applied=result.applied,
        duplicates=result.duplicates,
        rejected=len(result.rejected),
    )
    body = {"status": "ok", **result.as_dict()}
    if translation.ignored:
        body["ignored"] = translation.ignored
    return JSONResponse(body, status_code=200)


@router.post("/events")
async def canonical_events(request: Request) -> Response:
    """Doorstep's canonical event, or {"events": [...]}, signed with X-Doorstep-Signature."""
    body = await _raw_body(request)
    if isinstance(body, Response):
        return body
    settings = services_of(request).settings
    try:
        verify_doorstep(
            settings.dms_webhook_secret,
            body,
            request.headers.get(DOORSTEP_SIGNATURE),
            request.headers.get(DOORSTEP_TIMESTAMP),
        )
    except SignatureError as exc:
        return _error(exc.status, exc.reason)
    payload = _json(body)
    if isinstance(payload, Response):
        return payload
    try:
        events = parse_events(payload)
    except InvalidEvents as exc:
        return _error(422, "invalid event", details=exc.errors)
    return await _ingest(request, Translation(events), source="dms")


@router.get("/onfleet")
async def onfleet_validation(check: str | None = None) -> Response:
    """Onfleet validates a new webhook URL with GET ?check=<random>: echo it with 200."""
    if check is None:
        return _error(400, "expected ?check=<value> (Onfleet's webhook validation)")
    return PlainTextResponse(check, status_code=200)


async def _adapter(
    request: Request,
    *,
    source: str,
    verify: Callable[[str, bytes, str | None], None],
    secret: str,
    header: str,
    translate: Callable[[Any], Translation],
) -> Response:
    body = await _raw_body(request)
    if isinstance(body, Response):
        return body
    try:
        verify(secret, body, request.headers.get(header))
    except SignatureError as exc:
        log.warning("dms webhook signature refused", source=source, reason=exc.reason)
        return _error(exc.status, exc.reason)
    payload = _json(body)
    if isinstance(payload, Response):
        return payload
    try:
        translation = translate(payload)
    except AdapterError as exc:
        return _error(422, exc.reason, details=exc.details)
    return await _ingest(request, translation, source=source)


@router.post("/onfleet")
async def onfleet_webhook(request: Request) -> Response:
    settings = services_of(request).settings
    return await _adapter(
        request,
        source="onfleet",
        verify=verify_onfleet,
        secret=settings.onfleet_webhook_secret,
        header="X-Onfleet-Signature",
        translate=lambda payload: onfleet.translate(payload, settings=settings),
    )


@router.post("/easypost")
async def easypost_webhook(request: Request) -> Response:
    settings = services_of(request).settings
    return await _adapter(
        request,
        source="easypost",
        verify=verify_easypost,
        secret=settings.easypost_webhook_secret,
        header="X-Hmac-Signature",
        translate=lambda payload: easypost.translate(payload, settings=settings),
    )


@router.post("/aftership")
async def aftership_webhook(request: Request) -> Response:
    settings = services_of(request).settings
    return await _adapter(
        request,
        source="aftership",
        verify=verify_aftership,
        secret=settings.aftership_webhook_secret,
        header="aftership-hmac-sha256",
        translate=lambda payload: aftership.translate(payload, settings=settings),
    )
