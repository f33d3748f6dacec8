"""Facts a review extracts and returns (severity, durations, impact numbers, …).

A fact is a function of the parsed document (and the analysis, when it declares
`needs_nlp`), registered with `@fact("name")`. Checks use the same helpers, through
`Analysis.shared`, so nothing is computed twice. Facts come back in every review (JSON,
API) so that trends can be computed later.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reviewer.config import Config
    from reviewer.document import Postmortem
    from reviewer.nlp.analysis import Analysis

log = logging.getLogger("pmreview")

FactFunction = Callable[["Postmortem", "Analysis | None", "Config"], Any]


@dataclass(frozen=True, slots=True)
class Fact:
    name: str
    compute: FactFunction
    needs_nlp: bool = False


FACTS: dict[str, Fact] = {}
# Modules that register facts; imported once on first use.
FACT_MODULES: list[str] = ["reviewer.document.facts", "reviewer.nlp.durations", "reviewer.nlp.metrics"]
_loaded = False


def fact(name: str, *, needs_nlp: bool = False) -> Callable[[FactFunction], FactFunction]:
    def register(compute: FactFunction) -> FactFunction:
        FACTS[name] = Fact(name, compute, needs_nlp)
        return compute

    return register


def _load() -> dict[str, Fact]:
    global _loaded
    if not _loaded:
        for module in FACT_MODULES:
            importlib.import_module(module)
        _loaded = True
    return FACTS


def needs_nlp() -> bool:
    return any(f.needs_nlp for f in _load().values())


def compute(doc: Postmortem, analysis: Analysis | None, config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, entry in _load().items():
        if entry.needs_nlp and analysis is None:
            continue
        try:
            out[name] = entry.compute(doc, analysis, config)
        except Exception:  # noqa: BLE001 - a broken fact must not lose the review
            log.exception("fact %s failed", name)
            out[name] = None
    return out
