"""score: findings → 0–100 per dimension and overall, explainably.

Each finding costs its dimension `SEVERITY_POINTS[severity] × confidence` points; one rule
costs a dimension at most `RULE_CAP` points, so a single repeated problem cannot zero a
score; a dimension scores `100 − its costs` (never below 0). The overall score is the
weighted mean of the dimensions. Every finding carries the points it cost (`points`), so a
reader of the JSON can add them up.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from reviewer.findings import Dimension, Finding, Severity

SEVERITY_POINTS = {Severity.ERROR: 15.0, Severity.WARNING: 6.0, Severity.SUGGESTION: 2.0}
RULE_CAP = 30.0
DIMENSION_WEIGHTS = {Dimension.BLAME: 0.25, Dimension.TIME: 0.25, Dimension.METRICS: 0.25, Dimension.DETAIL: 0.25}


class Scores(BaseModel):
    overall: float
    dimensions: dict[Dimension, float]
    weights: dict[Dimension, float] = Field(default_factory=lambda: dict(DIMENSION_WEIGHTS))


def score(findings: list[Finding]) -> Scores:
    """Set each finding's `points` and return the scores."""
    spent: dict[tuple[Dimension, str], float] = defaultdict(float)
    lost: dict[Dimension, float] = defaultdict(float)
    for finding in sorted(findings, key=lambda f: (-f.severity.rank, f.start)):
        cost = SEVERITY_POINTS[finding.severity] * max(0.0, min(1.0, finding.confidence))
        key = (finding.dimension, finding.code)
        cost = max(0.0, min(cost, RULE_CAP - spent[key]))
        spent[key] += cost
        lost[finding.dimension] += cost
        finding.points = round(cost, 2)
    dimensions = {d: round(max(0.0, 100.0 - lost[d]), 1) for d in Dimension}
    overall = sum(dimensions[d] * w for d, w in DIMENSION_WEIGHTS.items()) / sum(DIMENSION_WEIGHTS.values())
    return Scores(overall=round(overall, 1), dimensions=dimensions)
