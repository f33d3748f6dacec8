"""CI reports that agree with the gate: JUnit (junitparser, junit-10.xsd) and SARIF for code scanning.

The JUnit dialect is the Jenkins xUnit plugin's `junit-10.xsd` (what Surefire writes and most
viewers read). `check_junit10_structure` encodes that schema's elements, attributes and time
pattern by hand, so it runs everywhere; when the schema file itself is at hand
(`PMREVIEW_JUNIT_XSD=/path/junit-10.xsd`, or `tests/schemas/junit-10.xsd`) the report is also
validated against it with xmlschema.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import JUnitXml
from typer.testing import CliRunner

from reviewer.cli import app
from reviewer.config import Config
from reviewer.findings import Dimension, Finding, Severity
from reviewer.output import RunOptions, render
from reviewer.output.common import Gate
from reviewer.review import Review
from reviewer.scoring import score

TEXT = "# Outage\n\n## Timeline\n- 10:02 Dave forgot to renew it. TBD\n- 10:30 fixed\n"

# junit-10.xsd, element by element: (required attributes, optional attributes, allowed children).
RESULT = (set(), {"type", "message"}, set())
JUNIT10 = {
    "testsuites": (set(), {"name", "time", "tests", "failures", "errors"}, {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors"},
                  {"group", "time", "skipped", "timestamp", "hostname", "id", "package", "file", "log", "url"},
                  {"testsuite", "properties", "testcase", "system-out", "system-err"}),
    "properties": (set(), set(), {"property"}),
    "property": ({"name", "value"}, set(), set()),
    "testcase": ({"name"}, {"time", "classname", "group"},
                 {"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError",
                  "system-out", "system-err"}),
    "failure": RESULT, "error": RESULT, "skipped": RESULT,
    "system-out": (set(), set(), set()), "system-err": (set(), set(), set()),
}
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")


def check_junit10_structure(xml: str) -> None:
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.tag == "testsuites"
    for element in root.iter():
        assert element.tag in JUNIT10, f"<{element.tag}> is not in junit-10.xsd"
        required, optional, children = JUNIT10[element.tag]
        assert required <= set(element.attrib), f"<{element.tag}> lacks {required - set(element.attrib)}"
        assert set(element.attrib) <= required | optional, \
            f"<{element.tag}> has {set(element.attrib) - required - optional}, not allowed by junit-10.xsd"
        for child in element:
            assert child.tag in children, f"<{child.tag}> inside <{element.tag}>"
        if element.tag in ("testsuites", "testsuite") and "time" in element.attrib:
            assert SUREFIRE_TIME.fullmatch(element.get("time")), element.get("time")


def junit10_schema():
    candidates = [os.environ.get("PMREVIEW_JUNIT_XSD"), str(Path(__file__).parent / "schemas" / "junit-10.xsd")]
    path = next((c for c in candidates if c and Path(c).is_file()), None)
    if path is None:
        return None
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(path)


def finding(code: str, needle: str, severity: Severity, dimension: Dimension = Dimension.BLAME,
            replacements: tuple[str, ...] = ()) -> Finding:
    start = TEXT.index(needle) if needle else 0
    end = start + len(needle)
    return Finding(code=code, name=f"rule-{code.lower()}", dimension=dimension, severity=severity,
                   message=f"{code} says so.", start=start, end=end, replacements=list(replacements))


def review(config: Config | None = None, path: str = "docs/pm.md") -> Review:
    findings = [
        finding("PM101", "", Severity.ERROR, Dimension.DETAIL),
        finding("PM201", "Dave forgot", Severity.WARNING, replacements=("The renewal did not run.",)),
        finding("PM103", "TBD", Severity.ERROR, Dimension.DETAIL),
        finding("PM301", "10:30", Severity.SUGGESTION, Dimension.TIME),
        finding("PM301", "10:30", Severity.SUGGESTION, Dimension.TIME),  # the same rule at the same place
    ]
    return Review(path=path, text=TEXT, findings=findings, scores=score(findings), config=config or Config())


def cases(xml: str) -> dict[str, object]:
    return {case.name: case for suite in JUnitXml.fromstring(xml.encode("utf-8")) for case in suite}


# --- JUnit ------------------------------------------------------------------------------------

def test_junit_fails_only_what_fails_the_gate_and_reports_the_rest():
    xml = render("junit", [review(Config(fail_on=Severity.ERROR))])
    by_name = cases(xml)
    failing = sorted(name for name, case in by_name.items() if case.is_failure)
    assert failing == ["PM101 rule-pm101 at document", "PM103 rule-pm103 at 4:34"]
    warning = by_name["PM201 rule-pm201 at 4:9"]
    assert warning.is_passed and "PM201 [warning]" in warning.system_out
    assert "below the gate, fail-on error" in warning.system_out
    assert "replace with: The renewal did not run." in warning.system_out
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.get("failures") == "2" and root.find("testsuite").get("failures") == "2"


def test_junit_follows_fail_on_warning_and_never():
    warning = cases(render("junit", [review(Config(fail_on=Severity.WARNING))]))
    assert sum(case.is_failure for case in warning.values()) == 3
    never = render("junit", [review(Config(fail_on=Severity.SUGGESTION, fail_under=99))],
                   options=RunOptions(fail_on_never=True))
    by_name = cases(never)
    assert [name for name, case in by_name.items() if case.is_failure] == ["score"]  # bars still count
    assert "under the bar of 99" in by_name["score"].result[0].message


def test_junit_score_case_fails_under_a_dimension_bar_and_scores_are_properties():
    reviewed = review(Config(fail_under_dimension={Dimension.DETAIL: 99.5}))
    xml = render("junit", [reviewed])
    assert cases(xml)["score"].is_failure
    suite = next(iter(JUnitXml.fromstring(xml.encode("utf-8"))))
    properties = {p.name: p.value for p in suite.properties()}
    assert properties["score"] == f"{reviewed.scores.overall:.1f}"
    assert properties["fail-on"] == "error" and properties["fail-under.detail"] == "99.5"


def test_junit_names_are_unique_within_a_suite_and_every_case_has_a_time():
    xml = render("junit", [review(), review(path="docs/other.md")], options=RunOptions(elapsed=1.23456))
    root = ET.fromstring(xml.encode("utf-8"))
    assert root.get("time") == "1.235"
    for suite in root.findall("testsuite"):
        names = [case.get("name") for case in suite.findall("testcase")]
        assert len(names) == len(set(names)) == 6
        assert "PM301 rule-pm301 at 5:3 #2" in names
        assert all(case.get("time") is not None for case in suite.findall("testcase"))
        assert suite.get("time") is not None


def test_junit_matches_the_junit10_schema():
    reports = [
        render("junit", [review(), Review(path="bad.md", text="", error="bad.md is not UTF-8 text (byte 3)"),
                         Review(path="empty.md", text="", scores=score([]))], options=RunOptions(elapsed=0.5)),
        render("junit", []),
    ]
    schema = junit10_schema()
    for xml in reports:
        check_junit10_structure(xml)
        if schema is not None:
            schema.validate(xml)


def test_the_structure_check_rejects_what_junit10_does_not_allow():
    bad = '<testsuites><testsuite name="x" tests="1" failures="0" errors="0">' \
          '<testcase name="a" file="x.md" line="3"/></testsuite></testsuites>'
    with pytest.raises(AssertionError, match="not allowed"):
        check_junit10_structure(bad)


# --- the gate and the exit code -----------------------------------------------------------------

def test_gate_agrees_with_review_fails():
    for config in (Config(), Config(fail_on=Severity.SUGGESTION), Config(fail_under=99),
                   Config(fail_under_dimension={Dimension.TIME: 10})):
        reviewed = review(config)
        assert Gate.of(reviewed).fails(reviewed) == reviewed.fails(config)


BELOW_BAR = "# Outage\n\n## Summary\nThe API was down for a while. TBD\n"


def test_fail_on_never_keeps_the_score_bars(tmp_path: Path):
    doc = tmp_path / "pm.md"
    doc.write_text(BELOW_BAR)
    runner = CliRunner()
    assert runner.invoke(app, ["check", str(doc), "--select", "PM1", "--fail-on", "never"]).exit_code == 0
    under = runner.invoke(app, ["check", str(doc), "--select", "PM1", "--fail-on", "never", "--fail-under", "99.9",
                                "-f", "junit"])
    assert under.exit_code == 1, under.output
    by_name = cases(under.stdout)
    assert by_name["score"].is_failure
    assert not any(case.is_failure for name, case in by_name.items() if name != "score")
    dimension = runner.invoke(app, ["check", str(doc), "--select", "PM1", "--fail-on", "never",
                                    "--fail-under-dimension", "detail=99.9"])
    assert dimension.exit_code == 1


def test_a_junit_report_is_red_exactly_when_the_exit_code_is(tmp_path: Path):
    doc = tmp_path / "pm.md"
    doc.write_text(BELOW_BAR)
    runner = CliRunner()
    for args in (["--fail-on", "error"], ["--fail-on", "suggestion"], ["--fail-on", "never"],
                 ["--fail-on", "never", "--fail-under", "99"]):
        result = runner.invoke(app, ["check", str(doc), "--select", "PM1,PM3", "-f", "junit", *args])
        root = ET.fromstring(result.stdout.encode("utf-8"))
        assert (int(root.get("failures")) > 0) == (result.exit_code == 1), (args, result.exit_code)


# --- SARIF --------------------------------------------------------------------------------------

def sarif(args: list[str], cwd: Path) -> dict:
    import sys

    out = subprocess.run([sys.executable, "-m", "reviewer.cli", "check", *args, "-f", "sarif", "--select", "PM1"],
                         cwd=cwd, capture_output=True, text=True, env={**os.environ, "GITHUB_RUN_ID": ""},
                         timeout=300)
    assert out.returncode in (0, 1), out.stderr[-2000:]
    return json.loads(out.stdout)


def test_sarif_paths_are_relative_to_the_repository_root_whatever_the_working_folder(tmp_path: Path):
    repo = tmp_path / "repo"
    (repo / "docs" / "postmortems").mkdir(parents=True)
    (repo / ".git").mkdir()  # what `git rev-parse --show-toplevel` looks for
    doc = repo / "docs" / "postmortems" / "pm one.md"
    doc.write_text(BELOW_BAR)
    expected = "docs/postmortems/pm%20one.md"
    for cwd, arg in ((repo, "docs/postmortems/pm one.md"), (repo / "docs" / "postmortems", "pm one.md"),
                     (tmp_path, str(doc))):
        log = sarif([arg], cwd)
        run = log["runs"][0]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
        assert uris == {expected}, (cwd, uris)
        assert run["artifacts"][0]["location"] == {"uri": expected, "uriBaseId": "%SRCROOT%"}


def test_sarif_rules_link_their_help_and_the_run_names_its_category():
    log = json.loads(render("sarif", [review()], options=RunOptions(rules_url="https://pm.example.org/")))
    run = log["runs"][0]
    assert run["automationDetails"]["id"].startswith("pmreview/")
    driver = run["tool"]["driver"]
    assert driver["fullName"].startswith("pmreview ")
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["PM201"]["helpUri"] == "https://pm.example.org/rules/PM201"
    assert all(rule["helpUri"].startswith("https://") for rule in driver["rules"])
    default = json.loads(render("sarif", [review()]))["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["helpUri"].startswith("https://") for rule in default)
    assert not any("pm.example.org" in rule["helpUri"] for rule in default)


def test_sarif_help_falls_back_to_the_rule_docs_in_the_repository(monkeypatch):
    from reviewer.output import sarif as sarif_module

    monkeypatch.setattr(sarif_module, "_project_urls", lambda: {"repository": "https://github.com/acme/pmreview"})
    assert sarif_module.help_uri("PM201", None) == "https://github.com/acme/pmreview/blob/HEAD/docs/rules.md#pm201"


def test_docs_rules_md_is_current():
    runner = CliRunner()
    written = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert runner.invoke(app, ["rules", "--format", "markdown"]).stdout == written, \
        "run: pmreview rules --format markdown > docs/rules.md"
    for code in re.findall(r"^## (PM\d{3})$", written, re.M):
        assert f"(#{code.lower()})" in written
