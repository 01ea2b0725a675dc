"""The app's Prometheus metrics, defined once here and imported where they are counted.

They live on a registry of Doorstep's own (not prometheus_client's global default), created
once at import: building many apps (tests, the one-process runner) never registers twice, and
GET /metrics shows exactly these plus the process's CPU and memory.

    from bot.metrics import INBOUND_MESSAGES
    INBOUND_MESSAGES.labels(channel="sms").inc()
"""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

INBOUND_MESSAGES = Counter(
    "doorstep_inbound_messages_total",
    "Messages received from customers and drivers.",
    ["channel"],  # sms, slack
    registry=REGISTRY,
)
SMS_TURNS = Counter(
    "doorstep_sms_turns_total",
    "Customer SMS turns by the intent read (keyword, nlu_unavailable when Rasa could not be "
    "asked) and whether the turn handed the conversation to a person.",
    ["intent", "handed_off"],
    registry=REGISTRY,
)
CASES_OPENED = Counter(
    "doorstep_cases_opened_total",
    "Exception cases opened for dispatch, by type and reason code.",
    ["type", "reason"],
    registry=REGISTRY,
)
OUTBOUND_MESSAGES = Counter(
    "doorstep_outbound_messages_total",
    "Outbound messages by status reached (queued, sent, delivered, failed, suppressed…).",
    ["status"],
    registry=REGISTRY,
)
DELIVERY_EVENTS = Counter(
    "doorstep_delivery_events_total",
    "Delivery-system events by source and what became of them.",
    ["source", "result"],  # result: applied, duplicate, rejected, unknown_delivery…
    registry=REGISTRY,
)
NLU_PARSE_SECONDS = Histogram(
    "doorstep_nlu_parse_seconds",
    "Time to get an understanding of a message from Rasa.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1.0, 2.0),
    registry=REGISTRY,
)
WEBHOOK_REQUESTS = Counter(
    "doorstep_webhook_requests_total",
    "HTTP requests by route template and status code.",
    ["route", "status"],
    registry=REGISTRY,
)
HTTP_REQUEST_SECONDS = Histogram(
    "doorstep_http_request_seconds",
    "Time to answer an HTTP request, by route template.",
    ["route"],
    registry=REGISTRY,
)
OUTBOX_LAG = Gauge(
    "doorstep_outbox_lag_events",
    "Outbox events committed and not yet relayed to the Redis stream.",
    registry=REGISTRY,
)
OUTBOX_OLDEST_SECONDS = Gauge(
    "doorstep_outbox_oldest_unrelayed_seconds",
    "Age of the oldest outbox event not yet relayed (0 when none wait).",
    registry=REGISTRY,
)
OUTBOX_RELAYED = Counter(
    "doorstep_outbox_relayed_total",
    "Outbox events published to the Redis stream.",
    registry=REGISTRY,
)
OUTBOX_RELAY_ERRORS = Counter(
    "doorstep_outbox_relay_errors_total",
    "Relay passes that could not publish (Redis or the database unreachable).",
    registry=REGISTRY,
)
SCHEDULER_LEADER = Gauge(
    "doorstep_scheduler_leader",
    "1 while this process holds the scheduler lock and runs the timed jobs.",
    registry=REGISTRY,
)
SCHEDULED_JOB_RUNS = Counter(
    "doorstep_scheduled_job_runs_total",
    "Runs of scheduled jobs by job id and result (ok, error).",
    ["job", "result"],
    registry=REGISTRY,
)


def render_latest() -> tuple[bytes, str]:
    """The metrics in Prometheus text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
