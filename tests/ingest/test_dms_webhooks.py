"""Canonical delivery events through the real app: signed, recorded once; payloads shaped wrong."""

from __future__ import annotations

import json
import time

import pytest
import sqlalchemy as sa
from webhook_helpers import (
    CREATED,
    OUT,
    aftership_webhook,
    deliveries,
    easypost_event,
    event_count,
    onfleet_task,
    onfleet_webhook,
    post_aftership,
    post_easypost,
    post_onfleet,
    signed,
)

from data.models import DeliveryEvent

# --- canonical events -----------------------------------------------------------------------


async def test_a_signed_batch_of_canonical_events_is_recorded_once(client, app_services) -> None:
    body = json.dumps({"events": [CREATED, OUT]}).encode()
    first = await client.post("/dms/events", content=body, headers=signed(body))
    assert first.status_code == 200, first.text
    assert first.json()["applied"] == 2 and first.json()["deliveries_created"] == 1
    again = await client.post("/dms/events", content=body, headers=signed(body))
    assert again.json()["applied"] == 0 and again.json()["duplicates"] == 2
    [delivery] = await deliveries(app_services)
    assert delivery.tracking_number == "DS20461187"
    assert delivery.phone == "+12015550123"
    assert delivery.access_code == "2291"
    assert delivery.status == "out_for_delivery"
    async with app_services.sessions() as session:
        stored = await session.scalar(
            sa.select(DeliveryEvent.payload).where(DeliveryEvent.source_event_id == "dms-1001")
        )
    assert "2291" not in json.dumps(stored["event"])  # the code lives on the delivery only


async def test_an_impossible_transition_is_answered_with_the_reason(client) -> None:
    arriving = {**OUT, "event_id": "dms-9", "type": "arriving"}
    body = json.dumps(arriving).encode()
    response = await client.post("/dms/events", content=body, headers=signed(body))
    assert response.status_code == 200
    assert response.json()["rejected"] == 1
    assert response.json()["rejections"][0]["reason"] == "arriving is impossible from created"


@pytest.mark.parametrize(
    ("headers", "status", "reason"),
    [
        ({}, 401, "missing X-Doorstep-Signature"),
        ({"secret": "not-the-secret"}, 403, "does not match"),
        ({"at": int(time.time()) - 3600}, 403, "300 s"),
    ],
)
async def test_unsigned_forged_or_stale_requests_write_nothing(
    client, app_services, headers, status, reason
) -> None:
    body = json.dumps(CREATED).encode()
    sent = (
        {}
        if not headers
        else signed(body, headers.get("secret", "doorstep-dev-dms-secret"), headers.get("at"))
    )
    response = await client.post("/dms/events", content=body, headers=sent)
    assert response.status_code == status
    assert reason in response.json()["error"]
    assert await deliveries(app_services) == []


async def test_a_body_signed_then_altered_is_refused(client, app_services) -> None:
    body = json.dumps(CREATED).encode()
    headers = signed(body)
    tampered = body.replace(b"Dana", b"Eve!")
    response = await client.post("/dms/events", content=tampered, headers=headers)
    assert response.status_code == 403
    assert await event_count(app_services) == 0


async def test_a_batch_with_one_bad_event_is_refused_whole_with_each_reason(
    client, app_services
) -> None:
    bad = {**OUT, "event_id": "dms-3", "type": "failed_attempt"}  # no reason_code
    worse = {**OUT, "event_id": "dms-4", "occurred_at": "2026-11-23T09:00:00"}  # no zone
    body = json.dumps({"events": [CREATED, bad, worse]}).encode()
    response = await client.post("/dms/events", content=body, headers=signed(body))
    assert response.status_code == 422
    locations = [d["loc"] for d in response.json()["details"]]
    assert locations == ["events.1", "events.2.occurred_at"]
    assert "reason_code" in response.json()["details"][0]["msg"]
    assert await deliveries(app_services) == []


async def test_not_json_is_a_400_with_the_reason(client) -> None:
    body = b"{not json"
    response = await client.post("/dms/events", content=body, headers=signed(body))
    assert response.status_code == 400 and "not JSON" in response.json()["error"]


async def test_an_unknown_event_type_and_a_bad_phone_are_named(client) -> None:
    body = json.dumps([{"x": 1}]).encode()
    response = await client.post("/dms/events", content=body, headers=signed(body))
    assert response.status_code == 422
    bad_phone = json.loads(json.dumps(CREATED))
    bad_phone["delivery"]["phone"] = "call me"
    bad_phone["type"] = "created"
    body = json.dumps(bad_phone).encode()
    response = await client.post("/dms/events", content=body, headers=signed(body))
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == "delivery.phone"


# --- payloads shaped wrong: a 4xx with the reason, never a 500, nothing written ----------------


def _with(payload: dict, path: tuple, value) -> dict:  # noqa: ANN001
    import copy

    changed = copy.deepcopy(payload)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


_ONFLEET_FAILED = onfleet_webhook(4, "taskFailed", 1795967000000, onfleet_task())
_EASYPOST_FAILED = easypost_event("failure", "refused", "2026-11-23T17:00:00Z", "evt_w")
_AFTERSHIP_FAILED = aftership_webhook("AttemptFail", "AttemptFail_002", "9w", "2026-11-23T11:00Z")


@pytest.mark.parametrize(
    ("post", "payload"),
    [
        ("onfleet", _with(_ONFLEET_FAILED, ("data", "task", "metadata"), 7)),
        ("onfleet", _with(_ONFLEET_FAILED, ("data", "task", "completionDetails"), "failed")),
        (
            "onfleet",
            _with(_ONFLEET_FAILED, ("data", "task", "completionDetails", "failureReason"), [1]),
        ),
        ("onfleet", _with(_ONFLEET_FAILED, ("taskId",), "kc8S\u0000")),
        ("easypost", _with(_EASYPOST_FAILED, ("result", "status"), ["failure"])),
        ("easypost", _with(_EASYPOST_FAILED, ("result", "status_detail"), {"code": 1})),
        ("easypost", _with(_EASYPOST_FAILED, ("result", "tracking_details"), True)),
        ("easypost", _with(_EASYPOST_FAILED, ("result", "tracking_code"), "9400\u0000")),
        ("aftership", _with(_AFTERSHIP_FAILED, ("msg", "tag"), {"tag": "AttemptFail"})),
        ("aftership", _with(_AFTERSHIP_FAILED, ("msg", "subtag"), 2)),
        ("aftership", _with(_AFTERSHIP_FAILED, ("msg", "subtag_message"), ["x"])),
        ("aftership", _with(_AFTERSHIP_FAILED, ("msg", "checkpoints"), 3)),
        ("aftership", _with(_AFTERSHIP_FAILED, ("msg", "slug"), "ups\u0000")),
    ],
)
async def test_a_payload_shaped_wrong_is_a_422_and_writes_nothing(
    client, app_services, post, payload
) -> None:
    poster = {"onfleet": post_onfleet, "easypost": post_easypost, "aftership": post_aftership}
    response = await poster[post](client, payload)
    assert response.status_code == 422, response.text
    assert response.json()["error"]
    assert await event_count(app_services) == 0
    assert await deliveries(app_services) == []


async def test_a_canonical_event_with_a_nul_character_is_a_422(client, app_services) -> None:
    event = {**CREATED, "delivery": {**CREATED["delivery"], "instructions": "side door\u0000"}}
    body = json.dumps(event).encode()
    response = await client.post("/dms/events", content=body, headers=signed(body))
    assert response.status_code == 422
    assert "delivery.instructions" in response.text and "NUL" in response.text
    assert await event_count(app_services) == 0


async def test_webhook_outcomes_are_counted_for_prometheus(client) -> None:
    from bot.metrics import REGISTRY

    def count(result: str) -> float:
        labels = {"source": "dms", "result": result}
        return REGISTRY.get_sample_value("doorstep_delivery_events_total", labels) or 0.0

    before = {r: count(r) for r in ("applied", "duplicate", "rejected")}
    arriving = {**OUT, "event_id": "dms-77", "type": "arriving"}
    body = json.dumps({"events": [CREATED, arriving]}).encode()
    assert (await client.post("/dms/events", content=body, headers=signed(body))).status_code == 200
    again = json.dumps(CREATED).encode()
    assert (
        await client.post("/dms/events", content=again, headers=signed(again))
    ).status_code == 200
    assert count("applied") - before["applied"] == 1
    assert count("rejected") - before["rejected"] == 1
    assert count("duplicate") - before["duplicate"] == 1
