"""The pipeline in one place: parse → analyse → checks → score.

    reviewer = Reviewer()                       # loads nothing until a check needs spaCy
    result = reviewer.review("# Postmortem ...", path="pm.md")
    results = reviewer.review_many(documents)   # one batched spaCy pass for all of them

Rendering (text, JSON, SARIF, …) lives in reviewer.output; nothing here knows about lines.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewer import facts as facts_registry
from reviewer.budget import Deadline, ReviewTooComplex
from reviewer.config import Config
from reviewer.document import Postmortem, parse
from reviewer.errors import PmreviewError
from reviewer.findings import Finding, Severity, fingerprint
from reviewer.nlp.analysis import Analysis, Analyzer
from reviewer.rules.base import CheckContext, Rule, all_rules
from reviewer.scoring import Scores, score
from reviewer.suppressions import apply_suppressions, read_suppressions

log = logging.getLogger("pmreview")

UNUSED_SUPPRESSION = "PM001"
RULE_FAILED = "PM002"


@dataclass
class Document:
    """One document to review: its text, where it came from and its config."""

    text: str
    path: str | None = None
    config: Config | None = None


@dataclass
class Review:
    path: str | None
    text: str
    findings: list[Finding] = field(default_factory=list)
    scores: Scores | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # metrics, durations, … (see reviewer.facts)
    suppressed: int = 0
    error: str | None = None  # the document could not be reviewed (too large, unreadable)
    postmortem: Postmortem | None = None
    config: Config | None = None
    too_complex: bool = False  # stopped past its time budget (config review_budget_seconds)

    def fails(self, config: Config) -> bool:
        """Does this review fail the bar (`fail_on`, `fail_under`, per dimension)? See `output.common.Gate`."""
        from reviewer.output.common import Gate

        return Gate.for_config(config).fails(self)


class Reviewer:
    def __init__(self, config: Config | None = None, *, analyzer: Analyzer | None = None,
                 analyzer_factory: Callable[[Config], Analyzer] | None = None) -> None:
        self.config = config or Config()
        self._analyzer = analyzer
        self._analyzer_factory = analyzer_factory or _default_analyzer

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = self._analyzer_factory(self.config)
        return self._analyzer

    def review(self, text: str, *, path: str | None = None, config: Config | None = None) -> Review:
        return self.review_many([Document(text, path, config)])[0]

    def review_many(self, documents: Sequence[Document]) -> list[Review]:
        reviews: list[Review] = []
        parsed: list[tuple[Review, Postmortem, Config, list[Rule]]] = []
        for document in documents:
            config = document.config or self.config
            review = Review(path=document.path, text=document.text, config=config)
            reviews.append(review)
            try:
                doc = parse(document.text, max_chars=config.max_chars)
            except PmreviewError as exc:
                review.error = str(exc)
                continue
            review.postmortem = doc
            rules = [r for r in all_rules().values()
                     if config.enabled(r.code) and (not r.full_bar_only or config.needs_full_bar(doc.metadata.severity_level))]
            parsed.append((review, doc, config, rules))

        needs_nlp = {id(item[1]) for item in parsed if any(r.needs_nlp for r in item[3]) or facts_registry.needs_nlp()}
        budgeted = {id(item[1]) for item in parsed if item[2].review_budget_seconds > 0}
        analyses: dict[int, Analysis] = {}
        # Without a budget the documents' blocks go through spaCy in one batch; with one, each
        # document is analysed under its own deadline (a hostile file stops alone).
        batch = [item for item in parsed if id(item[1]) in needs_nlp and id(item[1]) not in budgeted]
        if batch:
            for item, analysis in zip(batch, self.analyzer.analyze_many([item[1] for item in batch])):
                analyses[id(item[1])] = analysis

        for review, doc, config, rules in parsed:
            deadline = Deadline(config.review_budget_seconds)
            try:
                if id(doc) in needs_nlp and id(doc) not in analyses:
                    analyses[id(doc)] = self.analyzer.analyze_many([doc], deadline=deadline)[0]
                self._finish(review, doc, config, rules, analyses.get(id(doc)), deadline)
            except ReviewTooComplex as exc:
                log.warning("review stopped: %s", exc, extra={"fields": {"path": review.path or "<text>"}})
                review.error = str(exc)
                review.too_complex = True
                review.findings, review.scores, review.facts = [], None, {}
        return reviews

    def _finish(self, review: Review, doc: Postmortem, config: Config, rules: list[Rule], analysis: Analysis | None,
                deadline: Deadline) -> None:
        if analysis is not None:
            analysis.deadline = deadline
        findings = self._run_rules(doc, config, rules, analysis, deadline)
        suppressions = read_suppressions(doc)
        findings, review.suppressed = apply_suppressions(findings, suppressions)
        if config.enabled(UNUSED_SUPPRESSION):
            findings.extend(self._unused(doc, config, suppressions))
        findings.sort(key=lambda f: (f.start, f.end, f.code))
        review.scores = score(findings, full_bar=config.needs_full_bar(doc.metadata.severity_level))
        review.findings = cap_findings(findings, config.max_findings_per_rule)
        deadline.check()
        review.facts = facts_registry.compute(doc, analysis, config)

    def _run_rules(self, doc: Postmortem, config: Config, rules: list[Rule], analysis: Analysis | None,
                   deadline: Deadline) -> list[Finding]:
        findings: list[Finding] = []
        seen: Counter[tuple[str, str, str]] = Counter()
        for rule in rules:
            deadline.check()
            ctx = CheckContext(doc=doc, config=config, options=config.rule_options(rule.code, rule.options),
                               analysis=analysis)
            try:
                hits = list(rule.check(ctx))
            except ReviewTooComplex:
                raise
            except Exception as exc:  # noqa: BLE001 - one broken rule must not end the run
                log.exception("rule %s failed", rule.code)
                findings.append(self._finding(doc, all_rules().get(RULE_FAILED, rule), 0, 0,
                                              f"rule {rule.code} failed on this document: {type(exc).__name__}: {exc}",
                                              Severity.WARNING, seen))
                continue
            severity = config.severity.get(rule.code, rule.severity)
            for hit in hits:
                start = max(0, min(hit.start, len(doc.text)))
                end = max(start, min(hit.end, len(doc.text)))
                finding = self._finding(doc, rule, start, end, hit.message, hit.severity or severity, seen)
                if hit.severity is not None and rule.code in config.severity:
                    finding.severity = config.severity[rule.code]
                finding.replacements = [r for r in hit.replacements if isinstance(r, str)]
                finding.confidence = round(float(hit.confidence), 3)
                finding.data = hit.data
                findings.append(finding)
        return findings

    @staticmethod
    def _finding(doc: Postmortem, rule: Rule, start: int, end: int, message: str, severity: Severity,
                 seen: Counter) -> Finding:
        section = doc.section_at(start) if end > start or start > 0 else None
        kind = section.kind.value if section is not None and section.level > 0 else None
        flagged = doc.text[start:end] if end > start else message
        key = (rule.code, kind or "", flagged.strip().lower())
        occurrence = seen[key]
        seen[key] += 1
        return Finding(code=rule.code, name=rule.name, dimension=rule.dimension, severity=severity, message=message,
                       start=start, end=end,
                       section=doc.heading_text(section) if section is not None and section.level > 0 else None,
                       section_kind=kind, fingerprint=fingerprint(rule.code, kind, flagged, occurrence))

    def _unused(self, doc: Postmortem, config: Config, suppressions) -> list[Finding]:
        rule = all_rules()[UNUSED_SUPPRESSION]
        seen: Counter = Counter()
        out = []
        for s in suppressions:
            if s.used:
                continue
            # A suppression only for rules that did not run cannot be judged unused.
            if s.codes and not any(config.enabled(code) or any(r.startswith(code) and config.enabled(r) for r in all_rules())
                                   for code in s.codes):
                continue
            what = ", ".join(s.codes) if s.codes else "every rule"
            out.append(self._finding(doc, rule, s.span.start, s.span.end,
                                     f"Unused suppression: pmreview-{s.kind} for {what} suppressed nothing; remove it.",
                                     config.severity.get(rule.code, rule.severity), seen))
        return out


def cap_findings(findings: list[Finding], limit: int) -> list[Finding]:
    """At most `limit` findings per rule (the first ones by position), then one summary finding
    per rule for the rest, where the first of them stood, carrying the points they cost (so the
    scores still add up). `findings` are sorted by position; 0 means no limit."""
    if limit <= 0:
        return findings
    kept: list[Finding] = []
    over: dict[str, list[Finding]] = {}
    shown: Counter[str] = Counter()
    for finding in findings:
        if shown[finding.code] < limit:
            shown[finding.code] += 1
            kept.append(finding)
        else:
            over.setdefault(finding.code, []).append(finding)
    if not over:
        return findings
    for code, rest in over.items():
        first = rest[0]
        worst = max(rest, key=lambda f: f.severity.rank).severity
        kept.append(Finding(
            code=code, name=first.name, dimension=first.dimension, severity=worst,
            message=f"{len(rest):,} more {code} findings in this document are not shown (at most {limit} per rule: "
                    "max-findings-per-rule); the first is here.",
            start=first.start, end=first.end, section=first.section, section_kind=first.section_kind,
            fingerprint=fingerprint(code, first.section_kind, "more findings", 0),
            points=round(sum(f.points for f in rest), 2), data={"more_findings": len(rest), "limit": limit}))
    kept.sort(key=lambda f: (f.start, f.end, f.code))
    return kept


def _default_analyzer(config: Config) -> Analyzer:
    """The spaCy pipeline and the models the checks use, loaded here once, not inside a check."""
    from reviewer.nlp.blame import load_model
    from reviewer.nlp.pipeline import load_pipeline

    analyzer = Analyzer(load_pipeline(config.nlp_model))
    load_model()  # the blame sentence model, with the spaCy pipeline; a missing one is reported by the blame rules
    return analyzer
