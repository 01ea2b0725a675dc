"""Onfleet webhooks -> canonical events.

An Onfleet task is one delivery of the operator's own fleet (carrier "operator"). Its tracking
number is the task metadata field `tracking_number` (any of the spellings in
TRACKING_METADATA), else the task's shortId. Onfleet sends no event id: the event id is
"<taskId>:<triggerId>:<time>", the same for each retry of one webhook. A worker's day is a
route: "onfleet:<workerId>:<date>", its driver "onfleet:<workerId>".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.settings import Settings
from data.ingest.adapters.common import (
    AdapterError,
    OptOut,
    Translation,
    build_event,
    from_epoch_ms,
    ignored,
    list_at,
    object_at,
    require,
    text,
)
from data.ingest.events import optional_e164
from data.reason_codes import to_canonical

TRACKING_METADATA = ("tracking_number", "trackingNumber", "tracking", "Tracking Number")

TASK_STARTED, TASK_ETA, TASK_ARRIVAL, TASK_COMPLETED, TASK_FAILED = 0, 1, 2, 3, 4
TASK_CREATED, TASK_UPDATED, TASK_DELETED, TASK_ASSIGNED = 6, 7, 8, 9
TASK_UNASSIGNED, TASK_DELAYED, SMS_RECIPIENT_OPT_OUT, PREDICTED_TASK_DELAY = 10, 12, 17, 30

TRIGGER_NAMES = {
    0: "taskStarted",
    1: "taskEta",
    2: "taskArrival",
    3: "taskCompleted",
    4: "taskFailed",
    5: "workerDuty",
    6: "taskCreated",
    7: "taskUpdated",
    8: "taskDeleted",
    9: "taskAssigned",
    10: "taskUnassigned",
    12: "taskDelayed",
    13: "taskCloned",
    14: "smsRecipientResponseMissed",
    15: "workerCreated",
    16: "workerDeleted",
    17: "SMSRecipientOptOut",
    18: "autoDispatchJobCompleted",
    19: "taskBatchCreateJobCompleted",
    20: "routeOptimizationJobCompleted",
    22: "routePlanCreated",
    23: "routePlanStarted",
    24: "routePlanCompleted",
    25: "workerUpdated",
    26: "routePlanUpdated",
    27: "routePlanUnassigned",
    28: "routePlanAssigned",
    29: "routePlanDelayed",
    30: "predictedTaskDelay",
}


def translate(payload: Any, *, settings: Settings | None = None) -> Translation:
    """One Onfleet webhook body -> canonical events (or the reason it is ignored)."""
    if not isinstance(payload, dict):
        raise AdapterError("an Onfleet webhook body is a JSON object")
    trigger = payload.get("triggerId")
    if not isinstance(trigger, int):
        raise AdapterError("triggerId is missing or not a number")
    name = payload.get("triggerName") or TRIGGER_NAMES.get(trigger, f"trigger {trigger}")
    if trigger == SMS_RECIPIENT_OPT_OUT:
        return Translation(opt_outs=[_opt_out(payload)])
    if trigger not in (
        TASK_STARTED,
        TASK_ETA,
        TASK_ARRIVAL,
        TASK_COMPLETED,
        TASK_FAILED,
        TASK_CREATED,
        TASK_UPDATED,
        TASK_DELETED,
        TASK_ASSIGNED,
        TASK_UNASSIGNED,
        TASK_DELAYED,
        PREDICTED_TASK_DELAY,
    ):
        return ignored(f"Onfleet {name} does not change a delivery")
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    task = data.get("task")
    if not isinstance(task, dict):
        raise AdapterError(f"data.task is missing from the Onfleet {name} webhook")
    task_id = payload.get("taskId") or require(task, "id", where="data.task")
    sent = from_epoch_ms(require(payload, "time", where="body"), where="time")
    zone = ZoneInfo(settings.operator_timezone if settings else "America/New_York")

    event: dict[str, Any] = {
        "event_id": f"{task_id}:{trigger}:{payload['time']}",
        "occurred_at": sent,
        "carrier": "operator",
        "tracking_number": _tracking_number(task),
    }
    completion = object_at(task, "completionDetails", where="data.task")
    if trigger == TASK_STARTED:
        event["type"] = "out_for_delivery"
        event["eta"] = _ms(task.get("estimatedArrivalTime"))
    elif trigger == TASK_ETA:
        event["type"] = "arriving"
        seconds = payload.get("etaSeconds", data.get("etaSeconds"))
        if isinstance(seconds, int | float):
            event["eta"] = sent + timedelta(seconds=seconds)
    elif trigger == TASK_ARRIVAL:
        event["type"] = "arriving"
        event["eta"] = sent
    elif trigger in (TASK_COMPLETED, TASK_FAILED):
        if isinstance(completion.get("time"), int | float):
            event["occurred_at"] = from_epoch_ms(completion["time"], where="completionDetails")
        if trigger == TASK_COMPLETED and completion.get("success", True):
            event["type"] = "delivered"
            event["pod"] = _proof(completion)
        else:
            event["type"] = "failed_attempt"
            reason = text(completion, "failureReason", where="data.task.completionDetails")
            event["reason_code"] = str(to_canonical("onfleet", reason))
            notes = completion.get("failureNotes") or completion.get("notes")
            event["reason_detail"] = " - ".join(str(p) for p in (reason, notes) if p) or None
    elif trigger in (TASK_CREATED, TASK_UPDATED):
        event["type"] = "created" if trigger == TASK_CREATED else "updated"
        event["delivery"] = _details(task)
        event["window"] = _window(task)
    elif trigger == TASK_DELETED:
        event["type"] = "cancelled"
    elif trigger == TASK_ASSIGNED:
        worker_id = payload.get("workerId") or task.get("worker")
        if not worker_id:
            raise AdapterError("taskAssigned without a workerId")
        worker = data.get("worker") if isinstance(data.get("worker"), dict) else {}
        day = (_ms(task.get("completeAfter")) or sent).astimezone(zone).date()
        event["type"] = "route_assigned"
        event["route"] = {
            "external_id": f"onfleet:{worker_id}:{day.isoformat()}",
            "service_date": day.isoformat(),
            "driver": {
                "external_id": f"onfleet:{worker_id}",
                "name": worker.get("name"),
                "phone": worker.get("phone"),
            },
        }
        event["window"] = _window(task)
    elif trigger == TASK_UNASSIGNED:
        # Back in the unassigned pool: the stop leaves the worker's route; the window stays.
        event["type"] = "route_unassigned"
    else:  # taskDelayed, predictedTaskDelay
        eta = _ms(task.get("estimatedArrivalTime")) or _ms(task.get("eta"))
        # taskDelayed sends `delay`, predictedTaskDelay `data.delayTime` (seconds).
        delay = next(
            (
                value
                for value in (
                    data.get("delay"),
                    data.get("delayTime"),
                    payload.get("delay"),
                    task.get("delayTime"),
                )
                if isinstance(value, int | float)
            ),
            None,
        )
        deadline = _ms(task.get("completeBefore"))
        if eta is None and isinstance(delay, int | float) and deadline is not None:
            eta = deadline + timedelta(seconds=delay)
        if eta is None:
            return ignored(f"Onfleet {name} without an estimated arrival time")
        event["type"] = "delayed"
        event["eta"] = eta
    return Translation([build_event(_drop_none(event), source="onfleet")])


def _opt_out(payload: dict[str, Any]) -> OptOut:
    """SMSRecipientOptOut: {recipient: {id, name, phone}, timestamp, SMS: "STOP", ...}."""
    recipient = object_at(payload, "recipient", where="body")
    phone = text(recipient, "phone", where="recipient")
    try:
        e164 = optional_e164(phone)
    except ValueError as exc:
        raise AdapterError(f"recipient.phone: {exc}") from None
    if e164 is None:
        raise AdapterError("recipient.phone is missing from the SMSRecipientOptOut webhook")
    at = payload.get("timestamp") or require(payload, "time", where="body")
    keyword = text(payload, "SMS", where="body")
    return OptOut(e164, from_epoch_ms(at, where="timestamp"), (keyword or "").strip()[:32] or None)


def _tracking_number(task: dict[str, Any]) -> str:
    for item in list_at(task, "metadata", where="data.task"):
        if isinstance(item, dict) and item.get("name") in TRACKING_METADATA and item.get("value"):
            return str(item["value"])
    short_id = task.get("shortId")
    if not short_id:
        raise AdapterError("the task has neither a tracking_number metadata field nor a shortId")
    return str(short_id)


def _ms(value: Any) -> datetime | None:
    if not isinstance(value, int | float) or value <= 0:
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _window(task: dict[str, Any]) -> dict[str, Any] | None:
    start, end = _ms(task.get("completeAfter")), _ms(task.get("completeBefore"))
    if start and end and end > start:
        return {"start": start, "end": end}
    return None


def _proof(completion: dict[str, Any]) -> dict[str, Any]:
    uploads = list(list_at(completion, "photoUploadIds", where="completionDetails"))
    if completion.get("photoUploadId"):
        uploads.insert(0, completion["photoUploadId"])
    signature = completion.get("signatureUploadId")
    return {
        # Onfleet gives upload ids, not URLs: kept as onfleet-upload:<id> references.
        "photo_urls": [f"onfleet-upload:{u}" for u in dict.fromkeys(uploads)],
        "signature_url": f"onfleet-upload:{signature}" if signature else None,
        "signed_by": completion.get("signatureText") or None,
    }


def _details(task: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {"external_id": task.get("shortId") or task.get("id")}
    recipients = list_at(task, "recipients", where="data.task")
    if recipients and isinstance(recipients[0], dict):
        recipient = recipients[0]
        details["recipient_name"] = recipient.get("name")
        details["phone"] = recipient.get("phone")
        if recipient.get("notes"):
            details["handling_notes"] = recipient["notes"]
    destination = object_at(task, "destination", where="data.task")
    address = object_at(destination, "address", where="data.task.destination")
    if address:
        street = " ".join(str(p) for p in (address.get("number"), address.get("street")) if p)
        details["address"] = {
            "line1": street or None,
            "line2": address.get("apartment") or None,
            "city": address.get("city"),
            "state": address.get("state"),
            "postal_code": address.get("postalCode"),
            "country": _country(address.get("country")),
        }
        if address.get("name"):
            details["business_name"] = address["name"]
    if task.get("notes"):
        details["instructions"] = task["notes"]
    return _drop_none(details)


def _country(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    value = value.strip()
    if len(value) == 2:
        return value.upper()
    names = {"united states": "US", "usa": "US", "canada": "CA", "mexico": "MX"}
    return names.get(value.lower())


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (_drop_none(v) if isinstance(v, dict) else v) for k, v in values.items() if v is not None
    }
