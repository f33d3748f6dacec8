"""score: findings → 0–100 per dimension and overall, explainably.

The weights, all in this module:

- Each finding costs its dimension `SEVERITY_POINTS[severity] × RULE_WEIGHTS[code] ×
  strictness × confidence` points (error 15, warning 6, suggestion 2; rule weight 1 unless
  listed; strictness below).
- A few rules report a whole-document gap rather than one phrase (no severity, no impact
  duration, no impact numbers, no evidence links, no owner …); `RULE_WEIGHTS` multiplies their
  cost, so that a document with no metrics at all cannot keep a high metrics score.
- Strictness follows the incident's severity. A document held to the full bar (config
  `full_bar_severities`, SEV-1 and SEV-2 by default; `full_bar_when_unknown` for documents with
  no severity) pays the full cost. Below the full bar, warnings and suggestions cost
  `BELOW_FULL_BAR_FACTOR` (½) of it; errors always cost in full. (Which *rules* run below the
  full bar is decided before scoring: rules marked `full_bar_only` do not run there.)
- One rule costs a dimension at most `RULE_CAP` (30) points, so a single repeated problem
  cannot zero a score; the costliest findings of a rule are counted first.
- A dimension scores `100 − its costs`, never below 0. The overall score is the mean of the
  dimensions weighted by `DIMENSION_WEIGHTS` (equal: blame, time, metrics, detail).

Every finding carries the points it cost (`Finding.points`), and `Scores.breakdown` lists, per
dimension, each rule with its findings and points, so a reader of the JSON can add them up:
`dimensions[d] == 100 − sum(points of breakdown[d])` (up to rounding, and the floor at 0).
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from reviewer.findings import Dimension, Finding, Severity

SEVERITY_POINTS = {Severity.ERROR: 15.0, Severity.WARNING: 6.0, Severity.SUGGESTION: 2.0}
RULE_CAP = 30.0
BELOW_FULL_BAR_FACTOR = 0.5
# Whole-document gaps: the figure or the field is missing everywhere, not in one sentence.
RULE_WEIGHTS: dict[str, float] = {
    "PM401": 2.0,  # missing-severity
    "PM402": 2.5,  # missing-impact-duration
    "PM403": 1.5,  # missing-time-to-detect
    "PM404": 1.5,  # missing-time-to-resolve
    "PM405": 2.5,  # missing-impact-numbers
    "PM505": 2.0,  # missing-evidence-links
    "PM507": 2.0,  # no-action-items
    "PM512": 1.5,  # missing-owner
}
DIMENSION_WEIGHTS = {Dimension.BLAME: 0.25, Dimension.TIME: 0.25, Dimension.METRICS: 0.25, Dimension.DETAIL: 0.25}


class RuleCost(BaseModel):
    """What one rule cost one dimension."""

    code: str
    name: str
    findings: int
    points: float
    capped: bool = False  # the rule reached RULE_CAP; further findings cost nothing


class Scores(BaseModel):
    overall: float
    dimensions: dict[Dimension, float]
    weights: dict[Dimension, float] = Field(default_factory=lambda: dict(DIMENSION_WEIGHTS))
    rule_weights: dict[str, float] = Field(default_factory=lambda: dict(RULE_WEIGHTS))
    full_bar: bool = True  # held to the full bar (by severity, per config)
    severity_factor: dict[Severity, float] = Field(
        default_factory=lambda: {s: 1.0 for s in Severity})  # cost multiplier applied per finding severity
    breakdown: dict[Dimension, list[RuleCost]] = Field(default_factory=dict)


def severity_factors(full_bar: bool) -> dict[Severity, float]:
    if full_bar:
        return {s: 1.0 for s in Severity}
    return {Severity.ERROR: 1.0, Severity.WARNING: BELOW_FULL_BAR_FACTOR, Severity.SUGGESTION: BELOW_FULL_BAR_FACTOR}


def finding_cost(finding: Finding, factors: dict[Severity, float]) -> float:
    confidence = max(0.0, min(1.0, finding.confidence))
    return SEVERITY_POINTS[finding.severity] * RULE_WEIGHTS.get(finding.code, 1.0) * factors[finding.severity] * confidence


def score(findings: list[Finding], *, full_bar: bool = True) -> Scores:
    """Set each finding's `points` and return the scores (see the module docstring for the weights)."""
    factors = severity_factors(full_bar)
    spent: dict[tuple[Dimension, str], float] = defaultdict(float)
    counted: dict[tuple[Dimension, str], int] = defaultdict(int)
    names: dict[str, str] = {}
    capped: set[tuple[Dimension, str]] = set()
    lost: dict[Dimension, float] = defaultdict(float)
    for finding in sorted(findings, key=lambda f: (-finding_cost(f, factors), f.start, f.code)):
        key = (finding.dimension, finding.code)
        full = finding_cost(finding, factors)
        cost = max(0.0, min(full, RULE_CAP - spent[key]))
        if cost < full:
            capped.add(key)
        spent[key] += cost
        counted[key] += 1
        names[finding.code] = finding.name
        lost[finding.dimension] += cost
        finding.points = round(cost, 2)
    dimensions = {d: round(max(0.0, 100.0 - lost[d]), 1) for d in Dimension}
    overall = sum(dimensions[d] * w for d, w in DIMENSION_WEIGHTS.items()) / sum(DIMENSION_WEIGHTS.values())
    breakdown: dict[Dimension, list[RuleCost]] = {d: [] for d in Dimension}
    for (dimension, code), points in sorted(spent.items(), key=lambda item: (-item[1], item[0][1])):
        breakdown[dimension].append(RuleCost(code=code, name=names[code], findings=counted[(dimension, code)],
                                             points=round(points, 2), capped=(dimension, code) in capped))
    return Scores(overall=round(overall, 1), dimensions=dimensions, full_bar=full_bar, severity_factor=factors,
                  breakdown=breakdown)
