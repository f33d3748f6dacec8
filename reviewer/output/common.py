"""What several output formats share: paths, severity counts, text that is safe to emit."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from reviewer.findings import Severity

if TYPE_CHECKING:
    from reviewer.review import Review

STDIN_PATH = "-"

# Python strings may carry lone surrogates (text built in memory, not read from UTF-8);
# they cannot be encoded, so every format replaces them before it emits anything.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 control characters but tab and newline: on a terminal they could move the
# cursor or recolour the screen (a document could carry ESC sequences).
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def display_path(review: Review) -> str:
    """The path as the user gave it; '-' for stdin."""
    return review.path if review.path else STDIN_PATH


def uri_path(path: str) -> str:
    """A path for formats that want forward slashes, relative to the working folder when it is inside it."""
    if path == STDIN_PATH:
        return path
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            relative = path
        if not relative.startswith(".."):
            path = relative
    path = path.replace(os.sep, "/") if os.sep != "/" else path
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def is_relative(path: str) -> bool:
    return not (os.path.isabs(path) or PurePath(path).is_absolute() or re.match(r"^[A-Za-z]:[/\\]", path))


def safe_text(text: str) -> str:
    """Text that can be encoded as UTF-8: lone surrogates become U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", text) if text else text


def terminal_text(text: str) -> str:
    """Text safe to print on a terminal: control characters (ESC, …) shown as U+FFFD."""
    return _TERMINAL_CONTROL.sub("\ufffd", safe_text(text))


def one_line(text: str) -> str:
    """Text on one line (for a message quoted in a one-line format)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Summary:
    """Counts over every file of a run."""

    files: int
    errored: int
    findings: int
    errors: int
    warnings: int
    suggestions: int
    suppressed: int

    def as_dict(self) -> dict[str, int]:
        return {"files": self.files, "errored": self.errored, "findings": self.findings, "errors": self.errors,
                "warnings": self.warnings, "suggestions": self.suggestions, "suppressed": self.suppressed}


def summarize(reviews: Sequence[Review]) -> Summary:
    counts = {severity: 0 for severity in Severity}
    for review in reviews:
        for finding in review.findings:
            counts[finding.severity] += 1
    return Summary(files=len(reviews), errored=sum(1 for r in reviews if r.error),
                   findings=sum(counts.values()), errors=counts[Severity.ERROR], warnings=counts[Severity.WARNING],
                   suggestions=counts[Severity.SUGGESTION], suppressed=sum(r.suppressed or 0 for r in reviews))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def jsonable(value: Any) -> Any:
    """A value json.dumps can write as strict JSON: no NaN/Infinity, no lone surrogates, no objects.

    Facts come from many modules; one that returns a date or a model must not break the report.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {safe_text(str(jsonable(k))): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return jsonable(dump(mode="json"))
    return safe_text(str(value))


def is_http_url(value: object) -> bool:
    """An http:// or https:// URL (what a service URL for rule links must be)."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def rule_page(base_url: str, code: str) -> str:
    """The `/rules/CODE` page of the pmreview service at `base_url` (SARIF help, LSP code links)."""
    return f"{base_url.rstrip('/')}/rules/{quote(code)}"


@dataclass(frozen=True)
class RunOptions:
    """What a run knows beyond its reviews, for the formats that report it.

    `fail_on_never`: `--fail-on never` was given (findings fail nothing; score bars still do).
    `elapsed`: seconds the run took (JUnit `time`). `rules_url`: the base URL of a running
    pmreview service, whose `/rules/CODE` pages SARIF links as each rule's help.
    """

    fail_on_never: bool = False
    elapsed: float | None = None
    rules_url: str | None = None


@dataclass(frozen=True)
class Gate:
    """What fails the CI gate for one review: the one definition the exit code and the reports share.

    A finding fails when its severity reaches the file's `fail-on` (never with `--fail-on never`);
    a score fails when it is under `fail-under` / `fail-under-dimension`, whatever `fail-on` says.
    """

    fail_on: Severity | None
    fail_under: float | None
    fail_under_dimension: dict

    @classmethod
    def of(cls, review: Review, options: RunOptions | None = None, fallback: Any = None) -> Gate:
        config = review.config or fallback
        if config is None:
            from reviewer.config import Config

            config = Config()
        return cls.for_config(config, never=options is not None and options.fail_on_never)

    @classmethod
    def for_config(cls, config: Any, *, never: bool = False) -> Gate:
        return cls(fail_on=None if never else config.fail_on, fail_under=config.fail_under,
                   fail_under_dimension=dict(config.fail_under_dimension))

    def finding_fails(self, finding: Any) -> bool:
        return self.fail_on is not None and finding.severity.rank >= self.fail_on.rank

    def score_failures(self, review: Review) -> list[str]:
        """One line per score under its bar ("overall 62.5 is under the bar of 70")."""
        if review.scores is None:
            return []
        failures = []
        if self.fail_under is not None and review.scores.overall < self.fail_under:
            failures.append(f"overall score {review.scores.overall:.1f} is under the bar of {self.fail_under:g}")
        for dimension, bar in self.fail_under_dimension.items():
            value = review.scores.dimensions.get(dimension)
            if value is not None and value < bar:
                name = getattr(dimension, "value", dimension)
                failures.append(f"{name} score {value:.1f} is under the bar of {bar:g}")
        return failures

    def fails(self, review: Review) -> bool:
        if review.error:
            return True
        return any(self.finding_fails(f) for f in review.findings) or bool(self.score_failures(review))
