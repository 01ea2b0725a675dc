"""Delivery-system webhooks for the tests: signed requests, payloads shaped like each source's."""

from __future__ import annotations

import json
import time

import sqlalchemy as sa

from bot.services import Services
from data.ingest.signatures import (
    sign_aftership,
    sign_doorstep,
    sign_easypost,
    sign_onfleet,
)
from data.models import Delivery, DeliveryEvent

ONFLEET_SECRET = "8c1f2b3a4d5e6f708192a3b4c5d6e7f8"  # Onfleet shows secrets as hex


async def deliveries(services: Services) -> list[Delivery]:
    async with services.sessions() as session:
        return list((await session.scalars(sa.select(Delivery).order_by(Delivery.id))).all())


async def event_count(services: Services) -> int:
    async with services.sessions() as session:
        return await session.scalar(sa.select(sa.func.count()).select_from(DeliveryEvent))


def signed(body: bytes, secret: str = "doorstep-dev-dms-secret", at: int | None = None) -> dict:
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


async def post_onfleet(client, payload: dict, secret: str = ONFLEET_SECRET):
    body = json.dumps(payload).encode()
    return await client.post(
        "/dms/onfleet", content=body, headers={"X-Onfleet-Signature": sign_onfleet(secret, body)}
    )


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


async def post_easypost(client, payload: dict, secret: str = "doorstep-dev-easypost-secret"):
    body = json.dumps(payload).encode()
    return await client.post(
        "/dms/easypost", content=body, headers={"X-Hmac-Signature": sign_easypost(secret, body)}
    )


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


async def post_aftership(client, payload: dict, secret: str = "doorstep-dev-aftership-secret"):
    body = json.dumps(payload).encode()
    return await client.post(
        "/dms/aftership",
        content=body,
        headers={"aftership-hmac-sha256": sign_aftership(secret, body)},
    )
