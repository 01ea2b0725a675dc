"""Onfleet webhooks through the real app: URL check, signature, task lifecycle, opt-outs."""

from __future__ import annotations

import json

import sqlalchemy as sa
from webhook_helpers import (
    ONFLEET_SECRET,
    deliveries,
    event_count,
    onfleet_task,
    onfleet_webhook,
    post_onfleet,
)

from bot.services import Services
from data.models import ConsentEvent, Contact, DeliveryEvent, RouteStop

# --- Onfleet --------------------------------------------------------------------------------


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
        response = await post_onfleet(client, payload)
        assert response.status_code == 200, response.text
        assert response.json()["applied"] == 1, response.json()
    [delivery] = await deliveries(app_services)
    assert delivery.status == "delivered"
    assert delivery.recipient_name == "Dana Whitfield"
    assert delivery.address_line1 == "14 Orchard St" and delivery.address_line2 == "3B"
    assert delivery.pod_photo_urls == ["onfleet-upload:ph1"]
    assert delivery.route_id is not None
    # Onfleet retries a webhook it thinks failed: the retry is a duplicate.
    retry = await post_onfleet(client, steps[-1])
    assert retry.json()["duplicates"] == 1


async def test_onfleet_failed_task_maps_its_failure_reason(client, app_services) -> None:
    failed = onfleet_task(
        completionDetails={
            "success": False,
            "failureReason": "RECIPIENT_REFUSED",
            "failureNotes": "said not theirs",
        }
    )
    response = await post_onfleet(client, onfleet_webhook(4, "taskFailed", 1795967000000, failed))
    assert response.status_code == 200
    [delivery] = await deliveries(app_services)
    assert delivery.status == "failed_attempt" and delivery.failure_reason == "refused"


async def test_onfleet_events_that_are_not_about_deliveries_are_ignored(client, app_services):
    payload = {
        "time": 1795960800000,
        "triggerId": 5,
        "triggerName": "workerDuty",
        "data": {"worker": {"id": "w"}},
        "status": 1,
    }
    response = await post_onfleet(client, payload)
    assert response.status_code == 202
    assert "workerDuty" in response.json()["reason"]
    assert await event_count(app_services) == 0


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
    response = await post_onfleet(client, payload)
    assert response.status_code == 200 and response.json()["opted_out"] == 1, response.text
    assert await _consent(app_services, "+12015550123") == (
        True,
        [("opt_out", "onfleet_opt_out")],
    )
    retry = await post_onfleet(client, payload)
    assert retry.status_code == 200 and retry.json()["opted_out"] == 0
    assert len((await _consent(app_services, "+12015550123"))[1]) == 1
    assert await event_count(app_services) == 0  # consent, not a delivery event


async def test_a_retried_onfleet_opt_out_does_not_undo_a_later_start(client, app_services):
    from datetime import UTC, datetime

    from actions.consent import opt_in
    from actions.lookup import contact_for

    payload = onfleet_opt_out("+12015550123", 1795960800000)
    assert (await post_onfleet(client, payload)).json()["opted_out"] == 1
    async with app_services.sessions() as session, session.begin():
        contact = await contact_for(session, "+12015550123")
        later = datetime.fromtimestamp(1795960800000 / 1000 + 3600, tz=UTC)
        opt_in(session, contact, source="keyword", keyword="START", message_id=None, now=later)
    assert (await post_onfleet(client, payload)).json()["opted_out"] == 0  # Onfleet's retry
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
    assert (await post_onfleet(client, assigned)).json()["applied"] == 1
    [delivery] = await deliveries(app_services)
    assert delivery.status == "scheduled" and delivery.route_id is not None
    assert await _stops(app_services) == [(delivery.route_id, delivery.id)]

    unassigned = onfleet_unassigned(t0 + 60_000)
    response = await post_onfleet(client, unassigned)

    assert response.status_code == 200, response.text
    assert response.json()["applied"] == 1
    [delivery] = await deliveries(app_services)
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
    retry = await post_onfleet(client, unassigned)
    assert retry.json()["duplicates"] == 1 and retry.json()["applied"] == 0


async def test_onfleet_started_task_unassigned_is_no_longer_out_for_delivery(client, app_services):
    t0 = 1795960800000
    steps = [
        onfleet_webhook(9, "taskAssigned", t0, onfleet_task(state=1), workerId="wrk-7"),
        onfleet_webhook(0, "taskStarted", t0 + 3_600_000, onfleet_task(worker="wrk-7")),
        onfleet_unassigned(t0 + 3_900_000),
    ]
    for payload in steps:
        assert (await post_onfleet(client, payload)).json()["applied"] == 1
    [delivery] = await deliveries(app_services)
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
        assert (await post_onfleet(client, payload)).json()["applied"] == 1

    response = await post_onfleet(client, onfleet_unassigned(t0 + 3_700_000))

    assert response.status_code == 200
    [rejection] = response.json()["rejections"]
    assert rejection["type"] == "route_unassigned"
    assert "already delivered" in rejection["reason"]
    [delivery] = await deliveries(app_services)
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
    assert await event_count(app_services) == 0


async def test_onfleet_payload_without_a_task_is_a_422(client) -> None:
    payload = {"time": 1795960800000, "triggerId": 3, "triggerName": "taskCompleted", "data": {}}
    response = await post_onfleet(client, payload)
    assert response.status_code == 422
    assert "data.task" in response.json()["error"]


async def test_onfleet_predicted_delay_takes_the_delay_from_data_delay_time(
    client, app_services
) -> None:
    t0 = 1795960800000
    assert (
        await post_onfleet(client, onfleet_webhook(6, "taskCreated", t0, onfleet_task()))
    ).status_code == 200
    predicted = onfleet_webhook(
        30, "predictedTaskDelay", t0 + 60_000, onfleet_task(), delayTime=1800
    )
    response = await post_onfleet(client, predicted)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await deliveries(app_services)
    deadline = onfleet_task()["completeBefore"] // 1000
    assert delivery.eta.timestamp() == deadline + 1800  # completeBefore + data.delayTime
