"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF consumers.

One run. `tool.driver.rules` describes every registered rule (id, name, descriptions, the rule
doc as help text and Markdown, default level); each result points at its rule by `ruleId`
and `ruleIndex`.

Units. SARIF counts columns in UTF-16 code units unless the run says otherwise; the run says
`columnKind: utf16CodeUnits` explicitly and columns, `charOffset` and `charLength` are all
UTF-16 code units (an emoji before a span moves it by two). Lines are 1-based; `endColumn` is
the column just after the span. The run lists its line terminators (`\\r\\n`, `\\n`, `\\r`)
in `newlineSequences`, since SARIF's default does not count a lone `\\r`.

A document-level finding (a missing section, reported at 0:0) points at line 1, column 1 with
an empty region: GitHub needs a line for every result. Files that could not be reviewed are
reported as error notifications of the invocation (`toolExecutionNotifications`) and make
`executionSuccessful` false. Replacements become `fixes` (one alternative fix each); the
finding's fingerprint becomes `partialFingerprints["pmreview/v1"]`, stable across unrelated
edits, so code scanning tracks a finding as the document changes.

Each rule's `helpUri` is its page on the pmreview service when the run knows the service's URL
(`--server-url`, `PMREVIEW_SERVER_URL`), else its section of `docs/rules.md` in the project's
repository. The driver has a `fullName`; the run an `automationDetails.id` whose category is
`pmreview/` (GitHub code scanning keeps alerts per category). Paths inside a git work tree are
relative to its root (uriBaseId `%SRCROOT%`), whatever the working folder, which is how code
scanning matches them to files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from reviewer import __version__
from reviewer.findings import Finding, Severity
from reviewer.output.common import (
    STDIN_PATH,
    RunOptions,
    display_path,
    is_relative,
    jsonable,
    one_line,
    rule_page,
    safe_text,
    uri_path,
)
from reviewer.output.positions import LineIndex, is_document_level

if TYPE_CHECKING:
    from reviewer.rules.base import Rule
    from reviewer.review import Review

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
DISTRIBUTION = "postmortem-reviewer"
FINGERPRINT_KEY = "pmreview/v1"
SOURCE_ROOT = "%SRCROOT%"
AUTOMATION_CATEGORY = "pmreview/"
RULE_DOCS_PATH = "/blob/HEAD/docs/rules.md"  # written by `pmreview rules --format markdown`
PYPI_PAGE = f"https://pypi.org/project/{DISTRIBUTION}/"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "note"}
# GitHub code scanning reads `problem.severity` to rank alerts (error / warning / recommendation).
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "recommendation"}


def render(reviews: Sequence[Review], *, color: bool = False, options: RunOptions | None = None) -> str:
    return json.dumps(sarif_log(reviews, options), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def sarif_log(reviews: Sequence[Review], options: RunOptions | None = None) -> dict[str, Any]:
    from reviewer.rules.base import all_rules

    options = options or RunOptions()
    rules = dict(all_rules())
    # A finding whose rule is not registered (a plugin since removed) still needs a descriptor.
    extra = sorted({f.code for r in reviews for f in r.findings if f.code not in rules})
    descriptors = [_rule_descriptor(rule, options.rules_url) for rule in rules.values()]
    descriptors += [_unknown_rule_descriptor(code, reviews) for code in extra]
    roots = RepositoryRoots()
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}

    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}  # the same file given twice is one artifact
    for review in reviews:
        uri = _uri(display_path(review), roots)
        if review.error:
            notifications.append({
                "level": "error",
                "message": {"text": safe_text(review.error)},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(uri)}}],
            })
            continue
        index = LineIndex(review.text or "")
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            artifacts.append({"location": _artifact_location(uri), "encoding": "utf-8"})
        for finding in review.findings:
            results.append(_result(finding, uri, index, rule_index, artifact_index[uri]))

    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "pmreview",
            "fullName": f"pmreview {__version__} (postmortem reviewer)",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": _information_uri(),
            "rules": descriptors,
        }},
        "invocations": [{
            "executionSuccessful": not notifications,
            "toolExecutionNotifications": notifications,
        }],
        # GitHub code scanning keeps one set of alerts per category: pmreview's own.
        "automationDetails": {"id": AUTOMATION_CATEGORY + os.environ.get("GITHUB_RUN_ID", "")},
        "artifacts": artifacts,
        "results": results,
        "columnKind": "utf16CodeUnits",
        "newlineSequences": ["\r\n", "\n", "\r"],
    }
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _result(finding: Finding, uri: str, index: LineIndex, rule_index: dict[str, int], artifact: int) -> dict[str, Any]:
    region = _region(index, finding.start, finding.end)
    location = {"physicalLocation": {"artifactLocation": {**_artifact_location(uri), "index": artifact},
                                     "region": region}}
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index[finding.code],
        "level": LEVEL[finding.severity],
        "message": {"text": safe_text(finding.message) or finding.code},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint or _fallback_fingerprint(finding)},
        "properties": jsonable({
            "name": finding.name,
            "dimension": finding.dimension,
            "severity": finding.severity,
            "confidence": finding.confidence,
            "points": finding.points,
            "section": finding.section,
            "sectionKind": finding.section_kind,
            "documentLevel": is_document_level(finding.start, finding.end),
            "start": finding.start,  # the code-point offsets pmreview itself uses
            "end": finding.end,
        }),
    }
    fixes = _fixes(finding, uri, index)
    if fixes:
        result["fixes"] = fixes
    return result


def _region(index: LineIndex, start: int, end: int) -> dict[str, int]:
    start = index.clamp(start)
    end = max(start, index.clamp(end))
    start_line, start_column = index.line_col_utf16(start)
    end_line, end_column = index.line_col_utf16(end)
    return {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
        "charOffset": index.utf16_offset(start),
        "charLength": index.utf16_length(start, end),
    }


def _fixes(finding: Finding, uri: str, index: LineIndex) -> list[dict[str, Any]]:
    """One fix per replacement: each replaces the finding's span. None for document-level findings."""
    if is_document_level(finding.start, finding.end) or not finding.replacements:
        return []
    deleted = _region(index, finding.start, finding.end)
    return [{
        "description": {"text": f"Replace with: {safe_text(one_line(replacement))}"},
        "artifactChanges": [{
            "artifactLocation": _artifact_location(uri),
            "replacements": [{"deletedRegion": deleted, "insertedContent": {"text": safe_text(replacement)}}],
        }],
    } for replacement in finding.replacements]


def _rule_descriptor(rule: Rule, rules_url: str | None) -> dict[str, Any]:
    doc = safe_text(rule.doc())
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": safe_text(rule.summary)},
        "fullDescription": {"text": safe_text(one_line(rule.what) or rule.summary)},
        "help": {"text": doc, "markdown": doc},
        "helpUri": help_uri(rule.code, rules_url),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": sorted({"postmortem", rule.category, rule.dimension.value}),
            "dimension": rule.dimension.value,
            "problem.severity": PROBLEM_SEVERITY[rule.severity],
        },
    }


def _unknown_rule_descriptor(code: str, reviews: Sequence[Review]) -> dict[str, Any]:
    finding = next(f for r in reviews for f in r.findings if f.code == code)
    return {
        "id": code,
        "name": finding.name,
        "shortDescription": {"text": safe_text(finding.name)},
        "fullDescription": {"text": f"{code} {safe_text(finding.name)} (not a rule of this pmreview version)."},
        "help": {"text": f"{code} {safe_text(finding.name)}: not a rule of this pmreview version.",
                 "markdown": f"# {code} {safe_text(finding.name)}\n\nNot a rule of this pmreview version."},
        "defaultConfiguration": {"level": LEVEL[finding.severity]},
        "properties": {"tags": [finding.dimension.value], "dimension": finding.dimension.value},
    }


def help_uri(code: str, rules_url: str | None) -> str:
    """The rule's page on the configured pmreview service, else its section of the rule docs."""
    if rules_url:
        return rule_page(rules_url, code)
    repository = _repository_uri()
    if repository is None:  # no repository in the package metadata: the project page, which links the docs
        return _information_uri()
    return f"{repository}{RULE_DOCS_PATH}#{code.lower()}"


class RepositoryRoots:
    """The git work tree (toplevel) a file is in, found once per folder by looking for `.git`.

    GitHub code scanning matches a result to a file by its path from the repository root, so a
    run from a subfolder (or on absolute paths) must still report `docs/pm.md`, not `pm.md`.
    """

    def __init__(self) -> None:
        self._by_folder: dict[str, str | None] = {}

    def toplevel(self, folder: str) -> str | None:
        if folder not in self._by_folder:
            parent = os.path.dirname(folder)
            if os.path.exists(os.path.join(folder, ".git")):
                self._by_folder[folder] = folder
            else:
                self._by_folder[folder] = None if parent == folder else self.toplevel(parent)
        return self._by_folder[folder]

    def relative(self, path: str) -> str | None:
        """`path` from its repository's root (forward slashes), or None outside a repository."""
        if path == STDIN_PATH:
            return None
        absolute = os.path.realpath(path)
        top = self.toplevel(os.path.dirname(absolute))
        if top is None:
            return None
        return os.path.relpath(absolute, top).replace(os.sep, "/")


def _uri(path: str, roots: RepositoryRoots | None = None) -> str:
    """A URI reference: relative paths stay relative (forward slashes, percent-encoded).

    Inside a git work tree the path is taken from its root, whatever the working folder.
    """
    in_repository = roots.relative(path) if roots is not None else None
    path = in_repository or uri_path(path)
    if is_relative(path):
        return quote(path, safe="/")
    if path.startswith("/"):
        return "file://" + quote(path, safe="/")
    return "file:///" + quote(path, safe="/:")  # a Windows drive path


def _artifact_location(uri: str) -> dict[str, Any]:
    if uri.startswith("file:"):
        return {"uri": uri}
    return {"uri": uri, "uriBaseId": SOURCE_ROOT}


def _fallback_fingerprint(finding: Finding) -> str:
    from reviewer.findings import fingerprint

    return fingerprint(finding.code, finding.section_kind, finding.message, 0)


@lru_cache(maxsize=1)
def _project_urls() -> dict[str, str]:
    """The installed package's Project-URL entries, by lower-case label."""
    try:
        meta = metadata.metadata(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return {}
    urls = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if url.strip():
            urls[label.strip().lower()] = url.strip()
    if meta.get("Home-page"):
        urls.setdefault("home-page", meta["Home-page"])
    return urls


def _information_uri() -> str:
    """The project's home page from the installed package's metadata, else its PyPI page."""
    urls = _project_urls()
    for label in ("homepage", "home", "source", "repository", "home-page"):
        if label in urls:
            return urls[label]
    return PYPI_PAGE


def _repository_uri() -> str | None:
    urls = _project_urls()
    for label in ("repository", "source", "homepage", "home"):
        if urls.get(label, "").startswith(("https://github.com/", "https://gitlab.com/")):
            return urls[label].rstrip("/")
    return None
