"""Rule docs from the registry (reviewer.rules.base)."""

from __future__ import annotations

from api.rules.schemas import RuleDetail, RuleSummary
from reviewer.output.common import jsonable
from reviewer.rules.base import Rule, all_rules, find_rule


def _summary_fields(rule: Rule) -> dict:
    return dict(code=rule.code, name=rule.name, category=rule.category, dimension=rule.dimension.value,
                severity=rule.severity.value, summary=rule.summary, full_bar_only=rule.full_bar_only,
                needs_nlp=rule.needs_nlp)


def list_rules(category: str | None = None, dimension: str | None = None) -> list[RuleSummary]:
    rules = all_rules().values()
    return [RuleSummary(**_summary_fields(r)) for r in rules
            if (category is None or r.category == category.lower())
            and (dimension is None or r.dimension.value == dimension.lower())]


def rule_detail(code_or_name: str) -> RuleDetail | None:
    rule = find_rule(code_or_name)
    if rule is None:
        return None
    return RuleDetail(**_summary_fields(rule), what=rule.what, why=rule.why, example=rule.example,
                      use_instead=rule.use_instead, should_flag=list(rule.should_flag),
                      should_pass=list(rule.should_pass), options=jsonable(rule.options), doc=rule.doc())
