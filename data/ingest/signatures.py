"""Webhook signatures of each delivery system, checked over the raw request body.

Every check uses hmac.compare_digest; every failure raises SignatureError with a reason the
sender can act on. See docs/ingest.md for the schemes.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time

DOORSTEP_SIGNATURE = "X-Doorstep-Signature"
DOORSTEP_TIMESTAMP = "X-Doorstep-Timestamp"
REPLAY_WINDOW_SECONDS = 300


class SignatureError(Exception):
    """A request that is unsigned (status 401) or whose signature is wrong (status 403)."""

    def __init__(self, reason: str, *, status: int = 403) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _hmac(key: bytes, message: bytes, digest: str) -> bytes:
    return hmac.new(key, message, digest).digest()


# --- Doorstep canonical events ----------------------------------------------------------------


def sign_doorstep(secret: str, body: bytes, timestamp: int) -> str:
    """The X-Doorstep-Signature value: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">."""
    mac = _hmac(secret.encode(), str(timestamp).encode() + b"." + body, "sha256")
    return "sha256=" + mac.hex()


def verify_doorstep(
    secret: str,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    now: float | None = None,
    window: int = REPLAY_WINDOW_SECONDS,
) -> None:
    if not signature or not timestamp:
        raise SignatureError(
            f"missing {DOORSTEP_SIGNATURE} or {DOORSTEP_TIMESTAMP} header", status=401
        )
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureError(f"{DOORSTEP_TIMESTAMP} must be unix seconds") from None
    now = time.time() if now is None else now
    if abs(now - sent_at) > window:
        raise SignatureError(
            f"{DOORSTEP_TIMESTAMP} is more than {window} s from our clock; sign each request "
            "as it is sent"
        )
    expected = sign_doorstep(secret, body, sent_at)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise SignatureError(f"{DOORSTEP_SIGNATURE} does not match the body and timestamp")


# --- Onfleet: X-Onfleet-Signature = hex HMAC-SHA512(raw body) -----------------------------------


def onfleet_key(secret: str) -> bytes:
    """Onfleet shows the webhook secret as hex and says to use it "in hexadecimal format":
    we hex-decode it to the key bytes. A secret that is not hex is used as its UTF-8 bytes."""
    try:
        return bytes.fromhex(secret)
    except ValueError:
        return secret.encode()


def sign_onfleet(secret: str, body: bytes) -> str:
    return _hmac(onfleet_key(secret), body, "sha512").hex()


def verify_onfleet(secret: str, body: bytes, signature: str | None) -> None:
    if not signature:
        raise SignatureError("missing X-Onfleet-Signature header", status=401)
    expected = sign_onfleet(secret, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
        raise SignatureError("X-Onfleet-Signature does not match the body")


# --- EasyPost: X-Hmac-Signature = "hmac-sha256-hex=" + hex HMAC-SHA256(raw body) ----------------


def sign_easypost(secret: str, body: bytes) -> str:
    return "hmac-sha256-hex=" + _hmac(secret.encode(), body, "sha256").hex()


def verify_easypost(secret: str, body: bytes, signature: str | None) -> None:
    if not signature:
        raise SignatureError("missing X-Hmac-Signature header", status=401)
    value = signature.strip()
    if value.lower().startswith("hmac-sha256-hex="):
        value = value.split("=", 1)[1]
    expected = _hmac(secret.encode(), body, "sha256").hex()
    if not hmac.compare_digest(expected.encode(), value.lower().encode()):
        raise SignatureError("X-Hmac-Signature does not match the body")


# --- AfterShip: aftership-hmac-sha256 = base64(HMAC-SHA256(raw body)) ---------------------------


def sign_aftership(secret: str, body: bytes) -> str:
    return base64.b64encode(_hmac(secret.encode(), body, "sha256")).decode()


def verify_aftership(secret: str, body: bytes, signature: str | None) -> None:
    if not signature:
        raise SignatureError("missing aftership-hmac-sha256 header", status=401)
    try:
        given = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("aftership-hmac-sha256 is not base64") from None
    if not hmac.compare_digest(_hmac(secret.encode(), body, "sha256"), given):
        raise SignatureError("aftership-hmac-sha256 does not match the body")
