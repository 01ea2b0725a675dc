"""Delivery-system webhooks through the real app: signed, translated, recorded once."""

from __future__ import annotations

import json
import time

import httpx
import pytest
import sqlalchemy as sa

from bot.app import create_app
from bot.services import Services
from data.ingest.signatures import (
    sign_aftership,
    sign_doorstep,
    sign_easypost,
    sign_onfleet,
)
from data.models import ConsentEvent, Contact, Delivery, DeliveryEvent, RouteStop

ONFLEET_SECRET = "8c1f2b3a4d5e6f708192a3b4c5d6e7f8"  # Onfleet shows secrets as hex


@pytest.fixture
async def app_services(db_settings):
    settings = db_settings.model_copy(update={"onfleet_webhook_secret": ONFLEET_SECRET})
    services = Services.build(settings)
    yield services
    await services.aclose()


@pytest.fixture
async def client(app_services):
    app = create_app(services=app_services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://doorstep.test") as c:
        yield c


async def _deliveries(services: Services) -> list[Delivery]:
    async with services.sessions() as session:
        return list((await session.scalars(sa.select(Delivery).order_by(Delivery.id))).all())


async def _event_count(services: Services) -> int:
    async with services.sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(DeliveryEvent))


def _signed(body: bytes, secret: str = "doorstep-dev-dms-secret", at: int | None = None) -> dict:
    at = int(time.time()) if at is None else at
    return {
        "X-Doorstep-Signature": sign_doorstep(secret, body, at),
        "X-Doorstep-Timestamp": str(at),
        "Content-Type": "application/json",
    }


CREATED = {
    "event_id": "dms-1001",
    "type": "created",
    "occurred_at": "2026-11-23T08:00:00-05:00",
    "tracking_number": "ds-2046 1187",
    "delivery": {
        "recipient_name": "Dana Whitfield",
        "phone": "(201) 555-0123",
        "address": {
            "line1": "14 Orchard St",
            "city": "Hoboken",
            "state": "NJ",
            "postal_code": "07030",
            "timezone": "America/New_York",
        },
        "access_code": "2291",
    },
}
OUT = {
    "event_id": "dms-1002",
    "type": "out_for_delivery",
    "occurred_at": "2026-11-23T09:00:00-05:00",
    "tracking_number": "DS20461187",
}


# --- canonical events -----------------------------------------------------------------------


async def test_a_signed_batch_of_canonical_events_is_recorded_once(client, app_services) -> None:
    body = json.dumps({"events": [CREATED, OUT]}).encode()
    first = await client.post("/dms/events", content=body, headers=_signed(body))
    assert first.status_code == 200, first.text
    assert first.json()["applied"] == 2 and first.json()["deliveries_created"] == 1
    again = await client.post("/dms/events", content=body, headers=_signed(body))
    assert again.json()["applied"] == 0 and again.json()["duplicates"] == 2
    [delivery] = await _deliveries(app_services)
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
    response = await client.post("/dms/events", content=body, headers=_signed(body))
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
        else _signed(body, headers.get("secret", "doorstep-dev-dms-secret"), headers.get("at"))
    )
    response = await client.post("/dms/events", content=body, headers=sent)
    assert response.status_code == status
    assert reason in response.json()["error"]
    assert await _deliveries(app_services) == []


async def test_a_body_signed_then_altered_is_refused(client, app_services) -> None:
    body = json.dumps(CREATED).encode()
    headers = _signed(body)
    tampered = body.replace(b"Dana", b"Eve!")
    response = await client.post("/dms/events", content=tampered, headers=headers)
    assert response.status_code == 403
    assert await _event_count(app_services) == 0


async def test_a_batch_with_one_bad_event_is_refused_whole_with_each_reason(
    client, app_services
) -> None:
    bad = {**OUT, "event_id": "dms-3", "type": "failed_attempt"}  # no reason_code
    worse = {**OUT, "event_id": "dms-4", "occurred_at": "2026-11-23T09:00:00"}  # no zone
    body = json.dumps({"events": [CREATED, bad, worse]}).encode()
    response = await client.post("/dms/events", content=body, headers=_signed(body))
    assert response.status_code == 422
    locations = [d["loc"] for d in response.json()["details"]]
    assert locations == ["events.1", "events.2.occurred_at"]
    assert "reason_code" in response.json()["details"][0]["msg"]
    assert await _deliveries(app_services) == []


async def test_not_json_is_a_400_with_the_reason(client) -> None:
    body = b"{not json"
    response = await client.post("/dms/events", content=body, headers=_signed(body))
    assert response.status_code == 400 and "not JSON" in response.json()["error"]


async def test_an_unknown_event_type_and_a_bad_phone_are_named(client) -> None:
    body = json.dumps([{"x": 1}]).encode()
    response = await client.post("/dms/events", content=body, headers=_signed(body))
    assert response.status_code == 422
    bad_phone = json.loads(json.dumps(CREATED))
    bad_phone["delivery"]["phone"] = "call me"
    bad_phone["type"] = "created"
    body = json.dumps(bad_phone).encode()
    response = await client.post("/dms/events", content=body, headers=_signed(body))
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == "delivery.phone"


# --- Onfleet --------------------------------------------------------------------------------


def onfleet_task(**overrides) -> dict:
    task = {
        "id": "kc8SS1tzuZ~jqjlebKGrUmpe",
        "shortId": "c0a1b2c3",
        "state": 2,
        "completeAfter": 1795964400000,  # 2026-11-29 10:00 New York
        "completeBefore": 1795971600000,  # 12:00
        "metadata": [{"name": "tracking_number", "type": "string", "value": "DS20461187"}],
        "recipients": [{"id": "r1", "name": "Dana Whitfield", "phone": "+12015550123"}],
        "destination": {
            "address": {
                "apartment": "3B",
                "city": "Hoboken",
                "country": "United States",
                "number": "14",
                "postalCode": "07030",
                "state": "New Jersey",
                "street": "Orchard St",
            }
        },
        "notes": "Leave with the doorman",
        "completionDetails": {"success": False, "failureReason": "NONE", "events": []},
    }
    task.update(overrides)
    return task


def onfleet_webhook(trigger: int, name: str, time_ms: int, task: dict, **extra) -> dict:
    return {
        "actionContext": {"id": "adm1", "type": "ADMIN"},
        "adminId": "adm1",
        "taskId": task["id"],
        "time": time_ms,
        "triggerId": trigger,
        "triggerName": name,
        "workerId": extra.pop("workerId", None),
        "data": {"task": task, **extra},
    }


async def _post_onfleet(client, payload: dict, secret: str = ONFLEET_SECRET):
    body = json.dumps(payload).encode()
    return await client.post(
        "/dms/onfleet", content=body, headers={"X-Onfleet-Signature": sign_onfleet(secret, body)}
    )


async def test_onfleet_validates_the_webhook_url_by_echoing_check(client) -> None:
    response = await client.get("/dms/onfleet", params={"check": "4f8a1c"})
    assert response.status_code == 200
    assert response.text == "4f8a1c"
    assert response.headers["content-type"].startswith("text/plain")


async def test_onfleet_task_lifecycle_reaches_delivered_with_photo(client, app_services) -> None:
    t0 = 1795960800000  # 2026-11-29 09:00 New York
    steps = [
        onfleet_webhook(6, "taskCreated", t0, onfleet_task(state=0)),
        onfleet_webhook(
            9,
            "taskAssigned",
            t0 + 60_000,
            onfleet_task(state=1),
            workerId="wrk-7",
            worker={"name": "Luis Ortega", "phone": "+12015550777"},
        ),
        onfleet_webhook(0, "taskStarted", t0 + 3_600_000, onfleet_task()),
        onfleet_webhook(2, "taskArrival", t0 + 7_000_000, onfleet_task(), distance=120),
        onfleet_webhook(
            3,
            "taskCompleted",
            t0 + 7_200_000,
            onfleet_task(
                state=3,
                completionDetails={
                    "success": True,
                    "time": t0 + 7_190_000,
                    "photoUploadIds": ["ph1"],
                    "signatureUploadId": "sig1",
                    "failureReason": "NONE",
                },
            ),
        ),
    ]
    for payload in steps:
        response = await _post_onfleet(client, payload)
        assert response.status_code == 200, response.text
        assert response.json()["applied"] == 1, response.json()
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "delivered"
    assert delivery.recipient_name == "Dana Whitfield"
    assert delivery.address_line1 == "14 Orchard St" and delivery.address_line2 == "3B"
    assert delivery.pod_photo_urls == ["onfleet-upload:ph1"]
    assert delivery.route_id is not None
    # Onfleet retries a webhook it thinks failed: the retry is a duplicate.
    retry = await _post_onfleet(client, steps[-1])
    assert retry.json()["duplicates"] == 1


async def test_onfleet_failed_task_maps_its_failure_reason(client, app_services) -> None:
    failed = onfleet_task(
        completionDetails={
            "success": False,
            "failureReason": "RECIPIENT_REFUSED",
            "failureNotes": "said not theirs",
        }
    )
    response = await _post_onfleet(client, onfleet_webhook(4, "taskFailed", 1795967000000, failed))
    assert response.status_code == 200
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "failed_attempt" and delivery.failure_reason == "refused"


async def test_onfleet_events_that_are_not_about_deliveries_are_ignored(client, app_services):
    payload = {
        "time": 1795960800000,
        "triggerId": 5,
        "triggerName": "workerDuty",
        "data": {"worker": {"id": "w"}},
        "status": 1,
    }
    response = await _post_onfleet(client, payload)
    assert response.status_code == 202
    assert "workerDuty" in response.json()["reason"]
    assert await _event_count(app_services) == 0


def onfleet_opt_out(phone: str, at_ms: int) -> dict:
    return {
        "recipient": {"id": "7LecFRKJw7ExfyhBsi9h0NXW", "name": "Dana Whitfield", "phone": phone},
        "timestamp": at_ms,
        "SMS": "STOP",
        "triggerId": 17,
        "triggerName": "SMSRecipientOptOut",
        "taskId": None,
        "workerId": None,
        "adminId": None,
        "data": {},
        "actionContext": None,
        "time": at_ms + 19,
    }


async def _consent(services: Services, phone: str) -> tuple[bool, list[tuple[str, str]]]:
    async with services.sessions() as session:
        contact = await session.scalar(sa.select(Contact).where(Contact.phone == phone))
        if contact is None:
            return False, []
        ledger = await session.execute(
            sa.select(ConsentEvent.action, ConsentEvent.source)
            .where(ConsentEvent.contact_id == contact.id)
            .order_by(ConsentEvent.id)
        )
        return contact.opted_out, [tuple(row) for row in ledger]


async def test_an_onfleet_sms_opt_out_goes_to_the_consent_ledger_once(client, app_services):
    payload = onfleet_opt_out("(201) 555-0123", 1795960800000)
    response = await _post_onfleet(client, payload)
    assert response.status_code == 200 and response.json()["opted_out"] == 1, response.text
    assert await _consent(app_services, "+12015550123") == (
        True,
        [("opt_out", "onfleet_opt_out")],
    )
    retry = await _post_onfleet(client, payload)
    assert retry.status_code == 200 and retry.json()["opted_out"] == 0
    assert len((await _consent(app_services, "+12015550123"))[1]) == 1
    assert await _event_count(app_services) == 0  # consent, not a delivery event


async def test_a_retried_onfleet_opt_out_does_not_undo_a_later_start(client, app_services):
    from datetime import UTC, datetime

    from actions.consent import opt_in
    from actions.lookup import contact_for

    payload = onfleet_opt_out("+12015550123", 1795960800000)
    assert (await _post_onfleet(client, payload)).json()["opted_out"] == 1
    async with app_services.sessions() as session, session.begin():
        contact = await contact_for(session, "+12015550123")
        later = datetime.fromtimestamp(1795960800000 / 1000 + 3600, tz=UTC)
        opt_in(session, contact, source="keyword", keyword="START", message_id=None, now=later)
    assert (await _post_onfleet(client, payload)).json()["opted_out"] == 0  # Onfleet's retry
    opted_out, ledger = await _consent(app_services, "+12015550123")
    assert not opted_out and [a for a, _ in ledger] == ["opt_out", "opt_in"]


def onfleet_unassigned(time_ms: int, **task) -> dict:
    """taskUnassigned as Onfleet sends it: taskId and data.task, the task back in the
    organization's unassigned pool (state 0, no worker), no workerId."""
    payload = onfleet_webhook(
        10,
        "taskUnassigned",
        time_ms,
        onfleet_task(
            state=0,
            worker=None,
            container={"type": "ORGANIZATION", "organization": "yAM*fDkztrT3gUcz9mNDgNOL"},
            **task,
        ),
    )
    del payload["workerId"]
    return payload


async def _stops(services: Services) -> list[tuple[int, int]]:
    async with services.sessions() as session:
        rows = await session.execute(sa.select(RouteStop.route_id, RouteStop.delivery_id))
        return [tuple(row) for row in rows]


async def test_onfleet_task_unassigned_takes_the_delivery_off_its_route(client, app_services):
    t0 = 1795960800000  # 2026-11-29 09:00 New York
    assigned = onfleet_webhook(
        9,
        "taskAssigned",
        t0,
        onfleet_task(state=1, worker="wrk-7"),
        workerId="wrk-7",
        worker={"name": "Luis Ortega", "phone": "+12015550777"},
    )
    assert (await _post_onfleet(client, assigned)).json()["applied"] == 1
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "scheduled" and delivery.route_id is not None
    assert await _stops(app_services) == [(delivery.route_id, delivery.id)]

    unassigned = onfleet_unassigned(t0 + 60_000)
    response = await _post_onfleet(client, unassigned)

    assert response.status_code == 200, response.text
    assert response.json()["applied"] == 1
    [delivery] = await _deliveries(app_services)
    assert delivery.route_id is None
    assert delivery.status == "scheduled"  # still due on its day, awaiting a driver
    assert delivery.window_start is not None  # the promised window stays
    assert await _stops(app_services) == []
    async with app_services.sessions() as session:
        logged = await session.scalar(
            sa.select(DeliveryEvent).where(DeliveryEvent.type == "route_unassigned")
        )
    assert logged.source == "onfleet" and logged.applied
    assert logged.source_event_id == f"kc8SS1tzuZ~jqjlebKGrUmpe:10:{t0 + 60_000}"
    # Onfleet retries a webhook it thinks failed: the retry is a duplicate.
    retry = await _post_onfleet(client, unassigned)
    assert retry.json()["duplicates"] == 1 and retry.json()["applied"] == 0


async def test_onfleet_started_task_unassigned_is_no_longer_out_for_delivery(client, app_services):
    t0 = 1795960800000
    steps = [
        onfleet_webhook(9, "taskAssigned", t0, onfleet_task(state=1), workerId="wrk-7"),
        onfleet_webhook(0, "taskStarted", t0 + 3_600_000, onfleet_task(worker="wrk-7")),
        onfleet_unassigned(t0 + 3_900_000),
    ]
    for payload in steps:
        assert (await _post_onfleet(client, payload)).json()["applied"] == 1
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "scheduled" and delivery.route_id is None
    assert await _stops(app_services) == []


async def test_onfleet_task_unassigned_after_delivery_is_rejected_not_applied(client, app_services):
    t0 = 1795960800000
    assigned = onfleet_webhook(9, "taskAssigned", t0, onfleet_task(state=1), workerId="wrk-7")
    done = onfleet_webhook(
        3,
        "taskCompleted",
        t0 + 3_600_000,
        onfleet_task(state=3, completionDetails={"success": True, "time": t0 + 3_600_000}),
    )
    for payload in (assigned, done):
        assert (await _post_onfleet(client, payload)).json()["applied"] == 1

    response = await _post_onfleet(client, onfleet_unassigned(t0 + 3_700_000))

    assert response.status_code == 200
    [rejection] = response.json()["rejections"]
    assert rejection["type"] == "route_unassigned"
    assert "already delivered" in rejection["reason"]
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "delivered" and delivery.route_id is not None
    assert await _stops(app_services) == [(delivery.route_id, delivery.id)]


async def test_onfleet_signature_uses_the_hex_decoded_secret(client, app_services) -> None:
    payload = onfleet_webhook(6, "taskCreated", 1795960800000, onfleet_task())
    body = json.dumps(payload).encode()
    import hashlib
    import hmac

    as_text = hmac.new(ONFLEET_SECRET.encode(), body, hashlib.sha512).hexdigest()
    response = await client.post(
        "/dms/onfleet", content=body, headers={"X-Onfleet-Signature": as_text}
    )
    assert response.status_code == 403
    unsigned = await client.post("/dms/onfleet", content=body)
    assert unsigned.status_code == 401
    assert await _event_count(app_services) == 0


async def test_onfleet_payload_without_a_task_is_a_422(client) -> None:
    payload = {"time": 1795960800000, "triggerId": 3, "triggerName": "taskCompleted", "data": {}}
    response = await _post_onfleet(client, payload)
    assert response.status_code == 422
    assert "data.task" in response.json()["error"]


# --- EasyPost -------------------------------------------------------------------------------


def easypost_event(status: str, detail: str, when: str, event_id: str, **tracker) -> dict:
    return {
        "object": "Event",
        "id": event_id,
        "mode": "production",
        "description": "tracker.updated",
        "previous_attributes": {"status": "in_transit"},
        "created_at": when,
        "updated_at": when,
        "result": {
            "id": "trk_c8e0edb5bb284caa934a0d3db23a148z",
            "object": "Tracker",
            "mode": "production",
            "tracking_code": "9400 1000 0000 0000 0000 00",
            "status": status,
            "status_detail": detail,
            "carrier": "USPS",
            "signed_by": tracker.pop("signed_by", None),
            "est_delivery_date": tracker.pop("est_delivery_date", None),
            "tracking_details": [
                {
                    "object": "TrackingDetail",
                    "message": "Pre-Shipment Info Sent to USPS",
                    "status": "pre_transit",
                    "datetime": "2026-11-20T12:00:00Z",
                    "tracking_location": {"city": None, "state": None, "zip": None},
                },
                {
                    "object": "TrackingDetail",
                    "message": "Update",
                    "status": status,
                    "status_detail": detail,
                    "datetime": when,
                    "tracking_location": {"city": "HOBOKEN", "state": "NJ", "zip": "07030"},
                },
            ],
            "public_url": "https://track.easypost.com/djE6dHJrXzE",
            **tracker,
        },
    }


async def _post_easypost(client, payload: dict, secret: str = "doorstep-dev-easypost-secret"):
    body = json.dumps(payload).encode()
    return await client.post(
        "/dms/easypost", content=body, headers={"X-Hmac-Signature": sign_easypost(secret, body)}
    )


async def test_easypost_tracker_updates_move_the_delivery(client, app_services) -> None:
    for payload in [
        easypost_event("out_for_delivery", "out_for_delivery", "2026-11-23T13:00:00Z", "evt_1"),
        easypost_event("failure", "address_correction", "2026-11-23T17:00:00Z", "evt_2"),
    ]:
        response = await _post_easypost(client, payload)
        assert response.status_code == 200, response.text
    [delivery] = await _deliveries(app_services)
    assert delivery.tracking_number == "9400100000000000000000"
    assert delivery.status == "failed_attempt"
    assert delivery.failure_reason == "address_incorrect_or_incomplete"
    delivered = easypost_event(
        "delivered",
        "arrived_at_destination",
        "2026-11-24T15:00:00Z",
        "evt_3",
        signed_by="D WHITFIELD",
    )
    assert (await _post_easypost(client, delivered)).json()["applied"] == 1
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "delivered" and delivery.signed_by == "D WHITFIELD"


async def test_easypost_forged_and_non_tracker_events(client, app_services) -> None:
    payload = easypost_event("delivered", "arrived_at_destination", "2026-11-24T15:00:00Z", "e")
    assert (await _post_easypost(client, payload, secret="wrong")).status_code == 403
    other = {"object": "Event", "id": "evt_9", "description": "batch.created", "result": {}}
    response = await _post_easypost(client, other)
    assert response.status_code == 202 and "batch.created" in response.json()["reason"]
    assert await _event_count(app_services) == 0


async def test_easypost_unknown_status_is_a_422(client) -> None:
    payload = easypost_event("teleported", "x", "2026-11-24T15:00:00Z", "evt_x")
    response = await _post_easypost(client, payload)
    assert response.status_code == 422 and "teleported" in response.json()["error"]


async def test_easypost_return_tracker_delivered_means_returned_to_the_sender(
    client, app_services
) -> None:
    back = easypost_event(
        "out_for_delivery", "out_for_delivery", "2026-11-27T13:00:00Z", "evt_r1", is_return=True
    )
    response = await _post_easypost(client, back)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "return_to_sender"  # not "out for delivery" to the recipient
    assert delivery.failure_reason == "returning_to_sender"
    arrived = easypost_event(
        "delivered", "arrived_at_destination", "2026-11-28T15:00:00Z", "evt_r2", is_return=True
    )
    response = await _post_easypost(client, arrived)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "returned" and delivery.delivered_at is None


async def test_easypost_date_only_estimate_is_the_end_of_that_day_in_the_operators_zone(
    client, app_services
) -> None:
    late = easypost_event(
        "in_transit", "delayed", "2026-11-23T17:00:00Z", "evt_d", est_delivery_date="2026-11-25"
    )
    response = await _post_easypost(client, late)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await _deliveries(app_services)
    # 23:59 in New York (OPERATOR_TIMEZONE), not 23:59 UTC (18:59 there, a day's evening early).
    assert delivery.eta.isoformat() == "2026-11-26T04:59:00+00:00"


# --- AfterShip ------------------------------------------------------------------------------


def aftership_webhook(tag: str, subtag: str, event_id: str, when: str, **msg) -> dict:
    return {
        "event": msg.pop("event", "tracking_update"),
        "event_id": event_id,
        "is_tracking_first_tag": True,
        "ts": 1795968000,
        "msg": {
            "id": "5b7658cec7c33c0e007de3c5",
            "tracking_number": "1Z999AA10123456784",
            "slug": "ups",
            "tag": tag,
            "subtag": subtag,
            "subtag_message": msg.pop("subtag_message", tag),
            "updated_at": when,
            "checkpoints": [
                {
                    "slug": "ups",
                    "checkpoint_time": when,
                    "tag": tag,
                    "subtag": subtag,
                    "message": "status update",
                    "location": "HOBOKEN, NJ",
                }
            ],
            **msg,
        },
    }


async def _post_aftership(client, payload: dict, secret: str = "doorstep-dev-aftership-secret"):
    body = json.dumps(payload).encode()
    return await client.post(
        "/dms/aftership",
        content=body,
        headers={"aftership-hmac-sha256": sign_aftership(secret, body)},
    )


async def test_aftership_attempt_fail_and_a_revised_estimate(client, app_services) -> None:
    out = aftership_webhook(
        "OutForDelivery", "OutForDelivery_001", "9a1b", "2026-11-23T09:00:00-05:00"
    )
    fail = aftership_webhook(
        "AttemptFail",
        "AttemptFail_003",
        "9a1c",
        "2026-11-23T11:00:00-05:00",
        subtag_message="Business closed",
    )
    edd = aftership_webhook(
        "AttemptFail",
        "AttemptFail_003",
        "9a1d",
        "2026-11-23T11:05:00-05:00",
        event="edd_revise",
        latest_estimated_delivery={"type": "specific", "datetime": "2026-11-24T10:00:00-05:00"},
    )
    for payload in (out, fail, edd):
        response = await _post_aftership(client, payload)
        assert response.status_code == 200, response.text
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "failed_attempt"
    assert delivery.failure_reason == "business_closed"
    assert delivery.eta.isoformat() == "2026-11-24T15:00:00+00:00"


async def test_aftership_refused_starts_the_return(client, app_services) -> None:
    refused = aftership_webhook("Exception", "Exception_003", "9b01", "2026-11-23T11:00:00Z")
    assert (await _post_aftership(client, refused)).status_code == 200
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "return_to_sender" and delivery.failure_reason == "refused"


async def test_aftership_signature_must_match(client, app_services) -> None:
    payload = aftership_webhook("Delivered", "Delivered_001", "9c", "2026-11-23T11:00:00Z")
    assert (await _post_aftership(client, payload, secret="nope")).status_code == 403
    body = json.dumps(payload).encode()
    bad = await client.post(
        "/dms/aftership", content=body, headers={"aftership-hmac-sha256": "%%%"}
    )
    assert bad.status_code == 403 and "base64" in bad.json()["error"]
    assert await _event_count(app_services) == 0


async def test_aftership_in_transit_without_news_is_ignored(client, app_services) -> None:
    payload = aftership_webhook("InTransit", "InTransit_003", "9d", "2026-11-23T11:00:00Z")
    response = await _post_aftership(client, payload)
    assert response.status_code == 202
    assert await _event_count(app_services) == 0


async def test_aftership_weather_delay_without_an_estimate_is_not_a_failed_attempt(
    client, app_services
) -> None:
    out = aftership_webhook("OutForDelivery", "OutForDelivery_001", "9e1", "2026-11-23T09:00:00Z")
    assert (await _post_aftership(client, out)).status_code == 200
    storm = aftership_webhook(
        "Exception",
        "Exception_017",
        "9e2",
        "2026-11-23T11:00:00Z",
        subtag_message="Delayed due to extreme weather",
    )
    response = await _post_aftership(client, storm)
    assert response.status_code == 202 and "Exception_017" in response.json()["reason"]
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "out_for_delivery" and delivery.attempt_count == 0


async def test_aftership_date_only_revised_estimate_is_the_end_of_that_day(
    client, app_services
) -> None:
    edd = aftership_webhook(
        "InTransit",
        "InTransit_001",
        "9f1",
        "2026-11-23T11:00:00-05:00",
        event="edd_revise",
        latest_estimated_delivery={"type": "specific", "datetime": "2026-11-25"},
    )
    response = await _post_aftership(client, edd)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await _deliveries(app_services)
    assert delivery.eta.isoformat() == "2026-11-26T04:59:00+00:00"  # 23:59 in New York


async def test_aftership_weather_delay_with_an_estimated_range_sets_the_window(
    client, app_services
) -> None:
    out = aftership_webhook("OutForDelivery", "OutForDelivery_001", "9g1", "2026-11-23T09:00:00Z")
    assert (await _post_aftership(client, out)).status_code == 200
    storm = aftership_webhook(
        "Exception",
        "Exception_017",
        "9g2",
        "2026-11-23T11:00:00Z",
        latest_estimated_delivery={
            "type": "range",
            "datetime_min": "2026-11-25",
            "datetime_max": "2026-11-26",
        },
    )
    response = await _post_aftership(client, storm)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await _deliveries(app_services)
    assert delivery.status == "out_for_delivery" and delivery.attempt_count == 0
    # From the first day's start to the last day's end, in New York.
    assert delivery.window_start.isoformat() == "2026-11-25T05:00:00+00:00"
    assert delivery.window_end.isoformat() == "2026-11-27T04:59:00+00:00"


async def test_aftership_event_time_is_the_latest_checkpoint_even_without_a_zone(
    client, app_services
) -> None:
    fail = aftership_webhook("AttemptFail", "AttemptFail_002", "9h1", "2026-11-23T14:30:00")
    fail["msg"]["checkpoints"].insert(
        0,
        {
            "slug": "ups",
            "checkpoint_time": "2026-11-23T07:10:00-06:00",
            "tag": "OutForDelivery",
            "subtag": "OutForDelivery_001",
            "message": "Out for delivery",
            "location": "CHICAGO, IL",
        },
    )
    response = await _post_aftership(client, fail)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    async with app_services.sessions() as session:
        occurred = await session.scalar(
            sa.select(DeliveryEvent.occurred_at).where(DeliveryEvent.source_event_id == "9h1")
        )
    # 14:30 in the zone of the checkpoint before it (-06:00), not 07:10 from the older one.
    assert occurred.isoformat() == "2026-11-23T20:30:00+00:00"


async def test_onfleet_predicted_delay_takes_the_delay_from_data_delay_time(
    client, app_services
) -> None:
    t0 = 1795960800000
    assert (
        await _post_onfleet(client, onfleet_webhook(6, "taskCreated", t0, onfleet_task()))
    ).status_code == 200
    predicted = onfleet_webhook(
        30, "predictedTaskDelay", t0 + 60_000, onfleet_task(), delayTime=1800
    )
    response = await _post_onfleet(client, predicted)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await _deliveries(app_services)
    deadline = onfleet_task()["completeBefore"] // 1000
    assert delivery.eta.timestamp() == deadline + 1800  # completeBefore + data.delayTime


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
    poster = {"onfleet": _post_onfleet, "easypost": _post_easypost, "aftership": _post_aftership}
    response = await poster[post](client, payload)
    assert response.status_code == 422, response.text
    assert response.json()["error"]
    assert await _event_count(app_services) == 0
    assert await _deliveries(app_services) == []


async def test_a_canonical_event_with_a_nul_character_is_a_422(client, app_services) -> None:
    event = {**CREATED, "delivery": {**CREATED["delivery"], "instructions": "side door\u0000"}}
    body = json.dumps(event).encode()
    response = await client.post("/dms/events", content=body, headers=_signed(body))
    assert response.status_code == 422
    assert "delivery.instructions" in response.text and "NUL" in response.text
    assert await _event_count(app_services) == 0


async def test_webhook_outcomes_are_counted_for_prometheus(client) -> None:
    from bot.metrics import REGISTRY

    def count(result: str) -> float:
        labels = {"source": "dms", "result": result}
        return REGISTRY.get_sample_value("doorstep_delivery_events_total", labels) or 0.0

    before = {r: count(r) for r in ("applied", "duplicate", "rejected")}
    arriving = {**OUT, "event_id": "dms-77", "type": "arriving"}
    body = json.dumps({"events": [CREATED, arriving]}).encode()
    assert (
        await client.post("/dms/events", content=body, headers=_signed(body))
    ).status_code == 200
    again = json.dumps(CREATED).encode()
    assert (
        await client.post("/dms/events", content=again, headers=_signed(again))
    ).status_code == 200
    assert count("applied") - before["applied"] == 1
    assert count("rejected") - before["rejected"] == 1
    assert count("duplicate") - before["duplicate"] == 1
