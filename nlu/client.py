"""The client the app uses to ask the running Rasa server what a message means."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from bot.metrics import NLU_PARSE_SECONDS
from bot.settings import Settings
from nlu.entities import resolve_entities
from nlu.language import detect_language, known_word_share
from nlu.understanding import (
    CUSTOMER_INTENTS,
    DRIVER_INTENTS,
    Audience,
    Entities,
    NluUnavailable,
    Understanding,
)

# An SMS is at most 1,600 characters; the model learnt from short texts, and what matters is
# almost always at the start. Entities are still read from the whole message.
MAX_PARSE_CHARS = 480
FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


def intents_for(audience: Audience) -> frozenset[str]:
    """The intents a message from this audience may be answered with."""
    return DRIVER_INTENTS if audience == "driver" else CUSTOMER_INTENTS


def clean_text(text: str) -> str:
    """Printable text: control characters and unpaired surrogates dropped, NFC, trimmed."""
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    kept = []
    for char in text:
        if char in "\n\t":
            kept.append(" ")
        elif unicodedata.category(char)[0] != "C":
            kept.append(char)
    return " ".join("".join(kept).split())


def is_gibberish(text: str) -> bool:
    """Nothing a model can read: empty, emoji or symbols only, binary junk, a foreign script."""
    if not text:
        return True
    letters = [c for c in text if c.isalpha()]
    alnum = sum(1 for c in text if c.isalnum())
    if alnum == 0:
        return True
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    if letters and latin / len(letters) < 0.5:
        return True  # Chinese, Cyrillic, Arabic...: no language Doorstep speaks
    if "\ufffd" in text and text.count("\ufffd") * 10 > len(text):
        return True
    words = text.split()
    long_runs = sum(1 for w in words if len(w) > 40 and not w.isdigit())
    if words and long_runs * 2 > len(words):
        return True
    # A long message with hardly a word of English or Spanish in it: made-up or foreign text.
    return len(words) >= 15 and known_word_share(text) < 0.06


# Emoji-only replies people send to "Reply YES to confirm" and the like.
_REACTIONS = {
    "affirm": "👍👌✅✔☑🆗🙆",
    "deny": "👎❌✖🙅🚫",
    "thank_you": "🙏❤💙💚💜🧡💛🥰😍",
}


def emoji_reaction(text: str) -> str | None:
    """The intent of a message made only of one kind of reaction emoji, or None."""
    symbols = {c for c in text if not c.isspace() and unicodedata.category(c) != "Mn"}
    symbols -= {"\ufe0f", "\u200d"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}  # skin tones
    if not symbols or any(c.isalnum() for c in symbols):
        return None
    found = {intent for intent, marks in _REACTIONS.items() if symbols <= set(marks)}
    return found.pop() if len(found) == 1 else None


def is_binary(raw: str) -> bool:
    """Mostly control characters or undecodable bytes: junk that was never a text message."""
    if not raw:
        return False
    junk = sum(
        1
        for c in raw
        if c == "\ufffd" or (unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\t\r")
    )
    return junk * 5 > len(raw)


def _local_now(now: datetime, tz: str) -> datetime:
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {tz!r}: use an IANA name like America/New_York"
        ) from exc
    if now.tzinfo is None:
        return now  # already the recipient's local time
    return now.astimezone(zone).replace(tzinfo=None)


def understanding_from_rasa(
    text: str,
    payload: Mapping[str, Any],
    *,
    audience: Audience,
    threshold: float,
    entities: Entities,
    language: str,
) -> Understanding:
    """Best intent within the audience from Rasa's ranking; below the threshold, nlu_fallback."""
    allowed = intents_for(audience)
    ranking: list[tuple[str, float]] = []
    for item in payload.get("intent_ranking") or []:
        name, confidence = item.get("name"), item.get("confidence")
        if name in allowed and isinstance(confidence, int | float):
            ranking.append((name, float(confidence)))
    top = payload.get("intent") or {}
    if not ranking and top.get("name") in allowed:
        ranking.append((top["name"], float(top.get("confidence") or 0.0)))
    ranking.sort(key=lambda item: item[1], reverse=True)
    if not ranking:
        return Understanding(text, FALLBACK, 0.0, language, entities, ())
    intent, confidence = ranking[0]
    if confidence < threshold:
        intent = FALLBACK
    return Understanding(text, intent, confidence, language, entities, tuple(ranking[:5]))


class NluClient:
    """Asks Rasa's /model/parse; times out fast and raises NluUnavailable."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self._transport = transport
        self._http: httpx.AsyncClient | None = None

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            timeout = self.settings.rasa_timeout_seconds
            self._http = httpx.AsyncClient(
                base_url=self.settings.rasa_url.rstrip("/"),
                timeout=httpx.Timeout(timeout, connect=timeout),
                transport=self._transport,
                trust_env=False,
            )
        return self._http

    async def parse(
        self, text: str, *, audience: Audience = "customer", now: datetime, tz: str
    ) -> Understanding:
        """What one message means; raises NluUnavailable when Rasa is down, slow or modelless."""
        cleaned = clean_text(text)
        local_now = _local_now(now, tz)
        language = detect_language(cleaned)
        if audience == "customer" and (reaction := emoji_reaction(cleaned)):
            return Understanding(cleaned, reaction, 0.9, language, Entities(), ((reaction, 0.9),))
        if is_gibberish(cleaned) or is_binary(text):
            return Understanding(cleaned, OUT_OF_SCOPE, 0.0, language, Entities(), ())
        with NLU_PARSE_SECONDS.time():  # failures too: a slow or down Rasa shows here
            payload = await self._post_parse(cleaned[:MAX_PARSE_CHARS])
        entities = resolve_entities(
            cleaned,
            rasa_entities=_entities_in_range(payload, MAX_PARSE_CHARS),
            audience=audience,
            now=local_now,
            operator_pattern=self.settings.operator_tracking_pattern,
        )
        return understanding_from_rasa(
            cleaned,
            payload,
            audience=audience,
            threshold=self.settings.nlu_confidence_threshold,
            entities=entities,
            language=language,
        )

    async def _post_parse(self, text: str) -> Mapping[str, Any]:
        url = "/model/parse"
        try:
            async with asyncio.timeout(self.settings.rasa_timeout_seconds * 1.5):
                response = await self._client().post(
                    url, params={"token": self.settings.rasa_token}, json={"text": text}
                )
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise NluUnavailable(
                f"Rasa at {self.settings.rasa_url} did not answer within "
                f"{self.settings.rasa_timeout_seconds}s"
            ) from exc
        except httpx.HTTPError as exc:
            raise NluUnavailable(
                f"Rasa at {self.settings.rasa_url} is unreachable: {type(exc).__name__}"
            ) from exc
        if response.status_code == 409:
            raise NluUnavailable(f"Rasa at {self.settings.rasa_url} has no model loaded (409)")
        if response.status_code in (401, 403):
            raise NluUnavailable(
                f"Rasa at {self.settings.rasa_url} refused the token ({response.status_code}): "
                "RASA_TOKEN must match the server's --auth-token"
            )
        if response.status_code != 200:
            raise NluUnavailable(
                f"Rasa at {self.settings.rasa_url} answered {response.status_code}"
            )
        try:
            payload = response.json()
        except ValueError as exc:
            raise NluUnavailable(f"Rasa at {self.settings.rasa_url} sent invalid JSON") from exc
        if not isinstance(payload, dict):
            raise NluUnavailable(f"Rasa at {self.settings.rasa_url} sent an unexpected answer")
        return payload

    async def ready(self) -> bool:
        """True when the server answers /status with a model loaded."""
        try:
            async with asyncio.timeout(self.settings.rasa_timeout_seconds * 1.5):
                response = await self._client().get(
                    "/status", params={"token": self.settings.rasa_token}
                )
        except (TimeoutError, httpx.HTTPError):
            return False
        if response.status_code != 200:
            return False
        try:
            return bool(response.json().get("model_file"))
        except (ValueError, AttributeError):
            return False

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


def _entities_in_range(payload: Mapping[str, Any], limit: int) -> list[Mapping[str, Any]]:
    entities = payload.get("entities") or []
    return [e for e in entities if isinstance(e, Mapping) and (e.get("end") or 0) <= limit]
