"""Process settings shared by the long-running commands (serve, run, worker, import, bench)."""

from __future__ import annotations

import gc

# CPython collects its youngest generation every 700 net container allocations by default.
# A batch of 1,000 delivery events allocates a few hundred thousand short-lived dicts and
# tuples, so it paid for hundreds of collections that found almost nothing to free: about a
# tenth of the batch path's CPU time (measured with `doorstep bench ingest`). Collecting every
# 50,000 keeps the same cycle collection with far fewer passes; memory held between passes
# is a few megabytes at most.
YOUNG_GENERATION_THRESHOLD = 50_000


def settle_gc() -> None:
    """Freeze what is loaded so far (it lives as long as the process, so collections stop
    scanning it) and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
