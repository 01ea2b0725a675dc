"""A believable operator day: 3 carriers, 25 drivers on routes in 8 US metros, 1,000 deliveries.

`plan_day` (data.demo.plan) is pure and deterministic for a seed and a date: who delivers what,
where, in which window, and what happens at each stop (delivered with a photo, a failed attempt
with a canonical reason, a route running late). Only the events that have happened by `as_of`
are kept, so the store shows the day as it stands: early on everything is scheduled, by
mid-afternoon most is delivered, in the evening the failed attempts wait for a rebook.

`load_day` (data.demo.load) writes the carriers, drivers and routes (shift times, Slack ids),
then sends every event through the ingest engine (data.ingest) like a delivery system would, so
the deliveries' state, stops and outbox events are what the real code makes of them. Event ids
are stable, so loading the same day again is a no-op, and loading it later in the day adds what
happened since.

The operator's tracking numbers are DS + 8 digits. Phone numbers are in the 555-01xx range that
North American numbering reserves for fiction.
"""
