"""Every rule has should-flag and should-pass examples, and each example does what it says."""

import pytest

from reviewer.rules.base import all_rules

# Reported by the engine itself when a rule raises; it cannot have a document that flags it.
ENGINE_ONLY = {"PM002"}

RULES = all_rules()


def test_codes_and_names_are_well_formed():
    import re

    for code, rule in RULES.items():
        assert re.fullmatch(r"PM\d{3}", code), code
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.what and rule.why and rule.example and rule.use_instead, code


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_has_examples(code):
    rule = RULES[code]
    assert rule.should_pass, f"{code} has no should-pass example"
    if code not in ENGINE_ONLY:
        assert rule.should_flag, f"{code} has no should-flag example"


@pytest.mark.parametrize("code,index", [(c, i) for c, r in sorted(RULES.items()) for i in range(len(r.should_flag))])
def test_should_flag(code, index, review_text):
    review = review_text(RULES[code].should_flag[index], select=[code])
    assert any(f.code == code for f in review.findings), f"{code} did not flag example {index}"


@pytest.mark.parametrize("code,index", [(c, i) for c, r in sorted(RULES.items()) for i in range(len(r.should_pass))])
def test_should_pass(code, index, review_text):
    review = review_text(RULES[code].should_pass[index], select=[code])
    flagged = [f for f in review.findings if f.code == code]
    assert not flagged, f"{code} flagged should-pass example {index}: {[f.message for f in flagged]}"
