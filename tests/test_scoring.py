"""Scores: documented weights, severity-aware strictness, explainable points."""

import json
from pathlib import Path

import pytest

from reviewer.config import Config
from reviewer.findings import Dimension, Finding, Severity
from reviewer.scoring import BELOW_FULL_BAR_FACTOR, RULE_CAP, SEVERITY_POINTS, score

FIXTURES = Path(__file__).parent / "fixtures"


def finding(code="PM501", dimension=Dimension.DETAIL, severity=Severity.WARNING, start=0, confidence=1.0):
    return Finding(code=code, name=code.lower(), dimension=dimension, severity=severity, message="m", start=start,
                   end=start, confidence=confidence)


def test_no_findings_scores_100():
    scores = score([])
    assert scores.overall == 100 and all(v == 100 for v in scores.dimensions.values())


def test_points_add_up_to_what_each_dimension_lost():
    findings = [finding(start=i) for i in range(3)] + [
        finding("PM402", Dimension.METRICS, Severity.ERROR), finding("PM201", Dimension.BLAME, Severity.SUGGESTION)]
    scores = score(findings)
    for dimension in Dimension:
        lost = sum(f.points for f in findings if f.dimension == dimension)
        assert scores.dimensions[dimension] == pytest.approx(100 - lost, abs=0.1)
        assert sum(c.points for c in scores.breakdown[dimension]) == pytest.approx(lost, abs=0.01)
    assert scores.overall == pytest.approx(sum(scores.dimensions.values()) / 4, abs=0.1)


def test_one_rule_is_capped():
    findings = [finding(severity=Severity.ERROR, start=i) for i in range(5)]
    scores = score(findings)
    assert scores.dimensions[Dimension.DETAIL] == 100 - RULE_CAP
    [cost] = scores.breakdown[Dimension.DETAIL]
    assert cost.capped and cost.findings == 5 and cost.points == RULE_CAP
    assert sorted(f.points for f in findings) == [0, 0, 0, 15, 15]


def test_confidence_scales_the_cost():
    [f] = [finding(confidence=0.5)]
    score([f])
    assert f.points == SEVERITY_POINTS[Severity.WARNING] * 0.5


def test_below_the_full_bar_warnings_cost_less_errors_do_not():
    warning, error = finding(), finding("PM102", severity=Severity.ERROR)
    scores = score([warning, error], full_bar=False)
    assert warning.points == SEVERITY_POINTS[Severity.WARNING] * BELOW_FULL_BAR_FACTOR
    assert error.points == SEVERITY_POINTS[Severity.ERROR]
    assert scores.full_bar is False


def test_review_scores_by_the_documents_severity(review_text):
    body = "\n# X\n\n## Summary\nCheckout failed.\n"
    sev1 = review_text("---\nseverity: SEV-1\n---" + body, select=["PM5"])
    sev4 = review_text("---\nseverity: SEV-4\n---" + body, select=["PM5"])
    assert sev1.scores.full_bar and not sev4.scores.full_bar
    assert sev4.scores.dimensions[Dimension.DETAIL] > sev1.scores.dimensions[Dimension.DETAIL]


def test_well_filled_document_scores_at_least_95(review_text):
    review = review_text((FIXTURES / "detail_good_sev2.md").read_text(encoding="utf-8"))
    assert review.scores.full_bar  # SEV-2: held to the full bar
    assert review.scores.overall >= 95, [(f.code, f.message) for f in review.findings]


def test_weak_draft_scores_well_below_the_good_one(review_text):
    good = review_text((FIXTURES / "detail_good_sev2.md").read_text(encoding="utf-8"))
    weak = review_text((FIXTURES / "detail_weak_sev1.md").read_text(encoding="utf-8"))
    assert weak.scores.overall < good.scores.overall - 15
    assert weak.scores.dimensions[Dimension.DETAIL] < 60 and weak.scores.dimensions[Dimension.METRICS] < 80


def test_fail_under_overall_and_per_dimension(review_text):
    weak = review_text((FIXTURES / "detail_weak_sev1.md").read_text(encoding="utf-8"), select=["PM4", "PM5"])
    # The metrics and detail rules only warn, so without a score bar the draft passes.
    assert not any(f.severity == Severity.ERROR for f in weak.findings)
    assert not weak.fails(Config())
    assert weak.fails(Config(fail_under=weak.scores.overall + 1))
    assert not weak.fails(Config(fail_under=max(0.0, weak.scores.overall - 1)))
    detail = weak.scores.dimensions[Dimension.DETAIL]
    assert weak.fails(Config(fail_under_dimension={"detail": detail + 1}))
    assert not weak.fails(Config(fail_under_dimension={"detail": detail - 1}))


def test_scores_in_json_show_what_each_rule_cost(review_text):
    review = review_text((FIXTURES / "detail_weak_sev1.md").read_text(encoding="utf-8"), select=["PM4", "PM5"])
    data = json.loads(review.scores.model_dump_json())
    detail = data["breakdown"]["detail"]
    assert {c["code"] for c in detail} >= {"PM501", "PM503", "PM508"}
    assert sum(c["points"] for c in detail) == pytest.approx(100 - data["dimensions"]["detail"], abs=0.1)


def test_whole_document_gaps_weigh_more_than_one_phrase():
    from reviewer.scoring import RULE_WEIGHTS

    gap, phrase = finding("PM402", Dimension.METRICS), finding("PM406", Dimension.METRICS, start=5)
    scores = score([gap, phrase])
    assert gap.points == SEVERITY_POINTS[Severity.WARNING] * RULE_WEIGHTS["PM402"] > phrase.points
    assert scores.rule_weights["PM402"] == RULE_WEIGHTS["PM402"]  # the weights travel with the scores
