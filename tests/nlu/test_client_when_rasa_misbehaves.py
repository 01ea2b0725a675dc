"""The NLU client against a fake Rasa over real HTTP: it never hangs a webhook."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime

import pytest
from support import base_settings

from nlu.client import NluClient
from nlu.understanding import NluUnavailable

NOW = datetime(2026, 11, 18, 10, 0)
TZ = "America/New_York"


def _ranking(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": conf} for name, conf in pairs]


def rasa_answer(text: str, ranking: list[dict], entities: list[dict] | None = None) -> dict:
    return {
        "text": text,
        "intent": ranking[0],
        "entities": entities or [],
        "intent_ranking": ranking,
    }


class FakeRasa:
    """A tiny HTTP server on port 0 whose answer each test chooses."""

    def __init__(self) -> None:
        self.status = 200
        self.body: bytes | Callable[[dict], bytes] = b"{}"
        self.delay = 0.0
        self.requests: list[tuple[str, dict]] = []
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        length = next(
            (int(x.split(":")[1]) for x in lines if x.lower().startswith("content-length")), 0
        )
        body = json.loads(await reader.readexactly(length)) if length else {}
        self.requests.append((lines[0], body))
        if self.delay:
            await asyncio.sleep(self.delay)
        payload = self.body(body) if callable(self.body) else self.body
        writer.write(
            f"HTTP/1.1 {self.status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        writer.close()


@pytest.fixture
async def fake_rasa() -> AsyncIterator[FakeRasa]:
    fake = FakeRasa()
    fake.server = await asyncio.start_server(fake.handle, "127.0.0.1", 0)
    yield fake
    fake.server.close()


def client_for(url: str, **overrides) -> NluClient:  # noqa: ANN003
    # A timeout a loaded test machine never reaches for a fake server that answers at once
    # (at 0.3 s, "answered 500" became "did not answer" under load); the slow test sets its own.
    settings = {"rasa_timeout_seconds": 3.0, **overrides}
    return NluClient(base_settings(rasa_url=url, **settings))


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_rasa_down_raises_nlu_unavailable_at_once() -> None:
    client = client_for(closed_port_url())
    with pytest.raises(NluUnavailable, match="unreachable"):
        await client.parse("where is my package", now=NOW, tz=TZ)
    assert await client.ready() is False
    await client.aclose()


async def test_rasa_slow_times_out_within_the_configured_timeout(fake_rasa: FakeRasa) -> None:
    fake_rasa.delay = 5.0
    client = client_for(fake_rasa.url, rasa_timeout_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(NluUnavailable, match="did not answer"):
        await client.parse("where is my package", now=NOW, tz=TZ)
    # Not a timing assertion on speed: it proves the client gave up instead of waiting 5 s.
    assert time.monotonic() - started < fake_rasa.delay
    await client.aclose()


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (409, b'{"message": "No agent loaded"}', "no model"),
        (500, b"oops", "answered 500"),
        (503, b"", "answered 503"),
        (401, b'{"reason": "NotAuthenticated"}', "token"),
        (200, b"this is not json", "invalid JSON"),
        (200, b"[1, 2]", "unexpected"),
    ],
)
async def test_rasa_errors_become_nlu_unavailable(
    fake_rasa: FakeRasa, status: int, body: bytes, reason: str
) -> None:
    fake_rasa.status, fake_rasa.body = status, body
    client = client_for(fake_rasa.url)
    with pytest.raises(NluUnavailable, match=reason):
        await client.parse("where is my package", now=NOW, tz=TZ)
    await client.aclose()


async def test_the_token_goes_in_the_query_string(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = json.dumps(
        rasa_answer("hi", _ranking(("greet", 0.99), ("on_schedule", 0.01)))
    ).encode()
    client = client_for(fake_rasa.url, rasa_token="s3cret")
    await client.parse("hi", now=NOW, tz=TZ)
    request_line, body = fake_rasa.requests[0]
    assert request_line.startswith("POST /model/parse?token=s3cret ")
    assert body == {"text": "hi"}
    await client.aclose()


async def test_a_customer_is_never_answered_with_a_driver_intent(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = json.dumps(
        rasa_answer("running late", _ranking(("running_late", 0.80), ("reschedule_delivery", 0.15)))
    ).encode()
    client = client_for(fake_rasa.url, nlu_confidence_threshold=0.1)
    customer = await client.parse("running late", audience="customer", now=NOW, tz=TZ)
    driver = await client.parse("running late", audience="driver", now=NOW, tz=TZ)
    assert (customer.intent, round(customer.confidence, 2)) == ("reschedule_delivery", 0.15)
    assert (driver.intent, round(driver.confidence, 2)) == ("running_late", 0.80)
    await client.aclose()


async def test_below_the_threshold_the_intent_is_nlu_fallback(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = json.dumps(
        rasa_answer("hmm", _ranking(("nlu_fallback", 0.55), ("help", 0.40), ("inform", 0.3)))
    ).encode()
    client = client_for(fake_rasa.url, nlu_confidence_threshold=0.55)
    result = await client.parse("hmm", now=NOW, tz=TZ)
    assert (result.intent, round(result.confidence, 2)) == ("nlu_fallback", 0.40)
    assert result.is_fallback
    await client.aclose()


async def test_entities_are_resolved_from_rasa_spans_and_the_text(fake_rasa: FakeRasa) -> None:
    text = "pls bring ds-2046 1187 to 12 Birch Lane apt 7 tmrw after 5, gate code #2291"
    start = text.index("12 Birch")
    fake_rasa.body = json.dumps(
        rasa_answer(
            text,
            _ranking(("change_address", 0.9), ("reschedule_delivery", 0.1)),
            [{"entity": "address", "start": start, "end": start + 13, "value": "12 Birch Lane"}],
        )
    ).encode()
    client = client_for(fake_rasa.url)
    result = await client.parse(text, now=NOW, tz=TZ)
    assert result.as_json()["entities"] == {
        "tracking_number": "DS20461187",
        "access_code": "2291",
        "address": "12 Birch Lane apt 7",
        "date": "2026-11-19",
        "after": "17:00",
        "before": None,
        "ruled_out": [],
        "alternatives": [],
        "hours_ruled_out": [],
        "delay_minutes": None,
        "stop": None,
    }
    await client.aclose()


async def test_now_is_taken_in_the_recipients_time_zone(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = json.dumps(rasa_answer("x", _ranking(("reschedule_delivery", 0.9)))).encode()
    client = client_for(fake_rasa.url)
    from datetime import UTC

    # 03:00 UTC on Thursday is still Wednesday evening in New York: "tomorrow" is Thursday.
    result = await client.parse(
        "tomorrow", now=datetime(2026, 11, 19, 3, 0, tzinfo=UTC), tz="America/New_York"
    )
    assert result.entities.date.isoformat() == "2026-11-19"
    await client.aclose()


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀🎉", "\x00\x01\x02\xff\xfe", "你好，我的包裹在哪里", "!!!???", "\u202e\u200b"],
)
async def test_junk_is_out_of_scope_without_asking_rasa(fake_rasa: FakeRasa, text: str) -> None:
    client = client_for(fake_rasa.url)
    result = await client.parse(text, now=NOW, tz=TZ)
    assert (result.intent, result.confidence) == ("out_of_scope", 0.0)
    assert fake_rasa.requests == []
    await client.aclose()


async def test_a_very_long_message_is_truncated_before_it_is_sent(fake_rasa: FakeRasa) -> None:
    fake_rasa.body = lambda body: json.dumps(  # noqa: E731
        rasa_answer(body["text"], _ranking(("complain", 0.9)))
    ).encode()
    client = client_for(fake_rasa.url)
    text = "my package never came and " * 62  # ~1,600 characters
    result = await client.parse(text + " DS20461187", now=NOW, tz=TZ)
    assert len(fake_rasa.requests[0][1]["text"]) <= 480
    assert result.entities.tracking_number == "DS20461187"  # read from the whole message
    await client.aclose()


async def test_ready_is_true_only_with_a_model_loaded(fake_rasa: FakeRasa) -> None:
    client = client_for(fake_rasa.url)
    fake_rasa.body = b'{"model_file": "nlu-abc.tar.gz"}'
    assert await client.ready() is True
    fake_rasa.status, fake_rasa.body = 409, b'{"message": "No agent loaded"}'
    assert await client.ready() is False
    await client.aclose()


async def test_each_parse_by_rasa_is_timed_for_prometheus(fake_rasa: FakeRasa) -> None:
    from bot.metrics import REGISTRY

    def parses() -> float:
        return REGISTRY.get_sample_value("doorstep_nlu_parse_seconds_count") or 0.0

    before = parses()
    fake_rasa.body = json.dumps(rasa_answer("hi", _ranking(("greet", 0.99)))).encode()
    client = client_for(fake_rasa.url)
    await client.parse("where is my package", now=NOW, tz=TZ)
    await client.parse("👍", now=NOW, tz=TZ)  # a reaction is read without asking Rasa
    assert parses() - before == 1
    await client.aclose()
