"""A time budget per review, checked cooperatively.

Threads cannot be interrupted, so the pipeline asks `Deadline.check()` between the steps it
runs: between spaCy batches of a document's blocks, between the blocks a per-block
computation reads, between rules and before the facts. Every pattern and parsing step is
linear (tests/test_growth.py), so no single step between two checks can run for long.

The budget counts the CPU time of the reviewing thread (`time.thread_time`): a review that
waits for its turn on a busy machine, or behind other reviews in the service, is not stopped
for the others' work. A wall-clock limit of `WALL_FACTOR` times the budget backs it up.
"""

from __future__ import annotations

import time

from reviewer.errors import PmreviewError

WALL_FACTOR = 4.0


class ReviewTooComplex(PmreviewError):
    """The review ran past its time budget and was stopped (CLI exit 2, HTTP 422)."""

    def __init__(self, budget: float) -> None:
        super().__init__(f"document too complex: its review was stopped after its time budget of {budget:g} s "
                         "(review-budget-seconds)")
        self.budget = budget


class Deadline:
    """`check()` raises ReviewTooComplex once `seconds` of this thread's CPU time (or
    WALL_FACTOR × `seconds` of wall-clock time) have passed since it was made; 0 never does."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._cpu_end = time.thread_time() + seconds
        self._wall_end = time.monotonic() + seconds * WALL_FACTOR

    def expired(self) -> bool:
        if self.seconds <= 0:
            return False
        return time.thread_time() > self._cpu_end or time.monotonic() > self._wall_end

    def check(self) -> None:
        if self.expired():
            raise ReviewTooComplex(self.seconds)
