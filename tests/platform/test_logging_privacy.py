"""Logs are JSON lines an operator can search, with customers' phone numbers masked and
access codes never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from support import base_settings

from bot.logging import configure_logging, mask_phones


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Logging configured as in production (JSON), written to a buffer; restored after."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    buffer = io.StringIO()
    configure_logging(base_settings(log_json=True, log_level="DEBUG"), stream=buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def lines(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+12015550123", "+1201***0123"),
        ("call (201) 555-0123 now", "call +1201***0123 now"),
        ("201-555-0123", "+1201***0123"),
        ("201.555.0123", "+1201***0123"),
        ("1 201 555 0123", "+1201***0123"),
        ("+1 (201) 555-0123", "+1201***0123"),
        ("2015550123", "+1201***0123"),
        ("UK +447911123456", "UK +4479***3456"),
    ],
)
def test_phone_numbers_are_masked_in_every_spelling(text: str, masked: str) -> None:
    assert mask_phones(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "DS20461187",  # the operator's tracking number
        "1Z999AA10123456784",  # UPS
        "9400111899223334445566",  # USPS
        "794612345678",  # FedEx, 12 digits
        "2026-11-21T11:42:00+00:00",
        "took 1714567890 ms",  # ten digits, but not a NANP number
        "delivery 12345",
    ],
)
def test_tracking_numbers_ids_and_times_are_left_alone(text: str) -> None:
    assert mask_phones(text) == text


def test_phone_numbers_are_masked_wherever_they_appear(log_output: io.StringIO) -> None:
    log = structlog.get_logger("doorstep.sms")
    log.info(
        "inbound sms from +12015550123",
        phone="+12015550123",
        body="my other number is (973) 555-0188",
        recipients=["+13125550147", {"contact_phone": "312-555-0199"}],
        attempts=2,
    )
    (line,) = lines(log_output)
    text = json.dumps(line)
    for digits in ("2015550123", "9735550188", "3125550147", "3125550199"):
        assert digits not in text
    assert line["event"] == "inbound sms from +1201***0123"
    assert line["phone"] == "+1201***0123"
    assert line["body"] == "my other number is +1973***0188"
    assert line["recipients"] == ["+1312***0147", {"contact_phone": "+1312***0199"}]
    assert line["attempts"] == 2
    assert line["level"] == "info" and line["logger"] == "doorstep.sms" and "timestamp" in line


def test_an_access_code_never_reaches_the_log(log_output: io.StringIO) -> None:
    log = structlog.get_logger("doorstep.actions")
    code = "4471#"
    log.info("access code recorded", access_code=code, delivery="DS00000042")
    log.info("gate", gate_code="9090", door_code="1212", code="5555")
    log.info("instructions updated", note=f"gate code is {code}, leave at back", redact=[code])
    log.info("nested", details={"lockbox_code": "8080", "notes": "ring twice"})
    try:
        raise ValueError(f"could not parse {code} for +12015550123")
    except ValueError:
        log.exception("parse failed", redact=[code])

    output = log_output.getvalue()
    for secret in (code, "4471", "9090", "1212", "5555", "8080", "2015550123"):
        assert secret not in output, secret
    first, gate, note, nested, failure = lines(log_output)
    assert first["access_code"] == "[redacted]" and first["delivery"] == "DS00000042"
    assert gate["gate_code"] == gate["door_code"] == gate["code"] == "[redacted]"
    assert note["note"] == "gate code is [redacted], leave at back"
    assert "redact" not in note
    assert nested["details"] == {"lockbox_code": "[redacted]", "notes": "ring twice"}
    assert "ValueError: could not parse [redacted] for +1201***0123" in failure["exception"]


def test_stdlib_and_uvicorn_logs_come_out_the_same_way(log_output: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").warning("client %s disconnected", "+12015550123")
    (line,) = lines(log_output)
    assert line["event"] == "client +1201***0123 disconnected"
    assert line["level"] == "warning" and line["logger"] == "uvicorn.error"


async def test_every_request_is_logged_once_with_the_phone_masked(
    log_output: io.StringIO, services
) -> None:  # noqa: ANN001
    import httpx

    from bot.app import create_app

    app = create_app(services=services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://doorstep.test") as http:
        response = await http.get("/customers/+12015550123?code=4471")
    assert response.status_code == 404
    (line,) = [entry for entry in lines(log_output) if entry["event"] == "http request"]
    assert line["method"] == "GET"
    assert line["path"] == "/customers/+1201***0123"
    assert line["status"] == 404 and line["route"] == "unmatched"
    assert isinstance(line["duration_ms"], float)
    assert "4471" not in log_output.getvalue()
