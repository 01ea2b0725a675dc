"""EasyPost tracker events and AfterShip tracking webhooks through the real app."""

from __future__ import annotations

import json

import sqlalchemy as sa
from webhook_helpers import (
    aftership_webhook,
    deliveries,
    easypost_event,
    event_count,
    post_aftership,
    post_easypost,
)

from data.models import DeliveryEvent

# --- EasyPost -------------------------------------------------------------------------------


async def test_easypost_tracker_updates_move_the_delivery(client, app_services) -> None:
    for payload in [
        easypost_event("out_for_delivery", "out_for_delivery", "2026-11-23T13:00:00Z", "evt_1"),
        easypost_event("failure", "address_correction", "2026-11-23T17:00:00Z", "evt_2"),
    ]:
        response = await post_easypost(client, payload)
        assert response.status_code == 200, response.text
    [delivery] = await deliveries(app_services)
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
    assert (await post_easypost(client, delivered)).json()["applied"] == 1
    [delivery] = await deliveries(app_services)
    assert delivery.status == "delivered" and delivery.signed_by == "D WHITFIELD"


async def test_easypost_forged_and_non_tracker_events(client, app_services) -> None:
    payload = easypost_event("delivered", "arrived_at_destination", "2026-11-24T15:00:00Z", "e")
    assert (await post_easypost(client, payload, secret="wrong")).status_code == 403
    other = {"object": "Event", "id": "evt_9", "description": "batch.created", "result": {}}
    response = await post_easypost(client, other)
    assert response.status_code == 202 and "batch.created" in response.json()["reason"]
    assert await event_count(app_services) == 0


async def test_easypost_unknown_status_is_a_422(client) -> None:
    payload = easypost_event("teleported", "x", "2026-11-24T15:00:00Z", "evt_x")
    response = await post_easypost(client, payload)
    assert response.status_code == 422 and "teleported" in response.json()["error"]


async def test_easypost_return_tracker_delivered_means_returned_to_the_sender(
    client, app_services
) -> None:
    back = easypost_event(
        "out_for_delivery", "out_for_delivery", "2026-11-27T13:00:00Z", "evt_r1", is_return=True
    )
    response = await post_easypost(client, back)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await deliveries(app_services)
    assert delivery.status == "return_to_sender"  # not "out for delivery" to the recipient
    assert delivery.failure_reason == "returning_to_sender"
    arrived = easypost_event(
        "delivered", "arrived_at_destination", "2026-11-28T15:00:00Z", "evt_r2", is_return=True
    )
    response = await post_easypost(client, arrived)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await deliveries(app_services)
    assert delivery.status == "returned" and delivery.delivered_at is None


async def test_easypost_date_only_estimate_is_the_end_of_that_day_in_the_operators_zone(
    client, app_services
) -> None:
    late = easypost_event(
        "in_transit", "delayed", "2026-11-23T17:00:00Z", "evt_d", est_delivery_date="2026-11-25"
    )
    response = await post_easypost(client, late)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await deliveries(app_services)
    # 23:59 in New York (OPERATOR_TIMEZONE), not 23:59 UTC (18:59 there, a day's evening early).
    assert delivery.eta.isoformat() == "2026-11-26T04:59:00+00:00"


# --- AfterShip ------------------------------------------------------------------------------


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
        response = await post_aftership(client, payload)
        assert response.status_code == 200, response.text
    [delivery] = await deliveries(app_services)
    assert delivery.status == "failed_attempt"
    assert delivery.failure_reason == "business_closed"
    assert delivery.eta.isoformat() == "2026-11-24T15:00:00+00:00"


async def test_aftership_refused_starts_the_return(client, app_services) -> None:
    refused = aftership_webhook("Exception", "Exception_003", "9b01", "2026-11-23T11:00:00Z")
    assert (await post_aftership(client, refused)).status_code == 200
    [delivery] = await deliveries(app_services)
    assert delivery.status == "return_to_sender" and delivery.failure_reason == "refused"


async def test_aftership_signature_must_match(client, app_services) -> None:
    payload = aftership_webhook("Delivered", "Delivered_001", "9c", "2026-11-23T11:00:00Z")
    assert (await post_aftership(client, payload, secret="nope")).status_code == 403
    body = json.dumps(payload).encode()
    bad = await client.post(
        "/dms/aftership", content=body, headers={"aftership-hmac-sha256": "%%%"}
    )
    assert bad.status_code == 403 and "base64" in bad.json()["error"]
    assert await event_count(app_services) == 0


async def test_aftership_in_transit_without_news_is_ignored(client, app_services) -> None:
    payload = aftership_webhook("InTransit", "InTransit_003", "9d", "2026-11-23T11:00:00Z")
    response = await post_aftership(client, payload)
    assert response.status_code == 202
    assert await event_count(app_services) == 0


async def test_aftership_weather_delay_without_an_estimate_is_not_a_failed_attempt(
    client, app_services
) -> None:
    out = aftership_webhook("OutForDelivery", "OutForDelivery_001", "9e1", "2026-11-23T09:00:00Z")
    assert (await post_aftership(client, out)).status_code == 200
    storm = aftership_webhook(
        "Exception",
        "Exception_017",
        "9e2",
        "2026-11-23T11:00:00Z",
        subtag_message="Delayed due to extreme weather",
    )
    response = await post_aftership(client, storm)
    assert response.status_code == 202 and "Exception_017" in response.json()["reason"]
    [delivery] = await deliveries(app_services)
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
    response = await post_aftership(client, edd)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await deliveries(app_services)
    assert delivery.eta.isoformat() == "2026-11-26T04:59:00+00:00"  # 23:59 in New York


async def test_aftership_weather_delay_with_an_estimated_range_sets_the_window(
    client, app_services
) -> None:
    out = aftership_webhook("OutForDelivery", "OutForDelivery_001", "9g1", "2026-11-23T09:00:00Z")
    assert (await post_aftership(client, out)).status_code == 200
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
    response = await post_aftership(client, storm)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    [delivery] = await deliveries(app_services)
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
    response = await post_aftership(client, fail)
    assert response.status_code == 200 and response.json()["applied"] == 1, response.text
    async with app_services.sessions() as session:
        occurred = await session.scalar(
            sa.select(DeliveryEvent.occurred_at).where(DeliveryEvent.source_event_id == "9h1")
        )
    # 14:30 in the zone of the checkpoint before it (-06:00), not 07:10 from the older one.
    assert occurred.isoformat() == "2026-11-23T20:30:00+00:00"
