"""Twilio request signatures, checked against the URL Twilio called (PUBLIC_BASE_URL)."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import FormData
from starlette.requests import Request
from twilio.request_validator import RequestValidator

from bot.settings import Settings


def public_url(settings: Settings, request: Request) -> str:
    """The URL as Twilio sees it: behind a proxy the app's own view of it is wrong."""
    url = settings.public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    return url


def is_signed_by_twilio(settings: Settings, request: Request, form: FormData) -> bool:
    signature = request.headers.get("X-Twilio-Signature")
    if not signature:
        return False
    return RequestValidator(settings.twilio_auth_token).validate(
        public_url(settings, request), form, signature
    )


def sign(settings: Settings, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send (for `doorstep chat`, the bench and tests)."""
    return RequestValidator(settings.twilio_auth_token).compute_signature(url, dict(params))
