"""Recording delivery events: the log, the state machine and the outbox, in one transaction.

Two ways in:
- `record_event` (data.ingest.record) for one event on a delivery the caller already holds,
  inside the caller's transaction (the SMS assistant's rebook / refuse / hold).
- `ingest_events` (data.ingest.batch) for batches from delivery systems, the importer and the
  benchmark: set-based statements, a handful per batch whatever its size.

Both fold events through data.state_machine (see data.ingest.fold); both are idempotent on
(source, source_event_id); an event older than the delivery's newest logged event replays that
delivery's log, so the end state does not depend on arrival order.
"""

from data.ingest.batch import apply_events, ingest_events
from data.ingest.record import record_event
from data.ingest.results import IngestResult, Rejection, UnknownCarrier

__all__ = [
    "IngestResult",
    "Rejection",
    "UnknownCarrier",
    "apply_events",
    "ingest_events",
    "record_event",
]
