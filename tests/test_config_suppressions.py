"""Configuration files, rule selection, severity overrides, and in-document suppressions."""

from pathlib import Path

import pytest

from reviewer.config import Config, find_config, read_file
from reviewer.errors import ConfigError
from reviewer.findings import Severity
from reviewer.review import Reviewer

THIN = "# Outage\n\n## Summary\nThe API was down.\n"


def review(text, **config):
    return Reviewer(Config(**config)).review(text)


def codes(result):
    return [f.code for f in result.findings]


def test_select_and_ignore_by_code_and_prefix():
    assert set(codes(review(THIN, select=["PM1"]))) == {"PM101", "PM104"}
    assert codes(review(THIN, select=["PM1"], ignore=["PM101"])) == ["PM104"]
    # a more specific select wins over a broader ignore, like ruff
    assert codes(review(THIN, select=["PM104"], ignore=["PM1"])) == ["PM104"]


def test_severity_override():
    result = review(THIN, select=["PM104"], severity={"pm104": "suggestion"})
    assert [f.severity for f in result.findings] == [Severity.SUGGESTION]


def test_required_sections_follow_severity():
    sev3 = "---\nseverity: SEV-3\n---\n" + THIN
    sev1 = "---\nseverity: SEV-1\n---\n" + THIN
    missing3 = {f.data["section_kind"] for f in review(sev3, select=["PM101"]).findings}
    missing1 = {f.data["section_kind"] for f in review(sev1, select=["PM101"]).findings}
    assert "detection" not in missing3 and {"detection", "resolution", "lessons"} <= missing1
    custom = review(sev3, select=["PM101"], required_sections=["summary", "five_whys"])
    assert [f.data["section_kind"] for f in custom.findings] == ["five_whys"]


def test_config_file_found_upwards_and_pyproject(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.pmreview]\nignore = ["PM104"]\nfail-under = 80\n')
    nested = tmp_path / "docs" / "postmortems"
    nested.mkdir(parents=True)
    config = find_config(nested / "a.md")
    assert config.ignore == ["PM104"] and config.fail_under == 80
    assert config.source.endswith("pyproject.toml")
    (nested / ".pmreview.toml").write_text('select = ["PM1"]\n')
    assert find_config(nested / "a.md").select == ["PM1"]


def test_pyproject_without_section_is_skipped(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(tmp_path).source is None


@pytest.mark.parametrize("content,message", [
    ('selec = ["PM1"]', "selec"),
    ('fail_under = 140', "fail_under"),
    ('fail_on = "fatal"', "fail_on"),
    ('select = [', "not valid TOML"),
])
def test_bad_config_is_a_clear_error(tmp_path: Path, content, message):
    path = tmp_path / ".pmreview.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        read_file(path)


def test_suppressions_line_next_line_region_file():
    text = (
        "# Outage\n\n## Root cause\nTBD <!-- pmreview-disable-line PM103 -->\n"
        "<!-- pmreview-disable-next-line PM103 -->\nTODO\n"
        "<!-- pmreview-disable PM103 -->\nFIXME\n<!-- pmreview-enable -->\nXXX\n"
    )
    result = review(text, select=["PM103"])
    assert [text[f.start : f.end] for f in result.findings] == ["XXX"]
    assert result.suppressed == 3
    whole = review("<!-- pmreview-disable-file PM1 -->\n" + THIN, select=["PM1", "PM001"])
    assert codes(whole) == [] and whole.suppressed == 4  # 3 missing sections + no timeline


def test_unused_suppressions_are_reported():
    text = "# Outage\n\n## Root cause\nA bad deploy. <!-- pmreview-disable-line PM103 -->\n"
    result = review(text, select=["PM103", "PM001"])
    assert codes(result) == ["PM001"]
    assert text[result.findings[0].start : result.findings[0].end].startswith("<!-- pmreview-disable-line")
    # a suppression for a rule that did not run is not judged
    assert codes(review(text, select=["PM104", "PM001"])) == ["PM104"]


def test_suppression_with_prefix_code():
    text = "<!-- pmreview-disable-file PM10 -->\n" + THIN
    assert codes(review(text, select=["PM1"])) == []


def test_fingerprints_are_stable_across_unrelated_edits():
    before = review(THIN + "\nTBD\n", select=["PM103"]).findings
    after = review("Preface paragraph.\n\n" + THIN + "\nTBD\n", select=["PM103"]).findings
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]
    assert before[0].start != after[0].start


def test_a_failing_rule_does_not_end_the_review(monkeypatch):
    from reviewer.rules import base

    rules = base.all_rules()
    broken = rules["PM103"]
    monkeypatch.setitem(base.REGISTRY, "PM103", base.Rule(**{**{f: getattr(broken, f) for f in broken.__dataclass_fields__},
                                                          "check": lambda ctx: 1 / 0}))
    result = review(THIN, select=["PM1", "PM002"])
    assert "PM002" in codes(result) and "PM101" in codes(result)


def test_document_too_large_is_an_error_not_a_crash():
    result = review("x" * 50, max_chars=10)
    assert result.error and "above the limit" in result.error and result.findings == []


def test_config_merged_validates_overrides():
    with pytest.raises(ConfigError):
        Config().merged({"fail_under": 500})
    assert Config().merged({"select": ["pm2"]}).select == ["PM2"]
