from __future__ import annotations

import logging
import time

from api.health.schemas import CorpusPart, Part, Readiness
from api.state import ServiceState

log = logging.getLogger("pmreview.api")


def readiness(state: ServiceState) -> Readiness:
    store_ready = state.corpus_ready.is_set() and state.corpus is not None
    incidents = None
    store_error = state.corpus_error
    if store_ready:
        try:
            incidents = state.corpus.count()  # type: ignore[union-attr] - checked above
        except Exception as exc:  # noqa: BLE001 - the store went away after start-up
            store_ready, store_error = False, f"the store is not reachable: {type(exc).__name__}"
            log.warning("readiness: store not reachable", exc_info=exc)
    return Readiness(
        ready=state.models_loaded.is_set() and store_ready,
        models=Part(ready=state.models_loaded.is_set(), error=state.models_error),
        store=CorpusPart(ready=store_ready, error=store_error, incidents=incidents, seeding=state.seeding),
        uptime_seconds=round(time.time() - state.started_at, 1),
    )
